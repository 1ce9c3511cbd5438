"""Delivering the outbox: claim rows atomically, send, record the outcome (DESIGN 6 rule 7).

A row goes pending → sending (claimed, with a lease) → sent | failed, or back to pending with a
later `next_attempt_at` after a temporary failure. Claims are atomic on both backends: on
PostgreSQL `FOR UPDATE SKIP LOCKED` hands each row to one process; on SQLite a conditional
UPDATE whose row count is checked. A row left in `sending` by a process that died is claimed
again once its lease has run out, so nothing is lost.

A live process never loses a row it is sending: a chunk of 50 messages on a slow server
(30 s per SMTP command) can take far longer than one lease, so the claimer renews the lease
of the rows it still holds whenever less than half of it is left, and before each message
checks that the row is still its own (a row it failed to renew in time may have been claimed
by another process: it is left to that one). One message's worst case, two attempts of
connect + commands at 30 s each, stays well under half a lease.

An error the transport did not foresee (a bug, an odd address) fails or defers that one
message with the error recorded; the rest of the chunk goes on.

Outcomes are written in small groups (RECORD_EVERY messages, or RECORD_SECONDS, whichever
comes first), one transaction and a few statements per group instead of one transaction per
message: writing each outcome alone cost as much as sending the message. The price is in the
crash window only: a process killed after sending but before writing leaves up to one group
in `sending`, sent again after the lease (at-least-once, as with a single message, which can
always be sent and not recorded). Nothing is lost either way.

Reminder rows follow their message: sent when it is sent, failed when it fails. A permanent
failure (SMTP 5xx) also marks the student's address suppressed: no further reminder is
planned for it and the office digest lists it.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, bindparam, or_, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import rowcount, session_scope
from tracker.mail.transport import MailSender, Transport, TransportError
from tracker.models import OutboxMessage, Reminder, Student, table_of, utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)
# Renewed at half-life (see the module docstring), so it only bounds how long the rows of a
# process that died wait before another process sends them.
LEASE = timedelta(minutes=20)
CLAIM_CHUNK = 50
# Outcomes are written in groups (see the module docstring): at most this many messages, or
# this many seconds after the first of them.
RECORD_EVERY = 10
RECORD_SECONDS = 2.0


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    claimed: int = 0
    failed_ids: list[int] = field(default_factory=list)

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.claimed += other.claimed
        self.failed_ids += other.failed_ids


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def backoff(attempts: int, rng: Callable[[], float] = random.random) -> timedelta:
    """Exponential (1, 2, 4 … minutes, capped at 6 hours) with ±25 % jitter, so that many
    messages deferred by one outage do not all come back in the same second."""
    base = min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)
    return base * (0.75 + 0.5 * rng())


@contextmanager
def _bookkeeping(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A transaction of delivery's own records (claims, leases, outcomes). On PostgreSQL it
    commits without waiting for its WAL record to reach the disk (synchronous_commit off,
    for this transaction only): waiting cost a disk flush per commit, tens of milliseconds
    on a busy disk, i.e. most of the time of a chunk. Other sessions see the commit at once,
    so claims and leases work as before; only a crash of PostgreSQL itself can forget the
    last such commits, and what it forgets is a claim or an outcome: the message is sent
    again after its lease, never lost (SQLite's WAL with synchronous=NORMAL, tracker.db,
    makes the same trade for every commit)."""
    with session_scope(sessions) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SET LOCAL synchronous_commit TO OFF"))
        yield session


def _claimable(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(OutboxMessage.state == "pending", OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.state == "sending", OutboxMessage.lease_until < now),
    )


def claim(session: Session, *, now: datetime, worker: str, limit: int,
          ids: list[int] | None = None) -> list[int]:
    """Claim up to `limit` due rows for `worker`; the caller commits. Returns the claimed ids."""
    lease_until = now + LEASE
    query = select(OutboxMessage.id).where(_claimable(now))
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    query = query.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)
    values = {"state": "sending", "lease_until": lease_until, "claimed_by": worker,
              "attempts": OutboxMessage.attempts + 1}
    if session.get_bind().dialect.name == "postgresql":
        locked = query.with_for_update(skip_locked=True)
        rows = session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(locked.scalar_subquery()))
            .values(**values).returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        )
        return sorted(rows.scalars())
    candidates = list(session.scalars(query))
    if not candidates:
        return []
    # Conditional UPDATE: of two processes that saw a row, only one changes it. One row per
    # parameter set (executemany, a primary-key lookup each): with `id IN (...)` beside the
    # state condition, SQLite's planner walks the state index instead.
    table = table_of(OutboxMessage)
    session.connection().execute(
        update(table).where(table.c.id == bindparam("b_id"), _claimable(now)).values(**values),
        [{"b_id": candidate} for candidate in candidates])
    # Which ones this UPDATE took: SQLite holds the write lock from the UPDATE to the
    # commit, so no other claimer came in between, and a candidate was claimable, so it did
    # not carry this worker's new lease before.
    return [row.id for row in session.execute(
        select(table.c.id, table.c.state, table.c.claimed_by, table.c.lease_until)
        .where(table.c.id.in_(candidates)).order_by(table.c.id)
    ) if row.state == "sending" and row.claimed_by == worker
        and row.lease_until == lease_until]


def _finish(session: Session, message_id: int, worker: str, **values: object) -> bool:
    """Record an outcome, only if the row is still ours (a row whose lease ran out may have
    been claimed again)."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.state == "sending",
               OutboxMessage.claimed_by == worker)
        .values(**values).execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1


def _reminders_follow(session: Session, message_id: int, state: str) -> None:
    session.execute(
        update(Reminder).where(Reminder.message_id == message_id, Reminder.state == "pending")
        .values(state=state, updated_at=utcnow()).execution_options(synchronize_session=False)
    )


def _renew(session: Session, ids: list[int], worker: str, lease_until: datetime) -> set[int]:
    """Extend the lease of the rows still ours among `ids`; return those ids."""
    ours = and_(OutboxMessage.id.in_(ids), OutboxMessage.state == "sending",
                OutboxMessage.claimed_by == worker)
    session.execute(update(OutboxMessage).where(ours).values(lease_until=lease_until)
                    .execution_options(synchronize_session=False))
    return set(session.scalars(select(OutboxMessage.id).where(ours)))


@dataclass
class _Outcome:
    message_id: int
    error: TransportError | None
    attempts: int
    student_id: int | None
    at: datetime


class _Outcomes:
    """Outcomes sent but not yet written: written together, every RECORD_EVERY messages or
    RECORD_SECONDS, before a lease renewal and at the end of the chunk (see the module
    docstring)."""

    def __init__(self, sessions: sessionmaker[Session], worker: str,
                 report: DeliveryReport) -> None:
        self.sessions, self.worker, self.report = sessions, worker, report
        self.waiting: list[_Outcome] = []
        self.since = 0.0

    def add(self, outcome: _Outcome) -> None:
        if not self.waiting:
            self.since = time.monotonic()
        self.waiting.append(outcome)
        if len(self.waiting) >= RECORD_EVERY or time.monotonic() - self.since > RECORD_SECONDS:
            self.flush()

    def flush(self) -> None:
        waiting, self.waiting = self.waiting, []
        if not waiting:
            return
        with _bookkeeping(self.sessions) as session:
            _record_sent(session, self.worker, [o for o in waiting if o.error is None],
                         self.report)
            for outcome in waiting:
                if outcome.error is not None:
                    _record_error(session, self.worker, outcome, outcome.error, self.report)


def _send_claimed(sessions: sessionmaker[Session], transport: Transport, mail_from: str,
                  ids: list[int], worker: str, report: DeliveryReport, *,
                  lease_until: datetime, now: datetime | None = None) -> None:
    connection_down: TransportError | None = None
    with session_scope(sessions) as session:
        rows = session.execute(
            select(OutboxMessage.id, OutboxMessage.to_address, OutboxMessage.raw,
                   OutboxMessage.key, OutboxMessage.attempts, OutboxMessage.student_id)
            .where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)
        ).all()
    ours = {row.id for row in rows}
    outcomes = _Outcomes(sessions, worker, report)
    for index, (message_id, to, raw, name, attempts, student_id) in enumerate(rows):
        clock = now or utcnow()
        if connection_down is None and lease_until - clock < LEASE / 2:
            # What went out is written first: the renewal covers only the rows still to send.
            outcomes.flush()
            lease_until = clock + LEASE
            with _bookkeeping(sessions) as session:
                ours = _renew(session, [r.id for r in rows[index:]], worker, lease_until)
        if message_id not in ours:
            # Our lease ran out before we renewed it: another process may hold the row now.
            log.warning("message %s left to another deliverer (lease lost)", message_id)
            continue
        now_sent = utcnow()
        error: TransportError | None = connection_down
        if error is None:
            try:
                transport.send(sender=mail_from, recipient=to, raw=raw, name=name)
            except TransportError as exc:
                error = exc
                if exc.connection_lost:
                    # The server is unreachable: defer the rest of this chunk without trying
                    # each one (they keep their attempt count fair below).
                    connection_down = exc
            except Exception as exc:  # one message must not stop the chunk
                log.exception("message %s: unexpected error while sending", message_id)
                # Retried (a passing fault) until MAX_ATTEMPTS, then failed; never a reason
                # to suppress the student's address.
                error = TransportError(f"unexpected error: {type(exc).__name__}: {exc}",
                                       permanent=False)
        outcomes.add(_Outcome(message_id, error, attempts, student_id, now_sent))
    outcomes.flush()


def _record_sent(session: Session, worker: str, sent: list[_Outcome],
                 report: DeliveryReport) -> None:
    """Mark sent with three statements whatever their number: an executemany UPDATE (each
    row keeps its own sent_at), which of them were still ours, then their reminders."""
    if not sent:
        return
    table = table_of(OutboxMessage)
    session.connection().execute(
        update(table).where(table.c.id == bindparam("b_id"), table.c.state == "sending",
                            table.c.claimed_by == worker)
        .values(state="sent", sent_at=bindparam("b_at"), lease_until=None, last_error=None),
        [{"b_id": o.message_id, "b_at": o.at} for o in sent])
    # A row whose lease we lost was claimed by another worker, whose id it now carries. (By
    # primary key alone, filtered here: see `claim` about SQLite's planner.)
    recorded = [row.id for row in session.execute(
        select(OutboxMessage.id, OutboxMessage.state, OutboxMessage.claimed_by)
        .where(OutboxMessage.id.in_([o.message_id for o in sent]))
    ) if row.state == "sent" and row.claimed_by == worker]
    if recorded:
        # One equality per message (executemany), not `message_id IN (...)`: for the IN list
        # SQLite's planner picks the (state, due_on) index and walks every pending reminder.
        reminders = table_of(Reminder)
        session.connection().execute(
            update(reminders).where(reminders.c.message_id == bindparam("b_id"),
                                    reminders.c.state == "pending")
            .values(state="sent", updated_at=utcnow()),
            [{"b_id": message_id} for message_id in recorded])
    report.sent += len(recorded)


def _record_error(session: Session, worker: str, outcome: _Outcome, error: TransportError,
                  report: DeliveryReport) -> None:
    message_id, now = outcome.message_id, outcome.at
    if error.permanent or outcome.attempts >= MAX_ATTEMPTS:
        if _finish(session, message_id, worker, state="failed", lease_until=None,
                   next_attempt_at=now, last_error=str(error)[:2000]):
            _reminders_follow(session, message_id, "failed")
            if error.permanent and outcome.student_id is not None:
                session.execute(
                    update(Student).where(Student.id == outcome.student_id)
                    .values(address_suppressed=True)
                    .execution_options(synchronize_session=False)
                )
            report.failed += 1
            report.failed_ids.append(message_id)
            log.warning("message %s failed: %s", message_id, error)
    else:
        retry_at = now + backoff(outcome.attempts)
        if _finish(session, message_id, worker, state="pending", lease_until=None,
                   next_attempt_at=retry_at, last_error=str(error)[:2000]):
            report.retried += 1
            log.info("message %s deferred until %s: %s", message_id, retry_at, error)


def _deliver(sessions: sessionmaker[Session], sender: MailSender, *, now: datetime | None,
             limit: int, ids: list[int] | None) -> DeliveryReport:
    report = DeliveryReport()
    worker = worker_id()
    with sender.open_transport() as transport:
        while report.claimed < limit:
            claimed_at = now or utcnow()
            with _bookkeeping(sessions) as session:
                claimed = claim(session, now=claimed_at, worker=worker,
                                limit=min(CLAIM_CHUNK, limit - report.claimed), ids=ids)
            if not claimed:
                break
            report.claimed += len(claimed)
            before = report.retried
            _send_claimed(sessions, transport, sender.mail_from, claimed, worker, report,
                          lease_until=claimed_at + LEASE, now=now)
            if report.retried - before == len(claimed):
                # Nothing in this chunk went out (the server is down): stop, the retry job
                # comes back after the backoff.
                break
    return report


def deliver_due(sessions: sessionmaker[Session], sender: MailSender, *,
                now: datetime | None = None, limit: int = 500) -> DeliveryReport:
    """Send up to `limit` messages that are due at `now` (default: the clock, naive UTC)."""
    return _deliver(sessions, sender, now=now, limit=limit, ids=None)


def deliver_messages(sessions: sessionmaker[Session], sender: MailSender,
                     ids: list[int]) -> DeliveryReport:
    """Send these messages now if they are due (the web layer calls this right after it
    committed a verification or sign-in e-mail). A failure is left to the retry job."""
    if not ids:
        return DeliveryReport()
    return _deliver(sessions, sender, now=None, limit=len(ids), ids=list(ids))
