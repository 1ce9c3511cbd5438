"""`tracker scheduler`: the scheduler process (production: exactly one)."""

from __future__ import annotations

import logging

import click


@click.command("scheduler", help="Run the reminder scheduler (daily cycle and delivery "
               "retries) until interrupted.")
def scheduler_command() -> None:
    from tracker.cli.common import runtime
    from tracker.scheduler import run_scheduler

    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run_scheduler(runtime())


commands = [scheduler_command]
