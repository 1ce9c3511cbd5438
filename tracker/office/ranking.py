"""The office's stored urgency, kept current in SQL: `urgency_of` as one SQL CASE over a
case's stored columns, and the re-ranking of the cases whose stored rank may no longer hold
(rules.urgency_rank_and_change says until when a rank holds). The worklist sorts, filters and
counts on that rank (tracker.office.worklist); tests/test_worklist.py holds the Python rule,
the SQL CASE and the stored rank to the same answer."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, CompoundSelect, case, literal, or_, select, union_all, update
from sqlalchemy.orm import Session

from tracker.models import Case
from tracker.rules.dates import add_days
from tracker.rules.urgency import DUE_SOON_DAYS, Urgency, urgency_rank_and_change


def _branches(today: date) -> list[ColumnElement[bool]]:
    """The tests of `urgency_of`, in its order (first match wins). A comparison with NULL is
    not true in SQL, which is Python's `d is not None and ...`."""
    soon = add_days(today, DUE_SOON_DAYS)
    return [
        Case.needs_action.is_(False),
        Case.deadline_on < today,
        Case.fee_threshold_on < today,
        Case.window_opens_on <= today,
        or_(Case.deadline_on <= soon, Case.fee_threshold_on <= soon),
    ]


# URGENCIES order is most urgent first; the CASE tests `done` first, like urgency_of.
_BRANCH_URGENCIES = (Urgency.DONE, Urgency.OVERDUE, Urgency.PAST_FEE_THRESHOLD, Urgency.ACT_NOW,
                     Urgency.DUE_SOON)


def urgency_expression(today: date) -> ColumnElement[str]:
    """`urgency_of` as SQL over the stored columns."""
    return case(
        *((test, literal(u.value)) for test, u in zip(_branches(today), _BRANCH_URGENCIES,
                                                      strict=True)),
        else_=literal(Urgency.FINE.value),
    )


def _stale_urgency_ids(today: date, limit: int) -> CompoundSelect[int]:
    """Cases whose stored urgency (rules.urgency_rank_and_change) is not known to hold on
    `today`: never ranked, ranked for a later day (a date pinned in the past), or past the day
    it may change. One index range each, so finding none costs next to nothing (an OR of the
    three made SQLite scan the table). A case may come twice; the caller ranks it once."""
    parts = [select(Case.id).where(test).limit(limit) for test in (
        Case.urgency_for.is_(None), Case.urgency_for > today, Case.urgency_until <= today)]
    return union_all(*(select(p.c.id) for p in (part.subquery() for part in parts)))


def refresh_urgency(session: Session, today: date, batch_size: int = 2000) -> int:
    """Re-rank the cases whose stored urgency may be out of date on `today`, so
    the worklist sorts, filters and counts on the stored rank and is still right before the
    daily run (or for another day). Usually a handful a day: the cases crossing a threshold.
    Returns how many were re-ranked."""
    refreshed = 0
    while True:
        ids = set(session.scalars(_stale_urgency_ids(today, batch_size)))
        rows = session.execute(
            select(Case.id, Case.needs_action, Case.deadline_on, Case.fee_threshold_on,
                   Case.window_opens_on).where(Case.id.in_(ids))
        ).all() if ids else []
        if not rows:
            return refreshed
        values = []
        for row in rows:
            rank, until = urgency_rank_and_change(
                today=today, needs_action=row.needs_action, deadline_on=row.deadline_on,
                fee_threshold_on=row.fee_threshold_on, window_opens_on=row.window_opens_on)
            values.append({"id": row.id, "urgency_rank": rank, "urgency_for": today,
                           "urgency_until": until})
        session.execute(update(Case), values)
        refreshed += len(values)
