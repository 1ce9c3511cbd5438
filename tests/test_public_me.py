"""/me: the deadlines as a timeline with the next step and contacts; recording what happened
updates the case and the reminders at once; settings, calendar, data download and deletion."""

from __future__ import annotations

import json
from datetime import date

import pytest
from flask.testing import FlaskClient
from icalendar import Calendar
from markupsafe import escape
from sqlalchemy import func, select

from tests.fixtures_public import csrf_token, post_form, register_and_confirm
from tracker.i18n import format_day, gettext
from tracker.models import (
    AuditEntry,
    Case,
    OutboxMessage,
    Reminder,
    ResidenceTitle,
    Student,
)
from tracker.reminders.planning import plan_reminders
from tracker.rules.policy import DEFAULT_POLICY
from tracker.runtime import Runtime

# The default policy's late fee, which the pages state (RULES R7).
LATE_FEE = DEFAULT_POLICY.late_fee_eur(date(2026, 12, 1))


def _student(runtime: Runtime) -> Student:
    with runtime.session() as session:
        student = session.scalars(select(Student)).one()
        _ = student.current_case, student.current_title
        return student


def _reminder_states(runtime: Runtime, case_id: int) -> dict[str, int]:
    with runtime.session() as session:
        rows = session.execute(select(Reminder.state, func.count()).where(
            Reminder.case_id == case_id).group_by(Reminder.state)).all()
        return {state: count for state, count in rows}


def _step(client: FlaskClient, event: str, data: dict[str, str], lang: str = "fr") -> object:
    fields = {f"{event}-{name}": value for name, value in data.items()}
    return post_form(client, f"/me?lang={lang}", fields, action=f"/me/steps/{event}?lang={lang}")


@pytest.fixture
def signed_in(client: FlaskClient, runtime: Runtime) -> FlaskClient:
    register_and_confirm(client, runtime, "fr", department="50")
    return client


def test_me_requires_a_signed_in_student(client: FlaskClient) -> None:
    response = client.get("/me")
    assert response.status_code == 303 and response.headers["Location"] == "/access"
    assert client.get("/me/data.json").status_code == 303


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_timeline_next_step_and_contacts(signed_in: FlaskClient, lang: str) -> None:
    body = signed_in.get(f"/me?lang={lang}").get_data(as_text=True)
    # R1: validate the VLS-TS within 3 months of entry (5 Sept 2026).
    deadline = date(2026, 12, 5)
    assert str(escape(gettext("milestone.vls_ts_validation_deadline", lang))) in body
    assert format_day(deadline, lang) in body
    assert f'<time datetime="{deadline.isoformat()}">' in body
    assert gettext("days.in", lang, n=81) in body  # from 15 Sept 2026
    assert str(escape(gettext("next.vls_ts_validate", lang, date=format_day(deadline, lang)))) \
        in body
    assert 'href="https://administration-etrangers-en-france.interieur.gouv.fr"' in body
    # Contacts for the student's département (Manche) and the office.
    assert "pref-etrangers@manche.gouv.fr" in body
    assert "intl.spi@unicaen.fr" in body and "0806 001 620" in body
    for milestone in ("renewal_window_opens", "renewal_fee_free_until", "title_expires"):
        assert str(escape(gettext(f"milestone.{milestone}", lang, late_fee=LATE_FEE))) in body
    assert gettext("me.to_do", lang) in body


def test_recording_a_filed_application_stops_the_reminders(
    signed_in: FlaskClient, runtime: Runtime,
) -> None:
    case_id = _student(runtime).current_case.id  # type: ignore[union-attr]
    assert _reminder_states(runtime, case_id).get("pending", 0) > 0
    response = _step(signed_in, "submitted", {"on": "14/09/2026"})
    assert response.status_code == 303  # type: ignore[attr-defined]
    with runtime.session() as session:
        case = session.get(Case, case_id)
        assert case is not None
        assert case.status == "submitted" and case.submitted_on == date(2026, 9, 14)
        assert case.validated_on == date(2026, 9, 14)  # filing implies the visa was validated
        assert case.needs_action is False
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "student.submitted")).one()
        assert entry.details == {"on": "2026-09-14"}
    states = _reminder_states(runtime, case_id)
    assert states.get("pending", 0) == 0 and states.get("cancelled", 0) > 0
    # The planner mails nothing for this case now.
    with runtime.session() as session:
        plan_reminders(session, today=date(2026, 12, 5), policy=runtime.policy,
                       settings=runtime.settings)
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == "reminder")) == 0
    body = signed_in.get("/me?lang=en").get_data(as_text=True)
    assert gettext("steps.saved", "fr") not in body  # the notice was shown once, on redirect
    assert "Application filed on" in body


def test_validated_visa_moves_on_to_the_renewal(signed_in: FlaskClient, runtime: Runtime) -> None:
    assert _step(signed_in, "validated", {"on": "10/09/2026"}).status_code == 303  # type: ignore[attr-defined]
    case = _student(runtime).current_case
    assert case is not None and case.procedure == "renewal"
    assert case.next_milestone_kind == "renewal_window_opens"
    body = signed_in.get("/me?lang=en").get_data(as_text=True)
    assert gettext("me.done", "en") in body


def test_collected_card_starts_a_new_cycle(signed_in: FlaskClient, runtime: Runtime) -> None:
    old_case = _student(runtime).current_case
    assert old_case is not None
    _step(signed_in, "submitted", {"on": "14/09/2026"})
    _step(signed_in, "adf_received", {"on": "15/09/2026"})
    response = _step(signed_in, "card_collected", {
        "on": "15/09/2026", "new_title_type": "multi-year-card",
        "new_title_valid_from": "10/09/2026", "new_title_expires_on": "09/09/2028"})
    assert response.status_code == 303  # type: ignore[attr-defined]
    with runtime.session() as session:
        titles = session.scalars(select(ResidenceTitle).order_by(ResidenceTitle.id)).all()
        assert [(t.title_type, t.is_current) for t in titles] == [
            ("vls-ts", False), ("multi-year-card", True)]
        assert titles[1].entry_date == date(2026, 9, 5)  # the entry date carries over
        cases = session.scalars(select(Case).order_by(Case.id)).all()
        assert [(c.status, c.is_current) for c in cases] == [
            ("card_collected", False), ("todo", True)]
        assert cases[0].card_collected_on == date(2026, 9, 15)
        assert cases[1].procedure == "renewal"
        assert cases[1].deadline_on == date(2028, 9, 9)
    assert _reminder_states(runtime, old_case.id).get("pending", 0) == 0
    new_case = _student(runtime).current_case
    assert new_case is not None
    assert _reminder_states(runtime, new_case.id).get("pending", 0) > 0


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_card_form_problems_are_explained(
    signed_in: FlaskClient, runtime: Runtime, lang: str,
) -> None:
    _step(signed_in, "submitted", {"on": "14/09/2026"}, lang)
    response = _step(signed_in, "card_collected", {
        "on": "15/09/2026", "new_title_type": "",
        "new_title_valid_from": "01/09/2026", "new_title_expires_on": "01/09/2025"}, lang)
    body = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert str(escape(gettext("error.choose_card_type", lang))) in body
    assert 'id="step-card_collected" open' in body
    assert 'value="01/09/2025"' in body
    response = _step(signed_in, "card_collected", {
        "on": "15/09/2026", "new_title_type": "student-card",
        "new_title_valid_from": "01/09/2026", "new_title_expires_on": "01/09/2025"}, lang)
    body = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert str(escape(gettext("error.expiry_before_start", lang, start="2026-09-01"))) in body
    assert _student(runtime).current_case.status == "submitted"  # type: ignore[union-attr]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(("typed", "code", "params"), [
    ("", "error.required", {}),
    ("30/02/2026", "error.date_invalid", {"value": "30/02/2026"}),
    ("16/09/2026", "error.date_in_future", {}),
])
def test_step_date_problems_are_explained(
    signed_in: FlaskClient, runtime: Runtime, lang: str, typed: str, code: str,
    params: dict[str, str],
) -> None:
    response = _step(signed_in, "submitted", {"on": typed}, lang)
    body = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert str(escape(gettext(code, lang, **params))) in body
    assert 'id="submitted-on-error"' in body and 'href="#submitted-on"' in body
    assert _student(runtime).current_case.status == "todo"  # type: ignore[union-attr]


def test_a_step_that_does_not_apply_changes_nothing(
    signed_in: FlaskClient, runtime: Runtime,
) -> None:
    response = _step(signed_in, "adf_received", {"on": "14/09/2026"})
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert _student(runtime).current_case.status == "todo"  # type: ignore[union-attr]


def test_refused_and_left_france(signed_in: FlaskClient, runtime: Runtime) -> None:
    _step(signed_in, "submitted", {"on": "14/09/2026"})
    _step(signed_in, "refused", {"on": "15/09/2026"})
    assert _student(runtime).current_case.status == "refused"  # type: ignore[union-attr]
    _step(signed_in, "left_france", {"on": "15/09/2026"})
    student = _student(runtime)
    assert student.left_france_on == date(2026, 9, 15)
    body = signed_in.get("/me?lang=en").get_data(as_text=True)
    assert gettext("next.left_france", "en", date=format_day(date(2026, 9, 15), "en")) in body


def test_concours_result(client: FlaskClient, runtime: Runtime) -> None:
    register_and_confirm(client, runtime, "en", title_type="visa-concours",
                         title_valid_from="01/09/2026", title_expires_on="30/11/2026")
    body = client.get("/me?lang=en").get_data(as_text=True)
    assert gettext("note.concours_pending", "en") in body
    post_form(client, "/me", {"concours-concours_result": "failed"}, action="/me/concours")
    student = _student(runtime)
    assert student.concours_result == "failed"
    assert student.current_case.procedure == "exam_failed"  # type: ignore[union-attr]


def test_language_reminders_and_sign_out(signed_in: FlaskClient, runtime: Runtime) -> None:
    response = post_form(signed_in, "/me", {"settings-language": "en"}, action="/me/language")
    assert response.status_code == 303
    assert "lang=en" in response.headers["Set-Cookie"]
    assert _student(runtime).language == "en"
    assert '<html lang="en">' in signed_in.get("/me").get_data(as_text=True)

    post_form(signed_in, "/me", {"enabled": "0"}, action="/me/reminders")
    assert _student(runtime).reminders_enabled is False
    assert gettext("settings.restart_reminders", "en") in signed_in.get("/me").get_data(
        as_text=True)
    post_form(signed_in, "/me", {"enabled": "1"}, action="/me/reminders")
    assert _student(runtime).reminders_enabled is True

    post_form(signed_in, "/me", {}, action="/me/sign-out")
    assert signed_in.get("/me").status_code == 303


def test_calendar_download_and_private_feed(signed_in: FlaskClient, runtime: Runtime) -> None:
    download = signed_in.get("/me/calendar.ics")
    assert download.status_code == 200 and download.mimetype == "text/calendar"
    calendar = Calendar.from_ical(download.data)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    deadline = events[gettext("milestone.vls_ts_validation_deadline", "fr")]
    assert deadline.decoded("DTSTART") == date(2026, 12, 5)
    body = signed_in.get("/me").get_data(as_text=True)
    token = _student(runtime).calendar_token
    assert f"http://tracker.test/calendar/{token}.ics" in body
    anonymous = signed_in.application.test_client()
    feed = anonymous.get(f"/calendar/{token}.ics")
    assert feed.status_code == 200 and b"BEGIN:VEVENT" in feed.data
    # The feed stays current: a recorded step changes what it lists.
    _step(signed_in, "validated", {"on": "10/09/2026"})
    feed = Calendar.from_ical(anonymous.get(f"/calendar/{token}.ics").data)
    summaries = {str(e["SUMMARY"]) for e in feed.walk("VEVENT")}
    assert gettext("milestone.vls_ts_validation_deadline", "fr") not in summaries
    # A new address revokes the old one.
    post_form(signed_in, "/me", {}, action="/me/calendar/new-link")
    assert anonymous.get(f"/calendar/{token}.ics").status_code == 404
    new_token = _student(runtime).calendar_token
    assert anonymous.get(f"/calendar/{new_token}.ics").status_code == 200
    assert anonymous.get("/calendar/guess.ics").status_code == 404


def test_feed_with_nothing_to_follow_says_so(signed_in: FlaskClient, runtime: Runtime) -> None:
    token = _student(runtime).calendar_token
    with runtime.session() as session:
        session.scalars(select(Student)).one().left_france_on = date(2026, 11, 1)
    feed = signed_in.application.test_client().get(f"/calendar/{token}.ics")
    assert feed.status_code == 200
    calendar = Calendar.from_ical(feed.data)
    # RFC 5545 wants a component: one event that says there is nothing to do, in French.
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == gettext("calendar.nothing_due", "fr")
    assert str(event["DESCRIPTION"]) == gettext("calendar.nothing_due_detail", "fr")
    assert str(event["UID"]).startswith(f"student-{_student(runtime).id}-nothing-due@")


def test_data_download(signed_in: FlaskClient) -> None:
    response = signed_in.get("/me/data.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["student"]["email"] == "amina.benali@example.org"
    assert data["student"]["department"] == "50"
    assert data["titles"][0]["title_type"] == "vls-ts"
    assert data["cases"][0]["procedure"] == "vls_ts_validation"
    assert {m["kind"] for m in data["emails"]} == {"verification", "welcome"}
    assert data["reminders"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_delete_needs_confirmation_then_erases_everything(
    signed_in: FlaskClient, runtime: Runtime, lang: str,
) -> None:
    student_id = _student(runtime).id
    page = signed_in.get(f"/me/delete?lang={lang}")
    assert str(escape(gettext("delete.text", lang))) in page.get_data(as_text=True)
    refused = post_form(signed_in, f"/me/delete?lang={lang}", {})
    assert refused.status_code == 422
    assert str(escape(gettext("error.confirm_delete", lang))) in refused.get_data(as_text=True)
    assert _student(runtime).id == student_id

    done = post_form(signed_in, f"/me/delete?lang={lang}", {"confirm": "y"})
    assert done.status_code == 303 and done.headers["Location"] == "/me/deleted"
    with runtime.session() as session:
        for model in (Student, ResidenceTitle, Case, Reminder, OutboxMessage):
            assert session.scalar(select(func.count()).select_from(model)) == 0, model
        # The audit log keeps the facts, not the person.
        entries = session.scalars(select(AuditEntry)).all()
        assert "student.delete" in {e.action for e in entries}
        assert all(e.student_id is None for e in entries)
        assert "amina" not in json.dumps([e.details for e in entries]).lower()
    assert signed_in.get("/me").status_code == 303
    assert signed_in.get(f"/me/deleted?lang={lang}").status_code == 200


def test_forms_need_their_csrf_token(signed_in: FlaskClient, runtime: Runtime) -> None:
    assert csrf_token(signed_in, "/me")
    response = signed_in.post("/me/delete", data={"confirm": "y"})
    assert response.status_code == 400
    assert _student(runtime) is not None
