"""Security of the public side: CSRF on every POST (the list comes from the URL map), the
security headers on every response, rate limits answering 429, cookie flags, request size, no
inline script or style."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from tests.conftest import with_settings
from tests.fixtures_public import (
    VALID_REGISTRATION,
    follow_link,
    link_in,
    make_app,
    outbox,
    register_and_confirm,
)
from tracker.i18n import gettext
from tracker.models import Student
from tracker.runtime import Runtime, build_runtime
from tracker.settings import Settings

# RFC 8058 one-click unsubscribe is authorised by its signed token, not by a CSRF token.
CSRF_EXEMPT = {"/unsubscribe"}


def _example_url(rule: Any) -> str:
    url = rule.rule
    for name in rule.arguments:
        # An int converter needs digits to route; anything else gets a token-like string.
        numeric = isinstance(rule._converters.get(name), IntegerConverter)
        url = re.sub(rf"<(?:[a-z]+:)?{name}>", "1" if numeric else "x" * 24, url)
    return url


def _rules(app: Flask, method: str) -> list[str]:
    return sorted({_example_url(rule) for rule in app.url_map.iter_rules()
                   if method in (rule.methods or set()) and rule.endpoint != "static"})


def test_every_post_without_csrf_token_is_refused(app: Flask, runtime: Runtime) -> None:
    client = app.test_client()
    register_and_confirm(client, runtime, "en")  # signed in: nothing else stops the request
    posts = [url for url in _rules(app, "POST") if url not in CSRF_EXEMPT]
    assert {"/register", "/access", "/me/delete", "/me/language", "/me/reminders",
            "/me/sign-out", "/register/confirm", "/access/sign-in"} <= set(posts)
    for url in posts:
        response = client.post(url + "?lang=en", data={"confirm": "y", "email": "a@example.org"})
        assert response.status_code == 400, url
        assert gettext("error.csrf_title", "en") in response.get_data(as_text=True), url
        # A token from another session is no better.
        response = client.post(url, data={"csrf_token": "forged"})
        assert response.status_code == 400, url
    with runtime.session() as session:
        assert session.scalar(select(func.count()).select_from(Student)) == 1
    assert client.get("/me").status_code == 200  # still signed in: sign-out was refused too


def _check_headers(response: Any, url: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp, url
    assert "style-src 'self'" in csp, url
    assert "unsafe-inline" not in csp, url
    assert "frame-ancestors 'none'" in csp, url
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url
    assert response.headers.get("Referrer-Policy") == "no-referrer", url


def test_security_headers_on_every_response(app: Flask, runtime: Runtime) -> None:
    client = app.test_client()
    anonymous = app.test_client()
    register_and_confirm(client, runtime, "en")
    token = ""
    with runtime.session() as session:
        token = session.scalars(select(Student.calendar_token)).one()
    checked = 0
    extra = ["/static/css/public.css", "/static/js/public.js", "/no-such-page",
             f"/calendar/{token}.ics"]
    for url in [*_rules(app, "GET"), *extra]:
        for who in (client, anonymous):
            response = who.get(url)
            _check_headers(response, url)
            checked += 1
    assert checked > 20
    # Personal pages are not cached.
    assert client.get("/me").headers["Cache-Control"] == "no-store"
    assert anonymous.get(f"/calendar/{token}.ics").headers["Cache-Control"] == "no-store"


def test_no_inline_script_or_style_in_public_pages(app: Flask, runtime: Runtime) -> None:
    client = app.test_client()
    register_and_confirm(client, runtime, "en")
    pages = ["/", "/register", "/access", "/me", "/me/delete", "/access/sent",
             "/register/sent"]
    for url in pages:
        body = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", body), url
        assert " style=" not in body and "<style" not in body, url
        assert not re.search(r"<[^>]+\son[a-z]+=", body), url  # no inline event handler


def _limited_app(runtime: Runtime) -> Flask:
    # Rate limits on, CSRF off: these tests are about the limits, not the tokens.
    return make_app(runtime, RATELIMIT_ENABLED=True, WTF_CSRF_ENABLED=False)


def test_access_links_are_limited_per_address(runtime: Runtime, frozen: Any) -> None:
    client = _limited_app(runtime).test_client()
    codes = [client.post("/access?lang=en", data={"email": "someone@example.org"},
                         environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code
             for i in range(4)]
    assert codes == [303, 303, 303, 429]
    refused = client.post("/access?lang=en", data={"email": "SOMEONE@example.org"},
                          environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert refused.status_code == 429
    assert gettext("error.rate_limited", "en") in refused.get_data(as_text=True)
    # Another address from the same place is still served.
    assert client.post("/access", data={"email": "other@example.org"},
                       environ_base={"REMOTE_ADDR": "10.0.1.1"}).status_code == 303


def test_access_links_are_limited_per_ip(runtime: Runtime, frozen: Any) -> None:
    client = _limited_app(runtime).test_client()
    codes = [client.post("/access", data={"email": f"s{i}@example.org"}).status_code
             for i in range(11)]
    assert codes[:10] == [303] * 10 and codes[10] == 429
    assert client.get("/access").status_code == 200  # reading the form is not limited


def test_registration_is_limited(runtime: Runtime, frozen: Any) -> None:
    client = _limited_app(runtime).test_client()
    codes = [client.post("/register?lang=fr", data={**VALID_REGISTRATION,
                                                    "email": f"r{i}@example.org"}).status_code
             for i in range(11)]
    assert codes[:10] == [303] * 10 and codes[10] == 429
    refused = client.post("/register?lang=fr", data=VALID_REGISTRATION,
                          environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert refused.status_code == 303
    per_address = [client.post("/register", data=VALID_REGISTRATION,
                               environ_base={"REMOTE_ADDR": f"10.8.0.{i}"}).status_code
                   for i in range(5)]
    assert per_address[-1] == 429
    assert str(escape(gettext("error.rate_limited", "fr"))) in client.post(
        "/register?lang=fr", data=VALID_REGISTRATION,
        environ_base={"REMOTE_ADDR": "10.7.0.1"}).get_data(as_text=True)


def test_sign_in_is_limited(runtime: Runtime, frozen: Any) -> None:
    client = _limited_app(runtime).test_client()
    codes = [client.post("/access/sign-in").status_code for _ in range(21)]
    # No link in the session: each try is refused (400) until the limit answers 429.
    assert codes[:20] == [400] * 20 and codes[20] == 429
    link_codes = [client.get("/access/link/forged").status_code for _ in range(31)]
    assert link_codes[:30] == [400] * 30 and link_codes[30] == 429


def test_session_cookie_flags(settings: Settings, frozen: Any) -> None:
    secure = build_runtime(with_settings(settings, base_url="https://tracker.example.org"))
    try:
        app = make_app(secure, RATELIMIT_ENABLED=False)
        client = app.test_client()
        register_and_confirm(client, secure, "en")
        cookie = client.get_cookie("session", domain="localhost")
        assert cookie is not None
        assert cookie.secure and cookie.http_only and cookie.same_site == "Lax"
        message = outbox(secure, "verification")[0]
        assert "https://tracker.example.org/register/confirm/" in message.raw
    finally:
        secure.dispose()


def test_plain_http_session_cookie_is_httponly_and_lax(app: Flask) -> None:
    response = app.test_client().get("/register")  # the form's CSRF token starts a session
    header = ";".join(response.headers.getlist("Set-Cookie"))
    assert "session=" in header
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header


def test_request_size_is_capped(client: FlaskClient) -> None:
    response = client.post("/register", data={"family_name": "x" * (6 * 1024 * 1024)})
    assert response.status_code == 413


def test_sign_in_token_never_stays_in_the_address(client: FlaskClient, runtime: Runtime) -> None:
    register_and_confirm(client, runtime, "fr")
    client.post("/me/sign-out", data={"csrf_token": re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/me").get_data(as_text=True)
    ).group(1)})  # type: ignore[union-attr]
    from tests.fixtures_public import post_form

    post_form(client, "/access", {"email": "amina.benali@example.org"})
    path = link_in(outbox(runtime, "access-link")[0], "/access/link/")
    token = path.rsplit("/", 1)[-1]
    first = client.get(path)
    assert token not in first.headers["Location"]
    landing = client.get(first.headers["Location"]).get_data(as_text=True)
    assert token not in landing  # not in the page either (no form field, no link)
    assert follow_link(client, path).status_code == 303
    assert client.get(path).status_code == 410  # and it cannot be replayed
