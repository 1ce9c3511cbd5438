"""Helpers for the public pages' tests: an app on the test database with CSRF on, forms posted
with the token read from the page (as a browser does), links read back from the outbox."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from email import message_from_string
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from tracker.models import OutboxMessage
from tracker.runtime import Runtime
from tracker.web import create_app

PARIS = ZoneInfo("Europe/Paris")
# Every public test runs on this day (the pages read the clock; time-machine sets it).
TODAY = datetime(2026, 9, 15, 10, 0, tzinfo=PARIS)

VALID_REGISTRATION: dict[str, str] = {
    "family_name": "Benali",
    "given_name": "Amina",
    "email": "amina.benali@example.org",
    "student_number": "",
    "date_of_birth": "12/03/2003",
    "nationality": "MA",
    "department": "14",
    "language": "fr",
    "title_type": "vls-ts",
    "title_valid_from": "01/09/2026",
    "title_expires_on": "31/08/2027",
    "entry_date": "05/09/2026",
    "validated_on": "",
    "concours_result": "pending",
    "consent": "y",
}

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                   r'type="hidden" name="csrf_token" value="([^"]+)"')


@pytest.fixture
def frozen() -> Iterator[Any]:
    with time_machine.travel(TODAY, tick=True) as traveller:
        yield traveller


def make_app(runtime: Runtime, **config: Any) -> Flask:
    # E-mails are delivered before the response returns, so tests see their final state.
    return create_app(runtime=runtime, config={"TESTING": True, "TRACKER_SEND_NOW": "inline",
                                               **config})


@pytest.fixture
def app(runtime: Runtime, frozen: Any) -> Flask:
    # Rate limits are tested on their own; here they would trip over the many posts.
    return make_app(runtime, RATELIMIT_ENABLED=False)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token(client: FlaskClient, page: str) -> str:
    body = client.get(page).get_data(as_text=True)
    match = _CSRF.search(body)
    assert match, f"no CSRF token on {page}"
    return match.group(1) or match.group(2)


def post_form(client: FlaskClient, page: str, data: dict[str, str], *,
              action: str | None = None, **kwargs: Any) -> TestResponse:
    """Post like a browser: the token comes from the page that holds the form."""
    token = csrf_token(client, page)
    return client.post(action or page, data={**data, "csrf_token": token}, **kwargs)


def register(client: FlaskClient, lang: str = "fr", **changes: str) -> TestResponse:
    data = {**VALID_REGISTRATION, **changes}
    return post_form(client, f"/register?lang={lang}", data)


def outbox(runtime: Runtime, kind: str | None = None) -> list[OutboxMessage]:
    with runtime.session() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        return list(session.scalars(query))


def parsed(message: OutboxMessage) -> EmailMessage:
    return message_from_string(message.raw, policy=default_policy)  # type: ignore[return-value]


def text_body(message: OutboxMessage | EmailMessage) -> str:
    email = parsed(message) if isinstance(message, OutboxMessage) else message
    part = email.get_body(("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def link_in(message: OutboxMessage | EmailMessage, route: str) -> str:
    """The path (and query) of the link to `route` in the message's text part."""
    match = re.search(r"https?://\S*" + re.escape(route) + r"\S*", text_body(message))
    assert match, f"no {route} link in the message"
    parts = urlsplit(match.group(0))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def follow_link(client: FlaskClient, path: str) -> TestResponse:
    """Open an e-mailed link, then press the page's button (the token is exchanged on POST)."""
    first = client.get(path)
    assert first.status_code == 303, first.get_data(as_text=True)
    landing = first.headers["Location"]
    assert path.rsplit("/", 1)[-1] not in landing  # the token leaves the URL at once
    return post_form(client, landing, {})


def register_and_confirm(client: FlaskClient, runtime: Runtime, lang: str = "fr",
                         **changes: str) -> TestResponse:
    response = register(client, lang, **changes)
    assert response.status_code == 303, response.get_data(as_text=True)
    message = outbox(runtime, "verification")[-1]
    confirmed = follow_link(client, link_in(message, "/register/confirm/"))
    assert confirmed.status_code == 303 and confirmed.headers["Location"].endswith("/me")
    return confirmed
