"""Creating and updating students from a validated record (import, registration, office edit)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.cases.sync import sync_case
from tracker.i18n import DEFAULT_LANGUAGE
from tracker.models import Case, ResidenceTitle, Student
from tracker.rules.checks import VISA_TITLES, title_problems
from tracker.rules.titles import CLOSED_STATUSES, CaseStatus, ConcoursResult, TitleType
from tracker.students.records import (
    FieldError,
    StudentRecord,
    email_key,
    field_error,
    search_key,
)


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class ApplyResult:
    outcome: Outcome
    student: Student | None
    errors: tuple[FieldError, ...] = ()


IDENTITY_FIELDS = (
    "family_name", "given_name", "email", "date_of_birth", "nationality", "department",
    "language", "concours_result",
)
TITLE_AND_STEP_FIELDS = (
    "title_type", "title_valid_from", "title_expires_on", "entry_date", "validated_on",
    "application_submitted_on",
)


def refresh_search_text(student: Student) -> None:
    student.search_text = search_key(
        student.family_name, student.given_name, student.student_number, student.email
    )


def find_student(session: Session, record: StudentRecord) -> Student | None:
    options = [selectinload(Student.titles), selectinload(Student.cases)]
    if record.student_number:
        found = session.scalars(
            select(Student).where(Student.student_number == record.student_number)
            .options(*options)
        ).first()
        if found is not None:
            return found
        # A student who registered before the office knew their number: the import adopts them.
        by_email = session.scalars(
            select(Student).where(Student.email_key == email_key(record.email))
            .options(*options)
        ).first()
        return by_email if by_email is not None and by_email.student_number is None else None
    return session.scalars(
        select(Student).where(Student.email_key == email_key(record.email)).options(*options)
    ).first()


def start_new_title(
    session: Session,
    student: Student,
    *,
    title_type: TitleType,
    expires_on: date,
    valid_from: date | None,
    entry_date: date | None,
    today: date,
) -> Case:
    """A new title starts a new cycle (R10: a collected card begins a new R6 cycle). The old
    title and case stay as history."""
    for old in student.titles:
        old.is_current = False
    for old_case in student.cases:
        if old_case.is_current:
            old_case.is_current = False
            if old_case.status not in (CaseStatus.CARD_COLLECTED, CaseStatus.REFUSED):
                old_case.status = CaseStatus.CLOSED.value
                old_case.closed_on = old_case.closed_on or today
            old_case.is_open = False
            old_case.needs_action = False
    title = ResidenceTitle(
        title_type=title_type.value, valid_from=valid_from, expires_on=expires_on,
        entry_date=entry_date or _inherited_entry(student, title_type), is_current=True,
    )
    student.titles.append(title)
    case = Case(title=title, is_current=True, procedure="renewal", status="todo")
    student.cases.append(case)
    session.flush()
    return case


def correct_title(title: ResidenceTitle, record: StudentRecord) -> bool:
    """Set `title`'s type and dates to the record's (a typing error fixed, not a new card);
    return whether anything changed. An empty cell erases nothing. The caller re-syncs the
    case, which re-arms its reminders (DESIGN 6 rule 6)."""
    changed = False
    for attr, value in (
        ("title_type", record.title_type.value if record.title_type else None),
        ("expires_on", record.title_expires_on),
        ("valid_from", record.title_valid_from),
        ("entry_date", record.entry_date),
    ):
        if value is not None and getattr(title, attr) != value:
            setattr(title, attr, value)
            changed = True
    return changed


def _inherited_entry(student: Student, title_type: TitleType) -> date | None:
    """The date of entry into France does not change with a new card; a new visa, though,
    is used for a new entry, whose date the old title cannot tell (R1 counts from it)."""
    if title_type in VISA_TITLES:
        return None
    return next((t.entry_date for t in reversed(student.titles) if t.entry_date), None)


def _same_title(title: ResidenceTitle | None, record: StudentRecord) -> bool:
    """The record describes the current title (dates to correct), not a new one."""
    return (
        title is not None
        and record.title_type is not None
        and title.title_type == record.title_type.value
        and (record.title_valid_from is None or title.valid_from == record.title_valid_from)
    )


def merged_record(student: Student | None, record: StudentRecord,
                  stored: StudentRecord | None = None) -> StudentRecord:
    """The student's record as it will be once `record` is applied: an empty cell keeps the
    stored value; a title of another type or start date is a new title, with only the row's
    dates and steps (its case is new). `stored`: record_of(student), when the caller has it."""
    if student is None:
        return replace(record, language=record.language or DEFAULT_LANGUAGE)
    stored = stored or record_of(student)

    # Any: each value is the record's own field of that name, so it has that field's type.
    def kept(name: str) -> Any:
        value = getattr(record, name)
        return getattr(stored, name) if value in (None, "") else value

    identity: dict[str, Any] = {name: kept(name) for name in ("student_number", *IDENTITY_FIELDS)}
    if record.title_type is None or _same_title(student.current_title, record):
        title: dict[str, Any] = {name: kept(name) for name in TITLE_AND_STEP_FIELDS}
    else:
        title = {name: getattr(record, name) for name in TITLE_AND_STEP_FIELDS}
        if record.entry_date is None:
            title["entry_date"] = _inherited_entry(student, record.title_type)
    return StudentRecord(**identity, **title)


def record_problems(
    student: Student | None, record: StudentRecord, today: date
) -> list[FieldError]:
    """What makes `record` unacceptable for `student` (None: a new student), checked on the
    merged result: a partial row must not pair, say, an Algerian nationality with the VLS-TS
    already on file (R3). The record itself was parsed and checked by parse_record."""
    merged = merged_record(student, record)
    errors = [
        field_error(field, code, **params)
        for field, code, params in title_problems(
            title_type=merged.title_type,
            valid_from=merged.title_valid_from,
            expires_on=merged.title_expires_on,
            entry_date=merged.entry_date,
            nationality=merged.nationality,
            date_of_birth=merged.date_of_birth,
            validated_on=merged.validated_on,
            submitted_on=merged.application_submitted_on,
            today=today,
        )
    ]
    steps = (("validated_on", record.validated_on),
             ("application_submitted_on", record.application_submitted_on))
    if merged.title_type is None:
        errors += [field_error(name, "error.step_without_title") for name, day in steps if day]
        return errors
    case = student.current_case if student is not None else None
    if (
        case is not None
        and student is not None
        and (record.title_type is None or _same_title(student.current_title, record))
        and CaseStatus(case.status) in CLOSED_STATUSES
    ):
        # R10: a refused or closed case takes no further step; a new title opens a new case.
        stored = {"validated_on": case.validated_on, "application_submitted_on": case.submitted_on}
        errors += [field_error(name, "error.step_case_closed")
                   for name, day in steps if day and day != stored[name]]
    return errors


def _apply_case_steps(case: Case, record: StudentRecord) -> bool:
    """Steps present in the record are recorded; an empty cell never erases a step that the
    student or the office recorded elsewhere."""
    changed = False
    if record.validated_on and case.validated_on != record.validated_on:
        case.validated_on = record.validated_on
        changed = True
    submitted = record.application_submitted_on
    if submitted and case.submitted_on != submitted:
        case.submitted_on = submitted
        if case.status == CaseStatus.TODO:
            case.status = CaseStatus.SUBMITTED.value
        changed = True
    return changed


def apply_record(
    session: Session,
    record: StudentRecord,
    *,
    today: date,
    source: str,
    student: Student | None = None,
) -> ApplyResult:
    """Create or update (upsert by student number, else by e-mail) one student, or update
    `student` when the caller knows whom the record is for (a page about one student, whose
    number may be unknown and whose e-mail may be the field being corrected)."""
    student = student or find_student(session, record)
    problems = record_problems(student, record, today)
    if problems:
        return ApplyResult(Outcome.UNCHANGED, None, tuple(problems))
    # One mailbox, one student: reminders and sign-in links go to the address.
    other = session.execute(
        select(Student.id, Student.student_number)
        .where(Student.email_key == email_key(record.email))
    ).first()
    if other is not None and (student is None or other.id != student.id):
        return ApplyResult(Outcome.UNCHANGED, None, (
            field_error("email", "error.email_taken", value=record.email,
                        other=other.student_number or f"#{other.id}"),
        ))

    created = student is None
    if student is None:
        student = Student(
            student_number=record.student_number,
            email=record.email,
            email_key=email_key(record.email),
            registered_on=today,
            source=source,
            calendar_token=secrets.token_urlsafe(32),
            titles=[],
            cases=[],
        )
        session.add(student)

    changed = created
    if record.student_number and student.student_number != record.student_number:
        student.student_number = record.student_number
        changed = True
    for name in IDENTITY_FIELDS:
        value = getattr(record, name)
        if value in (None, ""):
            continue
        if isinstance(value, StrEnum):
            value = value.value
        if getattr(student, name) != value:
            setattr(student, name, value)
            changed = True
    student.email_key = email_key(student.email)
    refresh_search_text(student)

    case = student.current_case
    if record.title_type is not None and record.title_expires_on is not None:
        title = student.current_title
        if _same_title(title, record) and title is not None:
            # The same title with corrected dates: fix it in place (DESIGN 6 rule 6 re-arms).
            changed = correct_title(title, record) or changed
        else:
            session.flush()
            case = start_new_title(
                session, student, title_type=record.title_type,
                expires_on=record.title_expires_on, valid_from=record.title_valid_from,
                entry_date=record.entry_date, today=today,
            )
            changed = True

    if case is not None:
        changed = _apply_case_steps(case, record) or changed
        if changed:
            session.flush()
            sync_case(session, case, today)

    if not changed:
        return ApplyResult(Outcome.UNCHANGED, student)
    session.flush()
    return ApplyResult(Outcome.CREATED if created else Outcome.UPDATED, student)


def record_of(student: Student) -> StudentRecord:
    """The student as a record: what the export writes, so that it re-imports unchanged."""
    title = student.current_title
    case = student.current_case
    return StudentRecord(
        student_number=student.student_number,
        email=student.email,
        family_name=student.family_name,
        given_name=student.given_name,
        date_of_birth=student.date_of_birth,
        nationality=student.nationality,
        department=student.department,
        language=student.language,
        title_type=TitleType(title.title_type) if title else None,
        title_valid_from=title.valid_from if title else None,
        title_expires_on=title.expires_on if title else None,
        entry_date=title.entry_date if title else None,
        validated_on=case.validated_on if case else None,
        application_submitted_on=case.submitted_on if case else None,
        concours_result=ConcoursResult(student.concours_result)
        if student.concours_result else None,
    )
