"""The office worklist: open cases with their urgency, filtered, searched, sorted and paged in SQL.

Each case stores its urgency as a rank with the day range it holds for
(rules.urgency_rank_and_change, written by `sync_case`); the worklist re-ranks the few whose
range has ended (tracker.office.ranking.refresh_urgency), then sorts, filters and counts on the
stored rank along ix_cases_worklist. A page costs a fixed number of queries whatever its size
and no rule is evaluated per row per request. The displayed urgency is also `urgency_of` written
as one SQL CASE (tracker.office.ranking); tests/test_worklist.py checks that all of them agree.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select, true
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session, selectinload

from tracker.models import Case, ResidenceTitle, Student
from tracker.office.ranking import refresh_urgency, urgency_expression
from tracker.rules.titles import CASE_STATUSES, PROCEDURES, TITLE_TYPES
from tracker.rules.urgency import URGENCIES, Urgency
from tracker.students.records import search_key

PER_PAGE = 50
MAX_PER_PAGE = 200
SORTS: tuple[str, ...] = ("urgency", "next", "fee", "deadline", "name", "number")
FLAGS: tuple[str, ...] = (
    "entry_date_missing", "visa_ends_before_majority", "born_29_february", "not_renewable",
    "anef_closed", "title_expired", "late_fee_applies", "escalate_to_office",
    "concours_result_pending", "date_of_birth_missing",
)


@dataclass(frozen=True)
class Filters:
    """What the office asked for; every value is already validated (see `filters_from`)."""

    urgency: str | None = None
    title_type: str | None = None
    procedure: str | None = None
    status: str | None = None
    department: str | None = None
    nationality: str | None = None
    language: str | None = None
    flag: str | None = None
    suppressed: bool | None = None
    q: str = ""
    sort: str = "urgency"
    descending: bool = False
    page: int = 1
    per_page: int = PER_PAGE

    def query_args(self, **changes: Any) -> dict[str, str]:
        """The filters as URL query arguments (defaults left out), for links and the export."""
        merged = replace(self, **changes)
        args: dict[str, str] = {}
        for name in ("urgency", "title_type", "procedure", "status", "department",
                     "nationality", "language", "flag"):
            value = getattr(merged, name)
            if value:
                args[name] = value
        if merged.suppressed is not None:
            args["suppressed"] = "yes" if merged.suppressed else "no"
        if merged.q:
            args["q"] = merged.q
        if merged.sort != "urgency":
            args["sort"] = merged.sort
        if merged.descending:
            args["dir"] = "desc"
        if merged.page != 1:
            args["page"] = str(merged.page)
        if merged.per_page != PER_PAGE:
            args["per_page"] = str(merged.per_page)
        return args

    @property
    def active(self) -> bool:
        return bool(self.query_args(sort="urgency", descending=False, page=1,
                                    per_page=PER_PAGE))


def filters_from(args: Mapping[str, str]) -> Filters:
    """Read filters from query arguments; an unknown value is ignored (a stale bookmark still
    opens the worklist) rather than failing."""

    def choice(name: str, choices: tuple[str, ...] | frozenset[str]) -> str | None:
        value = (args.get(name) or "").strip()
        return value if value in choices else None

    def code(name: str, length: int) -> str | None:
        value = (args.get(name) or "").strip().upper()
        return value if value and len(value) <= length and value.isalnum() else None

    def number(name: str, default: int, low: int, high: int) -> int:
        raw = (args.get(name) or "").strip()
        return min(max(int(raw), low), high) if raw.isdigit() else default

    suppressed_raw = args.get("suppressed")
    return Filters(
        urgency=choice("urgency", URGENCIES),
        title_type=choice("title_type", TITLE_TYPES),
        procedure=choice("procedure", PROCEDURES),
        status=choice("status", CASE_STATUSES),
        department=code("department", 3),
        nationality=code("nationality", 2),
        language=choice("language", ("fr", "en")),
        flag=choice("flag", FLAGS),
        suppressed={"yes": True, "no": False}.get(suppressed_raw or ""),
        q=(args.get("q") or "").strip()[:200],
        sort=choice("sort", SORTS) or "urgency",
        descending=args.get("dir") == "desc",
        page=number("page", 1, 1, 1_000_000),
        per_page=number("per_page", PER_PAGE, 1, MAX_PER_PAGE),
    )


@dataclass(frozen=True)
class WorklistRow:
    student_id: int
    student_number: str | None
    family_name: str
    given_name: str
    email: str
    nationality: str | None
    department: str | None
    language: str
    address_suppressed: bool
    title_type: str
    title_expires_on: date
    case_id: int
    procedure: str
    status: str
    next_milestone_kind: str | None
    next_milestone_date: date | None
    deadline_on: date | None
    fee_threshold_on: date | None
    flags: str
    urgency: str
    today: date

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name.upper()}".strip()

    @property
    def days_left(self) -> int | None:
        return (self.next_milestone_date - self.today).days if self.next_milestone_date else None

    @property
    def days_to_fee(self) -> int | None:
        """Days left before the late fee (R7) while the renewal is not filed."""
        if self.fee_threshold_on is None or self.urgency == Urgency.DONE:
            return None
        return (self.fee_threshold_on - self.today).days

    @property
    def flag_list(self) -> list[str]:
        return [f for f in self.flags.split(",") if f]


@dataclass(frozen=True)
class WorklistPage:
    filters: Filters
    rows: list[WorklistRow]
    counts: dict[str, int]  # per urgency, under every filter except the urgency one
    total: int  # rows matching every filter
    today: date = field(repr=False)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.filters.per_page))


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _needs_student(filters: Filters) -> bool:
    # Not for a search: that is a subquery on the students (_filtered).
    return bool(filters.department or filters.nationality or filters.language
                or filters.suppressed is not None or filters.sort in ("name", "number"))


# A select of any columns.
_AnySelect = Select[*tuple[Any, ...]]


def _filtered(statement: _AnySelect, filters: Filters, today: date) -> _AnySelect:
    """Open current cases narrowed by every filter but urgency. Students and titles are
    joined only when a filter or the sort needs them: a count over every open case then
    reads the cases table alone."""
    if filters.q or filters.sort != "urgency":
        # Most cases are open and current. A search matches few students: they should drive
        # the query and find their case by ix_cases_student_current; another sort is read
        # along its own column's index. Neither should walk ix_cases_worklist looking each
        # row up, and wrapping the columns keeps SQLite's planner off it. In the default order
        # the other filters (a département holds a third of the students) are best read
        # along it.
        statement = statement.select_from(Case).where(
            func.coalesce(Case.is_open, False).is_(True),
            func.coalesce(Case.is_current, False).is_(True))
    else:
        # `= true`, not `IS true`: PostgreSQL uses an index only for the former. These two
        # lead ix_cases_worklist, whose order the default sort follows.
        statement = statement.select_from(Case).where(
            Case.is_open == true(), Case.is_current == true())
    if _needs_student(filters):
        statement = statement.join(Student, Student.id == Case.student_id)
    if filters.title_type:
        statement = statement.join(ResidenceTitle, ResidenceTitle.id == Case.title_id).where(
            ResidenceTitle.title_type == filters.title_type)
    if filters.procedure:
        statement = statement.where(Case.procedure == filters.procedure)
    if filters.status:
        statement = statement.where(Case.status == filters.status)
    if filters.department:
        statement = statement.where(Student.department == filters.department)
    if filters.nationality:
        statement = statement.where(Student.nationality == filters.nationality)
    if filters.language:
        statement = statement.where(Student.language == filters.language)
    if filters.flag:
        statement = statement.where(Case.flags.like(f"%,{filters.flag},%"))
    if filters.suppressed is not None:
        statement = statement.where(Student.address_suppressed.is_(filters.suppressed))
    words = search_key(filters.q).split()
    if words:
        # search_text is lower-case and accent-free (students.changes.refresh_search_text).
        # As a subquery the matching students are found first, by one scan of the narrow
        # ix_students_search_text rather than of the students table, then their cases by
        # ix_cases_student_current (a join let SQLite walk every case looking students up).
        matching = select(Student.id).where(*(
            Student.search_text.like(f"%{_like_escape(word)}%", escape="\\")
            for word in words))
        statement = statement.where(Case.student_id.in_(matching))
    return statement


def _order(filters: Filters, today: date) -> list[Any]:
    def direction(column: Any) -> Any:
        return column.desc().nulls_last() if filters.descending else column.asc().nulls_last()

    name = [direction(Student.family_name), direction(Student.given_name)]
    keys: dict[str, list[Any]] = {
        "urgency": [direction(Case.urgency_rank), direction(Case.next_milestone_date)],
        "next": [direction(Case.next_milestone_date)],
        "fee": [direction(Case.fee_threshold_on)],
        "deadline": [direction(Case.deadline_on)],
        "name": name,
        "number": [direction(Student.student_number)],
    }
    # The case id makes the order total, so pages never repeat or skip a row.
    return [*keys[filters.sort], Case.id.asc()]


ROW_COLUMNS = (
    Student.id, Student.student_number, Student.family_name, Student.given_name, Student.email,
    Student.nationality, Student.department, Student.language, Student.address_suppressed,
    ResidenceTitle.title_type, ResidenceTitle.expires_on, Case.id, Case.procedure, Case.status,
    Case.next_milestone_kind, Case.next_milestone_date, Case.deadline_on, Case.fee_threshold_on,
    Case.flags,
)


def _ids_statement(filters: Filters, today: date) -> _AnySelect:
    """The ids of the filtered cases in display order: the narrow query that scans and sorts."""
    statement = _filtered(select(Case.id), filters, today)
    if filters.urgency:
        statement = statement.where(Case.urgency_rank == URGENCIES.index(filters.urgency))
    return statement.order_by(*_order(filters, today))


def _rows_statement(filters: Filters, today: date,
                    ids: _AnySelect | None = None) -> Select[*_RowValues]:
    """The displayed columns of the cases `ids` selects (default: every filtered case)."""
    urgency = urgency_expression(today).label("urgency")
    ids = ids if ids is not None else _ids_statement(filters, today)
    # select() types its first ten columns only.
    statement: _AnySelect = (
        select(*ROW_COLUMNS, urgency).select_from(Case)
        .join(Student, Student.id == Case.student_id)
        .join(ResidenceTitle, ResidenceTitle.id == Case.title_id)
        .where(Case.id.in_(ids.scalar_subquery()))
        .order_by(*_order(filters, today))
    )
    return statement


# The values of one row of _rows_statement: WorklistRow's fields but `today`.
_RowValues = tuple[
    int, str | None, str, str, str, str | None, str | None, str, bool, str, date, int, str, str,
    str | None, date | None, date | None, date | None, str, str,
]


def _row(values: Row[*_RowValues], today: date) -> WorklistRow:
    return WorklistRow(*values, today=today)


def urgency_counts(session: Session, today: date, filters: Filters | None = None) -> dict[str, int]:
    """Open cases per urgency (every urgency present, zero included): one grouped query on
    the stored rank, which ix_cases_worklist covers."""
    filters = filters or Filters()
    refresh_urgency(session, today)
    # Open cases are ranked (refresh_urgency above): the rank is an int here.
    statement: Select[int, int] = _filtered(
        select(Case.urgency_rank, func.count()), filters, today).group_by(Case.urgency_rank)
    counts = dict.fromkeys(URGENCIES, 0)
    for index, count in session.execute(statement):
        counts[URGENCIES[index]] = count
    return counts


def worklist_page(session: Session, today: date, filters: Filters) -> WorklistPage:
    """One page of the worklist: three queries (stale ranks, counts, rows) whatever the page
    size, more only on the first request of a day that has cases to re-rank."""
    counts = urgency_counts(session, today, filters)
    total = counts[filters.urgency] if filters.urgency else sum(counts.values())
    pages = max(1, -(-total // filters.per_page))
    if filters.page > pages:
        filters = replace(filters, page=pages)
    # Sort and cut the page on the narrow id query, then fetch the columns of its rows only.
    ids = (
        _ids_statement(filters, today)
        .limit(filters.per_page)
        .offset((filters.page - 1) * filters.per_page)
    )
    rows = [_row(values, today)
            for values in session.execute(_rows_statement(filters, today, ids))]
    return WorklistPage(filters=filters, rows=rows, counts=counts, total=total, today=today)


def iter_worklist(
    session: Session, today: date, filters: Filters, batch_size: int = 500
) -> Iterator[tuple[WorklistRow, Student]]:
    """Every row of the filtered view (no paging) with its student loaded for `record_of`, in
    batches so an export of 100,000 rows runs in bounded memory and queries."""
    refresh_urgency(session, today)
    statement = _rows_statement(filters, today).execution_options(yield_per=batch_size)
    result = session.execute(statement)
    for partition in result.partitions(batch_size):
        rows = [_row(values, today) for values in partition]
        students = {
            s.id: s for s in session.scalars(
                select(Student).where(Student.id.in_([r.student_id for r in rows]))
                .options(selectinload(Student.titles), selectinload(Student.cases))
            )
        }
        for row in rows:
            yield row, students[row.student_id]
        # Forget this batch (the cascade takes titles and cases along) to bound memory.
        for student in students.values():
            session.expunge(student)
