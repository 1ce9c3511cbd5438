"""Delivery that must not stall: non-ASCII addresses (SMTPUTF8 or not) against the real
aiosmtpd server, an unforeseen error on one message, and a chunk slower than the lease."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy import select

from tests.fixtures_reminders import (  # noqa: F401
    OFFICE,
    SENDER,
    add_student,
    mail_runtime,
    mail_settings,
    received_for,
    smtp_server,
)
from tests.fixtures_smtp import SmtpServer, start_smtp_server
from tracker.cycle import run_cycle
from tracker.mail.delivery import LEASE, DeliveryReport, deliver_due
from tracker.mail.transport import SmtpTransport
from tracker.models import OutboxMessage, Student, utcnow
from tracker.reminders.planning import plan_reminders
from tracker.runtime import Runtime, build_runtime
from tracker.settings import Settings


def deliver(runtime: Runtime, **options: Any) -> DeliveryReport:
    """One delivery run with the runtime's session factory and sender."""
    return deliver_due(runtime.sessions, runtime.sender, **options)

DAY = date(2026, 9, 16)  # the renewal window of a title ending 2027-01-14 opens
JOSE = "josé@example.org"


@pytest.fixture
def utf8_server() -> Iterator[SmtpServer]:
    server = start_smtp_server(smtputf8=True)
    try:
        yield server
    finally:
        server.controller.stop()


@pytest.fixture
def utf8_runtime(settings: Settings, utf8_server: SmtpServer) -> Iterator[Runtime]:
    rt = build_runtime(replace(settings, smtp_host=utf8_server.host,
                               smtp_port=utf8_server.port, smtp_security="none",
                               office_email=OFFICE, mail_from=SENDER))
    yield rt
    rt.dispose()


def add_three(runtime: Runtime, middle_email: str) -> None:
    with runtime.session() as session:
        add_student(session, date(2026, 9, 1), number="21900001")
        add_student(session, date(2026, 9, 1), number="21900002", email=middle_email,
                    given="José")
        add_student(session, date(2026, 9, 1), number="21900003")


def plan(runtime: Runtime, today: date = DAY) -> None:
    with runtime.session() as session:
        plan_reminders(session, today=today, policy=runtime.policy, settings=runtime.settings)


def rows(runtime: Runtime) -> list[OutboxMessage]:
    with runtime.session() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_non_ascii_address_goes_out_with_smtputf8(utf8_runtime: Runtime,
                                                  utf8_server: SmtpServer) -> None:
    add_three(utf8_runtime, JOSE)
    plan(utf8_runtime)
    report = deliver(utf8_runtime)
    assert (report.sent, report.failed, report.retried) == (6, 0, 0)
    to_jose = [r for r in utf8_server.handler.received if r.rcpt_tos == [JOSE]]
    assert len(to_jose) == 2  # the welcome and the reminder, envelope untouched
    assert {str(r.message["To"]) for r in to_jose} == {JOSE}
    # The connection goes on with the next (ASCII) students after the SMTPUTF8 ones.
    assert {s.state for s in rows(utf8_runtime)} == {"sent"}


def test_non_ascii_address_without_smtputf8_fails_alone(
        mail_runtime: Runtime, smtp_server: SmtpServer) -> None:  # noqa: F811
    add_three(mail_runtime, JOSE)
    report = run_cycle(mail_runtime, today=DAY)
    # 6 student e-mails + the digest; only José's two fail, nothing is left in "sending".
    assert (report.sent, report.failed) == (5, 2)
    states = Counter((r.to_address, r.state) for r in rows(mail_runtime))
    assert states[(JOSE, "failed")] == 2
    assert all(state != "sending" for _to, state in states)
    failed = [r for r in rows(mail_runtime) if r.state == "failed"]
    assert all("SMTPUTF8" in (r.last_error or "") and r.attempts == 1 for r in failed)
    with mail_runtime.session() as session:
        jose = session.scalars(select(Student).where(Student.email == JOSE)).one()
        assert jose.address_suppressed is True  # as a 553 from the server would do
    assert len(received_for(smtp_server, "s21900001@example.org")) == 2
    assert len(received_for(smtp_server, "s21900003@example.org")) == 2
    digest = received_for(smtp_server, OFFICE, "digest")
    assert len(digest) == 1
    assert "SMTPUTF8" in digest[0].get_body(("plain",)).get_content()


def test_non_ascii_domain_goes_out_in_idna_without_smtputf8(
        mail_runtime: Runtime, smtp_server: SmtpServer) -> None:  # noqa: F811
    add_three(mail_runtime, "jose@exämple.org")
    plan(mail_runtime)
    report = deliver(mail_runtime)
    assert (report.sent, report.failed) == (6, 0)
    to_jose = [r for r in smtp_server.handler.received
               if r.rcpt_tos == ["jose@xn--exmple-cua.org"]]
    assert len(to_jose) == 2
    # Without SMTPUTF8 the headers must be ASCII too (BODY=8BITMIME covers bodies only): the
    # To header carries the same A-label as the envelope.
    assert {str(r.message["To"]) for r in to_jose} == {"jose@xn--exmple-cua.org"}
    for received in to_jose:
        header_block = received.message.as_bytes().split(b"\n\n", 1)[0]
        assert header_block.isascii()


def test_unexpected_error_on_one_message_defers_it_and_the_chunk_goes_on(
        mail_runtime: Runtime, smtp_server: SmtpServer,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    add_three(mail_runtime, "s21900002@example.org")
    plan(mail_runtime)
    real = SmtpTransport._send_once

    def flaky(self: SmtpTransport, client: Any, sender: str, recipient: str,
              data: bytes) -> None:
        if recipient == "s21900002@example.org":
            raise ValueError("something nobody foresaw")
        real(self, client, sender, recipient, data)

    monkeypatch.setattr(SmtpTransport, "_send_once", flaky)
    report = deliver(mail_runtime)
    assert (report.sent, report.retried, report.failed) == (4, 2, 0)
    deferred = [r for r in rows(mail_runtime) if r.state == "pending"]
    assert {r.to_address for r in deferred} == {"s21900002@example.org"}
    assert all("unexpected error: ValueError: something nobody foresaw" in (r.last_error or "")
               for r in deferred)
    monkeypatch.setattr(SmtpTransport, "_send_once", real)
    later = deliver(mail_runtime,
                        now=utcnow() + timedelta(hours=1))
    assert later.sent == 2
    with mail_runtime.session() as session:
        assert session.scalars(select(Student.address_suppressed)).all() == [False] * 3
    assert len(smtp_server.messages) == 6


def test_a_chunk_slower_than_the_lease_is_never_sent_twice(
        mail_runtime: Runtime, smtp_server: SmtpServer) -> None:  # noqa: F811
    """Each DATA "takes" 6 minutes (the clock jumps): the 10 messages of one chunk take an
    hour, three leases. A second deliverer polls all along, as the scheduler's retry job does
    beside the daily cycle: it must find nothing to claim while the first one lives."""
    with mail_runtime.session() as session:
        for n in range(5):
            add_student(session, date(2026, 9, 1), number=f"2190{n:04d}")
    plan(mail_runtime)
    done = threading.Event()
    second: list[int] = []
    errors: list[BaseException] = []

    with time_machine.travel(datetime.now(UTC), tick=True) as traveller:
        handle = smtp_server.handler.handle_DATA

        sending = threading.Event()

        async def slow(server: Any, session: Any, envelope: Any) -> str:
            sending.set()
            traveller.shift(timedelta(minutes=6))
            return await handle(server, session, envelope)

        smtp_server.handler.handle_DATA = slow  # type: ignore[method-assign]

        def poll() -> None:
            try:
                # From the first message on: the first deliverer holds the whole chunk.
                sending.wait(timeout=60)
                while not done.is_set():
                    second.append(deliver(mail_runtime).claimed)
                    time.sleep(0.05)
            except BaseException as exc:
                errors.append(exc)

        poller = threading.Thread(target=poll)
        poller.start()
        try:
            first = deliver(mail_runtime)
        finally:
            done.set()
            poller.join(timeout=60)
    assert not errors, errors
    assert 10 * timedelta(minutes=6) > 2 * LEASE  # the premise: the chunk outlives leases
    assert first.sent == 10
    assert sum(second) == 0
    received = Counter(m["Message-ID"] for m in smtp_server.messages)
    assert len(received) == 10 and max(received.values()) == 1
    assert {r.state for r in rows(mail_runtime)} == {"sent"}
