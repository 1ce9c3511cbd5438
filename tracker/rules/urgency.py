"""How urgent an open case is on `today`, for the office worklist.

The same classification is written as a SQL expression over the stored date columns in
tracker.office.worklist; a test checks that both agree on generated cases.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from tracker.rules.dates import add_days

DUE_SOON_DAYS = 30


class Urgency(StrEnum):
    OVERDUE = "overdue"  # the hard deadline is past: irregular stay or lost right
    PAST_FEE_THRESHOLD = "past_fee_threshold"  # R7: not filed, the late fee now applies
    ACT_NOW = "act_now"  # the window to file is open
    DUE_SOON = "due_soon"  # a deadline within DUE_SOON_DAYS
    FINE = "fine"
    DONE = "done"  # filed or closed: waiting for the prefecture, or nothing left to do


# Most urgent first: the worklist's default order.
URGENCIES: tuple[str, ...] = tuple(u.value for u in Urgency)


def urgency_of(
    *,
    today: date,
    needs_action: bool,
    deadline_on: date | None,
    fee_threshold_on: date | None,
    window_opens_on: date | None,
) -> Urgency:
    if not needs_action:
        return Urgency.DONE
    if deadline_on is not None and deadline_on < today:
        return Urgency.OVERDUE
    if fee_threshold_on is not None and fee_threshold_on < today:
        return Urgency.PAST_FEE_THRESHOLD
    if window_opens_on is not None and window_opens_on <= today:
        return Urgency.ACT_NOW
    soon = add_days(today, DUE_SOON_DAYS)
    if any(d is not None and d <= soon for d in (deadline_on, fee_threshold_on)):
        return Urgency.DUE_SOON
    return Urgency.FINE



def urgency_rank_and_change(
    *,
    today: date,
    needs_action: bool,
    deadline_on: date | None,
    fee_threshold_on: date | None,
    window_opens_on: date | None,
) -> tuple[int, date | None]:
    """What the case sync stores for the worklist: the urgency on `today` as its index in
    URGENCIES (an integer sorts and groups fast), and the first day after `today` on which
    `urgency_of` gives another answer for the same dates (None: never).

    Each test of urgency_of, once true, stays true as days pass, so the urgency only changes
    when a test before the one that matched becomes true: the earliest of those days."""
    rank = URGENCIES.index(urgency_of(
        today=today, needs_action=needs_action, deadline_on=deadline_on,
        fee_threshold_on=fee_threshold_on, window_opens_on=window_opens_on).value)
    if not needs_action:
        return rank, None
    soon = [add_days(d, -DUE_SOON_DAYS) for d in (deadline_on, fee_threshold_on) if d]
    # The day each test of urgency_of (after `done`) becomes true, in urgency_of's order.
    turns_true = (
        add_days(deadline_on, 1) if deadline_on else None,
        add_days(fee_threshold_on, 1) if fee_threshold_on else None,
        window_opens_on,
        min(soon) if soon else None,
    )
    earlier = [day for day in turns_true[:rank] if day is not None and day > today]
    return rank, min(earlier) if earlier else None
