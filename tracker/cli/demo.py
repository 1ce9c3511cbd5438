"""`tracker demo --students N`: synthetic, realistic students for trying tracker."""

from __future__ import annotations

import random
import sys
from datetime import date

import click

from tracker.cli.common import resolve_today, runtime, today_option


@click.command("demo", help="Create N synthetic students (demo numbers start with 9; "
                            "addresses at example.org). Running it again changes nothing.")
@click.option("--students", "count", type=click.IntRange(1, 10_000_000), required=True,
              help="How many students.")
@click.option("--seed", type=int, default=None,
              help="Random seed: the same seed and --today give the same students "
                   "(default: a new seed, printed).")
@today_option
def demo_command(count: int, seed: int | None, today: date | None) -> None:
    from tracker.students.demo import create_demo_students

    day = resolve_today(today)
    if seed is None:
        seed = random.SystemRandom().randrange(1_000_000)
    with runtime().session() as session:
        report = create_demo_students(session, count, seed=seed, today=day)
    for row in report.rejected:
        click.echo(row.describe("en"), err=True)
    click.echo(f"demo seed {seed}, today {day.isoformat()}: {report.summary()}")
    sys.exit(report.exit_status)


commands = [demo_command]
