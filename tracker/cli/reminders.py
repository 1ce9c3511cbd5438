"""`tracker reminders run|preview` (DESIGN section 3)."""

from __future__ import annotations

from datetime import date

import click
from sqlalchemy import select

from tracker.cli.common import resolve_today, runtime, today_option
from tracker.cycle import run_cycle
from tracker.models import Student, utcnow
from tracker.reminders.keys import is_mailable
from tracker.reminders.preview import preview


@click.group("reminders", help="Reminder e-mails: run a cycle, preview a student's.")
def reminders_group() -> None:
    pass


@reminders_group.command("run", help="One full cycle (plan, deliver, digest) as the scheduler "
                         "runs it. Prints: planned N, sent N, skipped N, failed N (e-mails "
                         "planned, sent and failed; reminders skipped as superseded).")
@today_option
@click.option("--dry-run", is_flag=True, help="Plan only: send and record nothing.")
def run(today: date | None, dry_run: bool) -> None:
    from tracker.scheduler import record_run

    day = resolve_today(today)
    rt = runtime()
    started = utcnow()
    report = run_cycle(rt, today=day, dry_run=dry_run)
    if not dry_run:
        record_run(rt, started=started, report=report, today=day)
    click.echo(report.summary())


@reminders_group.command("preview", help="The reminders that will go out for STUDENT_NUMBER.")
@click.argument("student_number")
@today_option
@click.option("--days", type=click.IntRange(1, 3660), default=120, show_default=True,
              help="How many days ahead.")
def preview_command(student_number: str, today: date | None, days: int) -> None:
    day = resolve_today(today)
    rt = runtime()
    with rt.session() as session:
        student = session.scalars(
            select(Student).where(Student.student_number == student_number.strip())
        ).first()
        if student is None:
            raise click.ClickException(f"no student with number {student_number!r}")
        if not student.reminders_enabled:
            click.echo("reminders are stopped for this student (unsubscribed)")
        elif student.address_suppressed:
            click.echo(f"the address {student.email} is suppressed (a delivery failed for good)")
        elif not is_mailable(student):
            click.echo("the student has not confirmed their address yet: nothing is sent "
                       "until they do")
        items = preview(session, student, today=day, days=days, policy=rt.policy)
        if not items:
            click.echo(f"no reminder in the next {days} days")
        for item in items:
            hard = "  (hard deadline)" if item.hard else ""
            click.echo(f"{item.send_on.isoformat()}  {item.header}{hard}")


commands = [reminders_group]
