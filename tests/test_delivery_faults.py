"""Delivery against a real SMTP server that misbehaves: temporary and permanent refusals,
dropped connections, a server that is down, and a delivery process killed after claiming."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from tests.fixtures_reminders import (  # noqa: F401
    OFFICE,
    add_student,
    mail_runtime,
    mail_settings,
    outbox_count,
    received_for,
    smtp_server,
)
from tests.fixtures_smtp import SmtpServer
from tracker.cycle import run_cycle
from tracker.mail.delivery import LEASE, MAX_ATTEMPTS, DeliveryReport, backoff, deliver_due
from tracker.models import OutboxMessage, Reminder, Student, utcnow
from tracker.reminders.planning import plan_reminders
from tracker.runtime import Runtime, build_runtime
from tracker.settings import Settings


def deliver(runtime: Runtime, **options: Any) -> DeliveryReport:
    """One delivery run with the runtime's session factory and sender."""
    return deliver_due(runtime.sessions, runtime.sender, **options)

DAY = date(2026, 9, 16)  # the renewal window of a title ending 2027-01-14 opens


def plan(runtime: Runtime, today: date = DAY, students: int = 1) -> list[int]:
    with runtime.session() as session:
        for n in range(students):
            add_student(session, date(2026, 9, 1), number=f"2190{n:04d}")
    with runtime.session() as session:
        report = plan_reminders(session, today=today, policy=runtime.policy,
                                settings=runtime.settings)
    return report.message_ids


def states(runtime: Runtime) -> list[tuple[str, int]]:
    with runtime.session() as session:
        return [(m.state, m.attempts) for m in session.scalars(
            select(OutboxMessage).order_by(OutboxMessage.id))]


def message_ids_received(smtp: SmtpServer) -> list[str]:
    return [m["Message-ID"] for m in smtp.messages]


def test_backoff_grows_exponentially_with_jitter() -> None:
    assert backoff(1, lambda: 0.5) == timedelta(minutes=1)
    assert backoff(4, lambda: 0.5) == timedelta(minutes=8)
    assert backoff(30, lambda: 0.5) == timedelta(hours=6)
    assert backoff(3, lambda: 0.0) == timedelta(minutes=3)
    assert backoff(3, lambda: 1.0) == timedelta(minutes=5)


def test_451_then_accepted_is_delivered_once(mail_runtime: Runtime,  # noqa: F811
                                             smtp_server: SmtpServer) -> None:  # noqa: F811
    ids = plan(mail_runtime)
    assert len(ids) == 2  # the renewal window's reminder and the welcome
    smtp_server.handler.replies.extend(["451 4.3.0 try again later"] * 2)
    first = deliver(mail_runtime)
    assert (first.sent, first.retried, first.failed) == (0, 2, 0)
    assert smtp_server.messages == []
    with mail_runtime.session() as session:
        rows = session.scalars(select(OutboxMessage)).all()
        assert {r.state for r in rows} == {"pending"}
        assert all("451" in (r.last_error or "") for r in rows)
        retry_at = max(r.next_attempt_at for r in rows)
    assert deliver(mail_runtime).claimed == 0  # not yet due
    second = deliver(mail_runtime,
                         now=retry_at + timedelta(seconds=1))
    assert (second.sent, second.failed) == (2, 0)
    assert states(mail_runtime) == [("sent", 2), ("sent", 2)]
    assert len(message_ids_received(smtp_server)) == len(set(message_ids_received(smtp_server)))
    assert len(smtp_server.messages) == 2
    with mail_runtime.session() as session:
        assert session.scalars(select(Reminder.state).where(
            Reminder.message_id.is_not(None))).all() == ["sent"]
    assert deliver(mail_runtime,
                       now=retry_at + timedelta(days=1)).claimed == 0


def test_550_fails_at_once_suppresses_and_reaches_the_digest(
        mail_runtime: Runtime, smtp_server: SmtpServer) -> None:  # noqa: F811
    with mail_runtime.session() as session:
        add_student(session, date(2026, 9, 1))
    run_cycle(mail_runtime, today=date(2026, 9, 1))  # the welcome goes out
    smtp_server.handler.replies.append("550 5.1.1 mailbox unknown")
    report = run_cycle(mail_runtime, today=DAY)
    assert (report.planned, report.sent, report.failed) == (2, 1, 1)  # reminder + digest
    with mail_runtime.session() as session:
        student = session.scalars(select(Student)).one()
        assert student.address_suppressed is True
        failed = session.scalars(select(OutboxMessage).where(
            OutboxMessage.state == "failed")).one()
        assert failed.kind == "reminder" and failed.attempts == 1
        assert "550" in (failed.last_error or "")
        assert session.scalars(select(Reminder.state).where(
            Reminder.message_id == failed.id)).all() == ["failed"]
    digest = received_for(smtp_server, OFFICE, "digest")
    assert len(digest) == 1
    text = digest[0].get_body(("plain",)).get_content()
    assert "s21900001@example.org" in text and "550" in text
    # A suppressed address gets nothing more; its due reminders are cancelled.
    run_cycle(mail_runtime, today=date(2026, 10, 16))
    assert len(received_for(smtp_server, "s21900001@example.org")) == 1
    with mail_runtime.session() as session:
        assert session.scalars(select(Reminder.reason).where(
            Reminder.due_on == date(2026, 10, 16))).all() == ["suppressed"]


def test_connection_dropped_mid_batch(mail_runtime: Runtime,  # noqa: F811
                                      smtp_server: SmtpServer) -> None:  # noqa: F811
    ids = plan(mail_runtime, students=5)
    assert len(ids) == 10
    smtp_server.handler.drop_after = 3  # the 4th message's DATA loses the connection
    report = deliver(mail_runtime)
    assert smtp_server.handler.drops == 1
    assert report.sent + report.retried == 10 and report.failed == 0
    later = deliver(mail_runtime,
                        now=utcnow() + timedelta(hours=1))
    assert report.sent + later.sent == 10
    received = message_ids_received(smtp_server)
    assert len(received) == 10 and len(set(received)) == 10
    assert {s for s, _a in states(mail_runtime)} == {"sent"}


def test_server_down_then_back_loses_nothing(mail_runtime: Runtime,  # noqa: F811
                                             smtp_server: SmtpServer) -> None:  # noqa: F811
    plan(mail_runtime, students=3)
    smtp_server.stop()
    down = deliver(mail_runtime)
    assert (down.sent, down.failed) == (0, 0) and down.retried == 6
    assert states(mail_runtime) == [("pending", 1)] * 6
    again = deliver(mail_runtime,
                        now=utcnow() + timedelta(hours=1))
    assert again.sent == 0 and states(mail_runtime) == [("pending", 2)] * 6
    smtp_server.start()
    back = deliver(mail_runtime,
                       now=utcnow() + timedelta(hours=2))
    assert back.sent == 6
    assert len(set(message_ids_received(smtp_server))) == 6
    assert {s for s, _a in states(mail_runtime)} == {"sent"}


def test_temporary_failures_stop_after_the_limit(mail_runtime: Runtime,  # noqa: F811
                                                 smtp_server: SmtpServer) -> None:  # noqa: F811
    plan(mail_runtime)
    smtp_server.stop()
    now = utcnow()
    for attempt in range(MAX_ATTEMPTS):
        now += timedelta(hours=7)
        report = deliver(mail_runtime, now=now)
        assert report.claimed == 2, attempt
    assert states(mail_runtime) == [("failed", MAX_ATTEMPTS)] * 2
    with mail_runtime.session() as session:
        # Not the address's fault: it stays usable.
        assert session.scalars(select(Student.address_suppressed)).one() is False


def test_killed_after_claiming_is_delivered_after_the_lease(
        mail_runtime: Runtime, smtp_server: SmtpServer, mail_settings: Settings,  # noqa: F811
        tracker_env: dict[str, str], tmp_path: Path) -> None:
    plan(mail_runtime, students=2)
    script = tmp_path / "claim_and_hang.py"
    script.write_text(textwrap.dedent("""
        import sys, time
        from tracker.models import utcnow
        from tracker.runtime import build_runtime
        from tracker.mail.delivery import claim
        from tracker.settings import load_settings
        rt = build_runtime(load_settings())
        with rt.session() as session:
            ids = claim(session, now=utcnow(), worker="doomed", limit=10)
        print(len(ids), flush=True)
        time.sleep(600)
    """))
    process = subprocess.Popen([sys.executable, str(script)], env=tracker_env,
                               stdout=subprocess.PIPE, text=True, cwd=os.getcwd())
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "4"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    assert states(mail_runtime) == [("sending", 1)] * 4
    assert deliver_due(mail_runtime.sessions,
                       mail_runtime.sender).claimed == 0  # the lease still holds
    after = deliver(mail_runtime,
                        now=utcnow() + LEASE + timedelta(seconds=1))
    assert after.sent == 4
    assert states(mail_runtime) == [("sent", 2)] * 4
    assert len(set(message_ids_received(smtp_server))) == 4


def test_without_smtp_messages_are_eml_files(settings: Settings, tmp_path: Path) -> None:
    runtime = build_runtime(replace(settings, smtp_host=None))
    try:
        with runtime.session() as session:
            add_student(session, date(2026, 9, 1))
        report = run_cycle(runtime, today=DAY)
        assert report.sent == 2
        files = sorted(p.name for p in settings.outbox_dir.glob("*.eml"))
        assert files == ["reminder_1_2026-09-16.eml", "welcome_1.eml"]
        raw = (settings.outbox_dir / files[0]).read_bytes()
        assert b"X-Tracker-Reminder: renewal_window_opens 2026-09-16 0" in raw
        with runtime.session() as session:
            assert outbox_count(session, OutboxMessage.state == "sent") == 2
    finally:
        runtime.dispose()
