"""A student's deadlines as an iCalendar file: the download /me/calendar.ics and the private
feed /calendar/<token>.ics. Every milestone still to do is an event, past ones included (with
their "what it means now" words); the writer is tracker.reminders.calendar, shared with the
e-mails' attachment, so both give an event the same UID and the same words.

A student with nothing left to do (left France, case closed, no title) gets a calendar with
no event: a feed must still answer, and an empty answer is what removes the old events from
a subscribed calendar.
"""

from __future__ import annotations

from datetime import date, datetime

from tracker.models import Student
from tracker.models.evaluation import evaluate_case
from tracker.reminders.calendar import milestone_calendar
from tracker.reminders.keys import milestone_infos
from tracker.rules.policy import Policy


def student_calendar(student: Student, today: date, policy: Policy, *, host: str,
                     stamp: datetime) -> bytes:
    """`stamp`: the moment the file is made (DTSTAMP), read from the clock by the caller."""
    case = student.current_case
    if case is None or student.left_france_on is not None or not case.is_open:
        milestones = []
    else:
        milestones = milestone_infos(case, evaluate_case(case, today))
    return milestone_calendar(milestones, lang=student.language, department=student.department,
                              today=today, policy=policy, host=host,
                              stamp=stamp, feed_of=student.id)
