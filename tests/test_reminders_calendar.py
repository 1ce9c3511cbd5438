"""DESIGN 6 rules 1–8 on simulated calendars, through a real SMTP server, on both backends."""

from __future__ import annotations

from datetime import date, timedelta
from email.message import EmailMessage

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests.fixtures_reminders import (  # noqa: F401
    OFFICE,
    SENDER,
    add_student,
    mail_runtime,
    mail_settings,
    outbox_count,
    received_for,
    reminder_count,
    reminder_headers,
    smtp_server,
)
from tests.fixtures_smtp import SmtpServer
from tracker.cases.calendar import student_calendar
from tracker.cases.sync import record_step
from tracker.cycle import run_cycle
from tracker.models import Case, Reminder, Student, utcnow
from tracker.reminders.preview import preview
from tracker.runtime import Runtime

START = date(2026, 9, 1)
ADDRESS = "s21900001@example.org"
# Student card ending 2027-01-14 (R6: window 2026-09-16, last fee-free day 2026-11-15,
# ANEF access until 2027-07-14), with the default offsets of DESIGN 6.
EXPECTED = [
    (date(2026, 9, 16), "renewal_window_opens 2026-09-16 0"),
    (date(2026, 10, 16), "renewal_fee_free_until 2026-11-15 -30"),
    (date(2026, 11, 1), "renewal_fee_free_until 2026-11-15 -14"),
    (date(2026, 11, 8), "renewal_fee_free_until 2026-11-15 -7"),
    (date(2026, 11, 13), "renewal_fee_free_until 2026-11-15 -2"),
    (date(2026, 11, 15), "renewal_fee_free_until 2026-11-15 0"),
    (date(2026, 11, 16), "renewal_fee_free_until 2026-11-15 +1"),
    (date(2026, 12, 31), "title_expires 2027-01-14 -14"),
    (date(2027, 1, 7), "title_expires 2027-01-14 -7"),
    (date(2027, 1, 14), "title_expires 2027-01-14 0"),
    (date(2027, 1, 15), "title_expires 2027-01-14 +1"),
    (date(2027, 6, 14), "anef_access_ends 2027-07-14 -30"),
    (date(2027, 7, 7), "anef_access_ends 2027-07-14 -7"),
]


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def register(runtime: Runtime, **kwargs: object) -> int:
    with runtime.session() as session:
        return add_student(session, START, **kwargs).id  # type: ignore[arg-type]


def sent_log(smtp: SmtpServer, address: str = ADDRESS) -> list[tuple[str, list[str]]]:
    return [(m["Subject"], reminder_headers(m)) for m in received_for(smtp, address, "reminder")]


# A year replayed day by day (about 330 daily cycles): slow, run by CI and by --run-slow.
@pytest.mark.slow
def test_whole_renewal_cycle_day_by_day(mail_runtime: Runtime,  # noqa: F811
                                        smtp_server: SmtpServer) -> None:  # noqa: F811
    register(mail_runtime)
    by_day: dict[date, list[str]] = {}
    for day in days(START, date(2027, 8, 1)):
        before = len(received_for(smtp_server, ADDRESS, "reminder"))
        report = run_cycle(mail_runtime, today=day)
        assert report.failed == 0
        new = received_for(smtp_server, ADDRESS, "reminder")[before:]
        assert len(new) <= 1, f"rule 4: more than one reminder e-mail on {day}"
        if new:
            by_day[day] = reminder_headers(new[0])
    assert [(d, h) for d, hs in by_day.items() for h in hs] == EXPECTED
    welcome = received_for(smtp_server, ADDRESS, "welcome")
    assert len(welcome) == 1
    # Rule 8: the +1 reminders of hard deadlines reached the office digest of their day.
    digests = [m for m in smtp_server.messages if m["X-Tracker-Kind"] == "digest"]
    assert {m["To"] for m in digests} == {OFFICE}
    texts = [m.get_body(("plain",)).get_content() for m in digests]
    assert any("Dernier jour sans pénalité" in t and "21900001" in t for t in texts)
    assert any("Fin de validité du titre" in t for t in texts)
    assert len(digests) == len({m["Subject"] for m in digests})


def test_outage_of_weeks_ends_in_one_email(mail_runtime: Runtime,  # noqa: F811
                                           smtp_server: SmtpServer) -> None:  # noqa: F811
    student_id = register(mail_runtime)
    run_cycle(mail_runtime, today=START)
    run_cycle(mail_runtime, today=date(2026, 10, 16))  # the window's 0 and the -30 go out
    # No run from 17 October to 14 November: -14, -7 and -2 fell due meanwhile.
    report = run_cycle(mail_runtime, today=date(2026, 11, 14))
    assert (report.planned, report.sent, report.skipped) == (1, 1, 2)
    log = sent_log(smtp_server)
    assert [h for _s, h in log] == [["renewal_window_opens 2026-09-16 0",
                                     "renewal_fee_free_until 2026-11-15 -30"],
                                    ["renewal_fee_free_until 2026-11-15 -2"]]
    with mail_runtime.session() as session:
        skipped = session.scalars(select(Reminder).where(
            Reminder.student_id == student_id, Reminder.state == "skipped")).all()
        assert sorted(r.offset_days for r in skipped) == [-14, -7]
        assert {r.reason for r in skipped} == {"superseded"}


def test_outage_spanning_milestones_sends_one_email_covering_each(
        mail_runtime: Runtime, smtp_server: SmtpServer) -> None:  # noqa: F811
    register(mail_runtime)
    run_cycle(mail_runtime, today=START)
    # Down from 2 September to 5 January: everything in between collapses into one e-mail
    # with the latest due reminder of each milestone.
    report = run_cycle(mail_runtime, today=date(2027, 1, 5))
    # The student's one e-mail, and the office's first digest: the +1 reminder due on
    # 16 November went out only today, and must reach it (rule 8), as must the fee threshold
    # crossed on 15 November.
    assert report.planned == 2 and report.sent == 2
    (subject, headers), = sent_log(smtp_server)
    assert headers == ["renewal_window_opens 2026-09-16 0",
                       "renewal_fee_free_until 2026-11-15 +1",
                       "title_expires 2027-01-14 -14"]
    assert "3 échéances" in subject
    digest, = received_for(smtp_server, OFFICE, "digest")
    text = digest.get_body(("plain",)).get_content()
    assert "jusqu'ici" in text and "Premier point" in text and "hier" not in text
    assert "21900001" in text and "Dernier jour sans pénalité de 180 € (15 novembre 2026)" \
        in text


def test_same_day_twice_sends_nothing_new(mail_runtime: Runtime,  # noqa: F811
                                          smtp_server: SmtpServer) -> None:  # noqa: F811
    register(mail_runtime)
    first = run_cycle(mail_runtime, today=date(2026, 9, 16))
    assert (first.planned, first.sent) == (2, 2)  # the welcome and the window's reminder
    second = run_cycle(mail_runtime, today=date(2026, 9, 16))
    assert (second.planned, second.sent, second.skipped, second.failed) == (0, 0, 0, 0)
    assert len(smtp_server.messages) == first.sent


@pytest.mark.slow
def test_filed_renewal_stops_everything(mail_runtime: Runtime,  # noqa: F811
                                        smtp_server: SmtpServer) -> None:  # noqa: F811
    student_id = register(mail_runtime)
    for day in days(START, date(2026, 10, 20)):
        run_cycle(mail_runtime, today=day)
    assert len(sent_log(smtp_server)) == 2
    with mail_runtime.session() as session:
        case = session.scalars(select(Case).where(Case.student_id == student_id)).one()
        record_step(session, case, "submitted", date(2026, 10, 20), date(2026, 10, 20))
    with mail_runtime.session() as session:
        assert reminder_count(session, Reminder.student_id == student_id,
                              Reminder.state == "pending") == 0
        assert reminder_count(session, Reminder.student_id == student_id,
                              Reminder.reason == "procedure_done") == 11
    for day in days(date(2026, 10, 21), date(2027, 8, 1)):
        run_cycle(mail_runtime, today=day)
    assert len(sent_log(smtp_server)) == 2


def test_corrected_expiry_date_rearms(mail_runtime: Runtime,  # noqa: F811
                                      smtp_server: SmtpServer) -> None:  # noqa: F811
    student_id = register(mail_runtime)
    for day in days(START, date(2026, 10, 20)):
        run_cycle(mail_runtime, today=day)
    # The office corrects the expiry date: 2027-01-14 was a typo for 2027-02-13.
    with mail_runtime.session() as session:
        add_student(session, date(2026, 10, 21), expires="2027-02-13")
    with mail_runtime.session() as session:
        cancelled = session.scalars(select(Reminder).where(
            Reminder.student_id == student_id, Reminder.reason == "date_changed")).all()
        assert {r.milestone_date for r in cancelled} == {
            date(2026, 11, 15), date(2027, 1, 14), date(2027, 7, 14)}
        assert all(r.state == "cancelled" for r in cancelled)
    for day in days(date(2026, 10, 21), date(2026, 12, 20)):
        run_cycle(mail_runtime, today=day)
    headers = [h for _s, hs in sent_log(smtp_server) for h in hs]
    assert headers == [
        "renewal_window_opens 2026-09-16 0",
        "renewal_fee_free_until 2026-11-15 -30",
        # the window of the new date opened on 16 October, before the correction: its
        # reminder was armed and went out as soon as the date was known
        "renewal_window_opens 2026-10-16 0",
        "renewal_fee_free_until 2026-12-15 -30",
        "renewal_fee_free_until 2026-12-15 -14",
        "renewal_fee_free_until 2026-12-15 -7",
        "renewal_fee_free_until 2026-12-15 -2",
        "renewal_fee_free_until 2026-12-15 0",
        "renewal_fee_free_until 2026-12-15 +1",
    ]
    # Corrected back: the cancelled reminders of the first date come back.
    with mail_runtime.session() as session:
        add_student(session, date(2026, 12, 21), expires="2027-01-14")
    with mail_runtime.session() as session:
        assert reminder_count(session, Reminder.student_id == student_id,
                              Reminder.milestone_date == date(2027, 1, 14),
                              Reminder.state == "pending") == 4


def _only(messages: list[EmailMessage]) -> EmailMessage:
    assert len(messages) == 1, [m["Subject"] for m in messages]
    return messages[0]


def test_messages_parsed_back_french_and_english(mail_runtime: Runtime,  # noqa: F811
                                                 smtp_server: SmtpServer) -> None:  # noqa: F811
    register(mail_runtime)
    register(mail_runtime, number="21900002", language="en", given="John", family="Doe",
             department="50", title_type="vls-ts", valid_from="2026-09-01",
             expires="2027-08-31", entry="2026-09-05")
    for day in days(START, date(2026, 11, 8)):
        run_cycle(mail_runtime, today=day)
    fr = received_for(smtp_server, ADDRESS, "reminder")[-1]
    received = next(r for r in smtp_server.handler.received if r.message is fr)
    assert received.rcpt_tos == [ADDRESS] and received.mail_from == SENDER
    assert fr["Content-Language"] == "fr"
    assert fr["From"] == SENDER
    assert reminder_headers(fr) == ["renewal_fee_free_until 2026-11-15 -7"]
    assert fr["Subject"] == ("Titre de séjour : Dernier jour sans pénalité de 180 €, "
                             "dans 7 jours, le 15 novembre 2026")
    assert fr["Message-ID"].startswith("<") and fr["Message-ID"].endswith("@example.org>")
    assert fr["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert fr["List-Unsubscribe"].startswith("<http://tracker.test/unsubscribe?token=")
    text = fr.get_body(("plain",)).get_content()
    html = fr.get_body(("html",)).get_content()
    for needle in ("15 novembre 2026", "ANEF", "180 €", "intl.spi@unicaen.fr", "0806 001 620",
                   "seules la préfecture et l'ANEF"):
        assert needle in text, needle
        assert needle.replace("'", "&#39;") in html, needle
    ics = [a for a in fr.iter_attachments() if a.get_content_type() == "text/calendar"]
    assert len(ics) == 1
    calendar = Calendar.from_ical(ics[0].get_content())
    events = {(str(e["SUMMARY"]), e.decoded("DTSTART")) for e in calendar.walk("VEVENT")}
    assert events == {("Dernier jour sans pénalité de 180 €", date(2026, 11, 15)),
                      ("Fin de validité du titre", date(2027, 1, 14)),
                      ("Fin de l'accès à l'ANEF", date(2027, 7, 14))}
    # The student's own calendar (download and feed) says the same of the same events: one
    # writer, one UID per (case, milestone), one description.
    with mail_runtime.session() as session:
        student = session.scalar(select(Student).where(Student.email == ADDRESS))
        assert student is not None
        feed = Calendar.from_ical(student_calendar(
            student, date(2026, 11, 8), mail_runtime.policy,
            host=mail_runtime.settings.public_host, stamp=utcnow()))
    by_uid = {str(e["UID"]): e for e in feed.walk("VEVENT")}
    for attached in calendar.walk("VEVENT"):
        in_feed = by_uid[str(attached["UID"])]
        for field in ("SUMMARY", "DESCRIPTION", "DTSTART", "DTEND"):
            assert in_feed[field].to_ical() == attached[field].to_ical(), field

    en = received_for(smtp_server, "s21900002@example.org", "reminder")[-1]
    assert en["Content-Language"] == "en"
    assert reminder_headers(en) == ["vls_ts_validation_deadline 2026-12-05 -30"]
    assert en["Subject"].startswith("Residence permit: ")
    body = en.get_body(("plain",)).get_content()
    assert "5 December 2026" in body and "Validate your long-stay visa" in body
    assert "only the prefecture and ANEF" in body
    welcome = _only(received_for(smtp_server, "s21900002@example.org", "welcome"))
    assert welcome["Content-Language"] == "en"
    assert "Deadline to validate the visa" in welcome.get_body(("plain",)).get_content()


def test_minor_in_manche_is_sent_to_the_prefecture(mail_runtime: Runtime,  # noqa: F811
                                                   smtp_server: SmtpServer) -> None:  # noqa: F811
    register(mail_runtime, number="21900003", title_type="visa-minor", department="50",
             valid_from="2026-08-01", expires="2027-07-31", date_of_birth="2009-01-20")
    run_cycle(mail_runtime, today=START)
    run_cycle(mail_runtime, today=date(2026, 10, 20))  # window opens: 18th birthday - 3 months
    message = _only(received_for(smtp_server, "s21900003@example.org", "reminder"))
    assert reminder_headers(message) == ["minor_window_opens 2026-10-20 0"]
    text = message.get_body(("plain",)).get_content()
    assert "pref-etrangers@manche.gouv.fr" in text
    assert "administration-etrangers-en-france" not in text.split("==")[2]


def test_header_values_never_carry_line_breaks(mail_runtime: Runtime,  # noqa: F811
                                               smtp_server: SmtpServer) -> None:  # noqa: F811
    register(mail_runtime, given="Amina\r\nBcc: victim@example.org")
    run_cycle(mail_runtime, today=START)
    message = _only(received_for(smtp_server, ADDRESS, "welcome"))
    assert message["Bcc"] is None
    for name, value in message.items():
        assert "\r" not in str(value) and "\n" not in str(value), name
    assert all(r.rcpt_tos == [ADDRESS] for r in smtp_server.handler.received
               if r.message["To"] == ADDRESS)


def test_unconfirmed_self_registration_waits_for_confirmation(
        mail_runtime: Runtime, smtp_server: SmtpServer) -> None:  # noqa: F811
    student_id = register(mail_runtime, source="register")
    run_cycle(mail_runtime, today=START)
    run_cycle(mail_runtime, today=date(2026, 9, 16))
    assert received_for(smtp_server, ADDRESS) == []
    with mail_runtime.session() as session:
        session.get(Student, student_id).email_confirmed_at = utcnow()
    run_cycle(mail_runtime, today=date(2026, 9, 17))
    assert len(received_for(smtp_server, ADDRESS, "welcome")) == 1
    # The renewal window reminder fell due while unconfirmed: it goes out now, once.
    assert [h for _s, h in sent_log(smtp_server)] == [["renewal_window_opens 2026-09-16 0"]]


def test_unsubscribe_link_works_and_stops_reminders_only(
        mail_runtime: Runtime, smtp_server: SmtpServer) -> None:  # noqa: F811
    from tracker.web import create_app

    student_id = register(mail_runtime)
    run_cycle(mail_runtime, today=START)
    run_cycle(mail_runtime, today=date(2026, 9, 16))
    message = _only(received_for(smtp_server, ADDRESS, "reminder"))
    url = message["List-Unsubscribe"].strip("<>").replace("http://tracker.test", "")
    client = create_app(runtime=mail_runtime, config={"RATELIMIT_ENABLED": False}).test_client()
    page = client.get(url + "&lang=en")
    assert page.status_code == 200
    assert b"Stop reminders" in page.data and b"<form method=\"post\"" in page.data
    with mail_runtime.session() as session:
        assert session.get(Student, student_id).reminders_enabled is True
    # RFC 8058: the mail client POSTs to the URL with this body and no CSRF token.
    done = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    with mail_runtime.session() as session:
        assert session.get(Student, student_id).reminders_enabled is False
    assert client.post(url, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    bad = client.post("/unsubscribe?token=forged", data={"List-Unsubscribe": "One-Click"})
    assert bad.status_code == 400
    for day in days(date(2026, 9, 17), date(2026, 11, 20)):
        run_cycle(mail_runtime, today=day)
    assert len(received_for(smtp_server, ADDRESS, "reminder")) == 1
    with mail_runtime.session() as session:
        assert reminder_count(session, Reminder.student_id == student_id,
                              Reminder.reason == "unsubscribed") == 6
        student = session.get(Student, student_id)
        assert preview(session, student, today=date(2026, 11, 20), days=120,
                       policy=mail_runtime.policy) == []


def test_preview_lists_what_will_go_out(mail_runtime: Runtime) -> None:  # noqa: F811
    student_id = register(mail_runtime)
    with mail_runtime.session() as session:
        student = session.get(Student, student_id)
        items = preview(session, student, today=date(2026, 11, 1), days=60,
                        policy=mail_runtime.policy)
        assert [(i.send_on, i.header) for i in items] == [
            # not sent yet (no run happened): the latest due of each milestone, today
            (date(2026, 11, 1), "renewal_window_opens 2026-09-16 0"),
            (date(2026, 11, 1), "renewal_fee_free_until 2026-11-15 -14"),
            (date(2026, 11, 8), "renewal_fee_free_until 2026-11-15 -7"),
            (date(2026, 11, 13), "renewal_fee_free_until 2026-11-15 -2"),
            (date(2026, 11, 15), "renewal_fee_free_until 2026-11-15 0"),
            (date(2026, 11, 16), "renewal_fee_free_until 2026-11-15 +1"),
            (date(2026, 12, 31), "title_expires 2027-01-14 -14"),
        ]


def test_no_reminder_before_registration(mail_runtime: Runtime,  # noqa: F811
                                         smtp_server: SmtpServer) -> None:  # noqa: F811
    # Registered on 2 November, after the window opened and the -30 and -14 of the fee-free
    # deadline fell due: none of those is sent (rule 2), the -7 is.
    with mail_runtime.session() as session:
        add_student(session, date(2026, 11, 2))
    for day in days(date(2026, 11, 2), date(2026, 11, 8)):
        run_cycle(mail_runtime, today=day)
    assert [h for _s, h in sent_log(smtp_server)] == [["renewal_fee_free_until 2026-11-15 -7"]]
    with mail_runtime.session() as session:
        assert outbox_count(session) >= 2
