"""/register: every field's bad input gives a message in the page's language next to the field
and in the summary, what was typed stays, and nothing is written. A valid form creates an
unconfirmed student and a confirmation e-mail; a known address gets a sign-in link instead,
behind the same answer."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select

from tests.fixtures_public import (
    BAD_INPUTS,
    assert_field_error,
    link_in,
    outbox,
    parsed,
    register,
    text_body,
)
from tracker.i18n import gettext
from tracker.models import Case, Student
from tracker.runtime import Runtime

LANGS = ["fr", "en"]
def _students(runtime: Runtime) -> int:
    with runtime.session() as session:
        return session.scalar(select(func.count()).select_from(Student)) or 0


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("changes", "field", "code", "params"),
                         [case[1:] for case in BAD_INPUTS], ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_is_explained_next_to_the_field_in_the_page_language(
    client: FlaskClient, runtime: Runtime, lang: str, changes: dict[str, str], field: str,
    code: str, params: dict[str, str],
) -> None:
    response = register(client, lang, **changes)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert_field_error(body, lang, field, gettext(code, lang, **params), changes)
    assert _students(runtime) == 0
    assert outbox(runtime) == []


def test_all_problems_are_reported_at_once_in_form_order(client: FlaskClient) -> None:
    response = register(client, "en", family_name="", email="nope", title_expires_on="",
                        consent="")
    summary = response.get_data(as_text=True).split('id="error-summary"', 1)[1]
    links = re.findall(r'href="#([^"]+)"', summary.split("</ul>", 1)[0])
    assert links == ["family_name", "email", "title_expires_on", "consent"]


def test_selected_choices_stay_selected(client: FlaskClient) -> None:
    body = register(client, "en", consent="", title_type="student-card", nationality="DZ",
                    department="50", language="en").get_data(as_text=True)
    assert re.search(r'id="title_type-student-card" value="student-card"\s+'
                     r'aria-describedby="[^"]+"\s+checked', body)
    assert '<option selected value="DZ">' in body
    assert '<option selected value="50">' in body
    assert '<option selected value="en">' in body


def test_form_describes_each_title_type_and_the_data_notice(client: FlaskClient) -> None:
    body = client.get("/register?lang=en").get_data(as_text=True)
    for title_type in ("vls-ts", "visa-csa", "visa-concours", "student-card", "rece"):
        assert str(escape(gettext(f"printed.{title_type}", "en"))) in body
    assert "VLS-TS" in body and "carte de séjour à solliciter" in body
    assert "étudiant concours" in body
    for key in ("privacy.purpose", "privacy.kept", "privacy.duration", "privacy.who",
                "privacy.delete"):
        assert str(escape(gettext(key, "en"))) in body
    # Countries are named in the page's language, from Babel.
    assert '<option value="DZ">Algeria</option>' in body
    french = client.get("/register?lang=fr").get_data(as_text=True)
    assert '<option value="DZ">Algérie</option>' in french
    # Only the dates a type needs: the conditional fields say which types want them.
    assert 'data-for-types="vls-ts"' in body  # validated_on
    assert 'data-for-types="visa-concours"' in body
    assert '<script src="/static/js/public.js" defer></script>' in body


def test_valid_registration_creates_an_unconfirmed_student_and_sends_a_link(
    client: FlaskClient, runtime: Runtime,
) -> None:
    response = register(client, "en", language="en", student_number="21900001")
    assert response.status_code == 303
    assert response.headers["Location"] == "/register/sent"
    page = client.get("/register/sent").get_data(as_text=True)
    assert "amina.benali@example.org" in page
    with runtime.session() as session:
        student = session.scalars(select(Student)).one()
        assert student.email_confirmed_at is None
        assert student.consent_at is not None
        assert student.source == "register"
        assert student.student_number == "21900001"
        assert student.language == "en"
        case = session.scalars(select(Case)).one()
        assert case.procedure == "vls_ts_validation"
        assert case.deadline_on == date(2026, 12, 5)  # R1: entry + 3 months
    [message] = outbox(runtime)
    assert message.kind == "verification" and message.language == "en"
    email = parsed(message)
    assert email["X-Tracker-Kind"] == "verification"
    assert email["Content-Language"] == "en"
    assert email["To"] == "amina.benali@example.org"
    assert email["Subject"] == gettext("email.verification_subject", "en")
    assert "/register/confirm/" in link_in(message, "/register/confirm/")
    assert "48 hours" in text_body(message)
    html = email.get_body(("html",))
    assert html is not None and "/register/confirm/" in html.get_content()


def test_fields_a_card_does_not_need_are_ignored(client: FlaskClient, runtime: Runtime) -> None:
    response = register(client, "fr", title_type="student-card", entry_date="not a date",
                        validated_on="nonsense", title_valid_from="15/01/2026",
                        title_expires_on="14/01/2027")
    assert response.status_code == 303
    with runtime.session() as session:
        case = session.scalars(select(Case)).one()
        assert case.procedure == "renewal"
        assert case.title.entry_date is None
        assert case.validated_on is None


def test_known_address_gets_a_sign_in_link_behind_the_same_answer(
    client: FlaskClient, runtime: Runtime,
) -> None:
    first = register(client, "fr")
    again = register(client, "fr", family_name="Someone", given_name="Else",
                     email="AMINA.BENALI@example.org")
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    new_page = client.get("/register/sent").get_data(as_text=True)
    assert new_page.count("amina") or new_page.count("AMINA")
    kinds = [m.kind for m in outbox(runtime)]
    assert kinds == ["verification", "access-link"]
    with runtime.session() as session:
        student = session.scalars(select(Student)).one()
        assert student.family_name == "Benali"  # nothing changed by the second form


def test_a_taken_student_number_never_takes_the_record_over(
    client: FlaskClient, runtime: Runtime,
) -> None:
    register(client, "fr", student_number="21900001")
    response = register(client, "fr", email="intruder@example.com", student_number="21900001")
    assert response.status_code == 303
    with runtime.session() as session:
        student = session.scalars(select(Student)).one()
        assert student.email == "amina.benali@example.org"
    last = outbox(runtime)[-1]
    assert last.kind == "access-link" and last.to_address == "amina.benali@example.org"
    assert all(m.to_address != "intruder@example.com" for m in outbox(runtime))


def test_same_page_for_new_and_known_addresses(client: FlaskClient, app: object) -> None:
    register(client, "en")
    known = register(client, "en")
    other = app.test_client()  # type: ignore[attr-defined]
    new = register(other, "en", email="someone.new@example.org")
    assert known.status_code == new.status_code == 303
    known_page = client.get("/register/sent").get_data(as_text=True)
    new_page = other.get("/register/sent").get_data(as_text=True)
    assert known_page.replace("amina.benali@example.org", "X") == \
        new_page.replace("someone.new@example.org", "X")
