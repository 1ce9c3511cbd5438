"""The worklist service on both backends, with known students and a fixed `today`: urgency in
SQL agrees with the rules' Python, filters, search, sort, pagination and a query count that
does not grow with the page size."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from tests.fixtures_office import TODAY, add_student
from tracker.cases.sync import record_step
from tracker.models import Case, ResidenceTitle, Student
from tracker.office.ranking import urgency_expression
from tracker.office.worklist import (
    Filters,
    filters_from,
    urgency_counts,
    worklist_page,
)
from tracker.rules.urgency import URGENCIES, urgency_of, urgency_rank_and_change


@pytest.fixture
def known(session: Session) -> dict[str, int]:
    """One student per urgency (TODAY = 2026-09-01), plus a closed case that never shows."""
    made = {
        # Expired 12 days ago: overdue.
        "overdue": add_student(
            session, student_number="1001", email="hel@example.org", family_name="Müller",
            given_name="Hélène", nationality="DE", title_type="student-card",
            title_valid_from="2025-08-21", title_expires_on="2026-08-20"),
        # E-60 = 2026-08-21 is past, E is not: the €180 fee now applies.
        "past_fee_threshold": add_student(
            session, student_number="1002", email="bruno@example.org", family_name="Bruno",
            given_name="Ana", nationality="BR", department="50", language="en",
            title_type="multi-year-card", title_valid_from="2024-10-21",
            title_expires_on="2026-10-20"),
        # E-120 = 2026-08-17 opened the window; E-60 is 2026-10-16.
        "act_now": add_student(
            session, student_number="1003", email="chen@example.org", family_name="Chen",
            given_name="Wei", nationality="CN", title_type="student-card",
            title_valid_from="2025-12-15", title_expires_on="2026-12-15"),
        # Entrance exam failed: the visa ends on 2026-09-20, within 30 days, no window.
        "due_soon": add_student(
            session, student_number="1004", email="diallo@example.org", family_name="Diallo",
            given_name="Awa", nationality="SN", department="61", title_type="visa-concours",
            title_valid_from="2026-07-01", title_expires_on="2026-09-20",
            entry_date="2026-07-05", concours_result="failed"),
        # Expires in a year: nothing to do yet.
        "fine": add_student(
            session, student_number="1005", email="evans@example.org", family_name="Evans",
            given_name="Zoë", nationality="GB", language="en", title_type="student-card",
            title_valid_from="2026-08-01", title_expires_on="2027-08-01"),
        # Filed: waiting for the prefecture.
        "done": add_student(
            session, student_number="1006", email="farah@example.org", family_name="Farah",
            given_name="Omar", nationality="MA", title_type="student-card",
            title_valid_from="2025-11-30", title_expires_on="2026-11-30",
            application_submitted_on="2026-08-15"),
    }
    closed = add_student(
        session, student_number="1007", email="gone@example.org", family_name="Gone",
        given_name="Left", title_type="student-card", title_valid_from="2025-11-30",
        title_expires_on="2026-11-30")
    case = closed.current_case
    assert case is not None
    record_step(session, case, "closed", TODAY, TODAY)
    made["overdue"].address_suppressed = True
    session.commit()
    return {name: student.id for name, student in made.items()}


def _numbers(page: Any) -> list[str | None]:
    return [row.student_number for row in page.rows]


def test_each_known_student_gets_its_urgency(session: Session, known: dict[str, int]) -> None:
    page = worklist_page(session, TODAY, Filters())
    by_id = {row.student_id: row.urgency for row in page.rows}
    assert by_id == {student_id: urgency for urgency, student_id in known.items()}
    assert page.counts == dict.fromkeys(URGENCIES, 1)
    assert page.total == 6
    # Default order: most urgent first.
    assert [row.urgency for row in page.rows] == list(URGENCIES)


def test_days_left_and_fee_threshold(session: Session, known: dict[str, int]) -> None:
    rows = {row.urgency: row for row in worklist_page(session, TODAY, Filters()).rows}
    assert rows["act_now"].days_to_fee == (date(2026, 10, 16) - TODAY).days
    assert rows["past_fee_threshold"].days_to_fee == -11
    assert rows["done"].days_to_fee is None
    assert rows["due_soon"].days_left == 19
    assert rows["due_soon"].next_milestone_kind == "title_expires"


@pytest.mark.parametrize(("args", "expected"), [
    ({"urgency": "overdue"}, ["1001"]),
    ({"title_type": "multi-year-card"}, ["1002"]),
    ({"procedure": "exam_failed"}, ["1004"]),
    ({"status": "submitted"}, ["1006"]),
    ({"department": "50"}, ["1002"]),
    ({"nationality": "cn"}, ["1003"]),
    ({"language": "en"}, ["1002", "1005"]),
    ({"flag": "late_fee_applies"}, ["1001", "1002"]),
    ({"flag": "title_expired"}, ["1001"]),
    ({"flag": "not_renewable"}, ["1004"]),
    ({"suppressed": "yes"}, ["1001"]),
    ({"suppressed": "no", "urgency": "overdue"}, []),
    ({"q": "helene"}, ["1001"]),
    ({"q": "MÜLLER"}, ["1001"]),
    ({"q": "zoe evans"}, ["1005"]),
    ({"q": "1003"}, ["1003"]),
    ({"q": "diallo@example"}, ["1004"]),
    ({"q": "100%"}, []),
    ({"q": "nobody"}, []),
    ({"urgency": "bogus", "title_type": "nope"}, ["1001", "1002", "1003", "1004", "1005",
                                                  "1006"]),
])
def test_filters_and_search(
    session: Session, known: dict[str, int], args: dict[str, str], expected: list[str]
) -> None:
    page = worklist_page(session, TODAY, filters_from(args))
    assert _numbers(page) == expected
    assert page.total == len(expected)


def test_counts_ignore_the_urgency_filter(session: Session, known: dict[str, int]) -> None:
    page = worklist_page(session, TODAY, filters_from({"urgency": "fine", "language": "en"}))
    assert _numbers(page) == ["1005"]
    assert page.counts["past_fee_threshold"] == 1 and page.counts["fine"] == 1
    assert sum(page.counts.values()) == 2


def test_sort_orders(session: Session, known: dict[str, int]) -> None:
    by_name = worklist_page(session, TODAY, filters_from({"sort": "name"}))
    assert [r.family_name for r in by_name.rows] == [
        "Bruno", "Chen", "Diallo", "Evans", "Farah", "Müller"]
    by_name_desc = worklist_page(session, TODAY, filters_from({"sort": "name", "dir": "desc"}))
    assert [r.family_name for r in by_name_desc.rows] == [
        "Müller", "Farah", "Evans", "Diallo", "Chen", "Bruno"]
    by_fee = worklist_page(session, TODAY, filters_from({"sort": "fee"}))
    # Cases without a fee threshold (the exam visa) come last.
    assert _numbers(by_fee)[-1] == "1004"
    assert _numbers(by_fee)[:2] == ["1001", "1002"]
    by_number = worklist_page(session, TODAY, filters_from({"sort": "number", "dir": "desc"}))
    assert _numbers(by_number) == ["1006", "1005", "1004", "1003", "1002", "1001"]


def test_pagination_covers_every_row_once(session: Session, known: dict[str, int]) -> None:
    seen: list[str | None] = []
    for number in (1, 2, 3):
        page = worklist_page(session, TODAY, filters_from({"per_page": "2", "page": str(number)}))
        assert page.pages == 3 and len(page.rows) == 2
        seen += _numbers(page)
    assert sorted(n for n in seen if n) == ["1001", "1002", "1003", "1004", "1005", "1006"]
    beyond = worklist_page(session, TODAY, filters_from({"per_page": "2", "page": "99"}))
    assert beyond.filters.page == 3


@contextmanager
def counted(session: Session) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = session.get_bind()

    def _count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", _count)


def test_query_count_does_not_grow_with_the_rows(session: Session, known: dict[str, int]) -> None:
    with counted(session) as small:
        worklist_page(session, TODAY, filters_from({"per_page": "1"}))
    with counted(session) as large:
        worklist_page(session, TODAY, filters_from({"per_page": "200"}))
    assert len(small) == len(large) == 3


def _random_day(rng: random.Random, today: date) -> date | None:
    # Mostly near the boundaries (today, today+30) so off-by-one errors show.
    if rng.random() < 0.15:
        return None
    anchor = rng.choice([0, 0, 30, 30, -60, 90])
    return today + timedelta(days=anchor + rng.randint(-3, 3))


def _generated_cases(session: Session, number: str, count: int, seed: int,
                     **columns: object) -> list[Case]:
    """`count` renewal cases of one student with random dates near the urgency boundaries."""
    student = add_student(session, student_number=number, email=f"gen{number}@example.org",
                          title_type="student-card", title_valid_from="2025-10-01",
                          title_expires_on="2026-10-01")
    title_id = session.scalar(select(ResidenceTitle.id).where(
        ResidenceTitle.student_id == student.id))
    rng = random.Random(seed)
    cases = [
        Case(student_id=student.id, title_id=title_id, is_open=True, procedure="renewal",
             status="todo", needs_action=rng.random() > 0.15,
             deadline_on=_random_day(rng, TODAY), fee_threshold_on=_random_day(rng, TODAY),
             window_opens_on=_random_day(rng, TODAY), flags="", **columns)
        for _ in range(count)
    ]
    return cases


def _python_urgency(case: Case, day: date) -> str:
    return urgency_of(today=day, needs_action=case.needs_action, deadline_on=case.deadline_on,
                      fee_threshold_on=case.fee_threshold_on,
                      window_opens_on=case.window_opens_on).value


def test_sql_urgency_agrees_with_python(session: Session) -> None:
    cases = _generated_cases(session, "9000", 600, 20260901, is_current=False)
    session.add_all(cases)
    session.flush()
    expected = {case.id: _python_urgency(case, TODAY) for case in cases}
    computed = dict(session.execute(
        select(Case.id, urgency_expression(TODAY)).where(Case.id.in_(list(expected)))).all())
    assert computed == expected
    assert len(set(expected.values())) == len(URGENCIES)  # every branch was exercised


def test_counts_for_stats(session: Session, known: dict[str, int]) -> None:
    assert urgency_counts(session, TODAY) == dict.fromkeys(URGENCIES, 1)
    # The same data, a month later: the stored dates, not a stale urgency, decide.
    later = urgency_counts(session, TODAY + timedelta(days=45))
    assert later["done"] == 1 and sum(later.values()) == 6
    assert session.scalar(select(Student.id).where(Student.student_number == "1007"))


def test_stored_rank_holds_until_the_day_it_says() -> None:
    """urgency_rank_and_change: the stored rank is the urgency on every day before the change
    day it gives, and not on that day (checked day by day on generated dates)."""
    rng = random.Random(5)
    for _ in range(400):
        dates = {"needs_action": rng.random() > 0.1,
                 "deadline_on": _random_day(rng, TODAY),
                 "fee_threshold_on": _random_day(rng, TODAY),
                 "window_opens_on": _random_day(rng, TODAY)}
        rank, until = urgency_rank_and_change(today=TODAY, **dates)  # type: ignore[arg-type]
        last = until or TODAY + timedelta(days=200)
        for offset in range((last - TODAY).days):
            day = TODAY + timedelta(days=offset)
            assert URGENCIES.index(urgency_of(today=day, **dates)) == rank, (dates, day)  # type: ignore[arg-type]
        if until is not None:
            assert URGENCIES.index(urgency_of(today=until, **dates)) != rank, dates  # type: ignore[arg-type]


def test_worklist_is_right_when_stored_ranks_are_out_of_date(session: Session) -> None:
    """Ranks stored on TODAY, read on other days (the daily refresh not run yet, or a date in
    the past): order, pages, counts and the urgency filter match the rules on that day, the
    worklist re-ranking what it must (refresh_urgency) and trusting the rest."""
    cases = _generated_cases(session, "9100", 240, 20261203, is_current=True,
                             synced_for=TODAY, urgency_for=TODAY)
    session.execute(update(Case).values(is_current=False))  # only the generated ones show
    rng = random.Random(20261204)
    for case in cases:
        case.next_milestone_date = _random_day(rng, TODAY)
        # What sync_case stores, without the rules engine (these dates are made up).
        case.urgency_rank, case.urgency_until = urgency_rank_and_change(
            today=TODAY, needs_action=case.needs_action, deadline_on=case.deadline_on,
            fee_threshold_on=case.fee_threshold_on, window_opens_on=case.window_opens_on)
    session.add_all(cases)
    session.flush()
    for shift in (-5, 0, 3, 29, 31, 62, 95):
        day = TODAY + timedelta(days=shift)
        expected = sorted(cases, key=lambda c: (URGENCIES.index(_python_urgency(c, day)),
                                                c.next_milestone_date or date.max, c.id))
        shown: list[int] = []
        for number in range(1, 8):
            page = worklist_page(session, day, filters_from({"per_page": "37",
                                                             "page": str(number)}))
            shown += [row.case_id for row in page.rows]
            assert all(row.urgency == _python_urgency(session.get(Case, row.case_id), day)  # type: ignore[arg-type]
                       for row in page.rows)
        assert shown == [c.id for c in expected], shift
        counts = urgency_counts(session, day)
        assert counts == {u: sum(_python_urgency(c, day) == u for c in cases)
                          for u in URGENCIES}, shift
        for urgency in URGENCIES:
            page = worklist_page(session, day, filters_from({"urgency": urgency,
                                                             "per_page": "200"}))
            assert [row.case_id for row in page.rows] == [
                c.id for c in expected if _python_urgency(c, day) == urgency], (shift, urgency)
