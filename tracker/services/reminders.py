"""The reminder planner: DESIGN section 6, rules 1–8.

How the rules map to the data:
- Arming (rules 1, 2, 6). Whenever a case changes (`sync_case` calls `arm_case` through the
  `on_case_changed` hook), every reminder the policy gives for its milestones is stored as a
  `Reminder` row in state pending, with its due day S = milestone date + offset, unless
  S is before the student's registration date. A changed date is a new milestone date, hence a
  new key: the new reminders are armed and the stale pending ones are cancelled
  ("date_changed"); a filed or closed procedure cancels them all ("procedure_done").
- Planning (rules 2, 3, 4). The daily run reads only the pending rows with S ≤ today (the
  indexed `due_on` column), student by student in bounded batches. Per (case, milestone) the
  latest due reminder goes out and the older ones are recorded as skipped ("superseded"), so
  an outage of any length ends in one e-mail. All of a student's reminders of the day go in
  one e-mail whose key is `reminder:<student>:<day>`: a second run the same day, or a second
  planner, inserts nothing (INSERT … ON CONFLICT DO NOTHING, rule 7).
- Welcome (rule 5): one e-mail per student, key `welcome:<student>`, listing the deadlines.
- Digest (rule 8 and the office's needs): `digest:<day>`, only when there is something to say.

Who is written to: an address we trust, i.e. confirmed by the student (`email_confirmed_at`)
or coming from the office's import (source "import"/"office"/"demo": the university's own
records). A self-registered student who has not confirmed gets nothing until they do; their
reminders stay pending and the latest ones go out after confirmation. Unsubscribed students
and suppressed addresses get no reminder (their due reminders are cancelled).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from sqlalchemy import String, and_, bindparam, cast, exists, func, literal, or_, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, joinedload, selectinload

from tracker.i18n import format_day, gettext
from tracker.mail.reminders import (
    CoveredReminder,
    DigestData,
    DigestLine,
    MilestoneInfo,
    Recipient,
    Rendered,
    render_digest,
    render_reminder,
    render_welcome,
)
from tracker.models import Case, OutboxMessage, Reminder, SchedulerState, Student, utcnow
from tracker.policy import SESSION_INFO_KEY, policy_of
from tracker.rules.milestones import HARD_DEADLINE_KINDS, Evaluation
from tracker.rules.policy import Policy
from tracker.runtime import Runtime
from tracker.services.bulk import bulk_insert
from tracker.services.cases import (
    evaluate_case,
    on_case_changed,
    on_cases_created,
    refresh_stale_cases,
)
from tracker.services.delivery import DeliveryReport, deliver_due, deliver_messages
from tracker.services.outbox import Outgoing, enqueue, enqueue_many, existing_keys
from tracker.services.registration import purge_unconfirmed
from tracker.services.tokens import make_token
from tracker.settings import Settings

log = logging.getLogger(__name__)

# Sources whose address comes from the university's records (see the module docstring).
TRUSTED_SOURCES: tuple[str, ...] = ("import", "office", "demo")
DIGEST_LANGUAGE = "fr"
DIGEST_LINES = 50
BATCH_SIZE = 500
POLICY_STATE = "reminders.policy"
PLANNER_LOCK = "reminders.planner"
# Cancellations that a later change of the case may undo.
REVIVABLE_REASONS = frozenset({"date_changed", "procedure_done"})


# --------------------------------------------------------------------------------------------
# Reports


@dataclass
class PlanReport:
    planned: int = 0  # e-mails put in the outbox (reminders and welcomes)
    reminders: int = 0  # reminders those e-mails cover
    welcomes: int = 0
    skipped: int = 0  # reminders recorded as skipped (superseded, rule 3)
    cancelled: int = 0  # reminders cancelled (unsubscribed, suppressed, procedure done…)
    deferred: int = 0  # students whose e-mail of the day already exists (rule 4)
    armed_cases: int = 0
    refreshed_cases: int = 0
    message_ids: list[int] = field(default_factory=list)


@dataclass
class CycleReport:
    planned: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    plan: PlanReport | None = None
    delivery: DeliveryReport | None = None
    digest_id: int | None = None
    purged: int = 0  # unconfirmed self-registrations deleted (data retention)

    def summary(self) -> str:
        """The line of DESIGN section 3."""
        return (f"planned {self.planned}, sent {self.sent}, skipped {self.skipped}, "
                f"failed {self.failed}")

    def as_json(self) -> dict[str, Any]:
        return {"planned": self.planned, "sent": self.sent, "skipped": self.skipped,
                "failed": self.failed}


@dataclass(frozen=True)
class PreviewItem:
    send_on: date
    kind: str
    milestone_date: date
    offset: int
    hard: bool

    @property
    def header(self) -> str:
        offset = f"{self.offset:+d}" if self.offset else "0"
        return f"{self.kind} {self.milestone_date.isoformat()} {offset}"


# --------------------------------------------------------------------------------------------
# Keys and small helpers


def reminder_key(case_id: int, kind: str, milestone_date: date, offset: int) -> str:
    return f"{case_id}:{kind}:{milestone_date.isoformat()}:{offset:+d}"


def reminder_message_key(student_id: int, today: date) -> str:
    return f"reminder:{student_id}:{today.isoformat()}"


def welcome_key(student_id: int) -> str:
    return f"welcome:{student_id}"


def digest_key(today: date) -> str:
    return f"digest:{today.isoformat()}"


def mailable() -> Any:
    """SQL condition: an address we may write to (see the module docstring)."""
    return and_(
        or_(Student.email_confirmed_at.is_not(None), Student.source.in_(TRUSTED_SOURCES)),
        Student.address_suppressed.is_(False),
    )


def is_mailable(student: Student) -> bool:
    return (student.email_confirmed_at is not None or student.source in TRUSTED_SOURCES) \
        and not student.address_suppressed


def policy_fingerprint(policy: Policy) -> str:
    """What arming depends on: a changed policy file re-arms every open case."""
    body = json.dumps({k: list(v) for k, v in sorted(policy.offsets.items())})
    return hashlib.sha256(body.encode()).hexdigest()[:16]


def _milestone_infos(case: Case, evaluation: Evaluation) -> list[MilestoneInfo]:
    return [
        MilestoneInfo(case.id, m.kind, m.date, evaluation.procedure.value,
                      case.title.title_type, m.hard)
        for m in evaluation.milestones if not m.done
    ]


def _recipient(student: Student, settings: Settings) -> Recipient:
    token = make_token(settings.secret_key, "unsubscribe", {"s": student.id})
    return Recipient(
        student_id=student.id, email=student.email, language=student.language,
        given_name=student.given_name, department=student.department,
        unsubscribe_url=f"{settings.base_url}/unsubscribe?token={quote(token)}",
    )


def _case_wants_reminders(case: Case) -> bool:
    return case.is_current and case.is_open and case.needs_action


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
    count = session.execute(
        update(Reminder).where(Reminder.id.in_(ids), Reminder.state == "pending")
        .values(state="cancelled", reason=reason, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
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
              policy: Policy | None = None, *, created: bool = False,
              evaluations: Mapping[int, Evaluation] | None = None) -> int:
    """Bring each case's pending reminders in line with its milestones (rules 1, 2, 6), with
    one query and one insert for the whole list. Returns how many reminders were armed.

    `created`: the cases were created in this transaction, so they have no reminder yet and
    no other process can see them (nothing to look up, and no key can clash). `evaluations`:
    the rules' evaluation of each case on `today`, by case id, when the caller has it."""
    policy = policy or policy_of(session)
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
        if not _case_wants_reminders(case):
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
    bulk_insert(session, Reminder.__table__, rows, skip_conflicts_on=None if created else "key")
    return len(rows)


def arm_case(session: Session, case: Case, today: date, policy: Policy | None = None) -> int:
    """`arm_cases` for one case that just changed; a new title also leaves the previous
    case behind, whose pending reminders are of no use any more."""
    previous = session.scalars(
        select(Reminder.id).join(Case, Case.id == Reminder.case_id)
        .where(Reminder.student_id == case.student_id, Reminder.case_id != case.id,
               Reminder.state == "pending", Case.is_current.is_(False))
    ).all()
    cancel_reminders(session, previous, "procedure_done")
    return arm_cases(session, [case], today, policy)


@on_case_changed
def _rearm_on_change(session: Session, case: Case, today: date) -> None:
    arm_case(session, case, today)


@on_cases_created(_rearm_on_change)
def _arm_new_cases(session: Session, cases: Sequence[Case],
                   evaluations: Mapping[int, Evaluation], today: date) -> None:
    # New students have no previous case whose reminders arm_case would cancel.
    arm_cases(session, cases, today, created=True, evaluations=evaluations)


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


# --------------------------------------------------------------------------------------------
# Planning (rules 2, 3, 4, 5)


def _lock_planner(session: Session) -> None:
    """Two planners on PostgreSQL take turns batch by batch (no deadlock between their bulk
    updates). The unique keys alone already prevent duplicates; this keeps the work tidy."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(postgresql.insert(SchedulerState).values(name=PLANNER_LOCK)
                    .on_conflict_do_nothing(index_elements=["name"]))
    session.execute(select(SchedulerState.name).where(SchedulerState.name == PLANNER_LOCK)
                    .with_for_update())


def _cancel_unwanted_due(session: Session, today: date) -> int:
    """Due reminders that must not go out: unsubscribed, suppressed, procedure done."""
    due = and_(Reminder.state == "pending", Reminder.message_id.is_(None),
               Reminder.due_on <= today)
    total = 0
    for reason, students in (
        ("unsubscribed", select(Student.id).where(Student.reminders_enabled.is_(False))),
        ("suppressed", select(Student.id).where(Student.address_suppressed.is_(True))),
    ):
        total += session.execute(
            update(Reminder).where(due, Reminder.student_id.in_(students))
            .values(state="cancelled", reason=reason, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
    done_cases = select(Case.id).where(or_(Case.is_current.is_(False), Case.is_open.is_(False),
                                           Case.needs_action.is_(False)))
    total += session.execute(
        update(Reminder).where(due, Reminder.case_id.in_(done_cases))
        .values(state="cancelled", reason="procedure_done", updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    return total


def _due_student_ids(session: Session, today: date, after: int, limit: int) -> list[int]:
    return list(session.scalars(
        select(Reminder.student_id)
        .join(Student, Student.id == Reminder.student_id)
        .where(Reminder.state == "pending", Reminder.message_id.is_(None),
               Reminder.due_on <= today, Reminder.student_id > after,
               Student.reminders_enabled.is_(True), mailable())
        .group_by(Reminder.student_id).order_by(Reminder.student_id).limit(limit)
    ))


@dataclass
class _Batch:
    """What one batch of students decided, written with a few statements at its end."""

    superseded: list[int] = field(default_factory=list)
    # Each e-mail with the ids of the reminders it covers.
    mails: list[tuple[Outgoing, list[int]]] = field(default_factory=list)


def _plan_student(session: Session, student: Student, due: list[Reminder],
                  cases: dict[int, Case], recorded: dict[tuple[int, str, date], date],
                  today: date, policy: Policy, settings: Settings, report: PlanReport,
                  batch: _Batch, existing: set[str]) -> None:
    evaluations = {cid: evaluate_case(case, today) for cid, case in cases.items()}
    valid = {
        (cid, m.kind, m.date)
        for cid, ev in evaluations.items() for m in ev.milestones if not m.done
    }
    outdated = [r.id for r in due if (r.case_id, r.milestone_kind, r.milestone_date) not in valid]
    report.cancelled += cancel_reminders(session, outdated, "date_changed")
    due = [r for r in due if r.id not in set(outdated)]
    groups: dict[tuple[int, str, date], list[Reminder]] = defaultdict(list)
    for r in due:
        groups[(r.case_id, r.milestone_kind, r.milestone_date)].append(r)
    latest: list[Reminder] = []
    for group, items in groups.items():
        items.sort(key=lambda r: (r.due_on, r.offset_days))
        # Rule 3 also against what already went out: never an older reminder after a newer.
        newest_recorded = recorded.get(group)
        if newest_recorded is not None and items[-1].due_on <= newest_recorded:
            batch.superseded += [r.id for r in items]
            continue
        latest.append(items[-1])
        batch.superseded += [r.id for r in items[:-1]]
    if not latest:
        return
    key = reminder_message_key(student.id, today)
    if key in existing:
        # Rule 4: today's e-mail exists (an earlier run or another planner); these wait.
        report.deferred += 1
        return
    latest.sort(key=lambda r: (r.milestone_date, r.milestone_kind))
    infos = {(cid, m.kind, m.date): m
             for cid, case in cases.items() for m in _milestone_infos(case, evaluations[cid])}
    covered = [CoveredReminder(infos[(r.case_id, r.milestone_kind, r.milestone_date)],
                               r.offset_days) for r in latest]
    upcoming = sorted((m for m in infos.values() if m.date >= today), key=lambda m: m.date)
    recipient = _recipient(student, settings)
    rendered = render_reminder(recipient, covered, upcoming, today, policy, settings)
    batch.mails.append((_outgoing(key, "reminder", student, recipient.language, rendered),
                        [r.id for r in latest]))


def _outgoing(key: str, kind: str, student: Student, language: str,
              rendered: Rendered) -> Outgoing:
    return Outgoing(
        key=key, kind=kind, to_address=student.email, language=language,
        subject=rendered.subject, text=rendered.text, html=rendered.html,
        student_id=student.id, headers=rendered.headers, attachments=rendered.attachments,
    )


def _store_batch(session: Session, batch: _Batch, settings: Settings,
                 report: PlanReport) -> None:
    """Rules 3, 4 and 7 for a batch: superseded reminders recorded as skipped, the e-mails
    inserted (a key that exists inserts nothing), the reminders they cover attached to them.
    Each UPDATE re-checks that the reminder is still pending and unattached, as a concurrent
    planner may have taken it meanwhile."""
    now = utcnow()
    table = Reminder.__table__
    still_free = (table.c.id == bindparam("b_reminder"), table.c.state == "pending",
                  table.c.message_id.is_(None))
    # Both UPDATEs go by primary key, one row each (executemany, whose rowcounts both
    # drivers sum): with `id IN (...)` beside the state condition, SQLite's planner walks
    # the (state, due_on) index, i.e. every pending reminder.
    if batch.superseded:
        report.skipped += session.connection().execute(
            update(table).where(*still_free)
            .values(state="skipped", reason="superseded", updated_at=now),
            [{"b_reminder": reminder_id} for reminder_id in batch.superseded]).rowcount
    created = enqueue_many(session, settings.mail_from, [mail for mail, _ in batch.mails])
    report.deferred += len(batch.mails) - len(created)
    links = [{"b_message": created[mail.key], "b_reminder": reminder_id}
             for mail, reminder_ids in batch.mails if mail.key in created
             for reminder_id in reminder_ids]
    if not links:
        return
    report.reminders += session.connection().execute(
        update(table).where(*still_free)
        .values(message_id=bindparam("b_message"), updated_at=now), links).rowcount
    ids = sorted(created.values())
    report.planned += len(ids)
    report.message_ids += ids


def _plan_welcomes(session: Session, today: date, policy: Policy, settings: Settings,
                   report: PlanReport, batch_size: int, commit: bool) -> None:
    welcome_exists = exists().where(
        OutboxMessage.key == literal("welcome:", String) + cast(Student.id, String)
    )
    last_id = 0
    while True:
        if commit:
            _lock_planner(session)
        ids = session.scalars(
            select(Student.id).where(Student.id > last_id, mailable(),
                                     Student.reminders_enabled.is_(True), ~welcome_exists)
            .order_by(Student.id).limit(batch_size)
        ).all()
        if not ids:
            break
        last_id = ids[-1]
        students = session.scalars(
            select(Student).where(Student.id.in_(ids))
            .options(selectinload(Student.cases).joinedload(Case.title))
        ).all()
        mails = [m for m in (welcome_message(s, today=today, policy=policy, settings=settings)
                             for s in students) if m is not None]
        created = enqueue_many(session, settings.mail_from, mails)
        report.planned += len(created)
        report.welcomes += len(created)
        report.message_ids += sorted(created.values())
        _end_batch(session, commit)


def welcome_message(student: Student, *, today: date, policy: Policy,
                    settings: Settings) -> Outgoing | None:
    """Rule 5: the student's one welcome e-mail, listing their deadlines; None when the
    address may not be written to."""
    if not is_mailable(student) or not student.reminders_enabled:
        return None
    milestones: list[MilestoneInfo] = []
    case = student.current_case
    if case is not None and _case_wants_reminders(case):
        milestones = _milestone_infos(case, evaluate_case(case, today))
    rendered = render_welcome(_recipient(student, settings), milestones, today, policy,
                              settings)
    return _outgoing(welcome_key(student.id), "welcome", student, student.language, rendered)


def enqueue_welcome(session: Session, student: Student, *, today: date, policy: Policy,
                    settings: Settings) -> OutboxMessage | None:
    """`welcome_message` put in the outbox. Returns the new outbox row, or None when it
    exists already or the address may not be written to.

    The daily run sends the welcomes it finds missing; the web layer may call this right
    after a student confirms their address, then `deliver_messages([row.id])`."""
    if existing_keys(session, [welcome_key(student.id)]):
        return None
    mail = welcome_message(student, today=today, policy=policy, settings=settings)
    if mail is None:
        return None
    created = enqueue_many(session, settings.mail_from, [mail])
    return session.get(OutboxMessage, created[mail.key]) if mail.key in created else None


def _end_batch(session: Session, commit: bool) -> None:
    if commit:
        session.commit()
    else:
        session.flush()
    # Memory stays flat however many students there are.
    session.expunge_all()


def plan_reminders(session: Session, *, today: date, policy: Policy, settings: Settings,
                   batch_size: int = BATCH_SIZE, commit: bool = False) -> PlanReport:
    """Plan the day's e-mails (rules 1–5 and 7). With `commit`, each batch is committed as it
    is done (the scheduler); without, the caller decides (a dry run rolls back)."""
    session.info[SESSION_INFO_KEY] = policy
    report = PlanReport()
    report.refreshed_cases = refresh_stale_cases(session, today)
    report.armed_cases = ensure_armed(session, today, policy, batch_size)
    if commit:
        _lock_planner(session)
    report.cancelled += _cancel_unwanted_due(session, today)
    _end_batch(session, commit)

    last_student = 0
    while True:
        if commit:
            _lock_planner(session)
        student_ids = _due_student_ids(session, today, last_student, batch_size)
        if not student_ids:
            break
        last_student = student_ids[-1]
        due_rows = session.scalars(
            select(Reminder).where(Reminder.student_id.in_(student_ids),
                                   Reminder.state == "pending", Reminder.message_id.is_(None),
                                   Reminder.due_on <= today)
        ).all()
        case_ids = {r.case_id for r in due_rows}
        cases = {c.id: c for c in session.scalars(
            select(Case).where(Case.id.in_(case_ids))
            .options(joinedload(Case.student), joinedload(Case.title))
        ).unique()}
        recorded = {
            (row.case_id, row.milestone_kind, row.milestone_date): row.newest
            for row in session.execute(
                select(Reminder.case_id, Reminder.milestone_kind, Reminder.milestone_date,
                       func.max(Reminder.due_on).label("newest"))
                .where(Reminder.case_id.in_(case_ids),
                       or_(Reminder.state == "sent", Reminder.message_id.is_not(None)))
                .group_by(Reminder.case_id, Reminder.milestone_kind, Reminder.milestone_date)
            )
        }
        by_student: dict[int, list[Reminder]] = defaultdict(list)
        for r in due_rows:
            by_student[r.student_id].append(r)
        existing = existing_keys(session, [reminder_message_key(sid, today)
                                           for sid in by_student])
        batch = _Batch()
        for student_id in student_ids:
            due = by_student.get(student_id, [])
            if not due:
                continue
            student = cases[due[0].case_id].student
            student_cases = {r.case_id: cases[r.case_id] for r in due}
            _plan_student(session, student, due, student_cases, recorded, today, policy,
                          settings, report, batch, existing)
        _store_batch(session, batch, settings, report)
        _end_batch(session, commit)

    # A student registered today may get their welcome and a reminder e-mail the same day.
    # Kept on purpose: rule 4 bounds reminder e-mails (one a day), rule 5 makes the welcome a
    # message of its own; folding would need one e-mail to be both X-Tracker-Kind welcome and
    # reminder (DESIGN 6 headers), and the reminder rows it covers to follow a welcome's
    # delivery (rule 7). The welcome is a list; the reminder says what to do now.
    _plan_welcomes(session, today, policy, settings, report, batch_size, commit)
    return report


# --------------------------------------------------------------------------------------------
# The office digest (rule 8)


def _previous_digest(session: Session, today: date) -> tuple[date, datetime] | None:
    row = session.execute(
        select(OutboxMessage.key, OutboxMessage.created_at)
        .where(OutboxMessage.kind == "digest", OutboxMessage.key < digest_key(today))
        .order_by(OutboxMessage.key.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return date.fromisoformat(row.key.split(":", 1)[1]), row.created_at


def _line(student: Student, detail: str) -> DigestLine:
    return DigestLine(student.student_number or f"#{student.id}", student.full_name, detail)


def collect_digest(session: Session, today: date, lang: str = DIGEST_LANGUAGE) -> DigestData:
    """What the office is told on `today`: what happened since the previous digest (a delta,
    whatever the number of days in between), or, for the very first digest, everything still
    relevant (an office that turns the digest on, or a first run after an outage, must not
    miss what fell before yesterday); plus the standing totals of cases still at risk."""
    previous = _previous_digest(session, today)
    since_day = previous[0] if previous else None
    since_at = previous[1] if previous else None
    data = DigestData(since=since_day)

    def name(kind: str) -> str:
        return gettext(f"milestone.{kind}", lang)

    open_case = and_(Case.is_current.is_(True), Case.is_open.is_(True),
                     Case.needs_action.is_(True))
    # Rule 8: +1 reminders of hard deadlines put in the outbox since the previous digest (by
    # the time their e-mail was planned, not their due day: after an outage, or for a student
    # who confirmed late, a +1 reminder due weeks ago goes out today).
    overdue = (
        select(Reminder, Student).join(Student, Student.id == Reminder.student_id)
        .join(OutboxMessage, OutboxMessage.id == Reminder.message_id)
        .where(Reminder.offset_days == 1, Reminder.milestone_kind.in_(HARD_DEADLINE_KINDS),
               Reminder.state.in_(("pending", "sent", "failed")), Reminder.due_on <= today)
        .order_by(Reminder.milestone_date, Student.id)
    )
    if since_at is not None:
        overdue = overdue.where(OutboxMessage.created_at > since_at)
    rows = session.execute(overdue).all()
    data.counts["overdue"] = len(rows)
    data.overdue_reminders = [
        _line(s, f"{name(r.milestone_kind)} ({format_day(r.milestone_date, lang)})")
        for r, s in rows[:DIGEST_LINES]
    ]
    for label, column in (("missed", Case.deadline_on), ("fee", Case.fee_threshold_on)):
        # R7's threshold exists for renewals only (fee_threshold_on is NULL otherwise, e.g. a
        # VLS-TS still to validate: RULES ambiguity 3, no late fee is known for it).
        at_risk = and_(open_case, column < today)
        data.standing[label] = int(session.scalar(
            select(func.count()).select_from(Case).where(at_risk)) or 0)
        query = (
            select(Case, Student).join(Student, Student.id == Case.student_id)
            .where(at_risk).order_by(column, Student.id)
        )
        if since_day is not None:
            query = query.where(column >= since_day)
        found = session.execute(query).all()
        data.counts[label] = len(found)
        lines = [
            _line(s, f"{gettext('procedure.' + c.procedure, lang)}, "
                     f"{format_day(getattr(c, column.key), lang)}")
            for c, s in found[:DIGEST_LINES]
        ]
        if label == "missed":
            data.missed_deadlines = lines
        else:
            data.fee_threshold = lines
    failed_query = (
        select(OutboxMessage, Student).outerjoin(Student, Student.id == OutboxMessage.student_id)
        .where(OutboxMessage.state == "failed", OutboxMessage.kind != "digest")
        .order_by(OutboxMessage.id)
    )
    if since_at is not None:
        failed_query = failed_query.where(OutboxMessage.next_attempt_at > since_at)
    failed = session.execute(failed_query).all()
    data.counts["failed"] = len(failed)
    data.failed = [
        DigestLine(s.student_number or f"#{s.id}" if s else "-", s.full_name if s else "",
                   f"{m.to_address}: {(m.last_error or '')[:200]}")
        for m, s in failed[:DIGEST_LINES]
    ]
    return data


def plan_digest(session: Session, *, today: date, policy: Policy,
                settings: Settings) -> int | None:
    """Put today's digest in the outbox when there is something to say; its id or None."""
    if not settings.office_email:
        return None
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == digest_key(today))):
        return None
    data = collect_digest(session, today)
    if data.empty:
        return None
    rendered = render_digest(data, today, DIGEST_LANGUAGE, policy, settings)
    message, created = enqueue(
        session, key=digest_key(today), kind="digest", sender=settings.mail_from,
        to_address=settings.office_email, language=DIGEST_LANGUAGE, subject=rendered.subject,
        text=rendered.text, html=rendered.html,
    )
    return message.id if created else None


# --------------------------------------------------------------------------------------------
# One cycle (what the scheduler and `tracker reminders run` do)


def deliver_all_due(runtime: Runtime) -> DeliveryReport:
    total = DeliveryReport()
    while True:
        report = deliver_due(runtime, limit=5000)
        total.add(report)
        if report.claimed == 0 or report.sent + report.failed == 0:
            return total


def run_cycle(runtime: Runtime, *, today: date, dry_run: bool = False,
              now: datetime | None = None) -> CycleReport:
    """The daily cycle, the one the scheduler runs and `tracker reminders run` runs (DESIGN
    3): plan, deliver, digest, then data retention (self-registrations left unconfirmed for
    7 days are deleted; `now`, naive UTC, defaults to the clock: retention counts real time,
    not the planning day). With `dry_run`, plan in a transaction that is rolled back: nothing
    is sent, recorded or deleted, and the counts say what would be planned."""
    settings, policy = runtime.settings, runtime.policy
    if dry_run:
        session = runtime.sessions()
        try:
            plan = plan_reminders(session, today=today, policy=policy, settings=settings)
        finally:
            session.rollback()
            session.close()
        return CycleReport(planned=plan.planned, skipped=plan.skipped, plan=plan)
    with runtime.session() as session:
        plan = plan_reminders(session, today=today, policy=policy, settings=settings,
                              commit=True)
    delivery = deliver_all_due(runtime)
    with runtime.session() as session:
        digest_id = plan_digest(session, today=today, policy=policy, settings=settings)
    report = CycleReport(planned=plan.planned, sent=delivery.sent, skipped=plan.skipped,
                         failed=delivery.failed, plan=plan, delivery=delivery,
                         digest_id=digest_id)
    if digest_id is not None:
        digest = deliver_messages(runtime, [digest_id])
        delivery.add(digest)
        report.planned += 1
        report.sent += digest.sent
        report.failed += digest.failed
    with runtime.session() as session:
        report.purged = purge_unconfirmed(session, now or utcnow())
    if report.purged:
        log.info("deleted %s unconfirmed registrations older than 7 days", report.purged)
    log.info("reminder cycle for %s: %s", today, report.summary())
    return report


# --------------------------------------------------------------------------------------------
# Preview


def preview(session: Session, student: Student, *, today: date, days: int,
            policy: Policy) -> list[PreviewItem]:
    """The reminders that will go out from today to today + days, if the student's facts do
    not change: due ones not sent yet (only the latest per milestone, today), then the
    scheduled ones, day by day."""
    if not student.reminders_enabled or student.address_suppressed:
        return []
    case = student.current_case
    if case is None or not _case_wants_reminders(case):
        return []
    wanted = desired_reminders(case, evaluate_case(case, today), policy, student.registered_on)
    recorded = set(session.scalars(
        select(Reminder.key).where(Reminder.case_id == case.id, or_(
            Reminder.state != "pending", Reminder.message_id.is_not(None)))
    ))
    horizon = today + timedelta(days=days)
    latest_due: dict[str, tuple[str, date, int, date]] = {}
    items: list[PreviewItem] = []
    for key, (kind, when, offset, due) in wanted.items():
        if key in recorded or due > horizon:
            continue
        if due <= today:
            best = latest_due.get(kind)
            if best is None or due > best[3]:
                latest_due[kind] = (kind, when, offset, due)
        else:
            items.append(PreviewItem(due, kind, when, offset, kind in HARD_DEADLINE_KINDS))
    items += [PreviewItem(today, kind, when, offset, kind in HARD_DEADLINE_KINDS)
              for kind, when, offset, _due in latest_due.values()]
    return sorted(items, key=lambda i: (i.send_on, i.milestone_date, i.kind))


def reminder_states(session: Session, student_id: int) -> dict[str, int]:
    """Counts per state, for tests and the office's case page."""
    rows = session.execute(
        select(Reminder.state).where(Reminder.student_id == student_id)
    ).scalars()
    counts: dict[str, int] = defaultdict(int)
    for state in rows:
        counts[state] += 1
    return dict(counts)


__all__ = [
    "CycleReport", "PlanReport", "PreviewItem", "arm_case", "arm_cases", "collect_digest",
    "desired_reminders", "enqueue_welcome", "ensure_armed", "plan_digest", "plan_reminders",
    "preview", "run_cycle",
]
