"""One truth for the late-renewal fee (RULES R7): the amount lives in the policy's fee table
only. An office that changes it finds the new amount on its pages, in the e-mails and in the
calendar, and the old one nowhere. (The digest states it through the same parameter.)"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from email import message_from_string
from email import policy as email_policy
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests.fixtures_office import TODAY, add_staff, add_student, office_app, sign_in
from tracker.cases.calendar import student_calendar
from tracker.models import OutboxMessage, utcnow
from tracker.reminders.planning import plan_reminders
from tracker.rules.policy import DEFAULT_POLICY
from tracker.runtime import Runtime, build_runtime
from tracker.settings import Settings

NEW_FEE = 245
OLD_FEE = DEFAULT_POLICY.late_fee_eur(TODAY)

POLICY = f"""
[[fees]]
name = "late_renewal"
amount_eur = {NEW_FEE}
since = 2021-05-01
"""


@pytest.fixture
def fee_runtime(settings: Settings, tmp_path: Path) -> Iterator[Runtime]:
    path = tmp_path / "policy.toml"
    path.write_text(POLICY, encoding="utf-8")
    runtime = build_runtime(replace(settings, policy_file=path,
                                    office_email="office@example.org"))
    yield runtime
    runtime.dispose()


def _amounts(fee: int) -> tuple[str, str]:
    """How the texts write an amount (French, English); a bare number could be part of a
    token or a time stamp."""
    return f"{fee} €", f"€{fee}"


def _states_the_new_fee(text: str) -> None:
    text = text.replace("\xa0", " ")
    assert any(amount in text for amount in _amounts(NEW_FEE))
    assert not any(amount in text for amount in _amounts(OLD_FEE))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_changed_fee_shows_on_every_surface(fee_runtime: Runtime, lang: str) -> None:
    assert OLD_FEE != NEW_FEE and fee_runtime.policy.late_fee_eur(TODAY) == NEW_FEE
    # A card in its renewal window, fee-free day ahead: every renewal text is shown.
    expires = TODAY + timedelta(days=100)
    with fee_runtime.session() as session:
        student = add_student(session, student_number="7001", email="ada@example.org",
                              family_name="Lovelace", given_name="Ada", language=lang,
                              title_type="student-card", title_valid_from="2025-09-01",
                              title_expires_on=expires.isoformat())
        student_id = student.id
        calendar = Calendar.from_ical(student_calendar(
            student, TODAY, fee_runtime.policy, host="tracker.test", stamp=utcnow()))
    _states_the_new_fee(" ".join(str(event.get("summary")) for event in calendar.walk("VEVENT")))

    with fee_runtime.session() as session:
        plan_reminders(session, today=TODAY, policy=fee_runtime.policy,
                       settings=fee_runtime.settings)
    with fee_runtime.session() as session:
        mails = {m.kind: m.raw for m in session.scalars(select(OutboxMessage))}
    assert set(mails) == {"welcome"}
    for raw in mails.values():
        # Bodies are quoted-printable: compare the decoded text.
        message = message_from_string(raw, policy=email_policy.default)
        body = "".join(part.get_content() for part in message.walk()
                       if part.get_content_type() in ("text/plain", "text/html"))
        _states_the_new_fee(body)

    client = office_app(fee_runtime).test_client()
    add_staff(fee_runtime, "agent@example.org", "staff")
    assert sign_in(client, "agent@example.org").status_code == 302
    for page in ("/office/", f"/office/students/{student_id}", "/office/stats"):
        body = client.get(f"{page}?lang={lang}").get_data(as_text=True)
        _states_the_new_fee(body)
