"""The one iCalendar writer (RFC 5545, with the icalendar package): the file attached to the
e-mails and the student's calendar (download and private feed, tracker.cases.calendar).

An event is one milestone: all day, its name as the summary, what to do and where as the
description (tracker.reminders.texts.describe, the words of the e-mails), a display alarm a
week before a hard deadline. Its UID is stable for (case, milestone kind) on every surface, so
a calendar that has the event moves it when the date changes instead of adding a second one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from tracker.i18n import gettext
from tracker.reminders.texts import MilestoneInfo, describe
from tracker.rules.policy import Policy

PRODID = "-//tracker//residence permit deadlines//EN"
# A hard deadline (tracker.rules HARD_DEADLINE_KINDS) also rings a week before.
ALARM_BEFORE = timedelta(days=7)


def event_uid(case_id: int, kind: str, host: str) -> str:
    return f"case-{case_id}-{kind}@{host}"


def milestone_calendar(milestones: Sequence[MilestoneInfo], *, lang: str,
                       department: str | None, today: date, policy: Policy, host: str,
                       stamp: datetime, feed: bool = False) -> bytes:
    """The calendar of `milestones` in `lang`. `host` names the service in the UIDs (the host
    of TRACKER_BASE_URL); `stamp` is DTSTAMP, the moment the file is made. A `feed` tells
    subscribed readers how often to poll; an attachment is published once (METHOD:PUBLISH)."""
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
        if info["hard"]:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", info["name"])
            alarm.add("trigger", -ALARM_BEFORE)
            event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
