"""A student's deadlines as an iCalendar file (the download and the private feed).

Each milestone still to do is an all-day event whose UID is stable for (case, milestone kind),
so a subscribed calendar moves the event when a date changes instead of adding a second one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from tracker.i18n import format_day, gettext
from tracker.models import Student
from tracker.models.evaluation import evaluate_case
from tracker.rules.policy import Policy


def student_calendar(student: Student, today: date, policy: Policy, *,
                     host: str = "tracker") -> bytes:
    lang = student.language
    calendar = Calendar()
    calendar.add("prodid", "-//tracker//residence permit deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", gettext("ics.calendar_name", lang))
    # Feed readers poll at most this often (RFC 7986 REFRESH-INTERVAL; older clients read
    # X-PUBLISHED-TTL).
    calendar.add("refresh-interval", timedelta(hours=12), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")
    case = student.current_case
    if case is None or student.left_france_on is not None or not case.is_open:
        return calendar.to_ical()
    stamp = datetime.now(UTC)
    late_fee = policy.late_fee_eur(today)
    for milestone in evaluate_case(case, today).milestones:
        if milestone.done:
            continue
        event = Event()
        event.add("uid", f"case-{case.id}-{milestone.kind}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", milestone.date)
        event.add("dtend", milestone.date + timedelta(days=1))
        summary = gettext(f"milestone.{milestone.kind}", lang, late_fee=late_fee)
        event.add("summary", summary)
        event.add("description", gettext(
            "ics.description", lang, date=format_day(milestone.date, lang), rule=milestone.rule,
        ))
        event.add("transp", "TRANSPARENT")
        if milestone.hard:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary)
            alarm.add("trigger", timedelta(days=-7))
            event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
