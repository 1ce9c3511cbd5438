"""The scheduler process: wires the reminder services to time, nothing else.

APScheduler 3.x in the configured time zone: the daily cycle (plan, deliver, digest) at
TRACKER_REMINDER_TIME, and a delivery retry every minute. Jobs coalesce, never overlap
themselves, and run late rather than not at all (misfire grace of hours).

Only one scheduler may work at a time. A lease in `scheduler_state` (row "reminders": holder,
lease_until) is taken and renewed every minute; a second scheduler finds it held, logs that it
stays idle, and takes over if the first one stops renewing. The unique outbox keys and the
atomic claims make a double run harmless anyway; the lease makes it rare.

The web app factory never starts a scheduler: `tracker scheduler` does (production), and
`tracker dev` starts one in the background of its single process.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import uuid
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from tracker.cycle import CycleReport, run_cycle
from tracker.db import rowcount
from tracker.mail.delivery import deliver_due
from tracker.models import SchedulerState, utcnow
from tracker.runtime import Runtime

log = logging.getLogger(__name__)

LEASE_NAME = "reminders"
LEASE_TTL = timedelta(minutes=5)
MISFIRE_GRACE_SECONDS = 6 * 3600


class SchedulerLease:
    """The database lease that makes one scheduler active and the others idle."""

    def __init__(self, runtime: Runtime, holder: str | None = None,
                 ttl: timedelta = LEASE_TTL) -> None:
        self.runtime = runtime
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.ttl = ttl
        self._held: bool | None = None

    def acquire(self, now: datetime | None = None) -> bool:
        """Take or renew the lease; False when another live scheduler holds it."""
        now = now or utcnow()
        with self.runtime.session() as session:
            insert = (postgresql.insert if session.get_bind().dialect.name == "postgresql"
                      else sqlite.insert)
            session.execute(insert(SchedulerState).values(name=LEASE_NAME)
                            .on_conflict_do_nothing(index_elements=["name"]))
            taken = rowcount(session.execute(
                update(SchedulerState)
                .where(SchedulerState.name == LEASE_NAME, or_(
                    SchedulerState.holder.is_(None), SchedulerState.holder == self.holder,
                    SchedulerState.lease_until.is_(None), SchedulerState.lease_until < now))
                .values(holder=self.holder, lease_until=now + self.ttl)
                .execution_options(synchronize_session=False)
            )) == 1
            other = None if taken else session.execute(
                select(SchedulerState.holder, SchedulerState.lease_until)
                .where(SchedulerState.name == LEASE_NAME)).first()
        if taken != self._held:
            if taken:
                log.info("scheduler %s holds the lease and is active", self.holder)
            else:
                log.warning("another scheduler (%s, lease until %s UTC) is active; this one "
                            "(%s) stays idle", other.holder if other else "?",
                            other.lease_until if other else "?", self.holder)
        self._held = taken
        return taken

    def release(self) -> None:
        with self.runtime.session() as session:
            session.execute(
                update(SchedulerState)
                .where(SchedulerState.name == LEASE_NAME, SchedulerState.holder == self.holder)
                .values(holder=None, lease_until=None)
                .execution_options(synchronize_session=False)
            )
        self._held = False


def record_run(runtime: Runtime, *, started: datetime, report: CycleReport,
               today: Any) -> None:
    """Remember the last completed run (shown by /healthz)."""
    with runtime.session() as session:
        state = session.get(SchedulerState, LEASE_NAME)
        if state is None:
            state = SchedulerState(name=LEASE_NAME)
            session.add(state)
        state.last_run_started_at = started
        state.last_run_completed_at = utcnow()
        state.last_summary = report.as_json() | {"today": today.isoformat()}


def daily_job(runtime: Runtime, lease: SchedulerLease) -> CycleReport | None:
    if not lease.acquire():
        return None
    started = utcnow()
    today = runtime.today()
    # The cycle includes data retention (purging unconfirmed registrations), so that
    # `tracker reminders run` does exactly what this job does.
    report = run_cycle(runtime, today=today, now=started)
    record_run(runtime, started=started, report=report, today=today)
    log.info("daily reminders for %s: %s", today, report.summary())
    return report


def retry_job(runtime: Runtime, lease: SchedulerLease) -> None:
    if not lease.acquire():
        return
    report = deliver_due(runtime.sessions, runtime.sender)
    if report.claimed:
        log.info("delivery retry: sent %s, deferred %s, failed %s", report.sent,
                 report.retried, report.failed)


def missed_today(runtime: Runtime, now: datetime | None = None) -> bool:
    """Started after today's reminder time with no run recorded for today (a restart, a
    deployment): the in-memory job store cannot know, so we check the database."""
    local = now or datetime.now(runtime.settings.zone)
    if local.time() < runtime.settings.reminder_time:
        return False
    with runtime.session() as session:
        summary = session.scalar(select(SchedulerState.last_summary)
                                 .where(SchedulerState.name == LEASE_NAME))
    return (summary or {}).get("today") != local.date().isoformat()


def build_scheduler(runtime: Runtime, *, background: bool = False,
                    lease: SchedulerLease | None = None) -> BaseScheduler:
    lease = lease or SchedulerLease(runtime)
    zone = runtime.settings.zone
    at = runtime.settings.reminder_time
    defaults = {"coalesce": True, "max_instances": 1,
                "misfire_grace_time": MISFIRE_GRACE_SECONDS}
    scheduler: BaseScheduler = (BackgroundScheduler if background else BlockingScheduler)(
        timezone=zone, job_defaults=defaults)
    scheduler.add_job(daily_job, CronTrigger(hour=at.hour, minute=at.minute, timezone=zone),
                      args=[runtime, lease], id="reminders", name="daily reminder cycle")
    scheduler.add_job(retry_job, IntervalTrigger(minutes=1, timezone=zone),
                      args=[runtime, lease], id="delivery", name="delivery retry")
    if missed_today(runtime):
        scheduler.add_job(daily_job, args=[runtime, lease], id="catch-up",
                          name="today's missed reminder cycle")
    scheduler.tracker_lease = lease
    return scheduler


def run_scheduler(runtime: Runtime) -> None:
    """`tracker scheduler`: block until interrupted, then give the lease up."""
    scheduler = build_scheduler(runtime)
    lease: SchedulerLease = scheduler.tracker_lease
    lease.acquire()

    def _stop(_signum: int, _frame: Any) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _stop)
    log.info("scheduler started: daily cycle at %s %s, delivery retry every minute",
             runtime.settings.reminder_time.strftime("%H:%M"), runtime.settings.timezone)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        lease.release()


def start_background_scheduler(runtime: Runtime) -> BaseScheduler:
    """`tracker dev`: the same jobs in a thread of the web process."""
    scheduler = build_scheduler(runtime, background=True)
    scheduler.tracker_lease.acquire()
    scheduler.start()
    # One line per scheduler started, with its process: `tracker dev` must log exactly one
    # (a reloader would start a second process, hence a second line).
    log.info("background scheduler started in process %s", os.getpid())
    return scheduler
