"""`tracker students import|export`: the CSV of DESIGN section 4."""

from __future__ import annotations

import sys
from datetime import date
from typing import BinaryIO, TextIO

import click

from tracker.cli.common import resolve_today, runtime, today_option


@click.group("students", help="Import and export students as CSV (DESIGN section 4).")
def students_group() -> None:
    pass


@students_group.command(
    "import",
    help="Import FILE (CSV, UTF-8, comma or semicolon), upserting by student_number. "
         "Exit status: 0 every row accepted, 1 some rows rejected, 2 file unreadable, "
         "3 database unusable.",
)
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Check and count, write nothing.")
@today_option
def import_command(file: BinaryIO, dry_run: bool, today: date | None) -> None:
    from tracker.students.csv_import import import_students_csv

    day = resolve_today(today)
    with runtime().session() as session:
        report = import_students_csv(session, file, today=day, dry_run=dry_run, actor="cli",
                                     read_in_child=True)
    # Leave the session block first: exiting inside it would roll the import back.
    if report.fatal is not None:
        click.echo(f"tracker: {file.name}: {report.fatal.message('en')} Nothing was imported.",
                   err=True)
        sys.exit(report.exit_status)
    for row in report.rejected:
        click.echo(row.describe("en"), err=True)
    click.echo(report.summary())
    if dry_run:
        click.echo("dry run: nothing was written")
    sys.exit(report.exit_status)


@students_group.command("export", help="Write every student to FILE ('-' for standard output) "
                                       "in the import's format.")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--include-unnumbered", is_flag=True,
              help="Also write self-registered students without a student number "
                   "(such rows do not re-import).")
def export_command(file: str, include_unnumbered: bool) -> None:
    from tracker.students.csv_export import export_students_csv

    def write(stream: TextIO) -> int:
        with runtime().session() as session:
            return export_students_csv(session, stream, include_unnumbered=include_unnumbered)

    if file == "-":
        count = write(sys.stdout)
        sys.stdout.flush()
    else:
        # newline="": the csv module writes its own line ends.
        with open(file, "w", encoding="utf-8", newline="") as stream:
            count = write(stream)
    click.echo(f"exported {count} students", err=file == "-")


commands = [students_group]
