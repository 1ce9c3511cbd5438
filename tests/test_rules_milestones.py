"""Unit tests of every rule R1–R11 (RULES.md) with hand-computed dates.

The expected dates are written out by hand; none is computed with the code under test."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.rules import CaseFacts, Evaluation, evaluate
from tracker.rules.milestones import renewal_fee_free_until
from tracker.rules.titles import CaseStatus, ConcoursResult, Procedure, TitleType


def kinds(ev: Evaluation) -> dict[str, date]:
    return {m.kind: m.date for m in ev.milestones}


def rules(ev: Evaluation) -> dict[str, str]:
    return {m.kind: m.rule for m in ev.milestones}


def done(ev: Evaluation) -> dict[str, bool]:
    return {m.kind: m.done for m in ev.milestones}


def nxt(ev: Evaluation) -> tuple[str, date, int] | None:
    return (ev.next.kind, ev.next.date, ev.next.days_left) if ev.next else None


# --- R1: VLS-TS validation within 3 months of entry ----------------------------------------------


def vls_ts(**changes: object) -> CaseFacts:
    base: dict[str, object] = dict(
        title_type=TitleType.VLS_TS, valid_from=date(2025, 9, 1), expires_on=date(2026, 8, 31),
        entry_date=date(2025, 9, 10), nationality="MA",
    )
    base.update(changes)
    return CaseFacts(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("entry", "deadline"),
    [
        (date(2025, 11, 30), date(2026, 2, 28)),
        (date(2027, 11, 30), date(2028, 2, 29)),
        (date(2025, 8, 31), date(2025, 11, 30)),
        (date(2025, 9, 10), date(2025, 12, 10)),
    ],
)
def test_r1_validation_deadline_is_entry_plus_3_months(entry: date, deadline: date) -> None:
    facts = vls_ts(valid_from=entry, entry_date=entry, expires_on=date(entry.year + 1, 6, 30))
    ev = evaluate(facts, today=entry)
    assert kinds(ev)["vls_ts_validation_deadline"] == deadline
    assert rules(ev)["vls_ts_validation_deadline"] == "R1"
    assert ev.procedure is Procedure.VLS_TS_VALIDATION
    assert ev.deadline_on == deadline
    assert ev.window_opens_on == entry
    assert nxt(ev) is not None and nxt(ev)[:2] == ("vls_ts_validation_deadline", deadline)
    assert "entry_date_missing" not in ev.flags


def test_r1_saturday_deadline_is_not_moved() -> None:
    ev = evaluate(vls_ts(valid_from=date(2025, 11, 25), entry_date=date(2025, 11, 30),
                         expires_on=date(2026, 11, 24)), today=date(2026, 2, 27))
    assert nxt(ev) == ("vls_ts_validation_deadline", date(2026, 2, 28), 1)
    assert date(2026, 2, 28).weekday() == 5  # a Saturday


def test_r1_without_entry_date_counts_from_visa_start_and_flags() -> None:
    ev = evaluate(vls_ts(entry_date=None, valid_from=date(2025, 9, 1)), today=date(2025, 9, 5))
    assert kinds(ev)["vls_ts_validation_deadline"] == date(2025, 12, 1)
    assert "entry_date_missing" in ev.flags


def test_r1_late_validation_escalates_to_office() -> None:
    on_time = evaluate(vls_ts(), today=date(2025, 12, 10))
    assert "escalate_to_office" not in on_time.flags
    late = evaluate(vls_ts(), today=date(2025, 12, 11))
    assert "escalate_to_office" in late.flags
    assert not done(late)["vls_ts_validation_deadline"]


def test_r1_validated_moves_on_to_the_renewal() -> None:
    ev = evaluate(vls_ts(validated_on=date(2025, 10, 1)), today=date(2025, 12, 11))
    assert ev.procedure is Procedure.RENEWAL
    assert done(ev)["vls_ts_validation_deadline"] is True
    assert done(ev)["renewal_window_opens"] is False
    assert "escalate_to_office" not in ev.flags
    # R6 dates of the VLS-TS (E = 31 Aug 2026).
    assert kinds(ev)["renewal_window_opens"] == date(2026, 5, 3)
    assert kinds(ev)["renewal_fee_free_until"] == date(2026, 7, 2)
    assert kinds(ev)["title_expires"] == date(2026, 8, 31)
    assert kinds(ev)["anef_access_ends"] == date(2027, 2, 28)
    assert nxt(ev) == ("renewal_window_opens", date(2026, 5, 3), 143)
    assert ev.deadline_on == date(2026, 8, 31)
    assert ev.fee_threshold_on == date(2026, 7, 2)
    assert ev.window_opens_on == date(2026, 5, 3)


def test_r1_renewal_filed_without_validation_date_counts_as_validated() -> None:
    # An import may give application_submitted_on without validated_on: the filed renewal
    # implies the visa was validated (R1 done), and nothing of the procedure is pending.
    ev = evaluate(vls_ts(status=CaseStatus.SUBMITTED), today=date(2026, 6, 1))
    assert ev.procedure is Procedure.RENEWAL
    assert all(m.done for m in ev.milestones)
    assert ev.next is None
    assert ev.filed and ev.is_open
    assert "escalate_to_office" not in ev.flags


def test_r1_unvalidated_vls_ts_still_gets_r6_dates() -> None:
    ev = evaluate(vls_ts(), today=date(2025, 9, 20))
    assert list(kinds(ev)) == [
        "vls_ts_validation_deadline", "renewal_window_opens", "renewal_fee_free_until",
        "title_expires", "anef_access_ends",
    ]
    assert ev.fee_threshold_on is None  # the urgency follows R1 until validated
    # After the missed validation deadline, the next step is the renewal window.
    later = evaluate(vls_ts(), today=date(2026, 1, 5))
    assert nxt(later) == ("renewal_window_opens", date(2026, 5, 3), 118)


# --- R2 / R3: first application within 2 months of entry ----------------------------------------


def csa(nationality: str, entry: date | None, **changes: object) -> CaseFacts:
    base: dict[str, object] = dict(
        title_type=TitleType.VISA_CSA, valid_from=date(2025, 8, 25), expires_on=date(2026, 8, 24),
        entry_date=entry, nationality=nationality,
    )
    base.update(changes)
    return CaseFacts(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("entry", "deadline"),
    [
        (date(2025, 8, 31), date(2025, 10, 31)),
        (date(2025, 12, 31), date(2026, 2, 28)),
        (date(2026, 4, 30), date(2026, 6, 30)),
    ],
)
def test_r2_first_application_is_entry_plus_2_months(entry: date, deadline: date) -> None:
    ev = evaluate(csa("SN", entry), today=entry)
    assert kinds(ev)["first_application_deadline"] == deadline
    assert rules(ev)["first_application_deadline"] == "R2"
    assert ev.procedure is Procedure.FIRST_APPLICATION
    assert ev.deadline_on == deadline
    assert ev.window_opens_on == entry
    assert nxt(ev) is not None and nxt(ev)[:2] == ("first_application_deadline", deadline)


@pytest.mark.parametrize("nationality", ["DZ", "dz", " DZ "])
def test_r3_algerian_first_application(nationality: str) -> None:
    ev = evaluate(csa(nationality, date(2025, 8, 31)), today=date(2025, 9, 1))
    assert kinds(ev)["first_application_deadline"] == date(2025, 10, 31)
    assert rules(ev)["first_application_deadline"] == "R3"
    assert "vls_ts_validation_deadline" not in kinds(ev)  # R3: no VLS-TS validation


def test_r3_algerian_certificate_renews_as_r6() -> None:
    ev = evaluate(CaseFacts(title_type=TitleType.ALGERIAN_CERTIFICATE,
                            expires_on=date(2027, 5, 1), nationality="DZ"),
                  today=date(2027, 1, 1))
    assert kinds(ev)["renewal_fee_free_until"] == date(2027, 3, 2)
    assert set(rules(ev).values()) == {"R6"}
    assert "not_renewable" not in ev.flags


def test_r2_without_entry_date_uses_visa_start_and_flags() -> None:
    ev = evaluate(csa("SN", None), today=date(2025, 9, 1))
    assert kinds(ev)["first_application_deadline"] == date(2025, 10, 25)
    assert "entry_date_missing" in ev.flags


def test_r2_filed_first_application_is_done() -> None:
    ev = evaluate(csa("SN", date(2025, 8, 31), status=CaseStatus.SUBMITTED),
                  today=date(2025, 9, 15))
    assert all(m.done for m in ev.milestones)
    assert ev.next is None and ev.filed


# --- R4: minor turning 18 ------------------------------------------------------------------------


def minor(born: date, expires: date, **changes: object) -> CaseFacts:
    base: dict[str, object] = dict(
        title_type=TitleType.VISA_MINOR, valid_from=date(2025, 9, 1), expires_on=expires,
        entry_date=date(2025, 9, 5), date_of_birth=born, nationality="CN",
    )
    base.update(changes)
    return CaseFacts(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("born", "opens", "closes", "legal"),
    [
        # B = 31 May 2026: B-3 months clamps to 28 Feb, B-2 months keeps the 31st.
        (date(2008, 5, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 7, 31)),
        # B = 31 Dec 2027: B+2 months is 29 Feb 2028 (leap year).
        (date(2009, 12, 31), date(2027, 9, 30), date(2027, 10, 31), date(2028, 2, 29)),
        # B = 31 Dec 2026: B+2 months is 28 Feb 2027 (common year).
        (date(2008, 12, 31), date(2026, 9, 30), date(2026, 10, 31), date(2027, 2, 28)),
        # Born 29 Feb 2008 (leap): B = 28 Feb 2026; months count from that B.
        (date(2008, 2, 29), date(2025, 11, 28), date(2025, 12, 28), date(2026, 4, 28)),
        # Born 29 Feb 2012: B = 28 Feb 2030.
        (date(2012, 2, 29), date(2029, 11, 28), date(2029, 12, 28), date(2030, 4, 28)),
        # Born 28 Feb in a leap year: an ordinary birthday.
        (date(2008, 2, 28), date(2025, 11, 28), date(2025, 12, 28), date(2026, 4, 28)),
    ],
)
def test_r4_three_milestones_around_the_18th_birthday(
    born: date, opens: date, closes: date, legal: date
) -> None:
    ev = evaluate(minor(born, expires=date(2031, 1, 1)), today=date(2025, 9, 5))
    assert kinds(ev)["minor_window_opens"] == opens
    assert kinds(ev)["minor_window_closes"] == closes
    assert kinds(ev)["minor_legal_deadline"] == legal
    assert {rules(ev)[k] for k in ("minor_window_opens", "minor_window_closes",
                                   "minor_legal_deadline")} == {"R4"}
    assert ev.procedure is Procedure.MINOR_AT_18
    assert ev.deadline_on == legal and ev.window_opens_on == opens
    assert ("born_29_february" in ev.flags) == (born.month == 2 and born.day == 29)


def test_r4_visa_ending_before_majority() -> None:
    # B = 31 May 2026.
    before = evaluate(minor(date(2008, 5, 31), expires=date(2026, 5, 30)), today=date(2026, 1, 1))
    assert "visa_ends_before_majority" in before.flags
    on_birthday = evaluate(minor(date(2008, 5, 31), expires=date(2026, 5, 31)),
                           today=date(2026, 1, 1))
    assert "visa_ends_before_majority" not in on_birthday.flags
    assert kinds(before)["title_expires"] == date(2026, 5, 30)
    assert rules(before)["title_expires"] == "R4"


def test_r4_next_moves_from_window_to_legal_deadline() -> None:
    facts = minor(date(2008, 5, 31), expires=date(2026, 12, 31))
    assert nxt(evaluate(facts, date(2026, 2, 1))) == ("minor_window_opens", date(2026, 2, 28), 27)
    assert nxt(evaluate(facts, date(2026, 3, 1))) == ("minor_window_closes", date(2026, 3, 31), 30)
    assert nxt(evaluate(facts, date(2026, 4, 1))) == (
        "minor_legal_deadline", date(2026, 7, 31), 121)


def test_r4_without_date_of_birth() -> None:
    ev = evaluate(CaseFacts(title_type=TitleType.VISA_MINOR, expires_on=date(2026, 8, 31)),
                  today=date(2026, 1, 1))
    assert "date_of_birth_missing" in ev.flags
    assert list(kinds(ev)) == ["title_expires"]


# --- R5: entrance-exam visa ---------------------------------------------------------------------


def concours(result: ConcoursResult | None, entry: date | None, expires: date,
             **changes: object) -> CaseFacts:
    base: dict[str, object] = dict(
        title_type=TitleType.VISA_CONCOURS, valid_from=date(2026, 4, 1), expires_on=expires,
        entry_date=entry, concours_result=result, nationality="VN",
    )
    base.update(changes)
    return CaseFacts(**base)  # type: ignore[arg-type]


def test_r5_passed_deadline_is_entry_plus_2_months_when_earlier() -> None:
    ev = evaluate(concours(ConcoursResult.PASSED, date(2026, 4, 10), date(2026, 7, 31)),
                  today=date(2026, 5, 1))
    assert kinds(ev)["first_application_deadline"] == date(2026, 6, 10)
    assert kinds(ev)["title_expires"] == date(2026, 7, 31)
    assert set(rules(ev).values()) == {"R5"}
    assert ev.procedure is Procedure.FIRST_APPLICATION
    assert "concours_result_pending" not in ev.flags
    assert nxt(ev) == ("first_application_deadline", date(2026, 6, 10), 40)


def test_r5_passed_deadline_is_visa_end_when_earlier() -> None:
    ev = evaluate(concours(ConcoursResult.PASSED, date(2026, 6, 15), date(2026, 7, 31)),
                  today=date(2026, 7, 1))
    assert kinds(ev)["first_application_deadline"] == date(2026, 7, 31)
    # Same day: the application deadline comes before the visa's end.
    assert [m.kind for m in ev.milestones] == ["first_application_deadline", "title_expires"]
    assert nxt(ev) == ("first_application_deadline", date(2026, 7, 31), 30)


@pytest.mark.parametrize("result", [ConcoursResult.PENDING, None])
def test_r5_pending_is_treated_as_passed(result: ConcoursResult | None) -> None:
    ev = evaluate(concours(result, date(2026, 4, 10), date(2026, 7, 31)), today=date(2026, 5, 1))
    assert kinds(ev)["first_application_deadline"] == date(2026, 6, 10)
    assert ev.procedure is Procedure.FIRST_APPLICATION
    assert "concours_result_pending" in ev.flags


def test_r5_failed_only_the_visa_end_matters() -> None:
    ev = evaluate(concours(ConcoursResult.FAILED, date(2026, 4, 10), date(2026, 7, 31)),
                  today=date(2026, 5, 1))
    assert kinds(ev) == {"title_expires": date(2026, 7, 31)}
    assert rules(ev) == {"title_expires": "R5"}
    assert ev.procedure is Procedure.EXAM_FAILED
    assert "not_renewable" in ev.flags
    assert ev.deadline_on == date(2026, 7, 31) and ev.window_opens_on is None
    assert nxt(ev) == ("title_expires", date(2026, 7, 31), 91)


def test_r5_failed_needs_no_entry_date() -> None:
    ev = evaluate(concours(ConcoursResult.FAILED, None, date(2026, 7, 31)), today=date(2026, 5, 1))
    assert "entry_date_missing" not in ev.flags
    passed = evaluate(concours(ConcoursResult.PASSED, None, date(2026, 7, 31)),
                      today=date(2026, 5, 1))
    assert "entry_date_missing" in passed.flags
    assert kinds(passed)["first_application_deadline"] == date(2026, 6, 1)  # from valid_from


# --- R6 / R7 / R8 / R9: renewals ---------------------------------------------------------------

# E = 1 May 2027: E-120 = 1 Jan 2027, E-60 = 2 Mar 2027, E+6 months = 1 Nov 2027.
E = date(2027, 5, 1)


def card(title_type: TitleType = TitleType.STUDENT_CARD, **changes: object) -> CaseFacts:
    base: dict[str, object] = dict(
        title_type=title_type, valid_from=date(2026, 5, 2), expires_on=E,
        entry_date=date(2025, 9, 1), nationality="BR",
    )
    base.update(changes)
    return CaseFacts(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "title_type",
    [TitleType.STUDENT_CARD, TitleType.MULTI_YEAR_CARD, TitleType.ALGERIAN_CERTIFICATE,
     TitleType.TALENT, TitleType.RECE],
)
def test_r6_four_renewal_milestones(title_type: TitleType) -> None:
    ev = evaluate(card(title_type), today=date(2026, 12, 1))
    assert kinds(ev) == {
        "renewal_window_opens": date(2027, 1, 1),
        "renewal_fee_free_until": date(2027, 3, 2),
        "title_expires": date(2027, 5, 1),
        "anef_access_ends": date(2027, 11, 1),
    }
    assert set(rules(ev).values()) == {"R6"}
    assert ev.procedure is Procedure.RENEWAL
    assert ev.deadline_on == E
    assert ev.fee_threshold_on == date(2027, 3, 2)
    assert ev.window_opens_on == date(2027, 1, 1)
    assert nxt(ev) == ("renewal_window_opens", date(2027, 1, 1), 31)


def test_r6_end_of_month_expiry() -> None:
    # E = 31 Aug 2026: E-120 = 3 May, E-60 = 2 July, E+6 months clamps to 28 Feb 2027.
    ev = evaluate(card(expires_on=date(2026, 8, 31)), today=date(2026, 1, 1))
    assert kinds(ev) == {
        "renewal_window_opens": date(2026, 5, 3),
        "renewal_fee_free_until": date(2026, 7, 2),
        "title_expires": date(2026, 8, 31),
        "anef_access_ends": date(2027, 2, 28),
    }
    ev = evaluate(card(expires_on=date(2027, 8, 31)), today=date(2026, 1, 1))
    assert kinds(ev)["anef_access_ends"] == date(2028, 2, 29)


def test_r6_card_needs_no_entry_date() -> None:
    ev = evaluate(card(entry_date=None, valid_from=None), today=date(2026, 12, 1))
    assert "entry_date_missing" not in ev.flags


@pytest.mark.parametrize(
    ("today", "late"),
    [
        (date(2027, 1, 1), False),
        (date(2027, 3, 1), False),   # E-61
        (date(2027, 3, 2), False),   # E-60: still on time
        (date(2027, 3, 3), True),    # E-59: late
        (date(2027, 5, 1), True),    # E
        (date(2027, 11, 1), True),   # E+6 months: still on ANEF, with the fee
        (date(2027, 11, 2), False),  # ANEF closed (R9): no more ANEF fee to speak of
    ],
)
def test_r7_late_fee_from_e_minus_59(today: date, late: bool) -> None:
    ev = evaluate(card(), today=today)
    assert ("late_fee_applies" in ev.flags) is late


def test_r7_filing_on_e_minus_60_is_on_time_and_clears_flags() -> None:
    assert "late_fee_applies" not in evaluate(card(), today=date(2027, 3, 2)).flags
    filed = evaluate(card(status=CaseStatus.SUBMITTED, submitted_on=date(2027, 3, 2)),
                     today=date(2027, 3, 3))
    assert "late_fee_applies" not in filed.flags
    assert filed.next is None and filed.filed


def test_r7_applies_to_an_unvalidated_vls_ts_too() -> None:
    facts = vls_ts()  # E = 31 Aug 2026, E-60 = 2 Jul 2026
    assert "late_fee_applies" not in evaluate(facts, today=date(2026, 7, 2)).flags
    assert "late_fee_applies" in evaluate(facts, today=date(2026, 7, 3)).flags


@pytest.mark.parametrize(
    ("today", "expired", "closed"),
    [
        (date(2027, 5, 1), False, False),
        (date(2027, 5, 2), True, False),   # R8: E+1
        (date(2027, 11, 1), True, False),  # R8: E+6 months, still admissible
        (date(2027, 11, 2), False, True),  # R9: after anef_access_ends
        (date(2029, 1, 1), False, True),
    ],
)
def test_r8_expired_and_r9_anef_closed(today: date, expired: bool, closed: bool) -> None:
    ev = evaluate(card(), today=today)
    assert ("title_expired" in ev.flags) is expired
    assert ("anef_closed" in ev.flags) is closed
    assert ("escalate_to_office" in ev.flags) is closed


def test_r9_next_is_the_missed_anef_end() -> None:
    ev = evaluate(card(), today=date(2027, 11, 2))
    assert nxt(ev) == ("anef_access_ends", date(2027, 11, 1), -1)


def test_r9_applies_to_a_visa_csa_not_to_a_minor() -> None:
    # visa-csa E = 24 Aug 2026, +6 months = 24 Feb 2027.
    csa_ev = evaluate(csa("SN", date(2025, 8, 31)), today=date(2027, 2, 25))
    assert "anef_closed" in csa_ev.flags
    assert "anef_closed" not in evaluate(csa("SN", date(2025, 8, 31)),
                                         today=date(2027, 2, 24)).flags
    minor_ev = evaluate(minor(date(2008, 5, 31), expires=date(2026, 5, 31)),
                        today=date(2027, 6, 1))
    assert "anef_closed" not in minor_ev.flags
    assert "title_expired" in minor_ev.flags


def test_r8_r9_flags_stop_once_filed() -> None:
    ev = evaluate(card(status=CaseStatus.SUBMITTED), today=date(2027, 12, 1))
    assert not {"title_expired", "anef_closed", "late_fee_applies"} & set(ev.flags)


# --- R10: steps are events; done flags ---------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "is_open"),
    [
        (CaseStatus.SUBMITTED, True),
        (CaseStatus.ADF_RECEIVED, True),
        (CaseStatus.CARD_COLLECTED, False),
        (CaseStatus.REFUSED, False),
        (CaseStatus.CLOSED, False),
    ],
)
def test_r10_steps_mark_every_milestone_done(status: CaseStatus, is_open: bool) -> None:
    for facts in (card(status=status), vls_ts(status=status),
                  csa("SN", date(2025, 8, 31), status=status),
                  minor(date(2008, 5, 31), date(2026, 12, 31), status=status),
                  concours(ConcoursResult.PASSED, date(2026, 4, 10), date(2026, 7, 31),
                           status=status),
                  concours(ConcoursResult.FAILED, date(2026, 4, 10), date(2026, 7, 31),
                           status=status)):
        ev = evaluate(facts, today=date(2026, 6, 1))
        assert all(m.done for m in ev.milestones), (facts.title_type, status)
        assert ev.next is None
        assert ev.is_open is is_open
        assert ev.filed
        assert ev.status is status


def test_r10_closed_unvalidated_vls_ts_is_all_done() -> None:
    ev = evaluate(vls_ts(status=CaseStatus.CLOSED), today=date(2025, 12, 20))
    assert ev.procedure is Procedure.VLS_TS_VALIDATION
    assert all(m.done for m in ev.milestones)
    assert not ev.is_open and ev.next is None
    assert "escalate_to_office" not in ev.flags


def test_r10_todo_case_is_open_and_not_filed() -> None:
    ev = evaluate(card(), today=date(2026, 12, 1))
    assert ev.is_open and not ev.filed
    assert not any(m.done for m in ev.milestones)


# --- R11: RECE ---------------------------------------------------------------------------------


def test_r11_rece_is_not_renewable() -> None:
    ev = evaluate(card(TitleType.RECE), today=date(2026, 12, 1))
    assert "not_renewable" in ev.flags
    assert ev.procedure is Procedure.RENEWAL  # the change of status is filed as in R6
    assert "not_renewable" not in evaluate(card(), today=date(2026, 12, 1)).flags


# --- next milestone -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 12, 1), ("renewal_window_opens", date(2027, 1, 1), 31)),
        (date(2027, 1, 1), ("renewal_window_opens", date(2027, 1, 1), 0)),
        (date(2027, 1, 2), ("renewal_fee_free_until", date(2027, 3, 2), 59)),
        (date(2027, 3, 3), ("title_expires", date(2027, 5, 1), 59)),
        (date(2027, 5, 2), ("anef_access_ends", date(2027, 11, 1), 183)),
        (date(2028, 1, 1), ("anef_access_ends", date(2027, 11, 1), -61)),
    ],
)
def test_next_is_the_earliest_milestone_from_today(
    today: date, expected: tuple[str, date, int]
) -> None:
    assert nxt(evaluate(card(), today=today)) == expected


def test_to_json_shapes() -> None:
    ev = evaluate(card(), today=date(2026, 12, 1))
    assert ev.milestones[0].to_json() == {
        "kind": "renewal_window_opens", "date": "2027-01-01", "rule": "R6", "done": False,
    }
    assert ev.next is not None
    assert ev.next.to_json() == {"kind": "renewal_window_opens", "date": "2027-01-01",
                                 "days_left": 31}
    assert ev.milestone("title_expires") is not None
    assert ev.milestone("minor_window_opens") is None
    assert ev.milestones[1].hard and not ev.milestones[0].hard


@pytest.mark.parametrize("expires_on", [date(2027, 3, 1), date(2027, 12, 31), date(2028, 2, 29),
                                        date(2027, 5, 31)])
def test_fee_free_day_from_any_renewal_milestone_is_the_evaluated_one(expires_on: date) -> None:
    """R6/R7: the e-mails derive the fee-free day from the milestone they describe; it must be
    the rules' own E-60 (one computation, in the rules engine)."""
    ev = evaluate(card(expires_on=expires_on), date(2026, 6, 1))
    by_kind = {m.kind: m.date for m in ev.milestones}
    assert ev.fee_threshold_on == by_kind["renewal_fee_free_until"]
    for kind in ("renewal_window_opens", "renewal_fee_free_until"):
        assert renewal_fee_free_until(kind, by_kind[kind]) == ev.fee_threshold_on
