"""Data through the migrations that move it (the idea of SecureDrop's test_alembic.py): rows
loaded at the revision before, checked after the upgrade, and kept by the downgrade."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
from alembic import command
from sqlalchemy import Connection, Engine, create_engine, inspect, text

from tracker.cli.db import alembic_config
from tracker.rules.urgency import urgency_rank_and_change

NOW = datetime(2026, 12, 1, 8, 0)


@pytest.fixture
def engine(empty_database_url: str) -> Iterator[Engine]:
    engine = create_engine(empty_database_url)
    yield engine
    engine.dispose()


def _day(value: object) -> date | None:
    """A DATE read back by plain SQL: SQLite's driver gives the stored text."""
    return None if value is None else date.fromisoformat(str(value))


def _student_with_case(conn: Connection, n: int, **case: object) -> int:
    """One student, their title and their case, with the columns every revision has."""
    conn.execute(text(
        "INSERT INTO students (id, family_name, given_name, email, email_key, language, "
        "reminders_enabled, address_suppressed, registered_on, source, search_text, "
        "calendar_token, created_at, updated_at) VALUES (:n, 'Doe', 'Ada', :email, :email, "
        "'fr', :yes, :no, :registered, 'import', 'doe ada', :token, :now, :now)"),
        {"n": n, "email": f"ada{n}@example.org", "yes": True, "no": False,
         "registered": date(2026, 9, 1), "token": f"token-{n}", "now": NOW})
    conn.execute(text(
        "INSERT INTO residence_titles (id, student_id, title_type, expires_on, is_current, "
        "created_at) VALUES (:n, :n, 'student-card', :expires, :yes, :now)"),
        {"n": n, "expires": date(2027, 8, 31), "yes": True, "now": NOW})
    values = {"needs_action": True, "deadline_on": None, "fee_threshold_on": None,
              "window_opens_on": None, "synced_for": None} | case
    conn.execute(text(
        "INSERT INTO cases (id, student_id, title_id, is_current, procedure, status, is_open, "
        "needs_action, flags, deadline_on, fee_threshold_on, window_opens_on, synced_for, "
        "created_at, updated_at) VALUES (:n, :n, :n, :yes, 'renewal', 'todo', :yes, "
        ":needs_action, '', :deadline_on, :fee_threshold_on, :window_opens_on, :synced_for, "
        ":now, :now)"), {"n": n, "yes": True, "now": NOW, **values})
    return n


CASES = {
    1: {"deadline_on": date(2027, 8, 31), "fee_threshold_on": date(2027, 7, 2),
        "window_opens_on": date(2027, 5, 3), "synced_for": date(2026, 11, 20)},
    2: {"deadline_on": date(2026, 12, 5), "fee_threshold_on": date(2026, 10, 6),
        "window_opens_on": date(2026, 8, 7), "synced_for": date(2026, 11, 30)},
    3: {"needs_action": False, "deadline_on": date(2027, 1, 10), "synced_for": date(2026, 11, 1)},
    4: {"deadline_on": date(2027, 3, 1)},  # never synced: stays unranked
}


def test_0003_ranks_each_synced_case_as_the_case_sync_would(
    empty_database_url: str, engine: Engine
) -> None:
    config = alembic_config(empty_database_url)
    command.upgrade(config, "0002")
    with engine.begin() as conn:
        for n, case in CASES.items():
            _student_with_case(conn, n, **case)
    command.upgrade(config, "0003")
    with engine.begin() as conn:
        rows = {row.id: row for row in conn.execute(text(
            "SELECT id, urgency_rank, urgency_for, urgency_until FROM cases"))}
    for n, case in CASES.items():
        values = {"needs_action": True, "deadline_on": None, "fee_threshold_on": None,
                  "window_opens_on": None} | {k: v for k, v in case.items() if k != "synced_for"}
        synced_for = case.get("synced_for")
        if synced_for is None:
            assert (rows[n].urgency_rank, rows[n].urgency_for, rows[n].urgency_until) == (
                None, None, None)
            continue
        rank, until = urgency_rank_and_change(today=synced_for, **values)  # type: ignore[arg-type]
        stored = (rows[n].urgency_rank, _day(rows[n].urgency_for), _day(rows[n].urgency_until))
        assert stored == (rank, synced_for, until), n
    # The ranks differ across the cases: the backfill did not write one value everywhere.
    assert len({rows[n].urgency_rank for n in (1, 2, 3)}) == 3

    command.downgrade(config, "0002")
    with engine.begin() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("cases")}
        kept = conn.execute(text("SELECT id, deadline_on FROM cases ORDER BY id")).all()
    assert "urgency_rank" not in columns
    assert [(row.id, _day(row.deadline_on)) for row in kept] == [
        (n, CASES[n]["deadline_on"]) for n in sorted(CASES)]


def test_0004_keeps_every_reminder_and_its_student(
    empty_database_url: str, engine: Engine
) -> None:
    config = alembic_config(empty_database_url)
    command.upgrade(config, "0003")
    with engine.begin() as conn:
        for n in (1, 2):
            _student_with_case(conn, n, synced_for=date(2026, 11, 20))
            conn.execute(text(
                "INSERT INTO reminders (id, key, student_id, case_id, milestone_kind, "
                "milestone_date, offset_days, due_on, state, created_at, updated_at) VALUES "
                "(:n, :key, :n, :n, 'renewal_window_opens', :day, 0, :day, 'pending', :now, "
                ":now)"), {"n": n, "key": f"{n}:renewal_window_opens:2027-05-03:+0",
                          "day": date(2027, 5, 3), "now": NOW})

    def reminders() -> list[tuple[int, int, int]]:
        with engine.begin() as conn:
            return [tuple(row) for row in conn.execute(text(
                "SELECT id, student_id, case_id FROM reminders ORDER BY id"))]

    def reminder_keys() -> list[list[str]]:
        with engine.begin() as conn:
            return [fk["referred_table"] for fk in inspect(conn).get_foreign_keys("reminders")]

    assert "students" in reminder_keys()
    command.upgrade(config, "0004")
    assert reminders() == [(1, 1, 1), (2, 2, 2)]
    assert "students" not in reminder_keys() and "cases" in reminder_keys()
    # The case's cascade still takes the reminders with the student.
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        conn.execute(text("DELETE FROM students WHERE id = 2"))
    assert reminders() == [(1, 1, 1)]
    command.downgrade(config, "0003")
    assert reminders() == [(1, 1, 1)]
    assert "students" in reminder_keys()
