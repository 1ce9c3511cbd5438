"""Reading the audit trail for the office, and putting a failed e-mail back in the queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from tracker.models import AuditEntry, OutboxMessage, Student, utcnow

PER_PAGE = 50
# Actions this area records, plus the families other areas use; the filter also offers every
# action present in the log.
AUDIT_ACTIONS: tuple[str, ...] = (
    "staff.", "staff.signin", "staff.signin_failed", "staff.signout", "staff.password",
    "staff.create", "staff.role", "staff.deactivate", "staff.activate",
    "student.edit", "student.delete", "case.", "case.step", "case.new_title",
    "note.add", "students.", "students.import", "students.export", "outbox.retry",
)


@dataclass(frozen=True)
class AuditFilters:
    action: str | None = None  # an action, or a family ending with "." (prefix)
    actor: str = ""  # part of the actor's label (e-mail) or id ("staff:3", "cli")
    student: str = ""  # a student number or "#id"
    since: date | None = None
    until: date | None = None
    page: int = 1

    def query_args(self, **changes: object) -> dict[str, str]:
        values = {
            "action": self.action or "", "actor": self.actor, "student": self.student,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "", "page": str(self.page),
        }
        values.update({k: str(v) for k, v in changes.items()})
        return {k: v for k, v in values.items() if v and not (k == "page" and v == "1")}


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    student_number: str | None
    student_name: str | None


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    pages: int


def audit_page(session: Session, filters: AuditFilters) -> AuditPage:
    conditions = []
    if filters.action:
        if filters.action.endswith("."):
            conditions.append(AuditEntry.action.startswith(filters.action))
        else:
            conditions.append(AuditEntry.action == filters.action)
    if filters.actor:
        needle = f"%{filters.actor.lower()}%"
        conditions.append(or_(func.lower(AuditEntry.actor_label).like(needle),
                              func.lower(AuditEntry.actor).like(needle)))
    if filters.student:
        if filters.student.startswith("#") and filters.student[1:].isdigit():
            conditions.append(AuditEntry.student_id == int(filters.student[1:]))
        else:
            conditions.append(AuditEntry.student_id.in_(
                select(Student.id).where(Student.student_number == filters.student)))
    if filters.since:
        conditions.append(AuditEntry.at >= datetime.combine(filters.since, time.min))
    if filters.until:
        conditions.append(
            AuditEntry.at < datetime.combine(filters.until + timedelta(days=1), time.min))
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions)) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(filters.page, pages)
    rows = session.execute(
        select(AuditEntry, Student.student_number, Student.given_name, Student.family_name)
        .outerjoin(Student, Student.id == AuditEntry.student_id)
        .where(*conditions)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    return AuditPage(
        rows=[AuditRow(entry, number, f"{given} {family.upper()}".strip()
                       if family is not None else None)
              for entry, number, given, family in rows],
        total=total, page=page, pages=pages,
    )


def known_actions(session: Session) -> list[str]:
    present = session.scalars(select(AuditEntry.action).distinct())
    return sorted(set(AUDIT_ACTIONS) | set(present))


def failed_messages(session: Session, limit: int = 200) -> list[OutboxMessage]:
    return list(session.scalars(
        select(OutboxMessage).where(OutboxMessage.state == "failed")
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)
    ))


def retry_message(session: Session, message: OutboxMessage, now: datetime | None = None) -> bool:
    """Queue a failed message again: the next delivery run sends it (same Message-ID, the
    attempts so far are kept). False when the message is not in the failed state."""
    if message.state != "failed":
        return False
    message.state = "pending"
    message.next_attempt_at = now or utcnow()
    message.lease_until = None
    message.claimed_by = None
    session.flush()
    return True
