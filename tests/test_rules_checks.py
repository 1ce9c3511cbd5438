"""Cross-field checks (R3 eligibility, dates within a title's validity), départements, and the
dated fees and contacts of the default policy."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.rules import ALGERIAN_FORBIDDEN_TITLES, TitleType
from tracker.rules.checks import title_problems
from tracker.rules.departments import is_department, normalise_department
from tracker.rules.policy import DEFAULT_OFFSETS, DEFAULT_POLICY
from tracker.rules.titles import algerian_may_hold


def problems(**changes: object) -> list[tuple[str, str]]:
    base: dict[str, object] = dict(
        title_type=TitleType.VLS_TS, valid_from=date(2025, 9, 1), expires_on=date(2026, 8, 31),
        entry_date=date(2025, 9, 10), nationality="MA", date_of_birth=date(2003, 4, 5),
    )
    base.update(changes)
    return [(field, code) for field, code, _ in title_problems(**base)]  # type: ignore[arg-type]


def test_a_consistent_title_has_no_problem() -> None:
    assert problems() == []


def test_expiry_before_start() -> None:
    assert ("title_expires_on", "error.expiry_before_start") in problems(
        expires_on=date(2025, 8, 31))


def test_entry_outside_a_visa() -> None:
    assert ("entry_date", "error.entry_before_start") in problems(entry_date=date(2025, 8, 31))
    assert ("entry_date", "error.entry_after_expiry") in problems(entry_date=date(2026, 9, 1))
    # On the visa's first and last day the entry is fine.
    assert problems(entry_date=date(2025, 9, 1)) == []
    assert problems(entry_date=date(2026, 8, 31)) == []


def test_a_card_may_be_issued_long_after_the_entry() -> None:
    assert problems(title_type=TitleType.STUDENT_CARD, valid_from=date(2026, 9, 1),
                    expires_on=date(2027, 8, 31), entry_date=date(2025, 9, 10)) == []


@pytest.mark.parametrize("title_type", list(TitleType))
def test_r3_titles_an_algerian_cannot_hold(title_type: TitleType) -> None:
    forbidden = title_type in {TitleType.VLS_TS, TitleType.MULTI_YEAR_CARD, TitleType.RECE,
                               TitleType.VISA_CONCOURS}
    assert (title_type in ALGERIAN_FORBIDDEN_TITLES) is forbidden
    assert algerian_may_hold(title_type) is not forbidden
    found = ("title_type", "error.algerian_title") in problems(
        title_type=title_type, nationality="dz", date_of_birth=date(2003, 4, 5))
    assert found is forbidden


def test_birth_and_minor_checks() -> None:
    assert ("date_of_birth", "error.born_after_entry") in problems(date_of_birth=date(2025, 9, 11))
    assert ("date_of_birth", "error.required_for_minor") in problems(
        title_type=TitleType.VISA_MINOR, date_of_birth=None)


@pytest.mark.parametrize(
    ("raw", "code", "valid"),
    [("14", "14", True), ("1", "01", True), (" 50 ", "50", True), ("2a", "2A", True),
     ("971", "971", True), ("976", "976", True), ("20", "20", False), ("975", "975", False),
     ("96", "96", False), ("00", "00", False)],
)
def test_departments(raw: str, code: str, valid: bool) -> None:
    assert normalise_department(raw) == code
    assert is_department(code) is valid


def test_fees_are_dated() -> None:
    late = DEFAULT_POLICY.fee("late_renewal", date(2027, 3, 3))
    assert late is not None and late.amount_eur == 180 and late.confirmed  # R7
    assert DEFAULT_POLICY.fee("late_renewal", date(2021, 4, 30)) is None
    before = DEFAULT_POLICY.fee("vls_ts_validation_tax", date(2025, 12, 31))
    after = DEFAULT_POLICY.fee("vls_ts_validation_tax", date(2026, 6, 1))
    assert before is not None and before.amount_eur == 50 and before.confirmed
    assert after is not None and after.amount_eur == 100 and not after.confirmed


def test_contacts_by_department() -> None:
    assert DEFAULT_POLICY.contacts_for("14").prefecture_email == "pref-etrangers@calvados.gouv.fr"
    assert DEFAULT_POLICY.contacts_for("50").prefecture_email == "pref-etrangers@manche.gouv.fr"
    assert DEFAULT_POLICY.contacts_for("61").prefecture_email == "pref-etrangers@orne.gouv.fr"
    # Only Calvados uses Démarches Simplifiées; others write to their prefecture (R9).
    assert DEFAULT_POLICY.contacts_for("14").demarches_simplifiees_url
    assert DEFAULT_POLICY.contacts_for("50").demarches_simplifiees_url is None
    # RULES: the prefecture of the student's own département is competent: no Calvados
    # address for a student in Paris, nor for one whose département is unknown.
    assert DEFAULT_POLICY.contacts_for("75") is None
    assert DEFAULT_POLICY.contacts_for(None) is None


def test_default_offsets_of_design_6() -> None:
    assert DEFAULT_OFFSETS["renewal_fee_free_until"] == (-30, -14, -7, -2, 0, 1)
    assert DEFAULT_OFFSETS["vls_ts_validation_deadline"] == (-60, -30, -14, -7, -2, 0, 1)
    assert DEFAULT_OFFSETS["first_application_deadline"] == (-45, -30, -14, -7, -2, 0, 1)
    assert DEFAULT_OFFSETS["minor_window_opens"] == (0,)
    assert DEFAULT_OFFSETS["minor_window_closes"] == (-7, 0)
    assert DEFAULT_OFFSETS["minor_legal_deadline"] == (-30, -14, -7, -2, 0, 1)
    assert DEFAULT_OFFSETS["renewal_window_opens"] == (0,)
    assert DEFAULT_OFFSETS["title_expires"] == (-14, -7, 0, 1)
    assert DEFAULT_OFFSETS["anef_access_ends"] == (-30, -7)
    assert DEFAULT_POLICY.renewal_safety_margin_days == 1  # RULES ambiguity 2
