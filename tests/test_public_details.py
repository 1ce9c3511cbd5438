"""/me/details: the student corrects their own data with the registration's checks. Bad input
is explained next to the field and in the summary, in the page's language, and changes
nothing; a corrected date is a correction of the current title (no new card) and the
reminders follow it: the pending ones of the old date are cancelled, new ones are armed."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select

from tests.fixtures_public import (
    BAD_INPUTS,
    VALID_REGISTRATION,
    assert_field_error,
    post_form,
    register_and_confirm,
)
from tracker.i18n import gettext
from tracker.models import AuditEntry, Case, Reminder, ResidenceTitle, Student
from tracker.runtime import Runtime
from tracker.students.changes import apply_record, record_of
from tracker.students.details import DETAIL_FIELDS
from tracker.students.records import parse_record

LANGS = ["fr", "en"]
# The registration's bad inputs that concern a field of this page.
DETAIL_BAD_INPUTS = [case for case in BAD_INPUTS
                     if case[2] in DETAIL_FIELDS and set(case[1]) <= set(DETAIL_FIELDS)]
NUMBER = "21900001"
OTHER_NUMBER = "21900002"


def _form(**changes: str) -> dict[str, str]:
    """The page's fields as the registration filled them, with `changes`."""
    on_file = {**VALID_REGISTRATION, "student_number": NUMBER}
    return {**{name: on_file[name] for name in DETAIL_FIELDS}, **changes}


def _correct(client: FlaskClient, lang: str = "en", **changes: str) -> object:
    return post_form(client, f"/me/details?lang={lang}", _form(**changes))


def _snapshot(runtime: Runtime) -> tuple[object, ...]:
    """Everything a correction may change: the record, the rows, the reminders, the log."""
    with runtime.session() as session:
        student = session.scalars(select(Student).where(Student.student_number == NUMBER)).one()
        reminders = session.execute(select(Reminder.milestone_date, Reminder.due_on,
                                           Reminder.state).order_by(Reminder.id)).all()
        return (record_of(student).as_csv_row(),
                session.scalar(select(func.count()).select_from(ResidenceTitle)),
                session.scalar(select(func.count()).select_from(Case)),
                tuple(reminders),
                session.scalar(select(func.count()).select_from(AuditEntry)))


@pytest.fixture
def signed_in(client: FlaskClient, runtime: Runtime) -> FlaskClient:
    register_and_confirm(client, runtime, "fr", student_number=NUMBER)
    with runtime.session() as session:  # another student, whose number is taken
        record, errors = parse_record({"student_number": OTHER_NUMBER,
                                       "email": "other@example.org"})
        assert record is not None, errors
        apply_record(session, record, today=date(2026, 9, 15), source="import")
        session.commit()
    return client


def test_details_need_a_signed_in_student(client: FlaskClient) -> None:
    response = client.get("/me/details")
    assert response.status_code == 303 and response.headers["Location"] == "/access"


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_shows_what_is_on_file_and_the_address_read_only(
    signed_in: FlaskClient, runtime: Runtime, lang: str,
) -> None:
    me = signed_in.get(f"/me?lang={lang}").get_data(as_text=True)
    assert 'href="/me/details"' in me and str(escape(gettext("details.link", lang))) in me
    body = signed_in.get(f"/me/details?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in body
    for name in ("family_name", "given_name", "date_of_birth", "title_valid_from",
                 "title_expires_on", "entry_date"):
        assert f'value="{VALID_REGISTRATION[name]}"' in body  # dates as typed, DD/MM/YYYY
    assert f'value="{NUMBER}"' in body
    assert re.search(r'id="title_type-vls-ts" value="vls-ts"\s+aria-describedby="[^"]+"\s+'
                     r'checked', body)
    assert '<option selected value="MA">' in body and '<option selected value="14">' in body
    # The address is shown, with whom to ask to change it; it is no field of the form.
    assert VALID_REGISTRATION["email"] in body and 'name="email"' not in body
    assert str(escape(gettext("details.email_hint", lang))) in body
    assert f'href="mailto:{runtime.policy.office_email}"' in body
    assert 'data-title-form' in body  # the script asks only the dates the type needs


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("changes", "field", "code", "params"),
                         [case[1:] for case in DETAIL_BAD_INPUTS],
                         ids=[case[0] for case in DETAIL_BAD_INPUTS])
def test_bad_input_is_explained_and_changes_nothing(
    signed_in: FlaskClient, runtime: Runtime, lang: str, changes: dict[str, str], field: str,
    code: str, params: dict[str, str],
) -> None:
    before = _snapshot(runtime)
    response = _correct(signed_in, lang, **changes)
    assert response.status_code == 422  # type: ignore[attr-defined]
    body = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert_field_error(body, lang, field, gettext(code, lang, **params), changes)
    assert _snapshot(runtime) == before


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("number", "code", "params"), [
    ("", "error.student_number_keep", {}),
    (OTHER_NUMBER, "error.student_number_taken", {"value": OTHER_NUMBER}),
], ids=["erased", "taken"])
def test_the_student_number_cannot_be_erased_or_taken(
    signed_in: FlaskClient, runtime: Runtime, lang: str, number: str, code: str,
    params: dict[str, str],
) -> None:
    before = _snapshot(runtime)
    response = _correct(signed_in, lang, student_number=number, family_name="Changed")
    assert response.status_code == 422  # type: ignore[attr-defined]
    body = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert_field_error(body, lang, "student_number", gettext(code, lang, **params),
                       {"student_number": number, "family_name": "Changed"})
    assert _snapshot(runtime) == before


def test_all_problems_at_once_in_form_order(signed_in: FlaskClient) -> None:
    response = _correct(signed_in, "fr", family_name="", department="99",
                        title_expires_on="", entry_date="demain")
    summary = response.get_data(as_text=True).split('id="error-summary"', 1)[1]  # type: ignore[attr-defined]
    links = re.findall(r'href="#([^"]+)"', summary.split("</ul>", 1)[0])
    assert links == ["family_name", "department", "title_expires_on", "entry_date"]


def _reminders(runtime: Runtime, state: str) -> set[tuple[str, date]]:
    with runtime.session() as session:
        return set(session.execute(select(Reminder.milestone_kind, Reminder.milestone_date)
                                   .where(Reminder.state == state)).all())


def test_a_corrected_entry_date_moves_the_deadline_and_re_arms_the_reminders(
    signed_in: FlaskClient, runtime: Runtime,
) -> None:
    with runtime.session() as session:
        title_id = session.scalars(select(ResidenceTitle.id)).one()
    deadline = ("vls_ts_validation_deadline", date(2026, 12, 5))  # R1: entry + 3 months
    assert deadline in _reminders(runtime, "pending")

    response = _correct(signed_in, "en", entry_date="01/09/2026", family_name="Benali-Idrissi")
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["Location"] == "/me"  # type: ignore[attr-defined]
    page = signed_in.get("/me?lang=en").get_data(as_text=True)
    assert gettext("details.saved", "en") in page

    moved = ("vls_ts_validation_deadline", date(2026, 12, 1))
    assert deadline not in _reminders(runtime, "pending")
    assert moved in _reminders(runtime, "pending")
    with runtime.session() as session:
        cancelled = session.scalars(select(Reminder.reason).where(
            Reminder.milestone_date == deadline[1], Reminder.state == "cancelled")).all()
        assert cancelled and set(cancelled) == {"date_changed"}
        # A correction, not a new card: the same title, one case.
        title = session.scalars(select(ResidenceTitle)).one()
        assert title.id == title_id and title.entry_date == date(2026, 9, 1)
        case = session.scalars(select(Case)).one()
        assert case.deadline_on == date(2026, 12, 1)
        student = session.scalars(select(Student).where(Student.student_number == NUMBER)).one()
        assert student.family_name == "Benali-Idrissi"
        assert student.email == VALID_REGISTRATION["email"] and student.language == "fr"
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "student.details")).one()
        assert entry.actor == "student" and entry.student_id == student.id
        assert entry.details == {"fields": ["entry_date", "family_name"]}


def test_a_corrected_title_type_and_validation_date_are_corrections_in_place(
    signed_in: FlaskClient, runtime: Runtime,
) -> None:
    response = _correct(signed_in, "fr", validated_on="10/09/2026")
    assert response.status_code == 303  # type: ignore[attr-defined]
    with runtime.session() as session:
        case = session.scalars(select(Case)).one()
        assert case.validated_on == date(2026, 9, 10) and case.procedure == "renewal"
    # They held a long-stay visa to be followed by a card application, not a VLS-TS.
    response = _correct(signed_in, "fr", title_type="visa-csa", title_valid_from="02/09/2026")
    assert response.status_code == 303  # type: ignore[attr-defined]
    with runtime.session() as session:
        title = session.scalars(select(ResidenceTitle)).one()
        assert title.title_type == "visa-csa" and title.valid_from == date(2026, 9, 2)
        case = session.scalars(select(Case)).one()
        assert case.procedure == "first_application"
        assert case.next_milestone_kind == "first_application_deadline"
    pending = {kind for kind, _ in _reminders(runtime, "pending")}
    assert "first_application_deadline" in pending
    assert "vls_ts_validation_deadline" not in pending and "renewal_window_opens" not in pending


def test_nothing_changed_writes_no_audit_entry(signed_in: FlaskClient, runtime: Runtime) -> None:
    before = _snapshot(runtime)
    response = _correct(signed_in, "en")
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert _snapshot(runtime) == before


def test_the_address_cannot_be_changed_by_posting_it(
    signed_in: FlaskClient, runtime: Runtime,
) -> None:
    data = {**_form(), "email": "someone.else@example.org", "language": "en"}
    assert post_form(signed_in, "/me/details", data).status_code == 303
    with runtime.session() as session:
        student = session.scalars(select(Student).where(Student.student_number == NUMBER)).one()
        assert student.email == VALID_REGISTRATION["email"] and student.language == "fr"
