"""The office's pages through the Flask test client: the case page and its actions, the
message viewer, export, stats and the audit log with its retry action."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from html import unescape

from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.fixtures_office import (  # noqa: F401
    TODAY,
    add_staff,
    add_student,
    admin_client,
    app,
    sign_in,
    staff_client,
    viewer_client,
)
from tracker.mail.outbox import enqueue
from tracker.models import (
    AuditEntry,
    Case,
    CaseNote,
    OutboxMessage,
    Reminder,
    ResidenceTitle,
    Student,
)
from tracker.runtime import Runtime
from tracker.students.changes import apply_record
from tracker.students.records import CSV_COLUMNS, parse_record
from tracker.web.office.case_page import HIDDEN_LINK, QUERY_TOKEN_ENDPOINTS


def _make(runtime: Runtime, number: str = "2001", **values: str) -> int:
    row = {"student_number": number, "email": f"s{number}@example.org",
           "family_name": "Nguyen", "given_name": "Linh", "title_type": "student-card",
           "title_valid_from": "2025-12-15", "title_expires_on": "2026-12-15"}
    row.update(values)
    with runtime.session() as session:
        return add_student(session, **row).id


def _case(runtime: Runtime, student_id: int) -> Case:
    with runtime.session() as session:
        case = session.scalar(select(Case).where(Case.student_id == student_id,
                                                 Case.is_current.is_(True)))
        assert case is not None
        return case


def _audit(runtime: Runtime, action: str) -> list[AuditEntry]:
    with runtime.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_case_page_shows_the_record(staff_client: FlaskClient, runtime: Runtime) -> None:  # noqa: F811
    student_id = _make(runtime)
    html = staff_client.get(f"/office/students/{student_id}").get_data(as_text=True)
    assert "Linh NGUYEN" in html
    assert "Ouverture du renouvellement" in html  # timeline (R6)
    assert "À faire maintenant" in html  # urgency: the window opened on 2026-08-17
    assert 'style="' not in html and "<script" not in html


def test_marking_the_renewal_filed_updates_the_case(
    staff_client: FlaskClient, runtime: Runtime  # noqa: F811
) -> None:
    student_id = _make(runtime)
    response = staff_client.post(f"/office/students/{student_id}/step",
                                 data={"step": "submitted", "on": "2026-08-31"})
    assert response.status_code == 302
    case = _case(runtime, student_id)
    assert case.status == "submitted" and case.submitted_on.isoformat() == "2026-08-31"
    assert case.needs_action is False  # worklist: done; the reminder hook cancels pending ones
    entry = _audit(runtime, "case.step")[0]
    assert entry.student_id == student_id and entry.details["step"] == "submitted"
    assert "Déposé ou terminé" in staff_client.get(
        f"/office/students/{student_id}").get_data(as_text=True)


def test_step_in_the_future_is_refused(staff_client: FlaskClient, runtime: Runtime) -> None:  # noqa: F811
    student_id = _make(runtime)
    response = staff_client.post(f"/office/students/{student_id}/step",
                                 data={"step": "submitted", "on": "2026-09-02"})
    assert response.status_code == 422
    assert "futur" in response.get_data(as_text=True)
    assert _case(runtime, student_id).status == "todo"


def test_steps_follow_the_r10_order(staff_client: FlaskClient, runtime: Runtime) -> None:  # noqa: F811
    student_id = _make(runtime)

    def step(name: str, on: str) -> tuple[int, str]:
        response = staff_client.post(f"/office/students/{student_id}/step",
                                     data={"step": name, "on": on})
        return response.status_code, unescape(response.get_data(as_text=True))

    # A later filing step may come without the earlier ones (students often report the ADF).
    assert step("adf_received", "2026-08-25")[0] == 302
    status, html = step("submitted", "2026-08-26")
    assert status == 422 and "précède" in html
    assert step("refused", "2026-08-27")[0] == 302
    # A refused case is over: it cannot come back as "ADF received" with its refusal kept.
    status, html = step("adf_received", "2026-08-28")
    assert status == 422 and "dossier est terminé" in html
    case = _case(runtime, student_id)
    assert (case.status, case.is_open, case.adf_received_on) == ("refused", False,
                                                                 date(2026, 8, 25))


def test_card_collected_with_a_new_title_starts_a_new_cycle(
    staff_client: FlaskClient, runtime: Runtime  # noqa: F811
) -> None:
    student_id = _make(runtime)
    staff_client.post(f"/office/students/{student_id}/step",
                      data={"step": "submitted", "on": "2026-08-20"})
    response = staff_client.post(f"/office/students/{student_id}/step", data={
        "step": "card_collected", "on": "2026-08-31", "new_title_type": "multi-year-card",
        "new_valid_from": "2026-12-16", "new_expires_on": "2028-12-15"})
    assert response.status_code == 302
    with runtime.session() as session:
        student = session.get(Student, student_id)
        assert student is not None
        assert [t.title_type for t in student.titles] == ["student-card", "multi-year-card"]
        assert student.current_case is not None
        assert student.current_case.next_milestone_kind == "renewal_window_opens"


def test_edit_uses_the_same_validation(staff_client: FlaskClient, runtime: Runtime) -> None:  # noqa: F811
    student_id = _make(runtime)
    page = staff_client.get(f"/office/students/{student_id}").get_data(as_text=True)
    values = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', page))
    form = {name: values.get(name, "") for name in CSV_COLUMNS}
    bad = dict(form, department="99", title_expires_on="31/02/2027")
    response = staff_client.post(f"/office/students/{student_id}/edit", data=bad)
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "n'est pas un code de département INSEE" in html
    assert "« 31/02/2027 » n'est pas une date qui existe" in html
    with runtime.session() as session:
        assert session.get(Student, student_id).department == "14"  # type: ignore[union-attr]
    good = dict(form, department="61", given_name="Thi Linh")
    assert staff_client.post(f"/office/students/{student_id}/edit", data=good).status_code == 302
    with runtime.session() as session:
        student = session.get(Student, student_id)
        assert student is not None
        assert (student.department, student.given_name) == ("61", "Thi Linh")
    entry = _audit(runtime, "student.edit")[0]
    assert entry.details["fields"] == ["department", "given_name"]


def test_edit_a_student_without_a_number(
    staff_client: FlaskClient, runtime: Runtime  # noqa: F811
) -> None:
    """A self-registered student may have no number: the office corrects their record (the
    e-mail included) without inventing one, and the edit stays on this student."""
    row = {"email": "self@example.org", "family_name": "Diallo", "given_name": "Awa",
           "department": "14", "title_type": "student-card",
           "title_valid_from": "2025-12-15", "title_expires_on": "2026-12-15"}
    record, errors = parse_record(row, required=("email",))
    assert record is not None and not errors
    with runtime.session() as session:
        student = apply_record(session, record, today=TODAY, source="register").student
        assert student is not None and student.student_number is None
        student_id = student.id
    page = staff_client.get(f"/office/students/{student_id}").get_data(as_text=True)
    values = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', page))
    form = {name: values.get(name, "") for name in CSV_COLUMNS}
    assert form["student_number"] == ""
    response = staff_client.post(f"/office/students/{student_id}/edit",
                                 data=dict(form, email="awa.diallo@example.org"))
    assert response.status_code == 302
    with runtime.session() as session:
        assert session.scalar(select(func.count()).select_from(Student)) == 1
        student = session.get(Student, student_id)
        assert student is not None
        assert (student.email, student.student_number) == ("awa.diallo@example.org", None)


def test_edit_cannot_take_another_students_number(
    staff_client: FlaskClient, runtime: Runtime  # noqa: F811
) -> None:
    first = _make(runtime, "2001")
    _make(runtime, "2002")
    page = staff_client.get(f"/office/students/{first}").get_data(as_text=True)
    values = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', page))
    form = {name: values.get(name, "") for name in CSV_COLUMNS}
    response = staff_client.post(f"/office/students/{first}/edit",
                                 data=dict(form, student_number="2002"))
    assert response.status_code == 422


def test_private_notes(staff_client: FlaskClient, runtime: Runtime) -> None:  # noqa: F811
    student_id = _make(runtime)
    staff_client.post(f"/office/students/{student_id}/notes",
                      data={"body": "Rendez-vous <b>mardi</b>"})
    html = staff_client.get(f"/office/students/{student_id}").get_data(as_text=True)
    assert "Rendez-vous &lt;b&gt;mardi&lt;/b&gt;" in html
    assert staff_client.post(f"/office/students/{student_id}/notes",
                             data={"body": "  "}).status_code == 422
    with runtime.session() as session:
        assert len(session.scalars(select(CaseNote)).all()) == 1


def test_message_is_shown_as_sent_and_escaped(
    staff_client: FlaskClient, runtime: Runtime  # noqa: F811
) -> None:
    student_id = _make(runtime)
    with runtime.session() as session:
        message, _ = enqueue(
            session, key="reminder:x", kind="reminder", sender="tracker@example.org",
            to_address="s2001@example.org", language="fr", subject="Rappel : renouvellement",
            text="Déposez votre demande <script>alert(1)</script>",
            html="<p onclick='x()'>HTML</p>", student_id=student_id,
            headers=[("X-Tracker-Reminder", "renewal_fee_free_until 2026-10-16 -30")])
        message_id = message.id
    html = staff_client.get(
        f"/office/students/{student_id}/messages/{message_id}").get_data(as_text=True)
    assert "Déposez votre demande &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html and "onclick" not in html
    assert "renewal_fee_free_until 2026-10-16 -30" in html
    assert staff_client.get(
        f"/office/students/{student_id + 1}/messages/{message_id}").status_code == 404


def test_personal_links_are_hidden_from_staff(
    viewer_client: FlaskClient, runtime: Runtime  # noqa: F811
) -> None:
    """A sign-in, confirmation, unsubscribe or calendar link would let any office account act
    as the student: the message viewer shows that a link was sent, not the link."""
    student_id = _make(runtime)
    base = runtime.settings.base_url
    secrets = ["SIGNINTOKEN", "CONFIRMTOKEN", "UNSUBTOKEN", "FEEDTOKEN"]
    links = [f"{base}/access/link/SIGNINTOKEN", f"{base}/register/confirm/CONFIRMTOKEN",
             f"{base}/unsubscribe?token=UNSUBTOKEN", f"{base}/calendar/FEEDTOKEN.ics"]
    with runtime.session() as session:
        message, _ = enqueue(
            session, key="access-link:x", kind="access-link", sender="tracker@example.org",
            to_address="s2001@example.org", language="fr", subject="Votre lien",
            text="Ouvrez :\n" + "\n".join(links) + f"\nAccueil : {base}/access",
            html="<p>lien</p>", student_id=student_id,
            headers=[("List-Unsubscribe", f"<{base}/unsubscribe?token=UNSUBTOKEN>")])
        message_id = message.id
    html = viewer_client.get(
        f"/office/students/{student_id}/messages/{message_id}").get_data(as_text=True)
    for secret in secrets:
        assert secret not in html
    assert f"{base}/access/link/[…]" in unescape(html)
    assert f"{base}/access" in html  # a link that carries no secret stays readable


def test_delete_needs_confirmation_and_erases_the_mail(
    staff_client: FlaskClient, runtime: Runtime  # noqa: F811
) -> None:
    student_id = _make(runtime)
    with runtime.session() as session:
        enqueue(session, key="reminder:del", kind="reminder", sender="tracker@example.org",
                to_address="s2001@example.org", language="fr", subject="Rappel",
                text="Linh NGUYEN", html="<p>Linh</p>", student_id=student_id)
    staff_client.post(f"/office/students/{student_id}/delete")
    with runtime.session() as session:
        assert session.get(Student, student_id) is not None
    staff_client.post(f"/office/students/{student_id}/delete", data={"confirm": "yes"})
    with runtime.session() as session:
        assert session.get(Student, student_id) is None
        # Nothing of theirs is kept, and nothing queued for them can still be delivered.
        assert session.scalars(select(OutboxMessage)).all() == []
    (entry,) = _audit(runtime, "student.delete")
    assert entry.actor.startswith("staff:") and entry.student_id is None


def test_export_is_the_filtered_view(staff_client: FlaskClient, runtime: Runtime) -> None:  # noqa: F811
    _make(runtime, "2001", language="en")
    _make(runtime, "2002", family_name="=HYPERLINK(1)")
    response = staff_client.get("/office/export.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert list(rows[0]) == [*CSV_COLUMNS, "urgency", "next_milestone", "next_milestone_date"]
    assert {r["student_number"] for r in rows} == {"2001", "2002"}
    first = next(r for r in rows if r["student_number"] == "2001")
    assert first["urgency"] == "act_now"
    assert first["next_milestone"] == "renewal_fee_free_until"
    assert first["next_milestone_date"] == "2026-10-16"
    assert first["title_expires_on"] == "2026-12-15"
    injected = next(r for r in rows if r["student_number"] == "2002")
    assert injected["family_name"] == "'=HYPERLINK(1)"
    filtered = staff_client.get("/office/export.csv?language=en").get_data(as_text=True)
    assert "2001" in filtered and "2002" not in filtered
    assert _audit(runtime, "students.export")


def test_stats_page(staff_client: FlaskClient, runtime: Runtime) -> None:  # noqa: F811
    student_id = _make(runtime)
    with runtime.session() as session:
        session.get(Student, student_id).address_suppressed = True  # type: ignore[union-attr]
    html = staff_client.get("/office/stats").get_data(as_text=True)
    assert "<svg" in html and 'role="img"' in html
    assert html.count('class="bar-fee"') == 1  # the fee threshold on 2026-10-16
    assert "s2001@example.org" in html  # suppressed address listed
    assert 'style="' not in html and "<script" not in html


def test_failed_delivery_retry(
    staff_client: FlaskClient, viewer_client: FlaskClient, runtime: Runtime  # noqa: F811
) -> None:
    student_id = _make(runtime)
    with runtime.session() as session:
        message, _ = enqueue(
            session, key="welcome:1", kind="welcome", sender="tracker@example.org",
            to_address="s2001@example.org", language="fr", subject="Bienvenue", text="Bonjour",
            student_id=student_id)
        message.state, message.attempts, message.last_error = "failed", 5, "550 no such user"
        message_id = message.id
    page = staff_client.get("/office/audit").get_data(as_text=True)
    assert "550 no such user" in page
    assert viewer_client.post(f"/office/outbox/{message_id}/retry").status_code == 403
    assert staff_client.post(f"/office/outbox/{message_id}/retry").status_code == 302
    with runtime.session() as session:
        stored = session.get(OutboxMessage, message_id)
        assert stored is not None
        assert (stored.state, stored.attempts) == ("pending", 5)
    entry = _audit(runtime, "outbox.retry")[0]
    assert entry.details["message_id"] == message_id


def test_audit_log_filters(staff_client: FlaskClient, runtime: Runtime) -> None:  # noqa: F811
    student_id = _make(runtime)
    staff_client.post(f"/office/students/{student_id}/notes", data={"body": "note"})
    everything = staff_client.get("/office/audit").get_data(as_text=True)
    assert "staff.signin" in everything and "note.add" in everything
    notes_only = staff_client.get("/office/audit?action=note.add").get_data(as_text=True)
    assert "<code>staff.signin</code>" not in notes_only and "<code>note.add</code>" in notes_only
    staff_family = staff_client.get("/office/audit?action=staff.").get_data(as_text=True)
    assert "<code>staff.signin</code>" in staff_family
    by_student = staff_client.get("/office/audit?student=2001").get_data(as_text=True)
    assert "<code>note.add</code>" in by_student and "<code>staff.signin</code>" not in by_student
    by_actor = staff_client.get("/office/audit?actor=nobody").get_data(as_text=True)
    assert "Entrées : 0." in by_actor


IMPORT_CSV = (
    "student_number;family_name;given_name;email;title_type;title_valid_from;title_expires_on\n"
    "4001;Ito;Yuki;yuki@example.org;student-card;2025-12-15;2026-12-15\n"
    "4002;Kane;Sam;not-an-address;student-card;2025-12-15;2026-12-15\n"
    "4003;Lopez;Maria;maria@example.org;student-card;15/01/2026;14/01/2027\n"
)


def _students(runtime: Runtime) -> list[str | None]:
    with runtime.session() as session:
        return sorted(session.scalars(select(Student.student_number)))


def test_import_preview_then_confirm(staff_client: FlaskClient, runtime: Runtime) -> None:  # noqa: F811
    preview = staff_client.post("/office/import", data={
        "file": (io.BytesIO(IMPORT_CSV.encode()), "students.csv")},
        content_type="multipart/form-data")
    assert preview.status_code == 200
    html = unescape(preview.get_data(as_text=True))
    assert 'data-count="created">2<' in html and 'data-count="rejected">1<' in html
    assert "<td>3</td><td><code>email</code></td>" in html  # line 3, column, reason
    assert "« not-an-address » n'est pas une adresse e-mail valide." in html
    assert _students(runtime) == []  # a preview writes nothing
    done = staff_client.post("/office/import/confirm")
    assert done.status_code == 200
    assert _students(runtime) == ["4001", "4003"]
    assert _audit(runtime, "students.import")[0].details["created"] == 2
    # The kept file is gone: confirming twice does not import twice.
    again = staff_client.post("/office/import/confirm")
    assert again.status_code == 302


def test_import_confirm_belongs_to_the_uploader(
    staff_client: FlaskClient, app: Flask, runtime: Runtime  # noqa: F811
) -> None:
    staff_client.post("/office/import", data={
        "file": (io.BytesIO(IMPORT_CSV.encode()), "students.csv")},
        content_type="multipart/form-data")
    add_staff(runtime, "other@example.org", "staff")
    other = app.test_client()
    sign_in(other, "other@example.org")
    assert other.post("/office/import/confirm").status_code == 302
    assert _students(runtime) == []


def test_import_unreadable_file(staff_client: FlaskClient, runtime: Runtime) -> None:  # noqa: F811
    response = staff_client.post("/office/import", data={
        "file": (io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00binary"), "photo.csv")},
        content_type="multipart/form-data")
    assert "Le fichier ne peut pas être lu" in unescape(response.get_data(as_text=True))
    assert staff_client.post("/office/import/confirm").status_code == 302
    missing = staff_client.post("/office/import", data={}, content_type="multipart/form-data")
    assert missing.status_code == 422


def _edit_form(client: FlaskClient, student_id: int) -> dict[str, str]:
    page = client.get(f"/office/students/{student_id}").get_data(as_text=True)
    values = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', page))
    return {name: values.get(name, "") for name in CSV_COLUMNS}


def _cases_and_reminders(runtime: Runtime, student_id: int) -> tuple[list[Case], list[Reminder]]:
    with runtime.session() as session:
        cases = list(session.scalars(select(Case).where(Case.student_id == student_id)))
        reminders = list(session.scalars(
            select(Reminder).where(Reminder.student_id == student_id,
                                   Reminder.state == "pending")))
        return cases, reminders


def test_correcting_the_title_type_and_start_keeps_the_case_and_its_steps(
    staff_client: FlaskClient, runtime: Runtime  # noqa: F811
) -> None:
    """A mistyped title type or start date is a correction of the current title: the case,
    its filing date and its history stay (a new card is the "card collected" step)."""
    student_id = _make(runtime, application_submitted_on="2026-08-20")
    [case], _pending = _cases_and_reminders(runtime, student_id)
    assert case.submitted_on == date(2026, 8, 20)
    form = _edit_form(staff_client, student_id)
    response = staff_client.post(f"/office/students/{student_id}/edit", data=dict(
        form, title_type="multi-year-card", title_valid_from="2025-12-16"))
    assert response.status_code == 302
    [after], _pending = _cases_and_reminders(runtime, student_id)
    assert after.id == case.id and after.is_current and after.is_open
    assert (after.status, after.submitted_on) == ("submitted", date(2026, 8, 20))
    with runtime.session() as session:
        titles = list(session.scalars(select(ResidenceTitle)
                                      .where(ResidenceTitle.student_id == student_id)))
    assert [(t.title_type, t.valid_from) for t in titles] == [
        ("multi-year-card", date(2025, 12, 16))]
    assert _audit(runtime, "student.edit")[0].details["fields"] == [
        "title_type", "title_valid_from"]


def test_correcting_the_expiry_moves_the_deadlines_and_rearms_the_reminders(
    staff_client: FlaskClient, runtime: Runtime  # noqa: F811
) -> None:
    student_id = _make(runtime)
    [case], before = _cases_and_reminders(runtime, student_id)
    assert before, "a student-card expiring in December has reminders planned"
    form = _edit_form(staff_client, student_id)
    response = staff_client.post(f"/office/students/{student_id}/edit",
                                 data=dict(form, title_expires_on="2027-03-15"))
    assert response.status_code == 302
    [after], rearmed = _cases_and_reminders(runtime, student_id)
    assert after.id == case.id and after.deadline_on != case.deadline_on
    assert after.deadline_on is not None and after.deadline_on > case.deadline_on  # type: ignore[operator]
    assert rearmed and {r.milestone_date for r in rearmed} != {r.milestone_date for r in before}
    assert all(r.case_id == case.id for r in rearmed)
    assert max(r.milestone_date for r in rearmed) > max(r.milestone_date for r in before)


def test_message_viewer_hides_every_route_that_acts_as_the_student(
    app: Flask, viewer_client: FlaskClient, runtime: Runtime  # noqa: F811
) -> None:
    """Generated from the URL map: every route whose path carries a <token>, and the routes
    that read ?token=, are hidden; the four that act as the student are among them."""
    base = runtime.settings.base_url
    links: dict[str, str] = {}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            secret = f"SECRET{len(links)}X"
            if "token" in rule.arguments or rule.endpoint in QUERY_TOKEN_ENDPOINTS:
                links[rule.endpoint] = base + url_for(rule.endpoint, token=secret)
    assert {"public.access_link", "public.confirm_link", "public.calendar_feed",
            "unsubscribe.unsubscribe"} <= set(links)
    student_id = _make(runtime)
    with runtime.session() as session:
        message, _ = enqueue(
            session, key="links:all", kind="access-link", sender="tracker@example.org",
            to_address="s2001@example.org", language="fr", subject="Liens",
            text="\n".join(links.values()), html="<p>liens</p>", student_id=student_id)
        message_id = message.id
    html = unescape(viewer_client.get(
        f"/office/students/{student_id}/messages/{message_id}").get_data(as_text=True))
    assert "SECRET" not in html
    assert html.count(HIDDEN_LINK) == len(links)
