"""The office digest (DESIGN 6 rule 8): `digest:<day>`, only when there is something to say."""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from tracker.db import policy_of
from tracker.i18n import format_day, gettext
from tracker.mail.outbox import enqueue
from tracker.models import Case, OutboxMessage, Reminder, Student
from tracker.reminders.emails import (
    DigestData,
    DigestLine,
    render_digest,
)
from tracker.reminders.keys import digest_key
from tracker.rules.milestones import HARD_DEADLINE_KINDS
from tracker.rules.policy import Policy
from tracker.settings import Settings

log = logging.getLogger(__name__)

DIGEST_LANGUAGE = "fr"
DIGEST_LINES = 50
# --------------------------------------------------------------------------------------------
# The office digest (rule 8)


def _previous_digest(session: Session, today: date) -> tuple[date, datetime] | None:
    row = session.execute(
        select(OutboxMessage.key, OutboxMessage.created_at)
        .where(OutboxMessage.kind == "digest", OutboxMessage.key < digest_key(today))
        .order_by(OutboxMessage.key.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return date.fromisoformat(row.key.split(":", 1)[1]), row.created_at


def _line(student: Student, detail: str) -> DigestLine:
    return DigestLine(student.student_number or f"#{student.id}", student.full_name, detail)


def collect_digest(session: Session, today: date, lang: str = DIGEST_LANGUAGE) -> DigestData:
    """What the office is told on `today`: what happened since the previous digest (a delta,
    whatever the number of days in between), or, for the very first digest, everything still
    relevant (an office that turns the digest on, or a first run after an outage, must not
    miss what fell before yesterday); plus the standing totals of cases still at risk."""
    previous = _previous_digest(session, today)
    since_day = previous[0] if previous else None
    since_at = previous[1] if previous else None
    data = DigestData(since=since_day)

    late_fee = policy_of(session).late_fee_eur(today)

    def name(kind: str) -> str:
        return gettext(f"milestone.{kind}", lang, late_fee=late_fee)

    open_case = and_(Case.is_current.is_(True), Case.is_open.is_(True),
                     Case.needs_action.is_(True))
    # Rule 8: +1 reminders of hard deadlines put in the outbox since the previous digest (by
    # the time their e-mail was planned, not their due day: after an outage, or for a student
    # who confirmed late, a +1 reminder due weeks ago goes out today).
    overdue = (
        select(Reminder, Student).join(Student, Student.id == Reminder.student_id)
        .join(OutboxMessage, OutboxMessage.id == Reminder.message_id)
        .where(Reminder.offset_days == 1, Reminder.milestone_kind.in_(HARD_DEADLINE_KINDS),
               Reminder.state.in_(("pending", "sent", "failed")), Reminder.due_on <= today)
        .order_by(Reminder.milestone_date, Student.id)
    )
    if since_at is not None:
        overdue = overdue.where(OutboxMessage.created_at > since_at)
    rows = session.execute(overdue).all()
    data.counts["overdue"] = len(rows)
    data.overdue_reminders = [
        _line(s, f"{name(r.milestone_kind)} ({format_day(r.milestone_date, lang)})")
        for r, s in rows[:DIGEST_LINES]
    ]
    for label, column in (("missed", Case.deadline_on), ("fee", Case.fee_threshold_on)):
        # R7's threshold exists for renewals only (fee_threshold_on is NULL otherwise, e.g. a
        # VLS-TS still to validate: RULES ambiguity 3, no late fee is known for it).
        at_risk = and_(open_case, column < today)
        data.standing[label] = int(session.scalar(
            select(func.count()).select_from(Case).where(at_risk)) or 0)
        query = (
            select(Case, Student).join(Student, Student.id == Case.student_id)
            .where(at_risk).order_by(column, Student.id)
        )
        if since_day is not None:
            query = query.where(column >= since_day)
        found = session.execute(query).all()
        data.counts[label] = len(found)
        lines = [
            _line(s, f"{gettext('procedure.' + c.procedure, lang)}, "
                     f"{format_day(getattr(c, column.key), lang)}")
            for c, s in found[:DIGEST_LINES]
        ]
        if label == "missed":
            data.missed_deadlines = lines
        else:
            data.fee_threshold = lines
    failed_query = (
        select(OutboxMessage, Student).outerjoin(Student, Student.id == OutboxMessage.student_id)
        .where(OutboxMessage.state == "failed", OutboxMessage.kind != "digest")
        .order_by(OutboxMessage.id)
    )
    if since_at is not None:
        failed_query = failed_query.where(OutboxMessage.next_attempt_at > since_at)
    failed = session.execute(failed_query).all()
    data.counts["failed"] = len(failed)
    data.failed = [
        DigestLine(s.student_number or f"#{s.id}" if s else "-", s.full_name if s else "",
                   f"{m.to_address}: {(m.last_error or '')[:200]}")
        for m, s in failed[:DIGEST_LINES]
    ]
    return data


def plan_digest(session: Session, *, today: date, policy: Policy,
                settings: Settings) -> int | None:
    """Put today's digest in the outbox when there is something to say; its id or None."""
    if not settings.office_email:
        return None
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == digest_key(today))):
        return None
    data = collect_digest(session, today)
    if data.empty:
        return None
    rendered = render_digest(data, today, DIGEST_LANGUAGE, policy, settings)
    message, created = enqueue(
        session, key=digest_key(today), kind="digest", sender=settings.mail_from,
        to_address=settings.office_email, language=DIGEST_LANGUAGE, subject=rendered.subject,
        text=rendered.text, html=rendered.html,
    )
    return message.id if created else None


