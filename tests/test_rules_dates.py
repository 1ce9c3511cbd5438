"""Calendar arithmetic of RULES.md (notation): calendar months clamp to the month's end, days are
calendar days, nothing moves for weekends. Every expected date here is worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.rules import add_days, add_months, add_years, eighteenth_birthday
from tracker.rules.dates import is_29_february


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        # The three worked examples of RULES.md.
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2025, 8, 31), 3, date(2025, 11, 30)),
        # End of month, forwards and backwards, common and leap years.
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 5, 31), -3, date(2026, 2, 28)),
        (date(2026, 5, 31), -2, date(2026, 3, 31)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        # The day is kept when it exists.
        (date(2026, 12, 15), 2, date(2027, 2, 15)),
        (date(2026, 2, 28), 1, date(2026, 3, 28)),
        (date(2026, 1, 1), 0, date(2026, 1, 1)),
        (date(2025, 10, 31), 3, date(2026, 1, 31)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2027, 3, 1), -1, date(2027, 2, 28)),
        (date(2028, 3, 1), -1, date(2028, 2, 29)),
        (date(2027, 5, 1), -60, date(2027, 3, 2)),
        (date(2027, 5, 1), -120, date(2027, 1, 1)),
        (date(2026, 12, 31), 1, date(2027, 1, 1)),
    ],
)
def test_add_days_counts_calendar_days(start: date, days: int, expected: date) -> None:
    assert add_days(start, days) == expected


def test_a_saturday_stays_a_saturday() -> None:
    # 30 Nov 2025 + 3 months is Saturday 28 February 2026: no shift to the Friday or Monday.
    deadline = add_months(date(2025, 11, 30), 3)
    assert deadline == date(2026, 2, 28)
    assert deadline.weekday() == 5


@pytest.mark.parametrize(
    ("born", "birthday"),
    [
        (date(2008, 5, 31), date(2026, 5, 31)),
        (date(2008, 2, 28), date(2026, 2, 28)),
        # Born on 29 February (leap years 2008 and 2012): the 18th birthday falls in a common
        # year (2026, 2030), clamped to 28 February.
        (date(2008, 2, 29), date(2026, 2, 28)),
        (date(2012, 2, 29), date(2030, 2, 28)),
        (date(2009, 3, 1), date(2027, 3, 1)),
        (date(2010, 2, 28), date(2028, 2, 28)),
    ],
)
def test_eighteenth_birthday(born: date, birthday: date) -> None:
    assert eighteenth_birthday(born) == birthday


def test_add_years_and_29_february() -> None:
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert is_29_february(date(2028, 2, 29))
    assert not is_29_february(date(2028, 2, 28))
    assert not is_29_february(date(2028, 3, 29))
