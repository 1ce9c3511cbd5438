"""Property-based tests (hypothesis) of the rules engine's invariants."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tracker.i18n import has_text
from tracker.rules import (
    MILESTONE_KINDS,
    RENEWABLE_TITLES,
    CaseFacts,
    Urgency,
    add_months,
    evaluate,
    urgency_of,
)
from tracker.rules.titles import CLOSED_STATUSES, CaseStatus, ConcoursResult, TitleType

DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2080, 12, 31))
MONTHS = st.integers(min_value=-240, max_value=240)
NATIONALITIES = st.sampled_from(["DZ", "dz", "MA", "SN", "CN", "BR", "FR", ""])


@st.composite
def case_facts(draw: st.DrawFn, title_types: list[TitleType] | None = None) -> CaseFacts:
    title_type = draw(st.sampled_from(title_types or list(TitleType)))
    valid_from = draw(st.none() | st.dates(min_value=date(2000, 1, 1),
                                           max_value=date(2060, 12, 31)))
    base = valid_from or draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)))
    expires_on = base + timedelta(days=draw(st.integers(min_value=0, max_value=4 * 366)))
    entry_date = draw(st.none() | st.dates(min_value=base, max_value=expires_on))
    born = draw(st.none() | st.dates(min_value=base.replace(year=base.year - 19, day=1),
                                     max_value=base))
    return CaseFacts(
        title_type=title_type,
        expires_on=expires_on,
        valid_from=valid_from,
        entry_date=entry_date,
        date_of_birth=born,
        nationality=draw(st.none() | NATIONALITIES),
        validated_on=draw(st.none() | st.dates(min_value=base, max_value=expires_on)),
        submitted_on=None,
        status=draw(st.sampled_from(list(CaseStatus))),
        concours_result=draw(st.none() | st.sampled_from(list(ConcoursResult))),
    )


TODAY = st.dates(min_value=date(1999, 1, 1), max_value=date(2070, 12, 31))


@settings(deadline=None)
@given(DAYS, MONTHS)
def test_add_months_never_passes_the_month_end_and_keeps_the_day(day: date, months: int) -> None:
    result = add_months(day, months)
    total = day.year * 12 + day.month - 1 + months
    assert (result.year, result.month) == (total // 12, total % 12 + 1)
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(day.day, last)
    assert result.day <= last


@settings(deadline=None)
@given(DAYS, st.integers(min_value=1, max_value=240))
def test_add_months_is_monotonic(day: date, months: int) -> None:
    assert add_months(day, months) > day
    assert add_months(day, -months) < day


@settings(deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2070, 12, 31)),
       st.sampled_from(sorted(RENEWABLE_TITLES)), TODAY)
def test_renewal_milestones_are_strictly_ordered(expires: date, title_type: TitleType,
                                                 today: date) -> None:
    facts = CaseFacts(title_type=title_type, expires_on=expires, validated_on=expires)
    ev = evaluate(facts, today)
    m = {x.kind: x.date for x in ev.milestones}
    assert (m["renewal_window_opens"] < m["renewal_fee_free_until"] < m["title_expires"]
            < m["anef_access_ends"])
    assert (m["title_expires"] - m["renewal_window_opens"]).days == 120
    assert (m["title_expires"] - m["renewal_fee_free_until"]).days == 60


@settings(max_examples=400, deadline=None)
@given(case_facts(), TODAY)
def test_evaluate_is_total_and_consistent(facts: CaseFacts, today: date) -> None:
    ev = evaluate(facts, today)
    # Sorted by date; only known kinds, each at most once, with a rule id.
    dates = [m.date for m in ev.milestones]
    assert dates == sorted(dates)
    kinds = [m.kind for m in ev.milestones]
    assert len(kinds) == len(set(kinds))
    assert set(kinds) <= set(MILESTONE_KINDS)
    assert all(m.rule in {f"R{n}" for n in range(1, 12)} for m in ev.milestones)
    # The title's end is always there.
    assert ev.milestone("title_expires") is not None
    assert ev.milestone("title_expires").date == facts.expires_on  # type: ignore[union-attr]
    # Closed: no next; the next milestone is never done and counts days from today.
    closed = facts.status in CLOSED_STATUSES
    assert ev.is_open is not closed
    if closed:
        assert ev.next is None
        assert all(m.done for m in ev.milestones)
    if ev.next is not None:
        chosen = ev.milestone(ev.next.kind)
        assert chosen is not None and not chosen.done
        assert chosen.date == ev.next.date
        assert ev.next.days_left == (ev.next.date - today).days
        # It is the earliest pending one from today, or the last one if all are past.
        pending = [m for m in ev.milestones if not m.done]
        upcoming = [m for m in pending if m.date >= today]
        if upcoming:
            assert ev.next.date == upcoming[0].date and ev.next.days_left >= 0
        else:
            assert ev.next.date == pending[-1].date and ev.next.days_left < 0
    else:
        assert all(m.done for m in ev.milestones)
    # Filed: nothing of the procedure is left to the student.
    if ev.filed:
        assert ev.next is None
        assert not {"late_fee_applies", "title_expired", "anef_closed"} & set(ev.flags)
    # Flags are unique and each has a text in both languages.
    assert len(ev.flags) == len(set(ev.flags))
    assert all(has_text(f"flag.{flag}") for flag in ev.flags)
    assert has_text(f"procedure.{ev.procedure.value}")
    # R8 / R9 never together; R11.
    assert not ({"title_expired", "anef_closed"} <= set(ev.flags))
    assert ("not_renewable" in ev.flags) >= (facts.title_type is TitleType.RECE)
    # Urgency is DONE exactly when no action is needed.
    needs_action = ev.is_open and not ev.filed
    urgency = urgency_of(today=today, needs_action=needs_action, deadline_on=ev.deadline_on,
                         fee_threshold_on=ev.fee_threshold_on,
                         window_opens_on=ev.window_opens_on)
    assert (urgency is Urgency.DONE) is (not needs_action)


@settings(deadline=None)
@given(case_facts(), TODAY, st.integers(min_value=1, max_value=3000))
def test_next_never_moves_backwards_in_time(facts: CaseFacts, today: date, later: int) -> None:
    first = evaluate(facts, today)
    second = evaluate(facts, today + timedelta(days=later))
    if first.next is not None and first.next.days_left >= 0:
        assert second.next is not None
        assert second.next.date >= first.next.date


@settings(deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2070, 12, 31)), TODAY)
def test_late_fee_flag_exactly_from_e_minus_59_to_anef_end(expires: date, today: date) -> None:
    facts = CaseFacts(title_type=TitleType.STUDENT_CARD, expires_on=expires)
    ev = evaluate(facts, today)
    fee_free = ev.milestone("renewal_fee_free_until")
    anef_end = ev.milestone("anef_access_ends")
    assert fee_free is not None and anef_end is not None
    assert ("late_fee_applies" in ev.flags) is (fee_free.date < today <= anef_end.date)
    assert ("anef_closed" in ev.flags) is (today > anef_end.date)
    assert ("title_expired" in ev.flags) is (expires < today <= anef_end.date)


@settings(deadline=None)
@given(st.dates(min_value=date(1980, 1, 1), max_value=date(2050, 12, 31)), TODAY)
def test_minor_milestones_surround_the_birthday(born: date, today: date) -> None:
    facts = CaseFacts(title_type=TitleType.VISA_MINOR, expires_on=born.replace(day=1)
                      + timedelta(days=18 * 366), date_of_birth=born)
    ev = evaluate(facts, today)
    m = {x.kind: x.date for x in ev.milestones}
    assert m["minor_window_opens"] < m["minor_window_closes"] < m["minor_legal_deadline"]
    birthday_year = born.year + 18
    assert m["minor_window_closes"].year in (birthday_year - 1, birthday_year)
    assert ("born_29_february" in ev.flags) is (born.month == 2 and born.day == 29)


@settings(deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)),
       st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=800), TODAY)
def test_r5_passed_deadline_never_after_the_visa(entry: date, extra: int, before: int,
                                                 today: date) -> None:
    expires = entry + timedelta(days=extra)
    valid_from = entry - timedelta(days=before)
    assume(valid_from.year >= 1990)
    for result in (ConcoursResult.PASSED, ConcoursResult.PENDING, None):
        ev = evaluate(CaseFacts(title_type=TitleType.VISA_CONCOURS, expires_on=expires,
                                valid_from=valid_from, entry_date=entry,
                                concours_result=result), today)
        deadline = ev.milestone("first_application_deadline")
        assert deadline is not None
        assert entry < deadline.date or deadline.date == expires
        assert deadline.date == min(add_months(entry, 2), expires)
