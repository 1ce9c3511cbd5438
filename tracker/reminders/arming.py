"""Arming reminders (DESIGN 6 rules 1, 2, 6).

Whenever a case changes (`tracker.cases.sync.sync_case` calls `arm_case`), every reminder the
policy gives for its milestones is stored as a `Reminder` row in state pending, with its due
day S = milestone date + offset, unless S is before the student's registration date. A changed
date is a new milestone date, hence a new key: the new reminders are armed and the stale
pending ones are cancelled ("date_changed"); a filed or closed procedure cancels them all
("procedure_done").
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session, joinedload

from tracker.db import rowcount
from tracker.db.bulk import bulk_insert
from tracker.models import Case, OutboxMessage, Reminder, SchedulerState, table_of, utcnow
from tracker.models.evaluation import evaluate_case
from tracker.reminders.keys import case_wants_reminders, policy_fingerprint, reminder_key
from tracker.rules.milestones import Evaluation
from tracker.rules.policy import Policy

log = logging.getLogger(__name__)

BATCH_SIZE = 500
POLICY_STATE = "reminders.policy"
# Cancellations that a later change of the case may undo.
REVIVABLE_REASONS = frozenset({"date_changed", "procedure_done"})


# --------------------------------------------------------------------------------------------
# Arming (rules 1, 2, 6)


def desired_reminders(case: Case, evaluation: Evaluation, policy: Policy,
                      registered_on: date) -> dict[str, tuple[str, date, int, date]]:
    """key -> (kind, milestone date, offset, due day) for every reminder the policy gives."""
    wanted: dict[str, tuple[str, date, int, date]] = {}
    for m in evaluation.milestones:
        if m.done:
            continue
        for offset in policy.offsets.get(m.kind, ()):
            due = m.date + timedelta(days=offset)
            if due < registered_on:
                continue  # rule 2: nothing is due before the student registered
            wanted[reminder_key(case.id, m.kind, m.date, offset)] = (m.kind, m.date, offset, due)
    return wanted


def cancel_reminders(session: Session, ids: Sequence[int], reason: str) -> int:
    """Cancel pending reminders; a pending message left covering nothing is cancelled too."""
    if not ids:
        return 0
    message_ids = set(session.scalars(
        select(Reminder.message_id).where(Reminder.id.in_(ids), Reminder.message_id.is_not(None))
    ))
    count = rowcount(session.execute(
        update(Reminder).where(Reminder.id.in_(ids), Reminder.state == "pending")
        .values(state="cancelled", reason=reason, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ))
    for message_id in message_ids:
        still_covers = session.scalar(select(exists().where(
            Reminder.message_id == message_id, Reminder.state == "pending")))
        if not still_covers:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id, OutboxMessage.state == "pending")
                .values(state="cancelled", last_error=f"cancelled: {reason}")
                .execution_options(synchronize_session=False)
            )
    return count


def arm_cases(session: Session, cases: Sequence[Case], today: date,
              policy: Policy, *, created: bool = False,
              evaluations: Mapping[int, Evaluation] | None = None) -> int:
    """Bring each case's pending reminders in line with its milestones (rules 1, 2, 6), with
    one query and one insert for the whole list. Returns how many reminders were armed.

    `created`: the cases were created in this transaction, so they have no reminder yet and
    no other process can see them (nothing to look up, and no key can clash). `evaluations`:
    the rules' evaluation of each case on `today`, by case id, when the caller has it."""
    if not cases:
        return 0
    existing: dict[int, list[Any]] = defaultdict(list)
    rows_found = () if created else session.execute(
        select(Reminder.id, Reminder.case_id, Reminder.key, Reminder.state, Reminder.reason)
        .where(Reminder.case_id.in_([c.id for c in cases]))
    )
    for row in rows_found:
        existing[row.case_id].append(row)
    stale: dict[str, list[int]] = defaultdict(list)
    revive: list[int] = []
    rows: list[dict[str, Any]] = []
    now = utcnow()
    for case in cases:
        known = existing.get(case.id, [])
        if not case_wants_reminders(case):
            stale["procedure_done"] += [r.id for r in known if r.state == "pending"]
            continue
        evaluation = evaluations[case.id] if evaluations else evaluate_case(case, today)
        wanted = desired_reminders(case, evaluation, policy, case.student.registered_on)
        stale["date_changed"] += [r.id for r in known
                                  if r.state == "pending" and r.key not in wanted]
        # A date corrected back to what it was: its reminders come back (never sent or
        # skipped ones: those are recorded for good, rule 7).
        revive += [r.id for r in known if r.state == "cancelled" and r.key in wanted
                   and r.reason in REVIVABLE_REASONS]
        keys = {r.key for r in known}
        rows += [
            {"key": key, "student_id": case.student_id, "case_id": case.id,
             "milestone_kind": kind, "milestone_date": when, "offset_days": offset,
             "due_on": due, "state": "pending", "created_at": now, "updated_at": now}
            for key, (kind, when, offset, due) in wanted.items() if key not in keys
        ]
    for reason, ids in stale.items():
        cancel_reminders(session, ids, reason)
    if revive:
        session.execute(
            update(Reminder).where(Reminder.id.in_(revive), Reminder.state == "cancelled")
            .values(state="pending", reason=None, message_id=None, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    # A bulk import arms about eight reminders per case: the fastest insert each backend has
    # (a planner arming the same case concurrently inserts nothing twice).
    bulk_insert(session, table_of(Reminder), rows, skip_conflicts_on=None if created else "key")
    return len(rows)


def arm_case(session: Session, case: Case, today: date, policy: Policy) -> int:
    """`arm_cases` for one case that just changed; a new title also leaves the previous
    case behind, whose pending reminders are of no use any more."""
    previous = session.scalars(
        select(Reminder.id).join(Case, Case.id == Reminder.case_id)
        .where(Reminder.student_id == case.student_id, Reminder.case_id != case.id,
               Reminder.state == "pending", Case.is_current.is_(False))
    ).all()
    cancel_reminders(session, previous, "procedure_done")
    return arm_cases(session, [case], today, policy)


def ensure_armed(session: Session, today: date, policy: Policy,
                 batch_size: int = BATCH_SIZE) -> int:
    """After a policy change (or on the first run), re-arm every open case; otherwise do
    nothing: cases are armed when they change."""
    fingerprint = policy_fingerprint(policy)
    state = session.get(SchedulerState, POLICY_STATE)
    if state is not None and (state.last_summary or {}).get("offsets") == fingerprint:
        return 0
    first_run = state is None
    armed = 0
    last_id = 0
    while True:
        query = select(Case.id).where(Case.is_current.is_(True), Case.is_open.is_(True),
                                      Case.needs_action.is_(True), Case.id > last_id)
        if first_run:
            # Cases created through sync_case are armed already; only the others need it.
            query = query.where(~exists().where(Reminder.case_id == Case.id))
        ids = session.scalars(query.order_by(Case.id).limit(batch_size)).all()
        if not ids:
            break
        last_id = ids[-1]
        cases = session.scalars(select(Case).where(Case.id.in_(ids))
                                .options(joinedload(Case.student), joinedload(Case.title))).all()
        arm_cases(session, cases, today, policy)
        armed += len(cases)
        session.flush()
        session.expunge_all()
    if state is None:
        state = SchedulerState(name=POLICY_STATE)
        session.add(state)
    state.last_summary = {"offsets": fingerprint}
    session.flush()
    return armed


