"""E-mailed links: the confirmation link (48 h, single use) activates a registration, the
sign-in link (30 min, single use) opens the student's page; a used, expired, foreign or broken
link gets a page that says why and what to do. Unconfirmed registrations go after 7 days."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select

from tests.fixtures_public import (
    follow_link,
    link_in,
    outbox,
    parsed,
    post_form,
    register,
    register_and_confirm,
    text_body,
)
from tracker.i18n import gettext
from tracker.models import AuditEntry, OutboxMessage, Student, utcnow
from tracker.runtime import Runtime
from tracker.students.changes import apply_record
from tracker.students.records import parse_record
from tracker.students.registration import purge_unconfirmed


def _student(runtime: Runtime) -> Student:
    with runtime.session() as session:
        return session.scalars(select(Student)).one()


def test_confirmation_link_activates_and_signs_in(client: FlaskClient, runtime: Runtime) -> None:
    register(client, "en", language="en")
    assert _student(runtime).email_confirmed_at is None
    path = link_in(outbox(runtime, "verification")[0], "/register/confirm/")
    opened = client.get(path)
    assert opened.status_code == 303 and opened.headers["Location"] == "/register/confirm"
    page = client.get("/register/confirm").get_data(as_text=True)
    assert gettext("confirm.button", "en") in page
    confirmed = post_form(client, "/register/confirm", {})
    assert confirmed.status_code == 303 and confirmed.headers["Location"] == "/me"
    student = _student(runtime)
    assert student.email_confirmed_at is not None
    assert student.registered_on == date(2026, 9, 15)
    me = client.get("/me")
    assert me.status_code == 200
    assert gettext("confirm.done", "en") in me.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_used_link_is_refused_with_a_helpful_page(
    client: FlaskClient, runtime: Runtime, lang: str,
) -> None:
    register_and_confirm(client, runtime, lang, language=lang)
    path = link_in(outbox(runtime, "verification")[0], "/register/confirm/")
    again = client.get(path + f"?lang={lang}")
    body = again.get_data(as_text=True)
    assert again.status_code == 410
    assert str(escape(gettext("link.used", lang))) in body
    assert 'href="/access"' in body  # what to do now: ask for a new link


def test_a_link_used_in_another_tab_is_refused_on_post(
    app: Flask, client: FlaskClient, runtime: Runtime,
) -> None:
    register(client, "fr")
    path = link_in(outbox(runtime, "verification")[0], "/register/confirm/")
    other = app.test_client()
    client.get(path)
    other.get(path)
    assert post_form(client, "/register/confirm", {}).status_code == 303
    refused = post_form(other, "/register/confirm", {})
    assert refused.status_code == 410
    assert str(escape(gettext("link.used", "fr"))) in refused.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_expired_confirmation_link_is_refused(
    client: FlaskClient, runtime: Runtime, frozen: Any, lang: str,
) -> None:
    register(client, lang)
    path = link_in(outbox(runtime, "verification")[0], "/register/confirm/")
    frozen.shift(timedelta(hours=47))
    assert client.get(path).status_code == 303  # still valid just before 48 hours
    frozen.shift(timedelta(hours=2))
    expired = client.get(path + f"?lang={lang}")
    assert expired.status_code == 410
    assert str(escape(gettext("link.expired", lang))) in expired.get_data(as_text=True)
    # The token parked in the session expired too: the button refuses it.
    refused = post_form(client, f"/register/confirm?lang={lang}", {})
    assert refused.status_code == 410
    assert _student(runtime).email_confirmed_at is None


def test_broken_and_foreign_links_are_refused(client: FlaskClient, runtime: Runtime) -> None:
    register(client, "en")
    path = link_in(outbox(runtime, "verification")[0], "/register/confirm/")
    broken = client.get(path[:-5] + "?lang=en")
    assert broken.status_code == 400
    assert str(escape(gettext("link.invalid", "en"))) in broken.get_data(as_text=True)
    # A confirmation token is no sign-in token (a salt per purpose).
    token = path.rsplit("/", 1)[-1]
    assert client.get(f"/access/link/{token}").status_code == 400
    # The button page without a link first.
    fresh = client.application.test_client()
    missing = fresh.get("/register/confirm?lang=en")
    assert missing.status_code == 400
    assert str(escape(gettext("link.missing", "en"))) in missing.get_data(as_text=True)


def test_sign_in_link_opens_the_page_once(client: FlaskClient, runtime: Runtime) -> None:
    register_and_confirm(client, runtime, "fr")
    client.post("/me/sign-out", data={"csrf_token": _token(client, "/me")})
    assert client.get("/me").headers["Location"] == "/access"
    asked = post_form(client, "/access", {"email": "Amina.Benali@example.org"})
    assert asked.status_code == 303 and asked.headers["Location"] == "/access/sent"
    [message] = outbox(runtime, "access-link")
    email = parsed(message)
    assert email["X-Tracker-Kind"] == "access-link"
    assert email["Subject"] == gettext("email.access_link_subject", "fr")
    assert "30 minutes" in text_body(message)
    path = link_in(message, "/access/link/")
    signed_in = follow_link(client, path)
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == "/me"
    assert client.get("/me").status_code == 200
    assert client.get(path).status_code == 410  # single use


def test_sign_in_link_expires_after_30_minutes(
    client: FlaskClient, runtime: Runtime, frozen: Any,
) -> None:
    register_and_confirm(client, runtime, "en")
    post_form(client, "/access", {"email": "amina.benali@example.org"})
    path = link_in(outbox(runtime, "access-link")[0], "/access/link/")
    frozen.shift(timedelta(minutes=31))
    expired = client.get(path + "?lang=en")
    assert expired.status_code == 410
    assert str(escape(gettext("link.expired", "en"))) in expired.get_data(as_text=True)


def test_access_answers_the_same_for_unknown_addresses(
    app: Flask, client: FlaskClient, runtime: Runtime,
) -> None:
    register(client, "en")
    known = post_form(client, "/access?lang=en", {"email": "amina.benali@example.org"})
    other = app.test_client()
    unknown = post_form(other, "/access?lang=en", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"]
    known_page = client.get("/access/sent?lang=en").get_data(as_text=True)
    unknown_page = other.get("/access/sent?lang=en").get_data(as_text=True)
    assert known_page.replace("amina.benali@example.org", "X") == \
        unknown_page.replace("nobody@example.org", "X")
    assert [m.to_address for m in outbox(runtime, "access-link")] == ["amina.benali@example.org"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_access_form_explains_a_bad_address(client: FlaskClient, lang: str) -> None:
    for typed, code, params in (("", "error.required", {}),
                                ("no-at-sign", "error.email_invalid", {"value": "no-at-sign"})):
        response = post_form(client, f"/access?lang={lang}", {"email": typed})
        body = response.get_data(as_text=True)
        assert response.status_code == 422
        assert str(escape(gettext(code, lang, **params))) in body
        assert 'href="#email"' in body and 'aria-invalid="true"' in body


def test_signing_in_confirms_an_unconfirmed_address(client: FlaskClient, runtime: Runtime) -> None:
    register(client, "fr")
    post_form(client, "/access", {"email": "amina.benali@example.org"})
    follow_link(client, link_in(outbox(runtime, "access-link")[0], "/access/link/"))
    assert _student(runtime).email_confirmed_at is not None


def test_a_link_for_a_deleted_registration_says_so(client: FlaskClient, runtime: Runtime) -> None:
    register(client, "en")
    path = link_in(outbox(runtime, "verification")[0], "/register/confirm/")
    client.get(path)
    with runtime.session() as session:
        purge_unconfirmed(session, utcnow() + timedelta(days=8))
    gone = post_form(client, "/register/confirm?lang=en", {})
    assert gone.status_code == 410
    assert str(escape(gettext("link.gone", "en"))) in gone.get_data(as_text=True)


def test_unconfirmed_registrations_are_purged_after_7_days(
    client: FlaskClient, runtime: Runtime,
) -> None:
    register(client, "fr")  # stays unconfirmed
    register_and_confirm(client.application.test_client(), runtime, "fr",
                         email="confirmed@example.org")
    with runtime.session() as session:
        record, errors = parse_record({"student_number": "21900009",
                                       "email": "imported@example.org"})
        assert record is not None and not errors
        apply_record(session, record, today=date(2026, 9, 1), source="import")
    registered_at = utcnow()
    with runtime.session() as session:
        assert purge_unconfirmed(session, registered_at + timedelta(days=6)) == 0
    with runtime.session() as session:
        assert purge_unconfirmed(session, registered_at + timedelta(days=7, minutes=1)) == 1
    with runtime.session() as session:
        emails = set(session.scalars(select(Student.email)))
        assert emails == {"confirmed@example.org", "imported@example.org"}
        # Their queued e-mail held their address: gone with them.
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.to_address == "amina.benali@example.org")) == 0
        audit = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "student.purge_unconfirmed")).one()
        assert audit.details == {"count": 1}


def _token(client: FlaskClient, page: str) -> str:
    from tests.fixtures_public import csrf_token

    return csrf_token(client, page)


def test_registration_time_is_counted_from_confirmation(
    client: FlaskClient, runtime: Runtime, frozen: Any,
) -> None:
    register(client, "fr")
    frozen.shift(timedelta(hours=40))  # the next day but one, within the link's 48 hours
    follow_link(client, link_in(outbox(runtime, "verification")[0], "/register/confirm/"))
    student = _student(runtime)
    assert student.registered_on == date(2026, 9, 17)
    assert student.email_confirmed_at is not None
    assert student.email_confirmed_at > datetime(2026, 9, 16, 23, 0)


def test_a_single_use_token_works_once_on_every_backend(runtime: Runtime) -> None:
    from tracker.tokens import TokenError, make_token, use_token

    secret = runtime.settings.secret_key
    token = make_token(secret, "access", {"sid": 1}, single_use=True)
    with runtime.session() as session:
        assert use_token(session, secret, "access", token).data == {"sid": 1}
    with runtime.session() as session, pytest.raises(TokenError) as refused:
        use_token(session, secret, "access", token)
    assert refused.value.reason == "used"
