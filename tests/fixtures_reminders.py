"""Fixtures for the reminder tests: a runtime that delivers to the real aiosmtpd server of
tests.fixtures_smtp, and students created the way the import creates them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from email.message import EmailMessage
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.fixtures_smtp import SmtpServer, smtp_server  # noqa: F401
from tracker.models import OutboxMessage, Reminder, Student
from tracker.runtime import Runtime, build_runtime
from tracker.settings import Settings
from tracker.students.changes import apply_record
from tracker.students.records import parse_record

OFFICE = "office@example.org"
SENDER = "tracker@example.org"


@pytest.fixture
def mail_settings(settings: Settings, smtp_server: SmtpServer) -> Settings:  # noqa: F811
    return replace(settings, smtp_host=smtp_server.host, smtp_port=smtp_server.port,
                   smtp_security="none", office_email=OFFICE, mail_from=SENDER)


@pytest.fixture
def mail_runtime(mail_settings: Settings) -> Iterator[Runtime]:
    rt = build_runtime(mail_settings)
    yield rt
    rt.dispose()


def mail_env(tracker_env: dict[str, str], smtp: SmtpServer) -> dict[str, str]:
    return tracker_env | smtp.env() | {"TRACKER_OFFICE_EMAIL": OFFICE,
                                       "TRACKER_MAIL_FROM": SENDER}


def add_student(session: Session, today: date, *, number: str = "21900001",
                email: str | None = None, language: str = "fr", title_type: str = "student-card",
                expires: str = "2027-01-14", valid_from: str | None = "2026-01-15",
                entry: str | None = None, department: str = "14", given: str = "Amina",
                family: str = "Benali", source: str = "import",
                **extra: str) -> Student:
    row = {
        "student_number": number, "email": email or f"s{number}@example.org",
        "family_name": family, "given_name": given, "department": department,
        "language": language, "title_type": title_type, "title_expires_on": expires,
        "title_valid_from": valid_from or "", "entry_date": entry or "", **extra,
    }
    record, errors = parse_record(row)
    assert errors == [] and record is not None, [e.describe() for e in errors]
    result = apply_record(session, record, today=today, source=source)
    assert result.student is not None
    return result.student


def received_for(smtp: SmtpServer, address: str, kind: str | None = None) -> list[EmailMessage]:
    return [m for m in smtp.messages
            if m["To"] == address and (kind is None or m["X-Tracker-Kind"] == kind)]


def reminder_headers(message: EmailMessage) -> list[str]:
    return [str(v) for v in message.get_all("X-Tracker-Reminder", [])]


def count(session: Session, model: Any, *where: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def outbox_count(session: Session, *where: Any) -> int:
    return count(session, OutboxMessage, *where)


def reminder_count(session: Session, *where: Any) -> int:
    return count(session, Reminder, *where)
