"""Keeping each case's derived columns in step with the rules, and recording its steps.

Every change to a student's title or case goes through `sync_case`, which re-evaluates the
rules and stores the next milestone, the urgency dates and the flags, then re-arms the case's
reminders by calling `tracker.reminders.arming.arm_case` (DESIGN 6 rule 6: a changed date
re-arms reminders, a done procedure cancels them), with the policy of the session
(`tracker.db.policy_of`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from tracker.db import policy_of
from tracker.models import Case
from tracker.models.evaluation import evaluate_case
from tracker.reminders.arming import arm_case
from tracker.rules import Evaluation
from tracker.rules.titles import CLOSED_STATUSES, CaseStatus
from tracker.rules.urgency import urgency_rank_and_change


def derived_columns(result: Evaluation, today: date) -> dict[str, Any]:
    """The case columns that the rules decide, from their evaluation on `today`: the one
    mapping, applied by `sync_case` to a stored case and by the import to the rows it inserts
    in bulk (tracker.students.csv_import)."""
    needs_action = result.is_open and not result.filed
    # Stored for the worklist's order and counts (office.worklist).
    urgency_rank, urgency_until = urgency_rank_and_change(
        today=today, needs_action=needs_action, deadline_on=result.deadline_on,
        fee_threshold_on=result.fee_threshold_on, window_opens_on=result.window_opens_on)
    return {
        "procedure": result.procedure.value,
        "is_open": result.is_open,
        "needs_action": needs_action,
        "next_milestone_kind": result.next.kind if result.next else None,
        "next_milestone_date": result.next.date if result.next else None,
        "deadline_on": result.deadline_on,
        "fee_threshold_on": result.fee_threshold_on,
        "window_opens_on": result.window_opens_on,
        "flags": "," + ",".join(result.flags) + "," if result.flags else "",
        "synced_for": today,
        "urgency_for": today,
        "urgency_rank": urgency_rank,
        "urgency_until": urgency_until,
    }


def sync_case(session: Session, case: Case, today: date, *, rearm: bool = True) -> Evaluation:
    """Store what the rules say about `case` on `today` and re-arm its reminders; return the
    evaluation. `rearm=False` for callers that arm many cases at once afterwards (the import)
    or whose change cannot move a milestone (the daily refresh of stale cases)."""
    result = evaluate_case(case, today)
    for column, value in derived_columns(result, today).items():
        setattr(case, column, value)
    if rearm:
        session.flush()
        arm_case(session, case, today, policy_of(session))
    return result


def stale_case_ids(session: Session, today: date, limit: int = 1000) -> list[int]:
    """Open cases whose next milestone has passed since they were last synced: their next
    milestone and flags must move on. Uses the (is_open, next_milestone_date) index."""
    rows = session.execute(
        select(Case.id)
        .where(Case.is_open.is_(True), Case.next_milestone_date < today)
        .where(or_(Case.synced_for.is_(None), Case.synced_for < today))
        .order_by(Case.id)
        .limit(limit)
    )
    return list(rows.scalars())


def refresh_stale_cases(session: Session, today: date, batch_size: int = 1000) -> int:
    """Re-sync every stale case in bounded batches; returns how many were refreshed."""
    refreshed = 0
    while ids := stale_case_ids(session, today, batch_size):
        cases = session.scalars(
            select(Case).where(Case.id.in_(ids))
            .options(joinedload(Case.student), joinedload(Case.title))
        ).all()
        for case in cases:
            sync_case(session, case, today, rearm=False)
        session.flush()
        refreshed += len(cases)
    return refreshed


STEP_STATUS: dict[str, CaseStatus | None] = {
    "validated": None,  # R1 is a step of its own: it moves the VLS-TS on to the renewal.
    "submitted": CaseStatus.SUBMITTED,
    "prolongation_attestation": None,
    "adf_received": CaseStatus.ADF_RECEIVED,
    "card_collected": CaseStatus.CARD_COLLECTED,
    "refused": CaseStatus.REFUSED,
    "closed": CaseStatus.CLOSED,
}


# R10's filing steps in their order; a later one may be recorded without the earlier ones (a
# student often tells us only of the ADF), but never an earlier one after a later one.
_FILING_ORDER: dict[str, int] = {"todo": 0, "submitted": 1, "adf_received": 2}


def step_problem(case: Case, step: str) -> str | None:
    """The message key saying why `step` cannot be recorded on `case` now, or None.

    A collected card, a refusal or a closing ends the case: what follows is a new title and
    so a new case, never a reopened one (a refused case must not come back as "ADF received"
    with its refusal date still set)."""
    if CaseStatus(case.status) in CLOSED_STATUSES:
        return "error.step_case_closed"
    if step in _FILING_ORDER and _FILING_ORDER[step] < _FILING_ORDER.get(case.status, 0):
        return "error.step_backwards"
    return None


def record_step(session: Session, case: Case, step: str, on: date, today: date) -> Evaluation:
    """Record that `step` happened on `on` (R10 events) and re-sync the case.

    A collected card is also the start of a new title: callers add it with
    students.changes.start_new_title."""
    if step not in STEP_STATUS:
        raise ValueError(f"unknown step {step!r}")
    setattr(case, f"{step}_on", on)
    status = STEP_STATUS[step]
    if status is not None:
        case.status = status.value
    if step == "submitted" and case.procedure == "vls_ts_validation" and case.validated_on is None:
        # Filing the renewal implies the visa was validated; keep the rules consistent.
        case.validated_on = on
    return sync_case(session, case, today)
