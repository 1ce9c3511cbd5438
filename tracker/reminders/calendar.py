"""The one iCalendar writer (RFC 5545, with the icalendar package): the file attached to the
e-mails and the student's calendar (download and private feed, tracker.cases.calendar).

An event is one milestone: all day, its name as the summary, what to do and where as the
description (tracker.reminders.texts.describe, the words of the e-mails), display alarms a
week and a day before a hard deadline. Its UID is stable for (case, milestone kind) on every
surface, so a calendar that has the event moves it when the date changes instead of adding a
second one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from tracker.i18n import gettext
from tracker.reminders.texts import MilestoneInfo, describe
from tracker.rules.policy import Policy

PRODID = "-//tracker//residence permit deadlines//EN"
# A hard deadline (tracker.rules HARD_DEADLINE_KINDS) also rings a week before, time to
# gather papers, and the day before, the last chance.
ALARMS_BEFORE = (timedelta(days=7), timedelta(days=1))


def event_uid(case_id: int, kind: str, host: str) -> str:
    return f"case-{case_id}-{kind}@{host}"


def nothing_due_uid(student_id: int, host: str) -> str:
    return f"student-{student_id}-nothing-due@{host}"


def milestone_calendar(milestones: Sequence[MilestoneInfo], *, lang: str,
                       department: str | None, today: date, policy: Policy, host: str,
                       stamp: datetime, feed_of: int | None = None) -> bytes:
    """The calendar of `milestones` in `lang`. `host` names the service in the UIDs (the host
    of TRACKER_BASE_URL); `stamp` is DTSTAMP, the moment the file is made. `feed_of` (a
    student's id) makes it the student's feed, which tells subscribed readers how often to poll
    and, with nothing to follow, holds one event on `today` that says so: RFC 5545 requires a
    component, and an empty feed would look broken. An attachment is published once
    (METHOD:PUBLISH), and never without an event (tracker.reminders.emails)."""
    feed = feed_of is not None
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if feed:
        # RFC 7986 REFRESH-INTERVAL; older clients read X-PUBLISHED-TTL.
        calendar.add("refresh-interval", timedelta(hours=12), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT12H")
    else:
        calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", gettext("calendar.name", lang))
    disclaimer = gettext("mail.disclaimer", lang)
    for milestone in milestones:
        info = describe(milestone, lang, department, today, policy)
        event = Event()
        event.add("uid", event_uid(milestone.case_id, milestone.kind, host))
        event.add("dtstamp", stamp)
        event.add("dtstart", milestone.date)
        event.add("dtend", milestone.date + timedelta(days=1))
        event.add("summary", info["name"])
        event.add("description", "\n".join(
            [info["todo"], *([info["where"]] if info["where"] else []), disclaimer]))
        event.add("transp", "TRANSPARENT")
        for before in ALARMS_BEFORE if info["hard"] else ():
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", info["name"])
            alarm.add("trigger", -before)
            event.add_component(alarm)
        calendar.add_component(event)
    if feed_of is not None and not milestones:
        calendar.add_component(_nothing_due(feed_of, lang, host, today, stamp))
    return calendar.to_ical()


def _nothing_due(student_id: int, lang: str, host: str, today: date, stamp: datetime) -> Event:
    # Dated today, so it is always in view; it leaves the feed once a date is due again.
    event = Event()
    event.add("uid", nothing_due_uid(student_id, host))
    event.add("dtstamp", stamp)
    event.add("dtstart", today)
    event.add("dtend", today + timedelta(days=1))
    event.add("summary", gettext("calendar.nothing_due", lang))
    event.add("description", gettext("calendar.nothing_due_detail", lang))
    event.add("transp", "TRANSPARENT")
    return event
