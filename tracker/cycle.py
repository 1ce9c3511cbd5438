"""The daily cycle, in several transactions: what the scheduler and `tracker reminders run`
do (DESIGN 3). The one module that strings the features together: refresh stale cases, plan,
deliver, digest, then data retention."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from tracker.cases.sync import refresh_stale_cases
from tracker.mail.delivery import DeliveryReport, deliver_due, deliver_messages
from tracker.mail.transport import MailSender
from tracker.models import utcnow
from tracker.reminders.digest import plan_digest
from tracker.reminders.planning import PlanReport, plan_reminders
from tracker.runtime import Runtime
from tracker.students.registration import purge_unconfirmed

log = logging.getLogger(__name__)


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



def deliver_all_due(sessions: sessionmaker[Session], sender: MailSender) -> DeliveryReport:
    """Deliver until nothing due is left or nothing goes out (the relay is down)."""
    total = DeliveryReport()
    while True:
        report = deliver_due(sessions, sender, limit=5000)
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
            refreshed = refresh_stale_cases(session, today)
            plan = plan_reminders(session, today=today, policy=policy, settings=settings)
        finally:
            session.rollback()
            session.close()
        plan.refreshed_cases = refreshed
        return CycleReport(planned=plan.planned, skipped=plan.skipped, plan=plan)
    with runtime.session() as session:
        # Open cases whose next milestone has passed move on (flags, urgency) before the
        # digest reads them.
        refreshed = refresh_stale_cases(session, today)
    with runtime.session() as session:
        plan = plan_reminders(session, today=today, policy=policy, settings=settings,
                              commit=True)
    plan.refreshed_cases = refreshed
    delivery = deliver_all_due(runtime.sessions, runtime.sender)
    with runtime.session() as session:
        digest_id = plan_digest(session, today=today, policy=policy, settings=settings)
    report = CycleReport(planned=plan.planned, sent=delivery.sent, skipped=plan.skipped,
                         failed=delivery.failed, plan=plan, delivery=delivery,
                         digest_id=digest_id)
    if digest_id is not None:
        digest = deliver_messages(runtime.sessions, runtime.sender, [digest_id])
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


