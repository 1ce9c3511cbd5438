"""The office worklist: open cases with their urgency, filtered, searched, sorted and paged in SQL.

Urgency is `tracker.rules.urgency.urgency_of` written as one SQL CASE expression over the
columns `sync_case` stores, so a page costs a fixed number of queries whatever its size and no
rule is evaluated per row per request. tests/test_worklist.py checks that both agree.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session, selectinload

from tracker.models import Case, ResidenceTitle, Student
from tracker.rules.dates import add_days
from tracker.rules.titles import CASE_STATUSES, PROCEDURES, TITLE_TYPES
from tracker.rules.urgency import DUE_SOON_DAYS, URGENCIES, Urgency
from tracker.services.records import search_key

PER_PAGE = 50
MAX_PER_PAGE = 200
SORTS: tuple[str, ...] = ("urgency", "next", "fee", "deadline", "name", "number")
FLAGS: tuple[str, ...] = (
    "entry_date_missing", "visa_ends_before_majority", "born_29_february", "not_renewable",
    "anef_closed", "title_expired", "late_fee_applies", "escalate_to_office",
    "concours_result_pending", "date_of_birth_missing",
)


def _branches(today: date) -> list[ColumnElement[bool]]:
    """The tests of `urgency_of`, in its order (first match wins). A comparison with NULL is
    not true in SQL, which is Python's `d is not None and ...`."""
    soon = add_days(today, DUE_SOON_DAYS)
    return [
        Case.needs_action.is_(False),
        Case.deadline_on < today,
        Case.fee_threshold_on < today,
        Case.window_opens_on <= today,
        or_(Case.deadline_on <= soon, Case.fee_threshold_on <= soon),
    ]


# URGENCIES order is most urgent first; the CASE tests `done` first, like urgency_of.
_BRANCH_URGENCIES = (Urgency.DONE, Urgency.OVERDUE, Urgency.PAST_FEE_THRESHOLD, Urgency.ACT_NOW,
                     Urgency.DUE_SOON)


def urgency_expression(today: date) -> ColumnElement[str]:
    """`urgency_of` as SQL over the stored columns."""
    return case(
        *((test, literal(u.value)) for test, u in zip(_branches(today), _BRANCH_URGENCIES,
                                                      strict=True)),
        else_=literal(Urgency.FINE.value),
    )


def urgency_rank_expression(today: date) -> ColumnElement[int]:
    """The urgency as its index in URGENCIES (0: most urgent): the same CASE, an integer that
    sorts and groups faster than text."""
    return case(
        *((test, URGENCIES.index(u.value)) for test, u in zip(_branches(today),
                                                              _BRANCH_URGENCIES, strict=True)),
        else_=URGENCIES.index(Urgency.FINE.value),
    )


def _urgency_condition(urgency: str, today: date) -> ColumnElement[bool]:
    """A WHERE clause for one urgency, written so the database can use the date indexes
    instead of computing the CASE for every open case."""
    soon = add_days(today, DUE_SOON_DAYS)
    acting = Case.needs_action.is_(True)
    not_overdue = or_(Case.deadline_on.is_(None), Case.deadline_on >= today)
    not_past_fee = or_(Case.fee_threshold_on.is_(None), Case.fee_threshold_on >= today)
    window_closed = or_(Case.window_opens_on.is_(None), Case.window_opens_on > today)
    not_soon = and_(or_(Case.deadline_on.is_(None), Case.deadline_on > soon),
                    or_(Case.fee_threshold_on.is_(None), Case.fee_threshold_on > soon))
    conditions: dict[str, ColumnElement[bool]] = {
        Urgency.DONE.value: Case.needs_action.is_(False),
        Urgency.OVERDUE.value: and_(acting, Case.deadline_on < today),
        Urgency.PAST_FEE_THRESHOLD.value: and_(acting, not_overdue,
                                               Case.fee_threshold_on < today),
        Urgency.ACT_NOW.value: and_(acting, not_overdue, not_past_fee,
                                    Case.window_opens_on <= today),
        Urgency.DUE_SOON.value: and_(acting, not_overdue, not_past_fee, window_closed,
                                     or_(Case.deadline_on <= soon, Case.fee_threshold_on <= soon)),
        Urgency.FINE.value: and_(acting, not_overdue, not_past_fee, window_closed, not_soon),
    }
    return conditions[urgency]


def stored_rank_holds(today: date) -> ColumnElement[bool]:
    """Whether the urgency the case sync stored is still the urgency on `today`: it was
    computed on synced_for and holds until urgency_until (rules.urgency_rank_and_change).
    A case not re-synced since (the daily run has not come yet, a date pinned in the past)
    falls outside and is recomputed, so the worklist is right whatever the refresh did."""
    return and_(Case.urgency_rank.is_not(None), Case.synced_for <= today,
                or_(Case.urgency_until.is_(None), Case.urgency_until > today))


def _stored_rank_stale(today: date) -> ColumnElement[bool]:
    # The negation of stored_rank_holds with SQL's NULLs spelt out (NOT of a NULL is NULL).
    return or_(Case.urgency_rank.is_(None), Case.synced_for.is_(None), Case.synced_for > today,
               Case.urgency_until <= today)


def _fresh_and_stale(
    columns: tuple[Any, ...], filters: Filters, today: date, *, with_urgency: bool = True
) -> tuple[Select[Any], Select[Any]]:
    """`columns` and the urgency rank (as "rank") of the filtered cases, in two parts: those
    whose stored rank holds, read as stored, and the few others, through the CASE. Narrowed
    to `filters.urgency` when `with_urgency`, the first part by its stored rank."""
    fresh = _filtered(select(*columns, Case.urgency_rank.label("rank")), filters, today) \
        .where(stored_rank_holds(today))
    stale = _filtered(select(*columns, urgency_rank_expression(today).label("rank")), filters,
                      today).where(_stored_rank_stale(today))
    if with_urgency and filters.urgency:
        fresh = fresh.where(Case.urgency_rank == URGENCIES.index(filters.urgency))
        stale = stale.where(_urgency_condition(filters.urgency, today))
    return fresh, stale


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
        """Days left before the €180 late fee (R7) while the renewal is not filed."""
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
    return bool(filters.department or filters.nationality or filters.language or filters.q
                or filters.suppressed is not None or filters.sort in ("name", "number"))


def _filtered(statement: Select[Any], filters: Filters, today: date) -> Select[Any]:
    """Open current cases narrowed by every filter but urgency. Students and titles are
    joined only when a filter or the sort needs them: a count over every open case then
    reads the cases table alone."""
    # `= true` rather than `IS true`: PostgreSQL uses an index only for the former. Both are
    # the leading columns of ix_cases_worklist, whose order the default sort follows.
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
    for word in search_key(filters.q).split():
        # search_text is lower-case and accent-free (services.students.refresh_search_text).
        statement = statement.where(
            Student.search_text.like(f"%{_like_escape(word)}%", escape="\\")
        )
    return statement


def _order(filters: Filters, today: date) -> list[Any]:
    def direction(column: Any) -> Any:
        return column.desc().nulls_last() if filters.descending else column.asc().nulls_last()

    name = [direction(Student.family_name), direction(Student.given_name)]
    keys: dict[str, list[Any]] = {
        "urgency": [direction(urgency_rank_expression(today)),
                    direction(Case.next_milestone_date)],
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


def _ids_statement(filters: Filters, today: date) -> Select[Any]:
    """The ids of the filtered cases in display order: the narrow query that scans and sorts."""
    statement = _filtered(select(Case.id), filters, today)
    if filters.urgency:
        statement = statement.where(_urgency_condition(filters.urgency, today))
    return statement.order_by(*_order(filters, today))


def _rows_statement(filters: Filters, today: date, ids: Select[Any] | None = None) -> Select[Any]:
    """The displayed columns of the cases `ids` selects (default: every filtered case)."""
    urgency = urgency_expression(today).label("urgency")
    ids = ids if ids is not None else _ids_statement(filters, today)
    return (
        select(*ROW_COLUMNS, urgency).select_from(Case)
        .join(Student, Student.id == Case.student_id)
        .join(ResidenceTitle, ResidenceTitle.id == Case.title_id)
        .where(Case.id.in_(ids.scalar_subquery()))
        .order_by(*_order(filters, today))
    )


def _row(values: Any, today: date) -> WorklistRow:
    return WorklistRow(*values, today=today)


def urgency_counts(session: Session, today: date, filters: Filters | None = None) -> dict[str, int]:
    """Open cases per urgency (every urgency present, zero included): one grouped query,
    over the stored rank where it holds (an index read) and the CASE for the few others."""
    filters = filters or Filters()
    fresh, stale = _fresh_and_stale((), filters, today, with_urgency=False)
    ranks = union_all(fresh, stale).subquery()
    statement = select(ranks.c.rank, func.count()).group_by(ranks.c.rank)
    counts = dict.fromkeys(URGENCIES, 0)
    for index, count in session.execute(statement):
        counts[URGENCIES[index]] = count
    return counts


def _page_ids(filters: Filters, today: date) -> Select[Any]:
    """The ids of one page in display order. In the default order (urgency, then next
    milestone) the cases whose stored rank holds are read along ix_cases_worklist and stop
    after the page; the others get the CASE; the two short lists are merged."""
    limit, offset = filters.per_page, (filters.page - 1) * filters.per_page
    if filters.sort != "urgency" or filters.descending:
        return _ids_statement(filters, today).limit(limit).offset(offset)
    nulls_last = Case.next_milestone_date.asc().nulls_last()
    fresh, stale = _fresh_and_stale(
        (Case.id.label("id"), Case.next_milestone_date.label("next_on")), filters, today)
    # Each part's first offset + limit rows are enough for the merged page.
    parts = [
        select(part.c.id, part.c.rank, part.c.next_on).select_from(part)
        for part in (
            fresh.order_by(Case.urgency_rank, nulls_last, Case.id)
            .limit(offset + limit).subquery(),
            stale.order_by(urgency_rank_expression(today), nulls_last, Case.id)
            .limit(offset + limit).subquery(),
        )
    ]
    merged = union_all(*parts).subquery()
    return (
        select(merged.c.id)
        .order_by(merged.c.rank, merged.c.next_on.asc().nulls_last(), merged.c.id)
        .limit(limit).offset(offset)
    )


def worklist_page(session: Session, today: date, filters: Filters) -> WorklistPage:
    """One page of the worklist: two queries (counts, rows) whatever the page size."""
    counts = urgency_counts(session, today, filters)
    total = counts[filters.urgency] if filters.urgency else sum(counts.values())
    pages = max(1, -(-total // filters.per_page))
    if filters.page > pages:
        filters = replace(filters, page=pages)
    # Sort and cut the page on the narrow id query, then fetch the columns of its rows only.
    ids = _page_ids(filters, today)
    rows = [_row(values, today) for values in session.execute(_rows_statement(filters, today, ids))]
    return WorklistPage(filters=filters, rows=rows, counts=counts, total=total, today=today)


def iter_worklist(
    session: Session, today: date, filters: Filters, batch_size: int = 500
) -> Iterator[tuple[WorklistRow, Student]]:
    """Every row of the filtered view (no paging) with its student loaded for `record_of`, in
    batches so an export of 100,000 rows runs in bounded memory and queries."""
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
