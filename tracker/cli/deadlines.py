"""`tracker deadlines show`: each student's milestones (DESIGN section 5)."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

import click

from tracker.cli.common import resolve_today, runtime, today_option

_LINES_PER_WRITE = 500


@click.group("deadlines", help="Students' deadlines as the rules compute them.")
def deadlines_group() -> None:
    pass


def _table_line(entry: dict[str, Any]) -> str:
    upcoming = entry["next"]
    when = (f"{upcoming['kind']} {upcoming['date']} ({upcoming['days_left']:+d} d)"
            if upcoming else "-")
    line = (f"{entry['student_number'] or '-':<12} {entry['title_type'] or '-':<21} "
            f"{entry['procedure'] or '-':<18} {entry['status'] or '-':<13} {when:<48} "
            f"{','.join(entry['flags'])}")
    return line.rstrip()


@deadlines_group.command(
    "show",
    help="Show the deadlines of the students with these STUDENT_NUMBERs, or of every student "
         "with --all. With --json: JSON Lines, one object per student (DESIGN 5). "
         "Exit status 1 when a student number is unknown (the others are still shown).",
)
@click.argument("student_numbers", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every student, in the order of creation.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines (the stable format).")
@today_option
def show(student_numbers: tuple[str, ...], every: bool, as_json: bool,
         today: date | None) -> None:
    from tracker.cases.deadlines import all_deadlines, deadlines_for

    if not student_numbers and not every:
        raise click.UsageError("give STUDENT_NUMBER arguments or --all")
    if student_numbers and every:
        raise click.UsageError("give STUDENT_NUMBER arguments or --all, not both")
    day = resolve_today(today)
    out = sys.stdout
    missing: list[str] = []

    encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder, not one per line
    pending: list[str] = []

    def emit(entry: dict[str, Any]) -> None:
        # Written a few hundred lines at a time: one write per line cost more than the JSON.
        pending.append(encode(entry) if as_json else _table_line(entry))
        if len(pending) >= _LINES_PER_WRITE:
            flush()

    def flush() -> None:
        if pending:
            out.write("\n".join(pending) + "\n")
            pending.clear()

    if not as_json:
        out.write(f"{'number':<12} {'title':<21} {'procedure':<18} {'status':<13} "
                  f"{'next milestone (days left)':<48} flags\n")
    with runtime().session() as session:
        if every:
            for entry in all_deadlines(session, day):
                emit(entry)
        else:
            for number, found in deadlines_for(session, student_numbers, day):
                if found is None:
                    missing.append(number)
                    click.echo(f"tracker: no student with number {number}", err=True)
                else:
                    emit(found)
    flush()
    out.flush()
    if missing:
        sys.exit(1)


commands = [deadlines_group]
