"""Staff sign-in: wrong passwords, the temporary lock, rate limiting, session expiry, sign-out,
forced and voluntary password changes, and the admin's account management."""

from __future__ import annotations

import time
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

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
from tracker.runtime import Runtime
from tracker.services.office_auth import MAX_FAILED_LOGINS


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


def test_wrong_password_and_unknown_account_get_the_same_answer(
    app: Flask, runtime: Runtime  # noqa: F811
) -> None:
    add_staff(runtime, "agent@example.org", "staff")
    client = app.test_client()
    wrong = sign_in(client, "agent@example.org", "not the password").get_data(as_text=True)
    unknown = sign_in(client, "nobody@example.org", "not the password").get_data(as_text=True)
    assert "Adresse e-mail ou mot de passe incorrect." in wrong
    assert "Adresse e-mail ou mot de passe incorrect." in unknown
    assert client.get("/office/").status_code == 302


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
    assert "bloqué" in locked.get_data(as_text=True)
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


def test_idle_session_expires(app: Flask, runtime: Runtime) -> None:  # noqa: F811
    add_staff(runtime, "agent@example.org", "staff")
    client = app.test_client()
    sign_in(client, "agent@example.org")
    assert client.get("/office/").status_code == 200
    with client.session_transaction() as session:
        session["office_seen"] = time.time() - 31 * 60
    response = client.get("/office/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/office/login")


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
