"""A student's own use of tracker: self-registration, e-mail confirmation, the steps they
record on their page, their data as JSON, and deleting it.

Registration never reveals whether an address is known (no enumeration): the caller gets a
`RegistrationResult` telling it which e-mail to send, and shows the same page either way.
A self-registered student stays unconfirmed (`email_confirmed_at` NULL, so the reminder planner
mails nothing) until they open the confirmation link; unconfirmed registrations are purged after
`UNCONFIRMED_RETENTION`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tracker.audit import record_audit
from tracker.cases.sync import STEP_STATUS, record_step, step_problem, sync_case
from tracker.models import (
    AuditEntry,
    Case,
    OutboxMessage,
    Reminder,
    ResidenceTitle,
    Student,
)
from tracker.rules.checks import title_problems
from tracker.rules.titles import CLOSED_STATUSES, CaseStatus, ConcoursResult, TitleType
from tracker.students.changes import apply_record, start_new_title
from tracker.students.records import FieldError, StudentRecord, email_key, field_error

UNCONFIRMED_RETENTION = timedelta(days=7)
CONFIRM_MAX_AGE = timedelta(hours=48)
ACCESS_MAX_AGE = timedelta(minutes=30)

# Cards a student can collect at the prefecture (R10: a collected card starts a new R6 cycle).
CARD_TYPES: tuple[TitleType, ...] = (
    TitleType.STUDENT_CARD,
    TitleType.MULTI_YEAR_CARD,
    TitleType.ALGERIAN_CERTIFICATE,
    TitleType.TALENT,
    TitleType.RECE,
)

# What a student records on their own page; the dated ones map onto cases.sync steps.
STUDENT_EVENTS: tuple[str, ...] = (
    "validated", "submitted", "adf_received", "card_collected", "refused", "left_france",
)


@dataclass(frozen=True)
class RegistrationResult:
    """`created`: a new, unconfirmed student who must receive a confirmation link.
    `known`: the address (or the student number) is already known; that student receives a
    sign-in link at the address on file and nothing is changed."""

    kind: Literal["created", "known"]
    student: Student
    errors: tuple[FieldError, ...] = ()


def find_by_email(session: Session, address: str) -> Student | None:
    return session.scalar(select(Student).where(Student.email_key == email_key(address)))


def register_student(
    session: Session, record: StudentRecord, *, today: date, now: datetime
) -> RegistrationResult:
    known = find_by_email(session, record.email)
    if known is None and record.student_number:
        # Somebody typing a number that is already on file must not take that record over (an
        # upsert by number would change its e-mail): its owner gets a sign-in link instead.
        known = session.scalar(
            select(Student).where(Student.student_number == record.student_number)
        )
    if known is not None:
        record_audit(session, actor="student", action="student.register_known",
                     student_id=known.id)
        return RegistrationResult("known", known)

    result = apply_record(session, record, today=today, source="register")
    if result.student is None:
        # A concurrent registration took the address between the check and the insert.
        taken = find_by_email(session, record.email)
        if taken is None:
            raise RuntimeError("apply_record refused a registration for an unknown reason")
        return RegistrationResult("known", taken, result.errors)
    student = result.student
    student.consent_at = now
    student.email_confirmed_at = None
    student.reminders_enabled = True
    session.flush()
    record_audit(session, actor="student", action="student.register", student_id=student.id)
    return RegistrationResult("created", student)


def confirm_student(session: Session, student: Student, *, today: date, now: datetime) -> bool:
    """Mark the address confirmed; True when this call activated the registration.

    The registration counts from its confirmation (DESIGN 6 rule 2: reminders are due from the
    registration date on), and the case is re-synced, which re-arms this student's reminders
    from the new registration date now that they may be mailed."""
    if student.email_confirmed_at is not None:
        return False
    student.email_confirmed_at = now
    if student.source == "register":
        student.registered_on = today
    session.flush()
    case = student.current_case
    if case is not None:
        sync_case(session, case, today)
    record_audit(session, actor="student", action="student.confirm", student_id=student.id)
    return True


def purge_unconfirmed(session: Session, now: datetime) -> int:
    """Delete self-registrations whose address was not confirmed within 7 days; return how
    many. Students imported by the office are never touched (they confirm nothing).

    The scheduler calls this once a day."""
    cutoff = now - UNCONFIRMED_RETENTION
    ids = list(session.scalars(
        select(Student.id).where(
            Student.source == "register",
            Student.email_confirmed_at.is_(None),
            Student.created_at < cutoff,
        )
    ))
    if not ids:
        return 0
    # Their queued e-mails hold their name and address: they go too.
    session.execute(delete(OutboxMessage).where(OutboxMessage.student_id.in_(ids)))
    for student in session.scalars(select(Student).where(Student.id.in_(ids))):
        session.delete(student)
    session.flush()
    record_audit(session, actor="system", action="student.purge_unconfirmed", count=len(ids))
    return len(ids)


def delete_student_data(session: Session, student: Student, *, actor: str = "student",
                        actor_label: str = "") -> None:
    """Erase a student and everything about them, whoever asks (the student or the office):
    their queued and sent e-mails go too, so nothing of theirs is kept or still delivered.
    The audit log keeps the fact: the entry is written first and its student_id is set to
    NULL by the foreign key when the row goes."""
    record_audit(session, actor=actor, actor_label=actor_label, action="student.delete",
                 student_id=student.id)
    session.flush()
    session.execute(delete(OutboxMessage).where(OutboxMessage.student_id == student.id))
    session.delete(student)
    session.flush()
    # The ORM still holds the old value on entries loaded in this session; the database is
    # right, and callers reading the log afterwards must see what the database says.
    for entry in session.scalars(select(AuditEntry).where(AuditEntry.student_id == student.id)):
        session.expire(entry)


@dataclass(frozen=True)
class NewCard:
    title_type: TitleType
    valid_from: date | None
    expires_on: date


def record_event(
    session: Session,
    student: Student,
    event: str,
    *,
    on: date,
    today: date,
    new_card: NewCard | None = None,
) -> list[FieldError]:
    """Record what the student says happened; returns problems (nothing changed) or [].

    Each change re-syncs the case at once, which tells the reminder planner: a filed procedure
    stops its reminders, a new card starts a new R6 cycle."""
    if event not in STUDENT_EVENTS:
        raise ValueError(f"unknown event {event!r}")
    case = student.current_case
    errors: list[FieldError] = []
    if on > today:
        errors.append(field_error("on", "error.date_in_future"))
    if case is None and event != "left_france":
        errors.append(field_error("event", "error.no_current_case"))
    elif case is not None and event in STEP_STATUS and (problem := step_problem(case, event)):
        errors.append(field_error("event", problem))
    if event == "card_collected":
        if new_card is None:
            errors.append(field_error("new_title_expires_on", "error.required"))
        else:
            for field, code, params in title_problems(
                title_type=new_card.title_type, valid_from=new_card.valid_from,
                expires_on=new_card.expires_on, entry_date=None,
                nationality=student.nationality, date_of_birth=student.date_of_birth,
            ):
                errors.append(field_error("new_" + field, code, **params))
            if new_card.expires_on <= on:
                errors.append(field_error("new_title_expires_on", "error.card_already_expired"))
    if errors:
        return errors

    if event == "left_france":
        student.left_france_on = on
        if case is not None and CaseStatus(case.status) not in CLOSED_STATUSES:
            record_step(session, case, "closed", on, today)
    elif event == "card_collected":
        assert case is not None and new_card is not None
        record_step(session, case, "card_collected", on, today)
        new_case = start_new_title(
            session, student, title_type=new_card.title_type, expires_on=new_card.expires_on,
            valid_from=new_card.valid_from, entry_date=None, today=today,
        )
        sync_case(session, new_case, today)
    else:
        assert case is not None
        record_step(session, case, event, on, today)
    record_audit(session, actor="student", action=f"student.{event}", student_id=student.id,
                 on=on.isoformat())
    return []


def set_concours_result(
    session: Session, student: Student, result: ConcoursResult, *, today: date
) -> None:
    student.concours_result = result.value
    session.flush()
    if student.current_case is not None:
        sync_case(session, student.current_case, today)
    record_audit(session, actor="student", action="student.concours_result",
                 student_id=student.id, result=result.value)


def set_reminders(session: Session, student: Student, enabled: bool, *, today: date) -> None:
    student.reminders_enabled = enabled
    session.flush()
    # The planner cancels or re-plans pending reminders when it hears of the case.
    if student.current_case is not None:
        sync_case(session, student.current_case, today)
    record_audit(session, actor="student",
                 action="student.reminders_on" if enabled else "student.reminders_off",
                 student_id=student.id)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if value else None


def student_data(session: Session, student: Student) -> dict[str, Any]:
    """Everything tracker holds about one student, for them to download (GDPR art. 15/20)."""
    titles: list[ResidenceTitle] = list(student.titles)
    cases: list[Case] = list(student.cases)
    reminders = session.scalars(
        select(Reminder).where(Reminder.student_id == student.id).order_by(Reminder.id)
    ).all()
    messages = session.scalars(
        select(OutboxMessage).where(OutboxMessage.student_id == student.id)
        .order_by(OutboxMessage.id)
    ).all()
    return {
        "student": {
            "student_number": student.student_number,
            "family_name": student.family_name,
            "given_name": student.given_name,
            "email": student.email,
            "date_of_birth": _day(student.date_of_birth),
            "nationality": student.nationality,
            "department": student.department,
            "language": student.language,
            "concours_result": student.concours_result,
            "consent_at": _moment(student.consent_at),
            "email_confirmed_at": _moment(student.email_confirmed_at),
            "reminders_enabled": student.reminders_enabled,
            "left_france_on": _day(student.left_france_on),
            "registered_on": _day(student.registered_on),
            "source": student.source,
            "created_at": _moment(student.created_at),
            "updated_at": _moment(student.updated_at),
        },
        "titles": [
            {"title_type": t.title_type, "valid_from": _day(t.valid_from),
             "expires_on": _day(t.expires_on), "entry_date": _day(t.entry_date),
             "is_current": t.is_current}
            for t in titles
        ],
        "cases": [
            {"procedure": c.procedure, "status": c.status, "is_current": c.is_current,
             "validated_on": _day(c.validated_on), "submitted_on": _day(c.submitted_on),
             "adf_received_on": _day(c.adf_received_on),
             "card_collected_on": _day(c.card_collected_on),
             "refused_on": _day(c.refused_on), "closed_on": _day(c.closed_on),
             "next_milestone": c.next_milestone_kind,
             "next_milestone_date": _day(c.next_milestone_date),
             "flags": c.flag_list}
            for c in cases
        ],
        "reminders": [
            {"milestone": r.milestone_kind, "milestone_date": _day(r.milestone_date),
             "offset_days": r.offset_days, "due_on": _day(r.due_on), "state": r.state,
             "reason": r.reason}
            for r in reminders
        ],
        "emails": [
            {"kind": m.kind, "subject": m.subject, "to": m.to_address, "state": m.state,
             "created_at": _moment(m.created_at), "sent_at": _moment(m.sent_at)}
            for m in messages
        ],
    }
