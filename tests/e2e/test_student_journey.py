"""A student's whole journey in a real browser (Debian's chromium), in French and in English:
register, confirm through the link that a real SMTP server received, see the deadlines, record
a filed application and see the reminders stop, delete the data. axe-core checks every page
for WCAG 2.1 A/AA violations; each page is saved at desktop and phone width."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from sqlalchemy import func, select

from tests.conftest import with_settings
from tests.fixtures_public import TODAY, text_body
from tests.fixtures_smtp import SmtpServer
from tests.fixtures_web import (
    PHONE,
    LiveServer,
    check_accessibility,
    screenshot,
    start_live_server,
)
from tracker.i18n import gettext
from tracker.models import Case, Reminder, Student
from tracker.rules.policy import DEFAULT_POLICY
from tracker.runtime import Runtime, build_runtime
from tracker.settings import Settings
from tracker.students.changes import apply_record
from tracker.students.records import parse_record
from tracker.tokens import make_token
from tracker.web import create_app

# The default policy's late fee, which the pages state (RULES R7).
LATE_FEE = DEFAULT_POLICY.late_fee_eur(date(2026, 12, 1))

pytestmark = pytest.mark.browser


@pytest.fixture
def mailing_runtime(settings: Settings, smtp_server: SmtpServer) -> Iterator[Runtime]:
    """The tests' database, with e-mail going to the real local SMTP server."""
    runtime = build_runtime(with_settings(settings, smtp_host=smtp_server.host,
                                          smtp_port=smtp_server.port, smtp_security="none"))
    yield runtime
    runtime.dispose()


@pytest.fixture
def site(mailing_runtime: Runtime) -> Iterator[LiveServer]:
    with time_machine.travel(TODAY, tick=True):
        app = create_app(runtime=mailing_runtime, config={"RATELIMIT_ENABLED": False})
        live = start_live_server(app)
        try:
            yield live
        finally:
            live.server.shutdown()
            live.thread.join(timeout=5)


def wait_for_mail(smtp: SmtpServer, kind: str, number: int = 1,
                  timeout: float = 15.0) -> EmailMessage:
    """The `number`th e-mail of this kind (X-Tracker-Kind). Delivery happens right after the
    response, in the background: poll the real server for it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in smtp.messages if m["X-Tracker-Kind"] == kind]
        if len(found) >= number:
            return found[number - 1]
        time.sleep(0.1)
    kinds = [m["X-Tracker-Kind"] for m in smtp.messages]
    raise AssertionError(f"no {kind} e-mail #{number}; the SMTP server got {kinds}")


def local(site: LiveServer, link: str) -> str:
    """E-mailed links use TRACKER_BASE_URL; the browser opens the same path on the test server."""
    parts = urlsplit(link)
    return site.url + parts.path


def link_in_mail(message: EmailMessage, route: str) -> str:
    match = re.search(r"https?://\S*" + re.escape(route) + r"\S+", text_body(message))
    assert match, f"no {route} link in the e-mail"
    return match.group(0)


def audit_page(page: Any, name: str) -> None:
    """No WCAG A/AA violation, nothing wider than a 360 px phone, and the screenshots."""
    violations = check_accessibility(page)
    assert violations == [], f"{name}: {violations}"
    original = page.viewport_size
    page.set_viewport_size(PHONE)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    page.set_viewport_size(original)
    assert overflow <= 0, f"{name} is {overflow}px wider than a 360px phone"
    screenshot(page, name)


TEXTS = {
    "fr": {"family": "Nom de famille", "given": "Prénom", "email": "Adresse e-mail",
           "birth": "Date de naissance", "nationality": "Nationalité",
           "department": "Département de résidence", "language": "Langue"},
    "en": {"family": "Family name", "given": "Given name", "email": "E-mail address",
           "birth": "Date of birth", "nationality": "Nationality",
           "department": "Département of residence", "language": "Language"},
}


def fill_registration(page: Any, lang: str, *, email: str, title_type: str,
                      nationality: str, department: str) -> None:
    t = TEXTS[lang]
    page.get_by_label(t["family"], exact=True).fill("Nguyen")
    page.get_by_label(t["given"], exact=True).fill("Linh")
    page.get_by_label(t["email"], exact=True).fill(email)
    page.get_by_label(t["birth"]).fill("12/03/2003")
    page.get_by_label(t["nationality"]).select_option(nationality)
    page.get_by_label(t["department"]).select_option(department)
    page.get_by_label(t["language"], exact=True).select_option(lang)
    page.get_by_label(gettext(f"title.{title_type}", lang)).check()
    page.get_by_label(gettext("field.title_valid_from", lang)).fill("01/09/2026")
    page.get_by_label(gettext("field.title_expires_on", lang)).fill("31/08/2027")
    page.get_by_label(gettext("field.entry_date", lang)).fill("05/09/2026")
    page.get_by_label(gettext("register.consent_label", lang)).check()


@pytest.mark.parametrize(("lang", "title_type", "department"), [
    ("fr", "vls-ts", "14"),
    ("en", "visa-csa", "61"),
])
def test_register_confirm_follow_and_leave(
    site: LiveServer, page: Any, smtp_server: SmtpServer, mailing_runtime: Runtime,
    lang: str, title_type: str, department: str,
) -> None:
    page.goto(f"{site.url}/?lang={lang}")
    audit_page(page, f"home-{lang}")
    page.get_by_role("link", name=gettext("nav.register", lang), exact=True).click()
    page.wait_for_url(re.compile(r"/register$"))

    # With script on, the dates a type does not need are hidden until a type is chosen.
    validated = page.get_by_label(gettext("field.validated_on", lang), exact=False)
    assert not validated.is_visible()
    audit_page(page, f"register-{lang}")

    page.get_by_role("button", name=gettext("register.submit", lang)).click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert gettext("errors.summary_title", lang) in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    audit_page(page, f"register-errors-{lang}")

    email = f"linh.{lang}@example.org"
    fill_registration(page, lang, email=email, title_type=title_type, nationality="VN",
                      department=department)
    assert validated.is_visible() == (title_type == "vls-ts")
    page.get_by_role("button", name=gettext("register.submit", lang)).click()
    page.wait_for_url(re.compile(r"/register/sent$"))
    assert email in page.locator("main").inner_text()
    audit_page(page, f"register-sent-{lang}")

    message = wait_for_mail(smtp_server, "verification")
    assert message["Content-Language"] == lang
    assert message["To"] == email
    link = link_in_mail(message, "/register/confirm/")
    page.goto(local(site, link))
    page.wait_for_url(re.compile(r"/register/confirm$"))  # the token left the address bar
    audit_page(page, f"confirm-{lang}")
    page.get_by_role("button", name=gettext("confirm.button", lang)).click()
    page.wait_for_url(re.compile(r"/me$"))
    assert gettext("confirm.done", lang) in page.locator("main").inner_text()

    # The welcome e-mail, listing the deadlines, goes out as soon as the address is confirmed.
    welcome = wait_for_mail(smtp_server, "welcome")
    assert welcome["To"] == email and welcome["Content-Language"] == lang

    main = page.locator("main").inner_text()
    first_kind = ("vls_ts_validation_deadline" if title_type == "vls-ts"
                  else "first_application_deadline")
    assert gettext(f"milestone.{first_kind}", lang, late_fee=LATE_FEE) in main
    assert gettext("me.next_title", lang) in main
    prefecture = {"14": "pref-etrangers@calvados.gouv.fr",
                  "61": "pref-etrangers@orne.gouv.fr"}[department]
    assert prefecture in main
    audit_page(page, f"me-{lang}")

    with mailing_runtime.session() as session:
        student = session.scalars(select(Student).where(Student.email == email)).one()
        assert student.email_confirmed_at is not None
        case_id = session.scalars(select(Case.id).where(Case.student_id == student.id)).one()
        pending = session.scalar(select(func.count()).select_from(Reminder).where(
            Reminder.case_id == case_id, Reminder.state == "pending"))
        assert pending and pending > 0

    # Record the filed application: the reminders stop at once.
    page.locator("summary", has_text=gettext("steps.submitted", lang)).click()
    step = page.locator("#step-submitted")
    step.get_by_label(gettext("steps.on", lang)).fill("14/09/2026")
    step.get_by_role("button", name=gettext("steps.save", lang)).click()
    page.wait_for_url(re.compile(r"/me#next-step$"))
    assert gettext("steps.saved", lang) in page.locator("main").inner_text()
    audit_page(page, f"me-filed-{lang}")
    with mailing_runtime.session() as session:
        states = dict(session.execute(
            select(Reminder.state, func.count()).where(Reminder.case_id == case_id)
            .group_by(Reminder.state)).all())
        assert states.get("pending", 0) == 0 and states.get("cancelled", 0) > 0
        assert session.get(Case, case_id).status == "submitted"  # type: ignore[union-attr]

    # Leave: delete the data, after an explicit confirmation.
    page.get_by_role("link", name=gettext("data.delete", lang)).click()
    page.wait_for_url(re.compile(r"/me/delete$"))
    audit_page(page, f"delete-{lang}")
    page.get_by_label(gettext("delete.confirm", lang)).check()
    page.get_by_role("button", name=gettext("delete.button", lang)).click()
    page.wait_for_url(re.compile(r"/me/deleted$"))
    audit_page(page, f"deleted-{lang}")
    with mailing_runtime.session() as session:
        assert session.scalar(select(func.count()).select_from(Student).where(
            Student.email == email)) == 0


def test_sign_in_link_and_a_used_link(
    site: LiveServer, page: Any, smtp_server: SmtpServer, mailing_runtime: Runtime,
) -> None:
    page.goto(f"{site.url}/register?lang=en")
    fill_registration(page, "en", email="kofi@example.org", title_type="vls-ts",
                      nationality="GH", department="50")
    page.get_by_role("button", name=gettext("register.submit", "en")).click()
    page.wait_for_url(re.compile(r"/register/sent$"))
    confirm_link = link_in_mail(wait_for_mail(smtp_server, "verification"), "/register/confirm/")
    page.goto(local(site, confirm_link))
    page.get_by_role("button", name=gettext("confirm.button", "en")).click()
    page.wait_for_url(re.compile(r"/me$"))
    page.get_by_role("button", name=gettext("nav.sign_out", "en")).click()
    page.wait_for_url(re.compile(r"/$"))

    # The used confirmation link explains itself.
    page.goto(local(site, confirm_link) + "?lang=en")
    assert gettext("link.used", "en") in page.locator("main").inner_text()
    audit_page(page, "link-used-en")

    page.goto(f"{site.url}/access?lang=en")
    audit_page(page, "access-en")
    page.get_by_label(gettext("field.email", "en")).fill("kofi@example.org")
    page.get_by_role("button", name=gettext("access.submit", "en")).click()
    page.wait_for_url(re.compile(r"/access/sent$"))
    audit_page(page, "access-sent-en")
    message = wait_for_mail(smtp_server, "access-link")
    page.goto(local(site, link_in_mail(message, "/access/link/")))
    page.wait_for_url(re.compile(r"/access/sign-in$"))
    audit_page(page, "sign-in-en")
    page.get_by_role("button", name=gettext("signin.button", "en")).click()
    page.wait_for_url(re.compile(r"/me$"))
    # A step with a wrong date: the message sits next to the field, the form stays open.
    page.locator("summary", has_text=gettext("steps.validated", "en")).click()
    step = page.locator("#step-validated")
    step.get_by_label(gettext("steps.on", "en")).fill("01/01/2030")
    step.get_by_role("button", name=gettext("steps.save", "en")).click()
    page.locator("#validated-on-error").wait_for()
    assert gettext("error.date_in_future", "en") in page.locator("#validated-on-error").inner_text()
    assert page.locator("#step-validated").get_attribute("open") is not None
    assert page.get_by_label(gettext("steps.on", "en")).first.input_value() == "01/01/2030"
    audit_page(page, "me-step-error-en")

    # The calendar's private address, ready to copy.
    feed = page.get_by_label(gettext("calendar.feed_label", "en")).input_value()
    assert re.search(r"/calendar/[A-Za-z0-9_-]{20,}\.ics$", feed)
    assert page.get_by_role("button", name=gettext("calendar.copy", "en")).is_visible()


def test_keyboard_reaches_the_content_with_a_visible_focus(site: LiveServer, page: Any) -> None:
    page.goto(f"{site.url}/?lang=fr")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == gettext("app.skip_to_content", "fr")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "A"



def sign_in_by_mail(site: LiveServer, page: Any, smtp: SmtpServer, lang: str,
                    email: str, *, audit: bool = False) -> str:
    """Ask for a sign-in link on /access, open it, press the button; returns the link."""
    page.goto(f"{site.url}/access?lang={lang}")
    if audit:
        audit_page(page, f"access-{lang}")
    page.get_by_label(gettext("field.email", lang)).fill(email)
    page.get_by_role("button", name=gettext("access.submit", lang)).click()
    page.wait_for_url(re.compile(r"/access/sent$"))
    link = link_in_mail(wait_for_mail(smtp, "access-link"), "/access/link/")
    page.goto(local(site, link))
    page.wait_for_url(re.compile(r"/access/sign-in$"))
    if audit:
        audit_page(page, f"sign-in-{lang}")
    page.get_by_role("button", name=gettext("signin.button", lang)).click()
    page.wait_for_url(re.compile(r"/me$"))
    return link


@dataclass(frozen=True)
class KnownStudent:
    id: int
    email: str


@pytest.fixture
def known_student(mailing_runtime: Runtime) -> KnownStudent:
    """A student imported by the office (trusted address: no confirmation needed)."""
    with mailing_runtime.session() as session:
        record, errors = parse_record({
            "student_number": "21900077", "email": "chen@example.org", "family_name": "Chen",
            "given_name": "Wei", "date_of_birth": "2003-03-12", "nationality": "CN",
            "department": "14", "language": "fr", "title_type": "vls-ts",
            "title_valid_from": "2026-09-01", "title_expires_on": "2027-08-31",
            "entry_date": "2026-09-05"})
        assert record is not None, errors
        student = apply_record(session, record, today=TODAY.date(), source="import").student
        assert student is not None
        session.commit()
        return KnownStudent(student.id, student.email)


def test_french_sign_in_details_and_link_problem_pages(
    site: LiveServer, page: Any, smtp_server: SmtpServer, mailing_runtime: Runtime,
    known_student: KnownStudent,
) -> None:
    link = sign_in_by_mail(site, page, smtp_server, "fr", known_student.email, audit=True)

    # /me/details: a wrong date is explained next to the field, then the correction is saved.
    page.get_by_role("link", name=gettext("details.link", "fr")).click()
    page.wait_for_url(re.compile(r"/me/details$"))
    audit_page(page, "details-fr")
    entry = page.get_by_label(gettext("field.entry_date", "fr"))
    assert entry.input_value() == "05/09/2026"
    assert page.get_by_label(gettext("field.validated_on", "fr")).is_visible()  # a VLS-TS
    entry.fill("31/09/2026")
    page.get_by_role("button", name=gettext("details.submit", "fr")).click()
    page.locator("#entry_date-error").wait_for()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    audit_page(page, "details-errors-fr")
    page.get_by_label(gettext("field.entry_date", "fr")).fill("02/09/2026")
    page.get_by_role("button", name=gettext("details.submit", "fr")).click()
    page.wait_for_url(re.compile(r"/me$"))
    assert gettext("details.saved", "fr") in page.locator("main").inner_text()
    with mailing_runtime.session() as session:
        case = session.scalars(select(Case).where(Case.student_id == known_student.id)).one()
        assert case.deadline_on is not None and case.deadline_on.isoformat() == "2026-12-02"

    # The sign-in link, used once already, and an expired one.
    page.goto(local(site, link))
    assert gettext("link.used", "fr") in page.locator("main").inner_text()
    audit_page(page, "link-used-signin-fr")
    with time_machine.travel(TODAY - timedelta(hours=1)):
        old = make_token(mailing_runtime.settings.secret_key, "access",
                         {"sid": known_student.id, "e": known_student.email}, single_use=True)
    page.goto(f"{site.url}/access/link/{old}")
    assert gettext("link.expired", "fr") in page.locator("main").inner_text()
    audit_page(page, "link-expired-fr")

    # A form posted without its CSRF token (e.g. a page kept open across a restart).
    page.goto(f"{site.url}/access?lang=fr")
    page.evaluate("document.querySelectorAll('#main form input[name=csrf_token]')"
                  ".forEach((input) => input.remove())")
    page.get_by_label(gettext("field.email", "fr")).fill(known_student.email)
    page.get_by_role("button", name=gettext("access.submit", "fr")).click()
    page.get_by_role("heading", name=gettext("error.csrf_title", "fr")).wait_for()
    audit_page(page, "csrf-error-fr")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_unsubscribe_pages_with_valid_used_and_tampered_tokens(
    site: LiveServer, page: Any, mailing_runtime: Runtime, known_student: KnownStudent, lang: str,
) -> None:
    token = make_token(mailing_runtime.settings.secret_key, "unsubscribe",
                       {"s": known_student.id})
    page.goto(f"{site.url}/unsubscribe?token={token}&lang={lang}")
    assert known_student.email in page.locator("main").inner_text()
    audit_page(page, f"unsubscribe-confirm-{lang}")
    page.get_by_role("button", name=gettext("unsubscribe.button", lang)).click()
    page.get_by_text(gettext("unsubscribe.done", lang)).wait_for()
    audit_page(page, f"unsubscribe-done-{lang}")
    page.goto(f"{site.url}/unsubscribe?token={token}&lang={lang}")  # the link used again
    assert gettext("unsubscribe.already", lang) in page.locator("main").inner_text()
    audit_page(page, f"unsubscribe-used-{lang}")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    page.goto(f"{site.url}/unsubscribe?token={tampered}&lang={lang}")
    assert gettext("unsubscribe.invalid", lang) in page.locator("main").inner_text()
    audit_page(page, f"unsubscribe-invalid-{lang}")
    with mailing_runtime.session() as session:
        assert session.get(Student, known_student.id).reminders_enabled is False  # type: ignore[union-attr]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_too_many_requests_page(mailing_runtime: Runtime, page: Any, lang: str) -> None:
    """The 429 page, from a server whose rate limits are on (the other tests turn them off)."""
    with time_machine.travel(TODAY, tick=True):
        live = start_live_server(create_app(runtime=mailing_runtime,
                                            config={"RATELIMIT_ENABLED": True}))
        try:
            url = f"{live.url}/access/link/{'x' * 24}?lang={lang}"
            statuses = [page.request.get(url).status for _ in range(40)]
            assert 429 in statuses
            page.goto(url)
            assert gettext("error.rate_limited_title", lang) in page.locator("h1").inner_text()
            audit_page(page, f"too-many-requests-{lang}")
        finally:
            live.server.shutdown()
            live.thread.join(timeout=5)
