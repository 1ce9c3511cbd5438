"""The office's morning in a real browser (Debian's chromium through Playwright): sign in,
filter the worklist, open a case, mark a renewal filed, export; axe-core on every page;
screenshots in test-output/screenshots/."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from tests.fixtures_office import PASSWORD, TODAY, add_staff, add_student, office_app
from tests.fixtures_web import (  # noqa: F401
    LiveServer,
    browser,
    check_accessibility,
    page,
    screenshot,
    start_live_server,
)
from tracker.mail.outbox import enqueue
from tracker.models import Case, Reminder, Student
from tracker.runtime import Runtime

pytestmark = pytest.mark.browser


@pytest.fixture
def office_server(runtime: Runtime) -> Iterator[LiveServer]:
    """The app with CSRF on (as in production) and the office's `today` pinned."""
    app = office_app(runtime, WTF_CSRF_ENABLED=True)
    live = start_live_server(app)
    try:
        yield live
    finally:
        live.server.shutdown()
        live.thread.join(timeout=5)


@pytest.fixture
def seeded(runtime: Runtime) -> dict[str, int]:
    add_staff(runtime, "agent@example.org", "staff")
    with runtime.session() as session:
        helene = add_student(
            session, student_number="3001", email="helene@example.org", family_name="Müller",
            given_name="Hélène", title_type="student-card", title_valid_from="2025-12-15",
            title_expires_on="2026-12-15")
        add_student(
            session, student_number="3002", email="bruno@example.org", family_name="Bruno",
            given_name="Ana", nationality="BR", language="en", title_type="multi-year-card",
            title_valid_from="2024-10-21", title_expires_on="2026-10-20")
        add_student(
            session, student_number="3003", email="evans@example.org", family_name="Evans",
            given_name="Zoë", title_type="student-card", title_valid_from="2026-08-01",
            title_expires_on="2027-08-01")
        message, _ = enqueue(
            session, key="welcome:3001", kind="welcome", sender="tracker@example.org",
            to_address="helene@example.org", language="fr", subject="Bienvenue sur tracker",
            text="Bonjour Hélène,\nvoici vos échéances.", student_id=helene.id)
        message.state, message.attempts, message.last_error = "failed", 3, "451 try later"
        return {"helene": helene.id}


def _accessible(page: Any, name: str) -> None:  # noqa: F811
    violations = check_accessibility(page)
    assert violations == [], (name, violations)
    screenshot(page, f"office-{name}")


def _sign_in(page: Any, base: str) -> None:  # noqa: F811
    page.goto(base + "/office/")
    assert "/office/login" in page.url
    _accessible(page, "login")
    page.get_by_label("Adresse e-mail").fill("agent@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(base + "/office/")


def test_office_morning(
    office_server: LiveServer, page: Any, seeded: dict[str, int], runtime: Runtime  # noqa: F811
) -> None:
    base = office_server.url
    _sign_in(page, base)
    assert page.locator("h1").inner_text() == "Liste de suivi"
    assert page.locator("table.worklist tbody tr").count() == 3
    _accessible(page, "worklist")

    # Filter: the cases past the €180 threshold, then a search without accents.
    page.get_by_label("Urgence", exact=True).select_option("past_fee_threshold")
    page.get_by_role("button", name="Appliquer").click()
    page.wait_for_load_state()
    rows = page.locator("table.worklist tbody tr")
    assert rows.count() == 1 and "Ana BRUNO" in rows.first.inner_text()
    page.get_by_role("link", name="Tout effacer").click()
    page.get_by_label("Rechercher").fill("helene muller")
    page.get_by_label("Rechercher").press("Enter")
    page.wait_for_load_state()
    assert page.locator("table.worklist tbody tr").count() == 1
    _accessible(page, "worklist-search")

    # Open the case and mark the renewal filed.
    page.get_by_role("link", name="Hélène MÜLLER").click()
    page.wait_for_url(f"{base}/office/students/{seeded['helene']}")
    assert "À faire maintenant" in page.locator("#h-case + dl").inner_text()
    _accessible(page, "case")
    page.get_by_label("Étape", exact=True).select_option("submitted")
    page.get_by_label("Date", exact=True).fill("2026-08-31")
    page.get_by_role("button", name="Enregistrer l'étape").click()
    page.wait_for_load_state()
    assert "Étape « Demande déposée » enregistrée." in page.locator(".flashes").inner_text()
    assert "Déposé ou terminé" in page.locator("#h-case + dl").inner_text()
    with runtime.session() as session:
        case = session.scalar(select(Case).where(Case.student_id == seeded["helene"],
                                                 Case.is_current.is_(True)))
        assert case is not None and case.status == "submitted"
        assert case.needs_action is False
        # Filing stops the reminders (DESIGN 6): none is left to send, the planned ones are
        # cancelled, and the case page's reminder history says so.
        states = session.scalars(select(Reminder.state).where(Reminder.case_id == case.id)).all()
        assert states and "pending" not in states and "cancelled" in states
    history = page.locator("section[aria-labelledby=h-reminders]").inner_text()
    assert "annulé" in history and "prévu" not in history

    # A note, then the message as it was sent.
    page.get_by_label("Ajouter une note").fill("A déposé au guichet, ticket 42.")
    page.get_by_role("button", name="Enregistrer la note").click()
    page.wait_for_load_state()
    assert "ticket 42" in page.locator("#notes").inner_text()
    page.get_by_role("link", name="Bienvenue sur tracker").click()
    page.wait_for_load_state()
    assert "voici vos échéances" in page.locator("pre.mail-body").inner_text()
    _accessible(page, "message")

    # Export the worklist filtered to English-speaking students.
    page.goto(base + "/office/?language=en")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exporter cette vue (CSV)").click()
    download = download_info.value
    content = open(download.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    rows_out = list(csv.DictReader(io.StringIO(content)))
    assert [r["student_number"] for r in rows_out] == ["3002"]
    assert rows_out[0]["urgency"] == "past_fee_threshold"

    # Stats and audit, with the retry of the failed welcome e-mail.
    page.get_by_role("link", name="Statistiques").click()
    page.wait_for_load_state()
    assert page.locator("svg.bar-chart").count() == 1
    _accessible(page, "stats")
    page.get_by_role("link", name="Journal").click()
    page.wait_for_load_state()
    assert "case.step" in page.locator("table").first.inner_text()
    _accessible(page, "audit")
    page.get_by_role("button", name="Renvoyer").click()
    page.wait_for_load_state()
    assert "renvoyé" in page.locator(".flashes").inner_text()

    # English on request, then sign out.
    page.goto(base + "/office/?lang=en")
    assert page.locator("h1").inner_text() == "Worklist"
    _accessible(page, "worklist-en")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert "/office/login" in page.url


def test_keyboard_reaches_the_worklist_filters(
    office_server: LiveServer, page: Any, seeded: dict[str, int]  # noqa: F811
) -> None:
    base = office_server.url
    _sign_in(page, base)
    # The skip link is the first stop and leads to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    page.locator("#q").focus()
    page.keyboard.type("1003")
    page.keyboard.press("Enter")
    page.wait_for_url("**/office/?q=1003*")
    assert page.locator("table.worklist tbody tr").count() == 0  # 1003 is not in this data


def test_admin_and_password_pages(
    office_server: LiveServer, page: Any, runtime: Runtime  # noqa: F811
) -> None:
    add_staff(runtime, "boss@example.org", "admin", must_change=True)
    base = office_server.url
    page.goto(base + "/office/login")
    page.get_by_label("Adresse e-mail").fill("boss@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(base + "/office/password")
    _accessible(page, "password")
    page.get_by_label("Mot de passe actuel").fill(PASSWORD)
    page.get_by_label("Nouveau mot de passe", exact=True).fill("une phrase de passe neuve")
    page.get_by_label("Nouveau mot de passe (à nouveau)").fill("une phrase de passe neuve")
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    page.wait_for_url(base + "/office/")
    page.get_by_role("link", name="Comptes").click()
    page.wait_for_load_state()
    _accessible(page, "staff")
    with runtime.session() as session:
        assert session.scalar(select(Student.id)) is None
    assert TODAY.year == 2026


def test_import_with_a_bad_row_through_the_preview(
    office_server: LiveServer, page: Any, seeded: dict[str, int], runtime: Runtime,  # noqa: F811
    tmp_path: Any,
) -> None:
    upload = tmp_path / "etudiants.csv"
    upload.write_text(
        "student_number,family_name,given_name,email,title_type,title_valid_from,"
        "title_expires_on\n"
        "5001,Okafor,Chidi,chidi@example.org,student-card,2025-12-15,2026-12-15\n"
        "5002,Petit,Jean,jean@example.org,student-card,2025-12-15,2026-02-30\n",
        encoding="utf-8")
    base = office_server.url
    _sign_in(page, base)
    page.get_by_role("link", name="Importer").click()
    page.wait_for_load_state()
    _accessible(page, "import")
    page.get_by_label("Fichier CSV").set_input_files(str(upload))
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.wait_for_load_state()
    rejected = page.locator("table.rejected tbody tr")
    assert rejected.count() == 1
    assert "title_expires_on" in rejected.first.inner_text()
    assert rejected.first.locator("td").first.inner_text() == "3"
    _accessible(page, "import-preview")
    with runtime.session() as session:
        assert session.scalar(select(Student.id).where(Student.student_number == "5001")) is None
    page.get_by_role("button", name="Confirmer l'import").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Import terminé"
    _accessible(page, "import-done")
    with runtime.session() as session:
        numbers = set(session.scalars(select(Student.student_number)))
    assert "5001" in numbers and "5002" not in numbers
