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
from markupsafe import escape
from sqlalchemy import select
from werkzeug.test import TestResponse

from tracker.i18n import gettext
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

# (case id, changes to the valid form, field, error code, params of the message)
# The registration form and /me/details (tests/test_public_details.py) share them.
BAD_INPUTS: list[tuple[str, dict[str, str], str, str, dict[str, str]]] = [
    ("family-missing", {"family_name": ""}, "family_name", "error.required", {}),
    ("family-long", {"family_name": "x" * 201}, "family_name", "error.too_long", {"max": "200"}),
    ("given-missing", {"given_name": "  "}, "given_name", "error.required", {}),
    ("given-long", {"given_name": "y" * 201}, "given_name", "error.too_long", {"max": "200"}),
    ("email-missing", {"email": ""}, "email", "error.required", {}),
    ("email-bad", {"email": "amina.example.org"}, "email", "error.email_invalid",
     {"value": "amina.example.org"}),
    ("number-long", {"student_number": "1" * 33}, "student_number", "error.too_long",
     {"max": "32"}),
    ("birth-missing", {"date_of_birth": ""}, "date_of_birth", "error.required", {}),
    ("birth-bad", {"date_of_birth": "31/02/2003"}, "date_of_birth", "error.date_invalid",
     {"value": "31/02/2003"}),
    ("birth-future", {"date_of_birth": "01/01/2027"}, "date_of_birth", "error.date_in_future",
     {}),
    ("birth-child", {"date_of_birth": "01/01/2020"}, "date_of_birth",
     "error.date_of_birth_implausible", {}),
    ("nationality-missing", {"nationality": ""}, "nationality", "error.required", {}),
    ("nationality-bad", {"nationality": "XY"}, "nationality", "error.nationality_invalid",
     {"value": "XY"}),
    ("department-missing", {"department": ""}, "department", "error.required", {}),
    ("department-bad", {"department": "99"}, "department", "error.department_invalid",
     {"value": "99"}),
    ("language-bad", {"language": "de"}, "language", "error.language_invalid", {"value": "de"}),
    ("type-missing", {"title_type": ""}, "title_type", "error.required", {}),
    ("type-bad", {"title_type": "green-card"}, "title_type", "error.title_type_invalid",
     {"value": "green-card", "choices": "vls-ts, visa-csa, visa-concours, visa-minor, "
      "student-card, multi-year-card, algerian-certificate, talent, rece"}),
    ("type-algerian", {"nationality": "DZ"}, "title_type", "error.algerian_title",
     {"title_type": "vls-ts"}),
    ("from-missing", {"title_valid_from": ""}, "title_valid_from", "error.required", {}),
    ("from-bad", {"title_valid_from": "2026-13-01"}, "title_valid_from", "error.date_invalid",
     {"value": "2026-13-01"}),
    ("until-missing", {"title_expires_on": ""}, "title_expires_on", "error.required", {}),
    ("until-bad", {"title_expires_on": "31/04/2027"}, "title_expires_on", "error.date_invalid",
     {"value": "31/04/2027"}),
    ("until-before-start", {"title_expires_on": "31/08/2026"}, "title_expires_on",
     "error.expiry_before_start", {"start": "2026-09-01"}),
    ("entry-missing", {"entry_date": ""}, "entry_date", "error.required", {}),
    ("entry-bad", {"entry_date": "5 sept"}, "entry_date", "error.date_invalid",
     {"value": "5 sept"}),
    ("entry-before-visa", {"entry_date": "20/08/2026"}, "entry_date",
     "error.entry_before_start", {"start": "2026-09-01"}),
    ("entry-future", {"entry_date": "20/09/2026"}, "entry_date", "error.date_in_future", {}),
    ("entry-after-expiry", {"title_valid_from": "01/09/2025", "title_expires_on": "01/09/2026",
                            "entry_date": "10/09/2026"}, "entry_date",
     "error.entry_after_expiry", {"end": "2026-09-01"}),
    ("validated-bad", {"validated_on": "32/09/2026"}, "validated_on", "error.date_invalid",
     {"value": "32/09/2026"}),
    ("validated-before-entry", {"validated_on": "02/09/2026"}, "validated_on",
     "error.validated_before_entry", {}),
    ("validated-future", {"validated_on": "16/09/2026"}, "validated_on",
     "error.date_in_future", {}),
    ("concours-bad", {"title_type": "visa-concours", "concours_result": "maybe"},
     "concours_result", "error.concours_result_invalid", {"value": "maybe"}),
    ("minor-without-birth", {"title_type": "visa-minor", "date_of_birth": ""},
     "date_of_birth", "error.required", {}),
    ("consent-missing", {"consent": ""}, "consent", "error.consent_required", {}),
]


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


# Fields whose typed text is not echoed as value="…" (radios, check boxes, drop-downs).
_NOT_ECHOED = ("title_type", "consent", "nationality", "department", "language",
               "concours_result")


def assert_field_error(body: str, lang: str, field: str, message: str,
                       typed: dict[str, str]) -> None:
    """A refused form: the message next to the field and in the summary at the top (linking
    to the field, naming it), what was typed still in the form, the page in `lang`."""
    shown = str(escape(message))
    assert re.search(rf'<p class="error" id="{field}-error">\s*{re.escape(shown)}', body)
    summary = body.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert shown in summary
    anchor = "title_type-vls-ts" if field == "title_type" else field
    assert f'href="#{anchor}"' in summary
    assert str(escape(gettext(f"field.{field}", lang))) in summary
    for name, value in typed.items():
        if value and name not in _NOT_ECHOED:
            assert f'value="{escape(value)}"' in body
    assert f'<html lang="{lang}">' in body
