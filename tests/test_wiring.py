"""Nothing registers behaviour by being imported: a fresh interpreter that imports only what it
calls (no runtime, no web app, no reminder module) still re-arms a changed case's reminders,
because the case sync calls the arming function itself (DESIGN 6 rule 6)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy.orm import Session

from tracker.db import make_engine, make_session_factory, policy_of
from tracker.models import Reminder
from tracker.rules.policy import DEFAULT_POLICY

PROGRAM = """
import sys
from datetime import date
from sqlalchemy import func, select
from tracker.db import make_engine, make_session_factory, session_scope
from tracker.models import Reminder
from tracker.rules.policy import DEFAULT_POLICY
from tracker.rules.titles import TitleType
from tracker.students.changes import apply_record
from tracker.students.records import StudentRecord

sessions = make_session_factory(make_engine(sys.argv[1]), DEFAULT_POLICY)
record = StudentRecord(student_number="42", email="ada@example.org", given_name="Ada",
                       title_type=TitleType.STUDENT_CARD, title_valid_from=date(2026, 9, 1),
                       title_expires_on=date(2027, 8, 31))
with session_scope(sessions) as session:
    apply_record(session, record, today=date(2026, 9, 1), source="import")
with session_scope(sessions) as session:
    print(session.scalar(select(func.count()).select_from(Reminder)))
loaded = sorted(name for name in sys.modules if name.startswith("tracker."))
print(" ".join(loaded))
"""


def test_a_new_case_is_armed_by_a_program_that_imports_no_reminder_module(
    database_url: str,
) -> None:
    result = subprocess.run([sys.executable, "-c", PROGRAM, database_url], capture_output=True,
                            text=True, check=True, timeout=120)
    count, modules = result.stdout.splitlines()
    assert int(count) == len(DEFAULT_POLICY.offsets["renewal_window_opens"]) + sum(
        len(DEFAULT_POLICY.offsets.get(kind, ())) for kind in
        ("renewal_fee_free_until", "title_expires", "anef_access_ends"))
    # The arming module came in as an import of the case sync, not by registration: the web
    # app, the runtime and the scheduler were never loaded.
    assert "tracker.reminders.arming" in modules.split()
    assert not {"tracker.runtime", "tracker.web", "tracker.scheduler", "tracker.cycle"} & set(
        modules.split())


def test_a_session_made_elsewhere_has_no_policy(database_url: str) -> None:
    """Arming with a policy nobody chose would be silent: a bare session refuses."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as bare, pytest.raises(TypeError, match="make_session_factory"):
            policy_of(bare)
        made = make_session_factory(engine, DEFAULT_POLICY)()
        assert policy_of(made) is DEFAULT_POLICY
        assert made.query(Reminder).count() == 0
        made.close()
    finally:
        engine.dispose()

