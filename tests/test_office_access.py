"""Access rules of every /office route, generated from the app's URL map: a new route is
covered without anyone adding it here."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.fixtures_office import (  # noqa: F401
    TODAY,
    add_staff,
    add_student,
    admin_client,
    app,
    office_app,
    sign_in,
    staff_client,
    viewer_client,
)
from tracker.mail.outbox import enqueue
from tracker.models import utcnow
from tracker.runtime import Runtime
from tracker.web.public.signin import LAST_SEEN_AT, SIGNED_IN_AT

# Routes a signed-out visitor may use.
OPEN_ENDPOINTS = {"office.login"}
# Routes any signed-in staff member may POST to, viewers included: their own session/account.
SELF_SERVICE = {"office.logout", "office.password"}
ADMIN_ONLY = {"office.staff_admin"}


def office_rules(flask_app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every /office rule and method, ids filled with 1."""
    found = []
    for rule in flask_app.url_map.iter_rules():
        if not rule.rule.startswith("/office"):
            continue
        url = re.sub(r"<(?:int:)?[a-z_]+>", "1", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, url))
    return found


@pytest.fixture
def world(runtime: Runtime) -> dict[str, Any]:
    """A student #1 with a message #1 so that routes with ids reach their view."""
    with runtime.session() as session:
        student = add_student(session, student_number="100", email="s1@example.org",
                              title_type="student-card", title_valid_from="2025-10-01",
                              title_expires_on="2026-12-01")
        enqueue(session, key="test:1", kind="welcome", sender="tracker@example.org",
                to_address="s1@example.org", language="fr", subject="Bienvenue",
                text="Bonjour", student_id=student.id)
    return {"student_id": student.id}


def _call(client: FlaskClient, method: str, url: str) -> Any:
    return client.open(url, method=method, data={"step": "submitted", "on": "2026-08-01"})


def test_url_map_has_the_office_routes(app: Flask) -> None:  # noqa: F811
    endpoints = {endpoint for endpoint, _, _ in office_rules(app)}
    assert {"office.login", "office.worklist", "office.case_page", "office.import_csv",
            "office.export_csv", "office.stats", "office.audit"} <= endpoints
    assert len(office_rules(app)) >= 20


def test_signed_out_is_refused_everywhere(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    client = app.test_client()
    for endpoint, method, url in office_rules(app):
        if endpoint in OPEN_ENDPOINTS:
            continue
        response = _call(client, method, url)
        assert response.status_code != 200, (method, url)
        if method == "GET":
            assert response.status_code == 302, (method, url)
            assert response.headers["Location"].startswith("/office/login"), (method, url)
        else:
            assert response.status_code in (401, 403), (method, url)


def test_viewer_cannot_write_anywhere(
    app: Flask, viewer_client: FlaskClient, world: dict[str, Any]  # noqa: F811
) -> None:
    for endpoint, method, url in office_rules(app):
        if method == "GET" or endpoint in SELF_SERVICE | OPEN_ENDPOINTS:
            continue
        response = _call(viewer_client, method, url)
        assert response.status_code == 403, (method, url)


def test_viewer_reads_every_page_but_the_admin_one(
    app: Flask, viewer_client: FlaskClient, world: dict[str, Any]  # noqa: F811
) -> None:
    for endpoint, method, url in office_rules(app):
        if method != "GET" or endpoint in OPEN_ENDPOINTS:
            continue
        response = viewer_client.get(url)
        expected = 403 if endpoint in ADMIN_ONLY else 200
        assert response.status_code == expected, (method, url, response.status_code)


def test_staff_cannot_manage_accounts(staff_client: FlaskClient) -> None:  # noqa: F811
    assert staff_client.get("/office/staff").status_code == 403
    assert staff_client.post("/office/staff", data={"action": "create"}).status_code == 403


def test_student_principal_is_refused_everywhere(
    app: Flask, world: dict[str, Any]  # noqa: F811
) -> None:
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"student:{world['student_id']}"
        # A live student session (tracker.web.public.signin ends one without its times).
        session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = utcnow().isoformat()
    for endpoint, method, url in office_rules(app):
        if endpoint in OPEN_ENDPOINTS:
            continue
        response = _call(client, method, url)
        assert response.status_code in (302, 401, 403), (method, url)
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/office/login")


def test_csrf_is_required_on_office_forms(runtime: Runtime, world: dict[str, Any]) -> None:
    csrf_app = office_app(runtime, WTF_CSRF_ENABLED=True)
    add_staff(runtime, "csrf@example.org", "staff")
    client = csrf_app.test_client()
    # Even the sign-in form needs its token.
    assert sign_in(client, "csrf@example.org").status_code == 400
    page = client.get("/office/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    signed = client.post("/office/login", data={"email": "csrf@example.org",
                                                "password": "correct horse battery staple",
                                                "csrf_token": token.group(1)})
    assert signed.status_code == 302
    url = f"/office/students/{world['student_id']}/notes"
    assert client.post(url, data={"body": "sans jeton"}).status_code == 400
