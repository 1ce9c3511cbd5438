"""Fixtures and helpers for the office's tests: staff accounts, signed-in test clients, and
students created the way the product creates them (parse_record + apply_record)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tracker.models import Student
from tracker.office.staff import create_staff_user
from tracker.runtime import Runtime
from tracker.students.changes import apply_record
from tracker.students.records import parse_record
from tracker.web import create_app

TODAY = date(2026, 9, 1)
PASSWORD = "correct horse battery staple"


def office_app(runtime: Runtime, **config: Any) -> Flask:
    settings: dict[str, Any] = {"OFFICE_TODAY": TODAY, "WTF_CSRF_ENABLED": False,
                                "RATELIMIT_ENABLED": False}
    settings.update(config)
    return create_app(runtime=runtime, config=settings)


def add_staff(runtime: Runtime, email: str, role: str, *, must_change: bool = False) -> int:
    with runtime.session() as session:
        user = create_staff_user(session, email, role, PASSWORD,
                                 must_change_password=must_change)
        return user.id


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> Any:
    return client.post("/office/login", data={"email": email, "password": password})


def add_student(session: Session, today: date = TODAY, **values: str) -> Student:
    row = {"language": "fr", "nationality": "MA", "department": "14"}
    row.update(values)
    record, errors = parse_record(row)
    assert not errors, [e.describe() for e in errors]
    assert record is not None
    result = apply_record(session, record, today=today, source="import")
    assert result.student is not None, result.errors
    return result.student


@pytest.fixture
def app(runtime: Runtime) -> Flask:
    return office_app(runtime)


@pytest.fixture
def staff_client(app: Flask, runtime: Runtime) -> Iterator[FlaskClient]:
    add_staff(runtime, "agent@example.org", "staff")
    client = app.test_client()
    assert sign_in(client, "agent@example.org").status_code == 302
    yield client


@pytest.fixture
def viewer_client(app: Flask, runtime: Runtime) -> Iterator[FlaskClient]:
    add_staff(runtime, "viewer@example.org", "viewer")
    client = app.test_client()
    assert sign_in(client, "viewer@example.org").status_code == 302
    yield client


@pytest.fixture
def admin_client(app: Flask, runtime: Runtime) -> Iterator[FlaskClient]:
    add_staff(runtime, "admin@example.org", "admin")
    client = app.test_client()
    assert sign_in(client, "admin@example.org").status_code == 302
    yield client
