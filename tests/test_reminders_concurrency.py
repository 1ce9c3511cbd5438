"""Two planners and two deliverers at once on PostgreSQL over thousands of students: every
message exists once, every one is delivered once, nothing is lost."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select

from tests.conftest import POSTGRES_URL
from tests.fixtures_reminders import mail_runtime, mail_settings, smtp_server  # noqa: F401
from tests.fixtures_smtp import SmtpServer
from tracker.cases.sync import sync_case
from tracker.mail.delivery import deliver_due
from tracker.models import Case, OutboxMessage, Reminder, ResidenceTitle, Student
from tracker.reminders.planning import plan_reminders
from tracker.runtime import Runtime

# Enough work for both planners and both deliverers to take several batches each (batches of
# 100 below), started together by a barrier: 800 students give 8 planning batches and about
# 9 delivery claims of 100 (welcomes and the due reminders).
STUDENTS = 800
BATCH = 100
REGISTERED = date(2026, 9, 1)
TODAY = date(2026, 9, 20)

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="PostgreSQL tests run when TRACKER_TEST_POSTGRES_URL is set (.ci/run sets it)",
)


def create_students(runtime: Runtime, count: int) -> None:
    """Bulk rows, then sync_case (which arms the reminders) for each case."""
    with runtime.session() as session:
        session.execute(insert(Student), [
            {"student_number": f"3{n:07d}", "email": f"c{n}@example.org",
             "email_key": f"c{n}@example.org", "given_name": f"G{n}", "family_name": f"F{n}",
             "language": "fr" if n % 2 else "en", "department": "14",
             "registered_on": REGISTERED, "source": "import", "calendar_token": f"t{n}",
             "reminders_enabled": True, "address_suppressed": False, "search_text": ""}
            for n in range(count)
        ])
        ids = session.scalars(select(Student.id).order_by(Student.id)).all()
        # Expiry spread over 40 days: on TODAY some are at the window (0), some at -30 of the
        # fee-free deadline, many have nothing due (only a welcome).
        session.execute(insert(ResidenceTitle), [
            {"student_id": sid, "title_type": "student-card", "valid_from": date(2026, 1, 1),
             "expires_on": date(2027, 1, 1) + timedelta(days=n % 40), "is_current": True}
            for n, sid in enumerate(ids)
        ])
        titles = dict(session.execute(select(ResidenceTitle.student_id, ResidenceTitle.id)).all())
        session.execute(insert(Case), [
            {"student_id": sid, "title_id": titles[sid], "is_current": True,
             "procedure": "renewal", "status": "todo"} for sid in ids
        ])
    with runtime.session() as session:
        for case in session.scalars(select(Case)):
            sync_case(session, case, REGISTERED)


def in_threads(*targets: Callable[[], Any]) -> list[Any]:
    results: list[Any] = [None] * len(targets)
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(targets))

    def run(i: int, target: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = target()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not errors, errors
    return results


@pytest.mark.parametrize("backend", ["postgres"])
def test_two_planners_two_deliverers(mail_runtime: Runtime,  # noqa: F811
                                     smtp_server: SmtpServer) -> None:  # noqa: F811
    create_students(mail_runtime, STUDENTS)

    def planner() -> Any:
        with mail_runtime.session() as session:
            return plan_reminders(session, today=TODAY, policy=mail_runtime.policy,
                                  settings=mail_runtime.settings, commit=True, batch_size=BATCH)

    plans = in_threads(planner, planner)
    with mail_runtime.session() as session:
        keys = session.scalars(select(OutboxMessage.key)).all()
        due_reminders = session.scalars(select(Reminder).where(Reminder.due_on <= TODAY)).all()
    welcomes = [k for k in keys if k.startswith("welcome:")]
    reminders = [k for k in keys if k.startswith("reminder:")]
    assert len(welcomes) == STUDENTS
    # Every student with a due reminder has exactly one e-mail for the day (rule 4) and
    # every due reminder is either covered by it or recorded as superseded (rule 3).
    students_due = {r.student_id for r in due_reminders}
    assert len(reminders) == len(students_due) > 0
    assert all(r.state == "skipped" or r.message_id is not None for r in due_reminders)
    assert sum(p.planned for p in plans) == len(keys)  # each message planned by exactly one
    assert sum(p.skipped for p in plans) == sum(1 for r in due_reminders if r.state == "skipped")

    def deliverer() -> Any:
        total = 0
        while True:
            report = deliver_due(mail_runtime.sessions, mail_runtime.sender, limit=BATCH)
            total += report.sent
            if report.claimed == 0:
                return total

    sent = in_threads(deliverer, deliverer)
    assert sum(sent) == len(keys)
    assert all(count > 0 for count in sent)  # both worked
    received = Counter(m["Message-ID"] for m in smtp_server.messages)
    assert len(received) == len(keys)  # zero losses
    assert max(received.values()) == 1  # zero duplicates
    with mail_runtime.session() as session:
        assert set(session.scalars(select(OutboxMessage.state))) == {"sent"}
        stored = set(session.scalars(select(OutboxMessage.message_id)))
    assert stored == set(received)
