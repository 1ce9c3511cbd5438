"""`tracker reminders run|preview` (in-process, and once as the real process), with a real SMTP
server, on both backends."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.fixtures_csv import run_tracker, run_tracker_process
from tests.fixtures_reminders import (  # noqa: F401
    add_student,
    mail_env,
    outbox_count,
    reminder_count,
    smtp_server,
)
from tests.fixtures_smtp import SmtpServer
from tracker.models import OutboxMessage, Reminder, SchedulerState
from tracker.runtime import Runtime

tracker = run_tracker


def test_run_dry_run_and_preview(runtime: Runtime, tracker_env: dict[str, str],
                                 smtp_server: SmtpServer) -> None:  # noqa: F811
    env = mail_env(tracker_env, smtp_server)
    with runtime.session() as session:
        add_student(session, date(2026, 9, 1))
        add_student(session, date(2026, 9, 1), number="21900002", language="en",
                    expires="2027-01-20")

    dry = tracker(env, "reminders", "run", "--today", "2026-10-16", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    # Two welcomes and two reminder e-mails would go out; the first student's window reminder
    # (16 September) is superseded by nothing: it is a different milestone, so it is covered.
    assert dry.stdout.strip() == "planned 4, sent 0, skipped 0, failed 0"
    assert smtp_server.messages == []
    with runtime.session() as session:
        assert outbox_count(session) == 0
        assert reminder_count(session, Reminder.state != "pending") == 0
        assert session.get(SchedulerState, "reminders") is None

    preview = tracker(env, "reminders", "preview", "21900001", "--today", "2026-10-16",
                      "--days", "30")
    assert preview.returncode == 0, preview.stderr
    assert preview.stdout.splitlines() == [
        "2026-10-16  renewal_window_opens 2026-09-16 0",
        "2026-10-16  renewal_fee_free_until 2026-11-15 -30  (hard deadline)",
        "2026-11-01  renewal_fee_free_until 2026-11-15 -14  (hard deadline)",
        "2026-11-08  renewal_fee_free_until 2026-11-15 -7  (hard deadline)",
        "2026-11-13  renewal_fee_free_until 2026-11-15 -2  (hard deadline)",
        "2026-11-15  renewal_fee_free_until 2026-11-15 0  (hard deadline)",
    ]

    # The real process once: the entry point sends through the real SMTP server.
    run = run_tracker_process(env, "reminders", "run", "--today", "2026-10-16")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "planned 4, sent 4, skipped 0, failed 0"
    assert len(smtp_server.messages) == 4
    again = tracker(env, "reminders", "run", "--today", "2026-10-16")
    assert again.stdout.strip() == "planned 0, sent 0, skipped 0, failed 0"
    assert len(smtp_server.messages) == 4
    with runtime.session() as session:
        assert outbox_count(session, OutboxMessage.state == "sent") == 4
        state = session.get(SchedulerState, "reminders")
        assert state is not None and state.last_run_completed_at is not None
        assert state.last_summary == {"planned": 0, "sent": 0, "skipped": 0, "failed": 0,
                                      "today": "2026-10-16"}

    # A run after a pause of weeks: one e-mail per student, the older reminders skipped.
    later = tracker(env, "reminders", "run", "--today", "2026-11-14")
    assert later.stdout.strip() == "planned 2, sent 2, skipped 4, failed 0"
    with runtime.session() as session:
        skipped = session.scalars(select(Reminder.offset_days).where(
            Reminder.state == "skipped").order_by(Reminder.offset_days)).all()
        assert skipped == [-30, -14, -14, -7]

    unknown = tracker(env, "reminders", "preview", "nobody")
    assert unknown.returncode == 1 and "no student with number 'nobody'" in unknown.stderr
    bad_day = tracker(env, "reminders", "run", "--today", "16/10/2026")
    assert bad_day.returncode == 2 and "YYYY-MM-DD" in bad_day.stderr


def test_run_purges_unconfirmed_registrations_like_the_scheduler(
        runtime: Runtime, tracker_env: dict[str, str],
        smtp_server: SmtpServer) -> None:  # noqa: F811
    from datetime import timedelta

    from sqlalchemy import update

    from tracker.models import Student, utcnow

    env = mail_env(tracker_env, smtp_server)
    with runtime.session() as session:
        add_student(session, date(2026, 9, 1), number="21900001")  # imported: kept
        add_student(session, date(2026, 9, 1), number="21900002", source="register")
        add_student(session, date(2026, 9, 1), number="21900003", source="register")
        # One self-registration left unconfirmed for 8 days, one for 2 days.
        session.execute(update(Student).where(Student.student_number == "21900002")
                        .values(created_at=utcnow() - timedelta(days=8)))
        session.execute(update(Student).where(Student.student_number == "21900003")
                        .values(created_at=utcnow() - timedelta(days=2)))
    dry = tracker(env, "reminders", "run", "--today", "2026-10-16", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    with runtime.session() as session:
        assert len(session.scalars(select(Student.id)).all()) == 3  # a dry run deletes nothing
    run = tracker(env, "reminders", "run", "--today", "2026-10-16")
    assert run.returncode == 0, run.stderr
    with runtime.session() as session:
        assert set(session.scalars(select(Student.student_number))) == {"21900001", "21900003"}
