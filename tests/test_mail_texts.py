"""The e-mail texts: every milestone renders in both languages (the catalogs themselves are
checked by tracker.i18n.check), the .ics serialiser produces what icalendar parses back, and
headers stay on one line."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from email import message_from_string
from email.policy import default as default_policy

import pytest
from icalendar import Calendar

from tracker.i18n import LANGUAGES, gettext
from tracker.mail.message import build_message
from tracker.reminders.emails import (
    CoveredReminder,
    DigestData,
    DigestLine,
    render_digest,
    render_reminder,
    render_welcome,
)
from tracker.reminders.texts import MilestoneInfo, Recipient
from tracker.rules.milestones import MILESTONE_KINDS
from tracker.rules.policy import DEFAULT_POLICY
from tracker.settings import load_settings

TODAY = date(2026, 11, 8)


@pytest.fixture
def settings(tmp_path):  # type: ignore[no-untyped-def]
    return load_settings({"TRACKER_INSTANCE_DIR": str(tmp_path),
                          "TRACKER_SECRET_KEY": "x" * 20,
                          "TRACKER_MAIL_FROM": "tracker@example.org"})


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("department", ["14", "50", "61", "75", None])
def test_every_milestone_renders(settings, lang: str, department: str | None) -> None:  # type: ignore[no-untyped-def]
    recipient = Recipient(1, "a@example.org", lang, "Zoé", department,
                          "https://tracker.example.org/unsubscribe?token=t")
    milestones = [MilestoneInfo(7, kind, date(2026, 11, 1) + (date(2026, 1, n + 1) -
                                                            date(2026, 1, 1)),
                                "minor_at_18" if kind.startswith("minor") else "renewal",
                                "visa-minor" if kind.startswith("minor") else "student-card")
                  for n, kind in enumerate(MILESTONE_KINDS)]
    milestones.append(MilestoneInfo(8, "title_expires", date(2026, 12, 1), "exam_failed",
                                    "visa-concours"))
    covered = [CoveredReminder(m, -7 + n) for n, m in enumerate(milestones)]
    rendered = render_reminder(recipient, covered, milestones, TODAY, DEFAULT_POLICY, settings)
    assert "%(" not in rendered.text and "%(" not in rendered.html
    assert len([h for h in rendered.headers if h[0] == "X-Tracker-Reminder"]) == len(covered)
    assert ("X-Tracker-Reminder", "renewal_window_opens 2026-11-06 -2") in rendered.headers
    assert ("X-Tracker-Reminder", "minor_window_opens 2026-11-03 -5") in rendered.headers
    assert ("X-Tracker-Reminder", "title_expires 2026-11-08 0") in rendered.headers
    assert ("X-Tracker-Reminder", "anef_access_ends 2026-11-09 +1") in rendered.headers
    if department == "14":
        assert "demarches-simplifiees.fr" in rendered.text
    elif department in ("50", "61"):
        assert f"pref-etrangers@{'manche' if department == '50' else 'orne'}.gouv.fr" \
            in rendered.text
    welcome = render_welcome(recipient, milestones, TODAY, DEFAULT_POLICY, settings)
    assert "%(" not in welcome.text
    message = build_message(sender="tracker@example.org", to="a@example.org",
                            subject=rendered.subject, text=rendered.text, html=rendered.html,
                            message_id="<1@example.org>", language=lang, kind="reminder",
                            headers=rendered.headers, attachments=rendered.attachments)
    raw = message.as_string()
    assert max(len(line) for line in raw.splitlines()) <= 998
    parsed = message_from_string(raw, policy=default_policy)
    assert parsed["Subject"] == rendered.subject
    assert parsed["Content-Language"] == lang
    assert parsed.get_body(("plain",)).get_content() == rendered.text.replace("\r\n", "\n")


def _attached_calendar(rendered) -> Calendar:  # type: ignore[no-untyped-def]
    (attachment,) = rendered.attachments
    assert (attachment.maintype, attachment.subtype) == ("text", "calendar")
    assert all(len(line) <= 75 for line in attachment.content.split(b"\r\n"))
    return Calendar.from_ical(attachment.content)


def test_calendar_file_parses_back(settings) -> None:  # type: ignore[no-untyped-def]
    recipient = Recipient(1, "a@example.org", "fr", "Zoé", "14", "https://x/u")
    milestones = [
        MilestoneInfo(3, "renewal_fee_free_until", date(2026, 11, 15), "renewal", "talent",
                      hard=True),
        MilestoneInfo(3, "title_expires", date(2027, 1, 14), "renewal", "talent", hard=True),
        MilestoneInfo(3, "renewal_window_opens", date(2026, 9, 16), "renewal", "talent"),
    ]
    rendered = render_welcome(recipient, milestones, TODAY, DEFAULT_POLICY, settings)
    calendar = _attached_calendar(rendered)
    assert str(calendar["METHOD"]) == "PUBLISH"
    events = list(calendar.walk("VEVENT"))
    assert [(str(e["SUMMARY"]), e.decoded("DTSTART")) for e in events] == [
        ("Dernier jour sans pénalité de 180 €", date(2026, 11, 15)),
        ("Fin de validité du titre", date(2027, 1, 14)),
    ]  # past milestones are not in the calendar
    description = str(events[0]["DESCRIPTION"])
    assert "14 novembre 2026" in description and "ANEF" in description
    # One UID per (case, milestone kind), named by the host of TRACKER_BASE_URL: a calendar
    # moves the event when the date changes.
    assert str(events[0]["UID"]) == f"case-3-renewal_fee_free_until@{settings.public_host}"
    # Hard deadlines ring a week and a day before.
    assert [sorted(a.decoded("TRIGGER") for a in e.walk("VALARM")) for e in events] == [
        [timedelta(days=-7), timedelta(days=-1)]] * 2
    moved = [replace(milestones[0], date=date(2026, 11, 20))]
    again = list(_attached_calendar(
        render_welcome(recipient, moved, TODAY, DEFAULT_POLICY, settings)).walk("VEVENT"))
    assert [str(e["UID"]) for e in again] == [str(events[0]["UID"])]
    assert again[0].decoded("DTSTART") == date(2026, 11, 20)
    # The same e-mail renders the same file: DTSTAMP is the e-mail's day, not the clock's.
    assert rendered.attachments == render_welcome(recipient, milestones, TODAY, DEFAULT_POLICY,
                                                  settings).attachments


@pytest.mark.parametrize("lang", LANGUAGES)
def test_nothing_ahead_no_calendar(settings, lang: str) -> None:  # type: ignore[no-untyped-def]
    """RFC 5545 wants at least one event: with every milestone behind, no file, and no
    sentence about one."""
    recipient = Recipient(1, "a@example.org", lang, "Zoé", "14", "https://x/u")
    passed = [MilestoneInfo(3, "renewal_window_opens", date(2026, 9, 16), "renewal", "talent")]
    with_one = render_welcome(recipient, [*passed, MilestoneInfo(
        3, "title_expires", date(2027, 1, 14), "renewal", "talent")], TODAY, DEFAULT_POLICY,
        settings)
    without = render_welcome(recipient, passed, TODAY, DEFAULT_POLICY, settings)
    assert without.attachments == ()
    hint = gettext("mail.calendar_hint", lang)
    assert len(with_one.attachments) == 1 and hint in with_one.text and hint in with_one.html
    assert hint not in without.text and hint not in without.html


def test_digest_renders(settings) -> None:  # type: ignore[no-untyped-def]
    data = DigestData(
        overdue_reminders=[DigestLine("219", "Zoé ÉLÈVE", "Fin de validité du titre")],
        failed=[DigestLine("220", "Li WEI", "li@example.org: 550 unknown")],
        counts={"overdue": 1, "missed": 0, "fee": 0, "failed": 60},
    )
    rendered = render_digest(data, TODAY, "fr", DEFAULT_POLICY, settings)
    assert "Zoé ÉLÈVE" in rendered.text and "li@example.org: 550 unknown" in rendered.text
    assert "… et 59 de plus." in rendered.text
    assert "Dates limites dépassées" not in rendered.text  # empty sections are left out
    assert DigestData().empty and not data.empty
