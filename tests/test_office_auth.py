"""Staff sign-in: wrong passwords, the temporary lock, rate limiting, session expiry, sign-out,
forced and voluntary password changes, and the admin's account management."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from tests.fixtures_office import (  # noqa: F401
    PASSWORD,
    add_staff,
    admin_client,
    app,
    office_app,
    sign_in,
    staff_client,
)
from tracker.models import AuditEntry, StaffUser, utcnow
from tracker.office.sign_in import MAX_FAILED_LOGINS
from tracker.runtime import Runtime


def _user(runtime: Runtime, email: str) -> StaffUser:
    with runtime.session() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.email == email))
        assert user is not None
        return user


def _actions(runtime: Runtime) -> list[str]:
    with runtime.session() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_sign_in_and_out(app: Flask, runtime: Runtime) -> None:  # noqa: F811
    add_staff(runtime, "agent@example.org", "staff")
    client = app.test_client()
    page = client.get("/office/login")
    assert page.status_code == 200 and 'lang="fr"' in page.get_data(as_text=True)
    response = sign_in(client, "AGENT@example.org")
    assert response.status_code == 302 and response.headers["Location"] == "/office/"
    assert client.get("/office/").status_code == 200
    assert client.post("/office/logout").status_code == 302
    assert client.get("/office/").status_code == 302
    assert _actions(runtime)[-2:] == ["staff.signin", "staff.signout"]
    assert _user(runtime, "agent@example.org").last_login_at is not None


def _error(response: TestResponse) -> str:
    """The sign-in page's error message (the rest of the page echoes the typed address)."""
    match = re.search(r'<p class="error">(.*?)</p>', response.get_data(as_text=True),
                      re.S)
    assert match is not None, response.get_data(as_text=True)
    return unescape(match.group(1)).strip()


def test_every_refused_sign_in_gets_the_same_answer(
    app: Flask, admin_client: FlaskClient, runtime: Runtime  # noqa: F811
) -> None:
    """Unknown address, wrong password, deactivated or locked account: one message and one
    status, so a stranger cannot tell which addresses have an account or which is locked."""
    add_staff(runtime, "agent@example.org", "staff")
    add_staff(runtime, "gone@example.org", "staff")
    add_staff(runtime, "locked@example.org", "staff")
    gone = _user(runtime, "gone@example.org")
    admin_client.post("/office/staff", data={"action": "deactivate", "user_id": gone.id})
    client = app.test_client()
    for _ in range(MAX_FAILED_LOGINS):
        sign_in(client, "locked@example.org", "wrong password!")
    answers = {
        "unknown": sign_in(client, "nobody@example.org", "not the password"),
        "wrong password": sign_in(client, "agent@example.org", "not the password"),
        "deactivated": sign_in(client, "gone@example.org"),
        "locked, right password": sign_in(client, "locked@example.org"),
    }
    messages = {case: _error(response) for case, response in answers.items()}
    assert {response.status_code for response in answers.values()} == {200}
    assert set(messages.values()) == {messages["unknown"]}, messages
    assert "incorrect" in messages["unknown"]
    english = _error(client.post("/office/login?lang=en", data={
        "email": "locked@example.org", "password": PASSWORD}))
    assert english.startswith("Sign-in refused") and english != messages["unknown"]
    assert client.get("/office/").status_code == 302
    # The audit log keeps the real reasons for the office.
    with runtime.session() as session:
        reasons = [entry.details.get("reason") for entry in session.scalars(
            select(AuditEntry).where(AuditEntry.action == "staff.signin_failed"))]
    assert {"unknown_or_inactive", "wrong_password", "locked_now", "locked"} <= set(reasons)


def test_repeated_failures_lock_the_account(app: Flask, runtime: Runtime) -> None:  # noqa: F811
    add_staff(runtime, "agent@example.org", "staff")
    client = app.test_client()
    for _ in range(MAX_FAILED_LOGINS):
        sign_in(client, "agent@example.org", "wrong password!")
    user = _user(runtime, "agent@example.org")
    assert user.locked_until is not None and user.locked_until > utcnow()
    # Even the right password is refused while locked.
    locked = sign_in(client, "agent@example.org")
    assert locked.status_code == 200
    assert client.get("/office/").status_code == 302
    with runtime.session() as session:
        stored = session.scalar(select(StaffUser).where(StaffUser.email == "agent@example.org"))
        assert stored is not None
        stored.locked_until = utcnow() - timedelta(seconds=1)
    assert sign_in(client, "agent@example.org").status_code == 302
    assert _user(runtime, "agent@example.org").failed_logins == 0


def test_sign_in_is_rate_limited(runtime: Runtime) -> None:
    limited_app = office_app(runtime, RATELIMIT_ENABLED=True)
    client = limited_app.test_client()
    # A client address of its own: the limiter's memory is shared by the apps of this process.
    environ = {"REMOTE_ADDR": "192.0.2.77"}
    codes = [client.post("/office/login", data={"email": "x@example.org", "password": "x"},
                         environ_base=environ).status_code for _ in range(12)]
    assert codes[:10] == [200] * 10
    assert codes[-1] == 429


@pytest.mark.parametrize(("minutes_later", "still_in"), [
    (29, True),  # idle limit: 30 minutes without a request
    (31, False),
])
def test_idle_session_expires(
    app: Flask, runtime: Runtime, minutes_later: int, still_in: bool  # noqa: F811
) -> None:
    add_staff(runtime, "agent@example.org", "staff")
    client = app.test_client()
    with time_machine.travel(datetime(2026, 9, 1, 8, 0, tzinfo=UTC), tick=False) as clock:
        sign_in(client, "agent@example.org")
        assert client.get("/office/").status_code == 200
        clock.shift(timedelta(minutes=minutes_later))
        response = client.get("/office/")
    assert (response.status_code == 200) is still_in
    if not still_in:
        assert response.headers["Location"].startswith("/office/login")


def test_a_busy_session_still_ends_after_twelve_hours(
    app: Flask, runtime: Runtime  # noqa: F811
) -> None:
    """Used every 20 minutes, a session never goes idle: the absolute limit ends it."""
    add_staff(runtime, "agent@example.org", "staff")
    client = app.test_client()
    with time_machine.travel(datetime(2026, 9, 1, 8, 0, tzinfo=UTC), tick=False) as clock:
        sign_in(client, "agent@example.org")
        for _ in range(12 * 3 - 1):  # 11 h 40 min of work
            clock.shift(timedelta(minutes=20))
            assert client.get("/office/").status_code == 200
        clock.shift(timedelta(minutes=21))  # 12 h 01 min after signing in
        response = client.get("/office/")
        assert response.status_code == 302
        assert "expiré" in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("missing", ["office_since", "office_seen", "both"])
def test_a_session_without_its_timestamps_is_expired(
    app: Flask, runtime: Runtime, missing: str  # noqa: F811
) -> None:
    """An older cookie (signed before the timestamps were stored) must not live forever."""
    add_staff(runtime, "agent@example.org", "staff")
    client = app.test_client()
    sign_in(client, "agent@example.org")
    assert client.get("/office/").status_code == 200
    with client.session_transaction() as session:
        for key in ("office_since", "office_seen"):
            if missing in (key, "both"):
                session.pop(key)
    response = client.get("/office/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/office/login")
    # Signed out for good, not only redirected once.
    assert client.get("/office/").status_code == 302


def test_open_redirect_is_refused(app: Flask, runtime: Runtime) -> None:  # noqa: F811
    add_staff(runtime, "agent@example.org", "staff")
    client = app.test_client()
    response = client.post("/office/login?next=https://evil.example.com/",
                           data={"email": "agent@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/office/"
    client.post("/office/logout")
    response = client.post("/office/login?next=/office/stats",
                           data={"email": "agent@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/office/stats"


def test_forced_password_change(app: Flask, runtime: Runtime) -> None:  # noqa: F811
    add_staff(runtime, "new@example.org", "staff", must_change=True)
    client = app.test_client()
    assert sign_in(client, "new@example.org").headers["Location"] == "/office/password"
    assert client.get("/office/").headers["Location"] == "/office/password"
    short = client.post("/office/password", data={"current": PASSWORD, "new": "short",
                                                  "confirm": "short"})
    assert "au moins 12 caractères" in short.get_data(as_text=True)
    done = client.post("/office/password", data={
        "current": PASSWORD, "new": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert done.status_code == 302
    assert client.get("/office/").status_code == 200
    assert not _user(runtime, "new@example.org").must_change_password
    client.post("/office/logout")
    assert sign_in(client, "new@example.org", "a brand new passphrase").status_code == 302


def test_admin_manages_staff(admin_client: FlaskClient, runtime: Runtime) -> None:  # noqa: F811
    created = admin_client.post("/office/staff", data={
        "action": "create", "email": "colleague@example.org", "role": "viewer",
        "password": "temporary password 1"})
    assert created.status_code == 302
    colleague = _user(runtime, "colleague@example.org")
    assert colleague.role == "viewer" and colleague.must_change_password
    assert admin_client.post("/office/staff", data={
        "action": "role", "user_id": colleague.id, "role": "staff"}).status_code == 302
    assert _user(runtime, "colleague@example.org").role == "staff"
    assert admin_client.post("/office/staff", data={
        "action": "deactivate", "user_id": colleague.id}).status_code == 302
    assert not _user(runtime, "colleague@example.org").active
    duplicate = admin_client.post("/office/staff", data={
        "action": "create", "email": "colleague@example.org", "role": "staff",
        "password": "temporary password 1"})
    assert duplicate.status_code == 422
    assert "Un compte existe déjà" in duplicate.get_data(as_text=True)
    actions = _actions(runtime)
    assert {"staff.create", "staff.role", "staff.deactivate"} <= set(actions)


def test_deactivated_staff_lose_their_session(
    app: Flask, admin_client: FlaskClient, runtime: Runtime  # noqa: F811
) -> None:
    add_staff(runtime, "leaving@example.org", "staff")
    other = app.test_client()
    sign_in(other, "leaving@example.org")
    assert other.get("/office/").status_code == 200
    leaving = _user(runtime, "leaving@example.org")
    admin_client.post("/office/staff", data={"action": "deactivate", "user_id": leaving.id})
    assert other.get("/office/").status_code == 302
    assert sign_in(other, "leaving@example.org").status_code == 200  # refused, form again


def test_last_admin_cannot_be_demoted(admin_client: FlaskClient, runtime: Runtime) -> None:  # noqa: F811
    me = _user(runtime, "admin@example.org")
    response = admin_client.post("/office/staff", data={
        "action": "role", "user_id": me.id, "role": "viewer"})
    assert response.status_code == 422
    assert _user(runtime, "admin@example.org").role == "admin"


def test_office_is_french_by_default(app: Flask, runtime: Runtime) -> None:  # noqa: F811
    client = app.test_client()
    french = client.get("/office/login", headers={"Accept-Language": "en-GB,en"})
    assert "Connexion du bureau international" in french.get_data(as_text=True)
    english = client.get("/office/login?lang=en")
    assert "International office sign-in" in english.get_data(as_text=True)
