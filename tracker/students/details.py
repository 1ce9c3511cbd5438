"""A student's own data, checked the same way wherever the student types it: the registration
form and the correction page (/me/details). `check_student_fields` is parse_record (the CSV
import's validation) plus what only a person filling a form is asked: required fields and
plausible dates. `correct_student_details` applies a checked record to one known student.

Correcting the current title is a correction in place (the same title, with the dates it
really has): the case is re-synced, which re-arms the reminders for the new dates and
cancels the pending ones of the old dates. A new card is not a correction: the student
records it as "card collected" on /me, which starts a new title and a new cycle (R10).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.audit import record_audit
from tracker.cases.sync import sync_case
from tracker.models import Student
from tracker.rules.dates import add_years
from tracker.students.changes import (
    Outcome,
    apply_record,
    correct_title,
    record_of,
    record_problems,
)
from tracker.students.records import (
    CSV_COLUMNS,
    FieldError,
    StudentRecord,
    field_error,
    parse_date,
    parse_record,
)

# Which dates each title type needs (the rest are hidden by static/js/register.js and ignored
# by the server): cards are issued in France, so their entry date plays no part in any rule.
TITLE_NEEDS: dict[str, frozenset[str]] = {
    "vls-ts": frozenset({"entry_date", "validated_on"}),
    "visa-csa": frozenset({"entry_date"}),
    "visa-concours": frozenset({"entry_date", "concours_result"}),
    "visa-minor": frozenset({"entry_date"}),
}
# Asked only for some types; which ones is stated in each field's hint.
CONDITIONAL_FIELDS: tuple[str, ...] = ("entry_date", "validated_on", "concours_result")
# Required for these types in the form (a visa holder knows their entry stamp).
ENTRY_REQUIRED: frozenset[str] = frozenset({"vls-ts", "visa-csa", "visa-concours"})

# The order of the forms, so an error summary reads top to bottom.
FORM_ORDER: tuple[str, ...] = (
    "family_name", "given_name", "email", "student_number", "date_of_birth", "nationality",
    "department", "language", "title_type", "title_valid_from", "title_expires_on",
    "entry_date", "validated_on", "concours_result", "consent",
)
REQUIRED_FIELDS: tuple[str, ...] = (
    "family_name", "given_name", "email", "date_of_birth", "nationality", "department",
    "title_type", "title_valid_from", "title_expires_on",
)
# What the student may correct on /me/details. The address is not among them: it is how the
# student signs in, so the office changes it; the language is a setting of /me.
DETAIL_FIELDS: tuple[str, ...] = (
    "family_name", "given_name", "student_number", "date_of_birth", "nationality",
    "department", "title_type", "title_valid_from", "title_expires_on", "entry_date",
    "validated_on",
)
# A student is at least 15 and at most 100: anything else is a typo (e.g. this year).
MIN_AGE_YEARS = 15
MAX_AGE_YEARS = 100


def in_form_order(errors: list[FieldError]) -> list[FieldError]:
    order = {name: i for i, name in enumerate(FORM_ORDER)}
    return sorted(errors, key=lambda e: order.get(e.field, len(order)))


def check_student_fields(
    values: Mapping[str, str], today: date, *, student: Student | None = None,
    extra_errors: list[FieldError] | None = None,
) -> tuple[StudentRecord | None, list[FieldError]]:
    """Check what a student typed (text values by CSV column) for `student` (None: a new
    registration); every problem at once, in the form's order. `extra_errors`: the caller's
    own checks (the registration's consent)."""
    raw = {name: (values.get(name) or "") for name in CSV_COLUMNS}
    title_type = raw["title_type"]
    needs = TITLE_NEEDS.get(title_type, frozenset())
    for name in CONDITIONAL_FIELDS:
        if name not in needs:
            raw[name] = ""  # a field hidden for this type (or typed before a change of type)
    # The form's own checks first: for one field, the first message is the one shown, and
    # "this date is in the future" says more than a cross-field consequence of it.
    errors: list[FieldError] = []
    required = list(REQUIRED_FIELDS)
    if title_type in ENTRY_REQUIRED:
        required.append("entry_date")
    for name in required:
        if not raw[name].strip():
            errors.append(field_error(name, "error.required"))
    errors += extra_errors or []

    born = parse_date(raw["date_of_birth"])
    if born is not None:
        if born > today:
            errors.append(field_error("date_of_birth", "error.date_in_future"))
        elif add_years(born, MIN_AGE_YEARS) > today or add_years(born, MAX_AGE_YEARS) < today:
            errors.append(field_error("date_of_birth", "error.date_of_birth_implausible"))
    entered = parse_date(raw["entry_date"])
    if entered is not None and entered > today:
        errors.append(field_error("entry_date", "error.date_in_future"))
    validated = parse_date(raw["validated_on"])
    if validated is not None:
        if validated > today:
            errors.append(field_error("validated_on", "error.date_in_future"))
        elif entered is not None and validated < entered:
            errors.append(field_error("validated_on", "error.validated_before_entry"))

    record, parse_errors = parse_record(raw, required=("email",))
    errors += parse_errors
    if record is not None:
        # The checks the import and the office get too (R3's certificate, a minor's visa held
        # by an adult, ...); a field that already has its message keeps only that one.
        flagged = {e.field for e in errors}
        errors += [e for e in record_problems(student, record, today) if e.field not in flagged]
    if errors:
        return None, in_form_order(errors)
    return record, []


def details_of(student: Student) -> dict[str, str]:
    """The values /me/details starts from: the student's record as text."""
    row = record_of(student).as_csv_row()
    return {name: row[name] for name in DETAIL_FIELDS}


def _number_problem(session: Session, student: Student, number: str) -> FieldError | None:
    if student.student_number and not number:
        # The office finds its students by number (the CSV import): it cannot be erased here.
        return field_error("student_number", "error.student_number_keep")
    if number and number != student.student_number:
        taken = session.scalar(select(Student.id).where(
            Student.student_number == number, Student.id != student.id))
        if taken is not None:
            # Another student's record: a typo, and it must never be taken over.
            return field_error("student_number", "error.student_number_taken", value=number)
    return None


def correct_student_details(
    session: Session, student: Student, typed: Mapping[str, str], *, today: date,
) -> list[FieldError]:
    """Apply what the student typed on /me/details to this student; problems (nothing
    changed) or [].

    The record starts from what is on file, so the fields the page does not show (address,
    language, filing date, concours result) stay as they are."""
    values = record_of(student).as_csv_row()
    values.update({name: (typed.get(name) or "").strip() for name in DETAIL_FIELDS})
    record, errors = check_student_fields(values, today, student=student)
    number = (typed.get("student_number") or "").strip()
    if (problem := _number_problem(session, student, number)) is not None:
        errors = in_form_order([*errors, problem])
    if record is None or errors:
        return errors

    before = record_of(student).as_csv_row()
    title = student.current_title
    # A corrected type or date fixes the title in place (the case and its steps stay); an
    # entry date the form did not ask (a card) keeps the one on file.
    title_changed = (title is not None and record.title_type is not None
                     and record.title_expires_on is not None and correct_title(title, record))
    # Identity, number and the visa-validation date: the code path of every record (with the
    # title now equal to the record's, apply_record leaves it as it is).
    result = apply_record(session, record, today=today, source="student", student=student)
    if result.errors:
        return list(result.errors)
    case = student.current_case
    if title_changed and result.outcome is Outcome.UNCHANGED and case is not None:
        session.flush()
        sync_case(session, case, today)
    after = record_of(student).as_csv_row()
    # Field names only: the audit log outlives the student's data (audit).
    changed = sorted(name for name in CSV_COLUMNS if before[name] != after[name])
    if changed:
        record_audit(session, actor="student", action="student.details",
                     student_id=student.id, fields=changed)
    return []
