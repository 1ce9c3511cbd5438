"""A sender with a non-ASCII display name and domain, through a real SMTP server that does not
offer SMTPUTF8 (aiosmtpd's default): every message goes out, with the name readable."""

from __future__ import annotations

from datetime import date
from email.utils import parseaddr

from tests.fixtures_reminders import OFFICE, add_student, received_for
from tests.fixtures_smtp import SmtpServer, smtp_server  # noqa: F401
from tracker.cycle import run_cycle
from tracker.models import OutboxMessage
from tracker.runtime import build_runtime
from tracker.settings import load_settings


def test_non_ascii_sender_name_is_sent_without_smtputf8(
        tracker_env: dict[str, str], smtp_server: SmtpServer) -> None:  # noqa: F811
    assert not smtp_server.smtputf8
    env = tracker_env | smtp_server.env() | {
        "TRACKER_OFFICE_EMAIL": OFFICE,
        "TRACKER_MAIL_FROM": "Université de Caen <tracker@université.example>"}
    runtime = build_runtime(load_settings(env))
    try:
        with runtime.session() as session:
            add_student(session, date(2026, 9, 1), email="amina@example.org")
        report = run_cycle(runtime, today=date(2026, 9, 1))
        assert report.failed == 0 and report.sent >= 1
        with runtime.session() as session:
            assert {m.state for m in session.query(OutboxMessage)} == {"sent"}
    finally:
        runtime.dispose()
    (welcome,) = received_for(smtp_server, "amina@example.org", "welcome")
    # The parsed header decodes the RFC 2047 name; the envelope carries the IDNA address.
    assert parseaddr(str(welcome["From"])) == ("Université de Caen",
                                               "tracker@xn--universit-j4a.example")
    assert smtp_server.handler.received[0].mail_from == "tracker@xn--universit-j4a.example"
