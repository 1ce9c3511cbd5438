"""Figures for the office's statistics page, each one query over the stored columns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.models import Case, OutboxMessage, Reminder, Student

WEEKS = 26


@dataclass(frozen=True)
class WeekCount:
    starts_on: date
    fee_thresholds: int  # R7: last day without the late fee
    deadlines: int  # every other hard deadline (validation, first application, expiry, R4)

    @property
    def total(self) -> int:
        return self.fee_thresholds + self.deadlines


def weekly_deadlines(session: Session, today: date, weeks: int = WEEKS) -> list[WeekCount]:
    """Hard deadlines of cases still to act on, per week from the Monday of this week.

    Grouped by day in SQL (at most 7×26 rows) and into weeks here, which keeps the query the
    same on SQLite and PostgreSQL."""
    start = today - timedelta(days=today.weekday())
    end = start + timedelta(weeks=weeks)
    fee = [0] * weeks
    other = [0] * weeks
    acting = (Case.is_open.is_(True), Case.is_current.is_(True), Case.needs_action.is_(True))
    for column, bucket in ((Case.fee_threshold_on, fee), (Case.deadline_on, other)):
        rows = session.execute(
            select(column, func.count()).where(*acting, column >= today, column < end)
            .group_by(column)
        )
        for day, count in rows:
            assert day is not None  # the WHERE compares it with dates
            bucket[(day - start).days // 7] += count
    return [WeekCount(start + timedelta(weeks=i), fee[i], other[i]) for i in range(weeks)]


@dataclass(frozen=True)
class DeliveryCounts:
    reminders_sent: int
    reminders_failed: int
    messages_sent: int
    messages_failed: int


def delivery_counts(session: Session, today: date, days: int = 30) -> DeliveryCounts:
    since = datetime.combine(today - timedelta(days=days), time.min)
    reminder_states = dict(session.execute(
        select(Reminder.state, func.count()).where(
            Reminder.updated_at >= since, Reminder.state.in_(("sent", "failed"))
        ).group_by(Reminder.state)
    ).all())
    message_states = dict(session.execute(
        select(OutboxMessage.state, func.count()).where(
            func.coalesce(OutboxMessage.sent_at, OutboxMessage.created_at) >= since,
            OutboxMessage.state.in_(("sent", "failed")),
        ).group_by(OutboxMessage.state)
    ).all())
    return DeliveryCounts(
        reminders_sent=reminder_states.get("sent", 0),
        reminders_failed=reminder_states.get("failed", 0),
        messages_sent=message_states.get("sent", 0),
        messages_failed=message_states.get("failed", 0),
    )


def suppressed_students(session: Session, limit: int = 500) -> list[Student]:
    return list(session.scalars(
        select(Student).where(Student.address_suppressed.is_(True))
        .order_by(Student.family_name, Student.given_name, Student.id).limit(limit)
    ))
