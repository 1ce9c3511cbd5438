"""What the e-mails and the student's page say: the prefecture of the student's own
département (RULES "Platforms and contacts"), "title expires" by title type (R4, R5 vs R6/R8),
past milestones in their own words (RULES ambiguity 3), and the office digest as a delta since
the previous one with standing totals (DESIGN 6 rule 8)."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient

from tests.fixtures_public import register_and_confirm
from tests.fixtures_reminders import (  # noqa: F401
    OFFICE,
    add_student,
    mail_runtime,
    mail_settings,
    received_for,
    smtp_server,
)
from tests.fixtures_smtp import SmtpServer
from tracker.cycle import run_cycle
from tracker.i18n import LANGUAGES
from tracker.reminders.emails import (
    CoveredReminder,
    render_reminder,
    render_welcome,
)
from tracker.reminders.texts import MilestoneInfo, Recipient
from tracker.rules.milestones import MILESTONE_KINDS
from tracker.rules.places import place_for
from tracker.rules.policy import DEFAULT_POLICY
from tracker.rules.titles import Procedure, TitleType
from tracker.runtime import Runtime
from tracker.settings import Settings, load_settings


@pytest.fixture
def text_settings(tmp_path):  # type: ignore[no-untyped-def]
    return load_settings({"TRACKER_INSTANCE_DIR": str(tmp_path),
                          "TRACKER_SECRET_KEY": "x" * 20,
                          "TRACKER_MAIL_FROM": "tracker@example.org"})


def recipient(lang: str, department: str | None = "14") -> Recipient:
    return Recipient(1, "a@example.org", lang, "Zoé", department,
                     "https://tracker.example.org/unsubscribe?token=t")


def reminder(settings: Settings, lang: str, m: MilestoneInfo, offset: int, today: date,
             department: str | None = "14") -> tuple[str, str]:
    rendered = render_reminder(recipient(lang, department), [CoveredReminder(m, offset)], [m],
                               today, DEFAULT_POLICY, settings)
    return rendered.text, rendered.html


# --- the student's own prefecture -----------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("department", ["75", "2A", None])
def test_outside_our_departements_no_calvados_address(text_settings: Settings, lang: str,
                                                       department: str | None) -> None:
    minor = MilestoneInfo(4, "minor_window_opens", date(2027, 3, 1), "minor_at_18",
                          "visa-minor")
    for text in reminder(text_settings, lang, minor, 0, date(2027, 3, 1), department):
        assert "calvados" not in text.lower() and "demarches-simplifiees.fr" not in text
        assert ("département où vous habitez" if lang == "fr"
                else "département where you live") in text
        assert DEFAULT_POLICY.office_email in text  # ask the office which, and how
    welcome = render_welcome(recipient(lang, department), [minor], date(2027, 1, 10),
                             DEFAULT_POLICY, text_settings)
    assert "calvados" not in welcome.text.lower()


def test_places_on_the_students_page_for_an_unknown_departement() -> None:
    contacts = DEFAULT_POLICY.contacts_for("75")
    place = place_for("minor_window_opens", Procedure.MINOR_AT_18, TitleType.VISA_MINOR,
                      DEFAULT_POLICY, contacts, past=False)
    assert place.kind == "own_prefecture" and place.email == DEFAULT_POLICY.office_email
    # ANEF is national: unchanged.
    assert place_for("renewal_fee_free_until", Procedure.RENEWAL, TitleType.STUDENT_CARD,
                     DEFAULT_POLICY, contacts, past=False).kind == "anef"
    calvados = place_for("minor_window_opens", Procedure.MINOR_AT_18, TitleType.VISA_MINOR,
                         DEFAULT_POLICY, DEFAULT_POLICY.contacts_for("14"), past=False)
    assert calvados.kind == "demarches"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_students_page_outside_our_departements(client: FlaskClient, runtime: Runtime,
                                                lang: str) -> None:
    register_and_confirm(client, runtime, lang, department="75", title_type="visa-minor",
                         date_of_birth="12/03/2009", title_valid_from="01/09/2026",
                         title_expires_on="31/08/2027", entry_date="05/09/2026")
    page = client.get(f"/me?lang={lang}").get_data(as_text=True)
    assert "calvados.gouv.fr" not in page and "demarches-simplifiees.fr" not in page
    assert ("département où vous habitez" if lang == "fr"
            else "département where you live") in page
    # The Calvados student still gets the Calvados address.
    other = client.application.test_client()
    register_and_confirm(other, runtime, lang, department="14", email="calvados@example.org")
    assert "pref-etrangers@calvados.gouv.fr" in other.get(f"/me?lang={lang}").get_data(
        as_text=True)


# --- "title expires" by title type (R4, R5) ------------------------------------------------


RENEWAL_ONLY = {"fr": ("six mois", "180"), "en": ("six months", "180")}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("procedure", "title_type", "where"), [
    ("first_application", "visa-concours", "demarches-simplifiees.fr"),  # R5 passed/pending
    ("exam_failed", "visa-concours", None),  # R5 failed: the consulate, in the text
    ("minor_at_18", "visa-minor", "demarches-simplifiees.fr"),  # R4
    ("first_application", "visa-csa", "administration-etrangers-en-france"),  # R2
])
def test_title_expires_of_a_visa_is_not_an_anef_renewal(text_settings: Settings, lang: str,
                                                        procedure: str, title_type: str,
                                                        where: str | None) -> None:
    for today, offset in ((date(2027, 1, 7), -7), (date(2027, 1, 15), 1)):
        m = MilestoneInfo(5, "title_expires", date(2027, 1, 14), procedure, title_type, True)
        text, _html = reminder(text_settings, lang, m, offset, today)
        for phrase in RENEWAL_ONLY[lang]:
            assert phrase not in text, (today, phrase)
        if where is None:
            assert "administration-etrangers-en-france" not in text  # no ANEF link at all
        else:
            assert where in text
        if procedure == "exam_failed" and offset < 0:
            assert ("consulat" if lang == "fr" else "consulate") in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_title_expires_of_a_card_keeps_the_anef_renewal_text(text_settings: Settings,
                                                             lang: str) -> None:
    m = MilestoneInfo(5, "title_expires", date(2027, 1, 14), "renewal", "student-card", True)
    text, _html = reminder(text_settings, lang, m, -7, date(2027, 1, 7))
    assert all(phrase in text for phrase in RENEWAL_ONLY[lang])
    assert "administration-etrangers-en-france" in text


# --- past milestones ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_late_fee_free_reminder_gives_no_past_date_to_be_on_time(text_settings: Settings,
                                                                   lang: str) -> None:
    # Sent on 10 January after an outage: the fee-free day was 16 December 2026.
    m = MilestoneInfo(6, "renewal_fee_free_until", date(2026, 12, 16), "renewal",
                      "student-card", True)
    text, html = reminder(text_settings, lang, m, 1, date(2027, 1, 10))
    for body in (text, html):
        assert "15 décembre 2026" not in body and "15 December 2026" not in body
        assert "rester dans les délais" not in body and "to be on time" not in body
        assert "180" in body
    assert ("Ce que cela veut dire maintenant" if lang == "fr" else "What this means now") \
        in text
    assert ("Si c'est trop tard" if lang == "fr" else "If it is late") not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_title_expires_reminder_after_the_date_says_it_has_ended(text_settings: Settings,
                                                                   lang: str) -> None:
    m = MilestoneInfo(6, "title_expires", date(2027, 1, 4), "renewal", "student-card", True)
    text, _html = reminder(text_settings, lang, m, 1, date(2027, 1, 10))
    assert "arrive à sa fin de validité" not in text and "reaching its end date" not in text
    assert ("a pris fin le 4 janvier 2027" if lang == "fr" else "ended on 4 January 2027") \
        in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_welcome_marks_past_deadlines_and_sends_to_the_office(text_settings: Settings,
                                                              lang: str) -> None:
    today = date(2027, 1, 10)
    milestones = [
        MilestoneInfo(9, "vls_ts_validation_deadline", date(2026, 7, 11), "vls_ts_validation",
                      "vls-ts", True),
        MilestoneInfo(9, "renewal_fee_free_until", date(2027, 5, 1), "renewal", "vls-ts", True),
    ]
    welcome = render_welcome(recipient(lang), milestones, today, DEFAULT_POLICY, text_settings)
    passed = "date passée" if lang == "fr" else "passed"
    for body in (welcome.text, welcome.html):
        line = next(line for line in body.splitlines() if ("11 juillet 2026" if lang == "fr"
                                                           else "11 July 2026") in line)
        assert passed in line or passed in body.split(line, 1)[1].split("\n", 2)[0]
        assert DEFAULT_POLICY.office_email in body
        # Ambiguity 3: no late-validation procedure: the office, not "validate by <date>".
        assert ("pas de procédure officielle" if lang == "fr"
                else "no official procedure") in body
    upcoming = welcome.text.split("11 juillet 2026" if lang == "fr" else "11 July 2026")[0]
    assert passed not in upcoming
    listed = [line for line in welcome.text.splitlines() if line.startswith("- ")]
    assert len(listed) == 2 and listed[0].endswith(f"({passed})")
    assert not listed[1].endswith(f"({passed})")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", MILESTONE_KINDS)
def test_every_past_milestone_has_its_own_text(text_settings: Settings, lang: str,
                                               kind: str) -> None:
    for procedure, title in (("renewal", "student-card"), ("minor_at_18", "visa-minor"),
                             ("first_application", "visa-concours"),
                             ("exam_failed", "visa-concours"),
                             ("first_application", "visa-csa")):
        m = MilestoneInfo(1, kind, date(2026, 10, 1), procedure, title)
        text, html = reminder(text_settings, lang, m, 1, date(2027, 1, 10))
        assert "%(" not in text and "%(" not in html
        assert ("Ce que cela veut dire maintenant" if lang == "fr"
                else "What this means now") in text


# --- the office digest ---------------------------------------------------------------------


def digest_text(smtp: SmtpServer) -> str:
    return received_for(smtp, OFFICE, "digest")[-1].get_body(("plain",)).get_content()


def test_digest_covers_the_days_since_the_previous_one(mail_runtime: Runtime,  # noqa: F811
                                                       smtp_server: SmtpServer) -> None:  # noqa: F811
    with mail_runtime.session() as session:
        # Fee-free days end on 15 and 18 November (titles ending 14 and 17 January).
        add_student(session, date(2026, 9, 1), number="21900001", expires="2027-01-14")
        add_student(session, date(2026, 9, 1), number="21900002", expires="2027-01-17",
                    given="Li", family="Wei")
    run_cycle(mail_runtime, today=date(2026, 9, 1))
    run_cycle(mail_runtime, today=date(2026, 11, 16))
    first = digest_text(smtp_server)
    assert "Premier point" in first and "jusqu'ici" in first
    # French counts 0 and 1 in the singular; the amount is the policy's.
    assert ("Toujours à risque : 0 dossier au-delà d'une date limite ; 1 dossier au-delà du "
            "seuil de la pénalité de 180 € sans dépôt.") in " ".join(first.split())
    # No run from 17 to 19 November; on the 20th the digest covers all of it.
    run_cycle(mail_runtime, today=date(2026, 11, 20))
    assert len(received_for(smtp_server, OFFICE, "digest")) == 2
    second = digest_text(smtp_server)
    assert "depuis le dernier point (16 novembre 2026)" in second
    assert "hier" not in second
    overdue = second.split("== ")[1]
    assert "21900002" in overdue and "21900001" not in overdue  # a delta
    assert ("Toujours à risque : 0 dossier au-delà d'une date limite ; 2 dossiers au-delà du "
            "seuil") in " ".join(second.split())
    assert "http://tracker.test/office/" in second
