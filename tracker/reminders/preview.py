"""What will go out for one student (`tracker reminders preview`) and counts per state."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tracker.models import Reminder, Student
from tracker.models.evaluation import evaluate_case
from tracker.reminders.arming import desired_reminders
from tracker.reminders.keys import case_wants_reminders
from tracker.reminders.texts import reminder_header
from tracker.rules.milestones import HARD_DEADLINE_KINDS
from tracker.rules.policy import Policy

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreviewItem:
    send_on: date
    kind: str
    milestone_date: date
    offset: int
    hard: bool

    @property
    def header(self) -> str:
        return reminder_header(self.kind, self.milestone_date, self.offset)


# --------------------------------------------------------------------------------------------
# Preview


def preview(session: Session, student: Student, *, today: date, days: int,
            policy: Policy) -> list[PreviewItem]:
    """The reminders that will go out from today to today + days, if the student's facts do
    not change: due ones not sent yet (only the latest per milestone, today), then the
    scheduled ones, day by day."""
    if not student.reminders_enabled or student.address_suppressed:
        return []
    case = student.current_case
    if case is None or not case_wants_reminders(case):
        return []
    wanted = desired_reminders(case, evaluate_case(case, today), policy, student.registered_on)
    recorded = set(session.scalars(
        select(Reminder.key).where(Reminder.case_id == case.id, or_(
            Reminder.state != "pending", Reminder.message_id.is_not(None)))
    ))
    horizon = today + timedelta(days=days)
    latest_due: dict[str, tuple[str, date, int, date]] = {}
    items: list[PreviewItem] = []
    for key, (kind, when, offset, due) in wanted.items():
        if key in recorded or due > horizon:
            continue
        if due <= today:
            best = latest_due.get(kind)
            if best is None or due > best[3]:
                latest_due[kind] = (kind, when, offset, due)
        else:
            items.append(PreviewItem(due, kind, when, offset, kind in HARD_DEADLINE_KINDS))
    items += [PreviewItem(today, kind, when, offset, kind in HARD_DEADLINE_KINDS)
              for kind, when, offset, _due in latest_due.values()]
    return sorted(items, key=lambda i: (i.send_on, i.milestone_date, i.kind))


def reminder_states(session: Session, student_id: int) -> dict[str, int]:
    """Counts per state, for tests and the office's case page."""
    rows = session.execute(
        select(Reminder.state).where(Reminder.student_id == student_id)
    ).scalars()
    counts: dict[str, int] = defaultdict(int)
    for state in rows:
        counts[state] += 1
    return dict(counts)
