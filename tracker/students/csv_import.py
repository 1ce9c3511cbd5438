"""Streaming CSV import and export of students (DESIGN section 4).

The import reads the file line by line and writes in batches, so 100,000 rows fit in a flat,
small amount of memory; every valid row is written in the caller's one transaction, every
invalid row is reported with its physical line number, its column and the reason.

Rows go through the same validation (`parse_record`) and the same rules (`derived_columns`, as
`sync_case` stores them) as a student registering or an office edit. Two shortcuts keep large
imports fast, both equivalent to
`apply_record` (tests/test_csv_import.py compares them):
- an existing student whose stored record equals the row is "unchanged" without any write;
- a brand-new student (number and address unknown) is built in memory and inserted with the
  rest of its batch in a few multi-row INSERTs.
Everything else (a real update, an address that belongs to someone, adopting a self-registered
student) goes through `apply_record` itself.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from tracker.audit import record_audit
from tracker.cases.sync import derived_columns
from tracker.db import policy_of
from tracker.db.bulk import bulk_insert, large_cache, release_objects
from tracker.i18n import DEFAULT_LANGUAGE
from tracker.models import Case, ResidenceTitle, Student, table_of
from tracker.reminders.arming import arm_cases
from tracker.rules import CaseFacts, Evaluation, evaluate
from tracker.rules.titles import CaseStatus
from tracker.students.changes import (
    Outcome,
    apply_record,
    merged_record,
    record_of,
    record_problems,
)
from tracker.students.csv_read import RejectedRow, Row, Unreadable, csv_rows
from tracker.students.csv_read_ahead import fork_available, in_child_process
from tracker.students.records import (
    FieldError,
    StudentRecord,
    email_key,
    field_error,
    parse_record,
    search_key,
)

BATCH_SIZE = 1000


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    # The file could not be read at all (not UTF-8, not CSV, bad header): nothing was written.
    fatal: FieldError | None = None
    dry_run: bool = False

    @property
    def rejected_rows(self) -> int:
        """Rows rejected (a row with three problems counts once)."""
        return len({r.line for r in self.rejected})

    @property
    def exit_status(self) -> int:
        """DESIGN 4: 0 every row accepted, 1 some rejected, 2 the file could not be read."""
        if self.fatal is not None:
            return 2
        return 1 if self.rejected else 0

    def summary(self) -> str:
        return (f"created {self.created}, updated {self.updated}, "
                f"unchanged {self.unchanged}, rejected {self.rejected_rows}")


def import_students_csv(
    session: Session,
    stream: BinaryIO,
    *,
    today: date,
    dry_run: bool,
    actor: str = "cli",
    read_in_child: bool = False,
) -> ImportReport:
    """Import a CSV file of students (DESIGN 4), upserting by student number.

    Valid rows are written in the session's transaction; the caller commits. On a dry run, or
    when the file cannot be read, the session is rolled back (everything in it) and nothing is
    written. `read_in_child`: read and validate the file in a forked process while this one
    writes (the command line's bulk imports; see students.csv_read_ahead); same result."""
    report = ImportReport(dry_run=dry_run)

    def parsed() -> Iterator[ParsedBatch]:
        parser = _RowParser()
        return parser.batches(csv_rows(stream, parser.rejected))

    try:
        source = in_child_process(parsed) if read_in_child and fork_available() else parsed()
        _Importer(session, today, report).run(source)
    except Unreadable as exc:
        session.rollback()
        return ImportReport(fatal=exc.error, dry_run=dry_run)
    _finish(session, report, actor=actor, action="students.import")
    return report


def import_rows(
    session: Session,
    rows: Iterable[Row],
    *,
    today: date,
    dry_run: bool,
    actor: str = "cli",
    action: str = "students.import",
) -> ImportReport:
    """The import of already-split rows ({column: text}), e.g. the demo's generated students.
    Same validation and same writes as a CSV file."""
    report = ImportReport(dry_run=dry_run)
    _Importer(session, today, report).run(_RowParser().batches(rows))
    _finish(session, report, actor=actor, action=action)
    return report


# Up to BATCH_SIZE valid records (line, record), and the rows rejected while reading them.
ParsedBatch = tuple[list[tuple[int, StudentRecord]], list[RejectedRow]]


class _RowParser:
    """Reading and validating rows, alone: no database, so that it may run in another process
    (read_ahead) and hand over batches."""

    def __init__(self) -> None:
        self.seen_numbers: dict[str, int] = {}
        self.rejected: list[RejectedRow] = []

    def batches(self, rows: Iterable[Row]) -> Iterator[ParsedBatch]:
        batch: list[tuple[int, StudentRecord]] = []
        for line, raw in rows:
            record = self._parse(line, raw)
            if record is not None:
                batch.append((line, record))
            if len(batch) >= BATCH_SIZE:
                yield batch, self._take_rejected()
                batch = []
        yield batch, self._take_rejected()

    def _take_rejected(self) -> list[RejectedRow]:
        # The list object stays (csv_rows appends to it); its contents go with the batch.
        taken = self.rejected[:]
        self.rejected.clear()
        return taken

    def _parse(self, line: int, raw: dict[str, str]) -> StudentRecord | None:
        number = (raw.get("student_number") or "").strip()
        if number:
            first = self.seen_numbers.get(number)
            if first is not None:
                self._reject(line, field_error("student_number", "error.duplicate_student_number",
                                               value=number, line=first))
                return None
            self.seen_numbers[number] = line
        record, errors = parse_record(raw)
        for error in errors:
            self._reject(line, error)
        return record

    def _reject(self, line: int, error: FieldError) -> None:
        self.rejected.append(RejectedRow.of(line, error))


def _finish(session: Session, report: ImportReport, *, actor: str, action: str) -> None:
    if report.dry_run:
        session.rollback()
        return
    # Counts only: the audit entry outlives the students it mentions (no personal data).
    record_audit(session, actor=actor, action=action, created=report.created,
                 updated=report.updated, unchanged=report.unchanged,
                 rejected=report.rejected_rows)
    session.flush()


@dataclass
class _NewStudent:
    values: dict[str, Any]
    title: dict[str, Any] | None = None
    case: dict[str, Any] | None = None
    evaluation: Evaluation | None = None  # the case's, for arming (no second evaluation)


class _Importer:
    def __init__(self, session: Session, today: date, report: ImportReport) -> None:
        self.session = session
        self.today = today
        self.report = report
        self.batches = 0
        # Objects the caller already had in the session stay there; ours leave after each batch.
        self.caller_identities = set(session.identity_map.keys())

    def run(self, parsed: Iterable[ParsedBatch]) -> None:
        with large_cache(self.session):
            for batch, rejected in parsed:
                self.report.rejected += rejected
                if batch:
                    self._write_batch(batch)
        # Rows refused while reading arrive a batch ahead of those refused while writing.
        self.report.rejected.sort(key=lambda row: row.line)

    def _reject(self, line: int, error: FieldError) -> None:
        self.report.rejected.append(RejectedRow.of(line, error))

    def _write_batch(self, batch: list[tuple[int, StudentRecord]]) -> None:
        session = self.session
        numbers = [record.student_number for _, record in batch if record.student_number]
        existing = {
            student.student_number: student
            for student in session.scalars(
                select(Student).where(Student.student_number.in_(numbers))
                .options(selectinload(Student.titles), selectinload(Student.cases))
            )
        }
        # Addresses in use before this batch, plus those this batch gives out as it goes.
        taken = set(session.scalars(
            select(Student.email_key)
            .where(Student.email_key.in_([email_key(r.email) for _, r in batch]))
        ))
        new_students: list[_NewStudent] = []
        for line, record in batch:
            student = existing.get(record.student_number)
            key = email_key(record.email)
            stored = record_of(student) if student is not None else None
            if stored is not None and merged_record(student, record, stored) == stored:
                self.report.unchanged += 1
                continue
            if student is None and key not in taken:
                problems = record_problems(None, record, self.today)
                for error in problems:
                    self._reject(line, error)
                if problems:
                    continue
                new_students.append(self._new_student(record))
                taken.add(key)
                self.report.created += 1
                continue
            # The general case, in file order: earlier new students must be in the database
            # for apply_record to see their addresses.
            self._insert(new_students)
            new_students = []
            result = apply_record(session, record, today=self.today, source="import")
            for error in result.errors:
                self._reject(line, error)
            if result.student is not None:
                taken.add(result.student.email_key)
            if not result.errors:
                if result.outcome is Outcome.CREATED:
                    self.report.created += 1
                elif result.outcome is Outcome.UPDATED:
                    self.report.updated += 1
                else:
                    self.report.unchanged += 1
        self._insert(new_students)
        session.flush()
        self.release_objects()
        self._refresh_statistics()

    def _refresh_statistics(self) -> None:
        """PostgreSQL plans from table statistics, and autovacuum cannot see the rows of a
        transaction still open: the look-ups by student number and address would turn into
        sequential scans as the tables grow (quadratic time; 100,000 rows took minutes).
        ANALYZE in the same transaction does count its own new rows; doing it each time the
        import has doubled costs a handful of quick samples."""
        self.batches += 1
        if self.batches & (self.batches - 1):
            return  # not a power of two
        connection = self.session.connection()
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("ANALYZE students, residence_titles, cases")

    def _new_student(self, record: StudentRecord) -> _NewStudent:
        """What apply_record builds for a student it does not find, as plain values: no ORM
        object, no query, no per-row flush (the batch is inserted at once, see _insert)."""
        values: dict[str, Any] = {
            "student_number": record.student_number,
            "email": record.email,
            "email_key": email_key(record.email),
            "family_name": record.family_name,
            "given_name": record.given_name,
            "date_of_birth": record.date_of_birth,
            "nationality": record.nationality,
            "department": record.department,
            "language": record.language or DEFAULT_LANGUAGE,
            "concours_result": record.concours_result.value if record.concours_result else None,
            "registered_on": self.today,
            "source": "import",
            "calendar_token": secrets.token_urlsafe(32),
            "search_text": search_key(record.family_name, record.given_name,
                                      record.student_number, record.email),
        }
        new = _NewStudent(values)
        if record.title_type is not None and record.title_expires_on is not None:
            new.title = {
                "title_type": record.title_type.value, "valid_from": record.title_valid_from,
                "expires_on": record.title_expires_on, "entry_date": record.entry_date,
                "is_current": True,
            }
            status = CaseStatus.SUBMITTED if record.application_submitted_on else CaseStatus.TODO
            # The case does not exist yet: the rules read the record's facts directly, and
            # derived_columns (the same mapping sync_case applies) gives the stored columns. The
            # reminders are armed after the insert, below, when the case exists.
            new.evaluation = evaluate(CaseFacts(
                title_type=record.title_type, expires_on=record.title_expires_on,
                valid_from=record.title_valid_from, entry_date=record.entry_date,
                date_of_birth=record.date_of_birth, nationality=record.nationality,
                validated_on=record.validated_on, submitted_on=record.application_submitted_on,
                status=status, concours_result=record.concours_result,
            ), self.today)
            new.case = {"validated_on": record.validated_on,
                        "submitted_on": record.application_submitted_on,
                        "status": status.value,
                        **derived_columns(new.evaluation, self.today)}
        return new

    def _insert(self, students: list[_NewStudent]) -> None:
        if not students:
            return
        session = self.session
        bulk_insert(session, table_of(Student), [s.values for s in students])
        student_ids = dict(session.execute(
            select(Student.student_number, Student.id)
            .where(Student.student_number.in_([s.values["student_number"] for s in students]))
        ).all())
        # (student id, new student, title values, case values): a title always comes with its case.
        with_title = [(student_ids[s.values["student_number"]], s, s.title, s.case)
                      for s in students if s.title and s.case is not None]
        if not with_title:
            return
        bulk_insert(session, table_of(ResidenceTitle),
                    [{**title, "student_id": sid} for sid, _, title, _ in with_title])
        title_ids = dict(session.execute(
            select(ResidenceTitle.student_id, ResidenceTitle.id)
            .where(ResidenceTitle.student_id.in_([sid for sid, *_ in with_title]))
        ).all())
        bulk_insert(session, table_of(Case), [
            {**case, "student_id": sid, "title_id": title_ids[sid], "is_current": True}
            for sid, _, _, case in with_title
        ])
        # The cases were synced with rearm=False above: they are armed here in bulk (one query
        # and one insert per batch for the reminders, not three per case as arm_case would).
        cases = session.scalars(
            select(Case).where(Case.student_id.in_([sid for sid, *_ in with_title]))
            .order_by(Case.id)
            .options(joinedload(Case.student))
        ).all()
        by_student = {sid: s.evaluation for sid, s, _, _ in with_title if s.evaluation}
        evaluations = {case.id: by_student[case.student_id] for case in cases}
        # New students have no previous case whose reminders arm_case would cancel.
        arm_cases(session, cases, self.today, policy_of(session), created=True,
                  evaluations=evaluations)
        session.flush()

    def release_objects(self) -> None:
        """Keep memory flat: the batch's objects are written; let them go."""
        release_objects(self.session, self.caller_identities)
