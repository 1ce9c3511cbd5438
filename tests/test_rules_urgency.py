"""Urgency classes of the office worklist, on the R6/R7 boundaries and from evaluated cases."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.rules import URGENCIES, CaseFacts, Urgency, evaluate, urgency_of
from tracker.rules.titles import CaseStatus, ConcoursResult, TitleType

# E = 1 May 2027: renewal window opens 1 Jan 2027 (E-120), last fee-free day 2 Mar 2027 (E-60).
CARD = CaseFacts(title_type=TitleType.STUDENT_CARD, expires_on=date(2027, 5, 1),
                 valid_from=date(2026, 5, 2))


def urgency_on(facts: CaseFacts, today: date) -> Urgency:
    ev = evaluate(facts, today)
    return urgency_of(
        today=today, needs_action=ev.is_open and not ev.filed, deadline_on=ev.deadline_on,
        fee_threshold_on=ev.fee_threshold_on, window_opens_on=ev.window_opens_on,
    )


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 30), Urgency.FINE),
        (date(2026, 12, 31), Urgency.FINE),  # window opens tomorrow
        (date(2027, 1, 1), Urgency.ACT_NOW),  # R6: E-120
        (date(2027, 3, 2), Urgency.ACT_NOW),  # R7: E-60 is still on time
        (date(2027, 3, 3), Urgency.PAST_FEE_THRESHOLD),  # R7: E-59 is late
        (date(2027, 5, 1), Urgency.PAST_FEE_THRESHOLD),  # E itself
        (date(2027, 5, 2), Urgency.OVERDUE),  # R8: E+1
        (date(2028, 1, 1), Urgency.OVERDUE),  # R9
    ],
)
def test_renewal_urgency_through_time(today: date, expected: Urgency) -> None:
    assert urgency_on(CARD, today) is expected


def test_filed_or_closed_is_done() -> None:
    for status in (CaseStatus.SUBMITTED, CaseStatus.ADF_RECEIVED, CaseStatus.CARD_COLLECTED,
                   CaseStatus.REFUSED, CaseStatus.CLOSED):
        facts = CaseFacts(title_type=TitleType.STUDENT_CARD, expires_on=date(2027, 5, 1),
                          status=status)
        assert urgency_on(facts, date(2027, 6, 1)) is Urgency.DONE


def test_failed_exam_is_due_soon_before_the_visa_end() -> None:
    # R5 failed: only E = 31 Jul 2026 matters, and there is no window to open.
    facts = CaseFacts(title_type=TitleType.VISA_CONCOURS, expires_on=date(2026, 7, 31),
                      entry_date=date(2026, 4, 10), concours_result=ConcoursResult.FAILED)
    assert urgency_on(facts, date(2026, 6, 30)) is Urgency.FINE  # 31 days before
    assert urgency_on(facts, date(2026, 7, 1)) is Urgency.DUE_SOON  # 30 days before
    assert urgency_on(facts, date(2026, 7, 31)) is Urgency.DUE_SOON
    assert urgency_on(facts, date(2026, 8, 1)) is Urgency.OVERDUE


def test_first_application_urgency() -> None:
    # R2: entry 31 Aug 2025, deadline 31 Oct 2025; the window is open from the entry.
    facts = CaseFacts(title_type=TitleType.VISA_CSA, expires_on=date(2026, 8, 24),
                      valid_from=date(2025, 8, 25), entry_date=date(2025, 8, 31))
    assert urgency_on(facts, date(2025, 8, 30)) is Urgency.FINE
    assert urgency_on(facts, date(2025, 8, 31)) is Urgency.ACT_NOW
    assert urgency_on(facts, date(2025, 10, 31)) is Urgency.ACT_NOW
    assert urgency_on(facts, date(2025, 11, 1)) is Urgency.OVERDUE


def test_urgency_of_order_and_due_soon_boundaries() -> None:
    today = date(2026, 1, 1)
    kw = dict(today=today, needs_action=True, window_opens_on=None)
    assert urgency_of(deadline_on=date(2026, 1, 31), fee_threshold_on=None, **kw) \
        is Urgency.DUE_SOON  # 30 days
    assert urgency_of(deadline_on=date(2026, 2, 1), fee_threshold_on=None, **kw) is Urgency.FINE
    assert urgency_of(deadline_on=date(2026, 6, 1), fee_threshold_on=date(2026, 1, 31), **kw) \
        is Urgency.DUE_SOON
    assert urgency_of(deadline_on=None, fee_threshold_on=None, **kw) is Urgency.FINE
    # Overdue wins over everything else.
    assert urgency_of(today=today, needs_action=True, deadline_on=date(2025, 12, 31),
                      fee_threshold_on=date(2025, 11, 1), window_opens_on=date(2025, 9, 1)) \
        is Urgency.OVERDUE
    assert urgency_of(today=today, needs_action=False, deadline_on=date(2025, 12, 31),
                      fee_threshold_on=None, window_opens_on=None) is Urgency.DONE
    assert URGENCIES[0] == "overdue" and URGENCIES[-1] == "done"
