"""Helpers for the CSV, deadlines and demo tests: run the `tracker` command (in-process, or as
the real process) and count what the database holds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.cli import cli
from tracker.models import Case, ResidenceTitle, Student
from tracker.students.records import CSV_COLUMNS

ROOT = Path(__file__).resolve().parent.parent


def run_tracker(env: dict[str, str], *args: str, input: bytes | None = None,
                ) -> subprocess.CompletedProcess[str]:
    """`tracker ARGS` run in this process by Click's CliRunner: the same group, options, exit
    statuses and messages as the real command, without starting Python again (about a second
    per call). `run_tracker_process` below runs the real process; each command keeps one test
    that uses it, for what only a process shows (the entry point, the output encoding)."""
    runner = CliRunner()
    # CliRunner sets these variables for the call and restores the old values afterwards; the
    # test environment holds every TRACKER_ variable the command reads.
    result = runner.invoke(cli, list(args), env=env, input=input, prog_name="tracker",
                           catch_exceptions=False)
    return subprocess.CompletedProcess(["tracker", *args], result.exit_code, result.stdout,
                                       result.stderr)


def run_tracker_process(env: dict[str, str], *args: str, input: bytes | None = None,
                        ) -> subprocess.CompletedProcess[str]:
    """`python -m tracker ARGS` as a user runs it (UTF-8 output, decoded)."""
    completed = subprocess.run(
        [sys.executable, "-m", "tracker", *args], env={**env, "PYTHONIOENCODING": "utf-8"},
        cwd=ROOT, input=input, capture_output=True, check=False, timeout=300,
    )
    return subprocess.CompletedProcess(
        completed.args, completed.returncode, completed.stdout.decode("utf-8"),
        completed.stderr.decode("utf-8"),
    )


def counts(session: Session) -> tuple[int, int, int]:
    """(students, titles, cases) in the database, read afresh."""
    session.expire_all()
    return (
        session.scalar(select(func.count()).select_from(Student)) or 0,
        session.scalar(select(func.count()).select_from(ResidenceTitle)) or 0,
        session.scalar(select(func.count()).select_from(Case)) or 0,
    )


def csv_text(rows: list[dict[str, str]], *, delimiter: str = ",",
             columns: tuple[str, ...] = CSV_COLUMNS) -> str:
    """A CSV file's text: header, then rows (missing columns empty). Values are written as
    given: tests put no delimiter or quote in them unless they quote it themselves."""
    lines = [delimiter.join(columns)]
    lines += [delimiter.join(row.get(c, "") for c in columns) for row in rows]
    return "\r\n".join(lines) + "\r\n"


def student_row(number: str, **values: str) -> dict[str, str]:
    """A valid row: a Moroccan student with a student card; override any column."""
    row = {
        "student_number": number,
        "family_name": "Benali",
        "given_name": "Amina",
        "email": f"student{number}@example.org",
        "date_of_birth": "2001-04-12",
        "nationality": "MA",
        "department": "14",
        "language": "fr",
        "title_type": "student-card",
        "title_valid_from": "2026-01-15",
        "title_expires_on": "2027-01-14",
        "entry_date": "2024-09-01",
    }
    row.update(values)
    return row
