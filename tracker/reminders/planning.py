"""Planning the day's e-mails (DESIGN 6 rules 2, 3, 4, 5, 7).

The daily run reads only the pending rows with S <= today (the indexed `due_on` column),
student by student in bounded batches. Per (case, milestone) the latest due reminder goes out
and the older ones are recorded as skipped ("superseded"), so an outage of any length ends in
one e-mail. All of a student's reminders of the day go in one e-mail whose key is
`reminder:<student>:<day>`: a second run the same day, or a second planner, inserts nothing
(INSERT ... ON CONFLICT DO NOTHING, rule 7). Welcome (rule 5): one e-mail per student, key
`welcome:<student>`, listing the deadlines.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import String, and_, bindparam, cast, exists, func, literal, or_, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, joinedload, selectinload

from tracker.db import rowcount
from tracker.mail.outbox import Outgoing, enqueue_many, existing_keys
from tracker.models import (
    Case,
    OutboxMessage,
    Reminder,
    SchedulerState,
    Student,
    table_of,
    utcnow,
)
from tracker.models.evaluation import evaluate_case
from tracker.reminders.arming import BATCH_SIZE, cancel_reminders, ensure_armed
from tracker.reminders.emails import (
    CoveredReminder,
    Rendered,
    render_reminder,
    render_welcome,
)
from tracker.reminders.keys import (
    case_wants_reminders,
    is_mailable,
    mailable,
    milestone_infos,
    recipient_of,
    reminder_message_key,
    welcome_key,
)
from tracker.reminders.texts import MilestoneInfo
from tracker.rules.policy import Policy
from tracker.settings import Settings

log = logging.getLogger(__name__)

PLANNER_LOCK = "reminders.planner"
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
        total += rowcount(session.execute(
            update(Reminder).where(due, Reminder.student_id.in_(students))
            .values(state="cancelled", reason=reason, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        ))
    done_cases = select(Case.id).where(or_(Case.is_current.is_(False), Case.is_open.is_(False),
                                           Case.needs_action.is_(False)))
    total += rowcount(session.execute(
        update(Reminder).where(due, Reminder.case_id.in_(done_cases))
        .values(state="cancelled", reason="procedure_done", updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ))
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
             for cid, case in cases.items() for m in milestone_infos(case, evaluations[cid])}
    covered = [CoveredReminder(infos[(r.case_id, r.milestone_kind, r.milestone_date)],
                               r.offset_days) for r in latest]
    upcoming = sorted((m for m in infos.values() if m.date >= today), key=lambda m: m.date)
    recipient = recipient_of(student, settings)
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
    table = table_of(Reminder)
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
    if case is not None and case_wants_reminders(case):
        milestones = milestone_infos(case, evaluate_case(case, today))
    rendered = render_welcome(recipient_of(student, settings), milestones, today, policy,
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
    report = PlanReport()
    if commit:
        # Before arming: two planners starting together would otherwise both find the policy
        # unrecorded and both insert its row.
        _lock_planner(session)
    report.armed_cases = ensure_armed(session, today, policy, batch_size)
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


