"""A student's session ends after 30 idle minutes or 12 hours after the sign-in, whatever the
activity; every request counts as activity. The clock is moved with time-machine."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.fixtures_public import register_and_confirm
from tracker.i18n import gettext
from tracker.runtime import Runtime
from tracker.students.sessions import ABSOLUTE_LIMIT, IDLE_LIMIT, session_expired
from tracker.web.public.signin import LAST_SEEN_AT

MINUTE = timedelta(minutes=1)


@pytest.fixture
def signed_in(client: FlaskClient, runtime: Runtime) -> FlaskClient:
    register_and_confirm(client, runtime, "en", language="en")
    return client


def _is_signed_out(client: FlaskClient, lang: str = "en") -> bool:
    response = client.get(f"/me?lang={lang}")
    if response.status_code == 200:
        return False
    assert response.status_code == 303 and response.headers["Location"] == "/access"
    return True


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_thirty_idle_minutes_sign_the_student_out(
    signed_in: FlaskClient, frozen: Any, lang: str,
) -> None:
    assert not _is_signed_out(signed_in, lang)
    frozen.shift(IDLE_LIMIT - MINUTE)
    assert not _is_signed_out(signed_in, lang)
    frozen.shift(IDLE_LIMIT + MINUTE)
    assert _is_signed_out(signed_in, lang)
    # The next page says why, in its language, and the student stays signed out.
    page = signed_in.get(f"/access?lang={lang}").get_data(as_text=True)
    assert gettext("session.expired", lang).split(" (")[0] in page
    assert _is_signed_out(signed_in, lang)


def test_activity_extends_the_idle_limit(signed_in: FlaskClient, frozen: Any) -> None:
    # Three quarters of an hour of use in steps shorter than the idle limit.
    for _ in range(3):
        frozen.shift(IDLE_LIMIT - 5 * MINUTE)
        assert not _is_signed_out(signed_in)
    frozen.shift(IDLE_LIMIT - 5 * MINUTE)
    assert signed_in.get("/static/css/public.css").status_code == 200  # any request counts
    frozen.shift(10 * MINUTE)
    assert not _is_signed_out(signed_in)


def test_twelve_hours_after_sign_in_the_session_ends_even_when_active(
    signed_in: FlaskClient, frozen: Any,
) -> None:
    step = IDLE_LIMIT - 5 * MINUTE
    elapsed = timedelta(0)
    while elapsed + step < ABSOLUTE_LIMIT:
        frozen.shift(step)
        elapsed += step
        assert not _is_signed_out(signed_in), f"signed out after {elapsed}"
    frozen.shift(ABSOLUTE_LIMIT - elapsed)
    assert _is_signed_out(signed_in)


def test_a_session_without_its_times_is_ended(signed_in: FlaskClient) -> None:
    with signed_in.session_transaction() as session:
        del session[LAST_SEEN_AT]
    assert _is_signed_out(signed_in)


def test_the_limits_at_their_boundaries() -> None:
    start = datetime(2026, 9, 15, 8, 0)
    assert not session_expired(start, start, start + IDLE_LIMIT - MINUTE)
    assert session_expired(start, start, start + IDLE_LIMIT)
    late = start + ABSOLUTE_LIMIT - MINUTE
    assert not session_expired(start, late - MINUTE, late)
    assert session_expired(start, late, start + ABSOLUTE_LIMIT)
    assert session_expired(None, start, start) and session_expired(start, None, start)
