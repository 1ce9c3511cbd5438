"""The `tracker` command (DESIGN section 3): a Flask CLI group.

Each module of this package defines `commands`, a list of click commands or groups, and is
named in COMMAND_MODULES below: a new command module is added there, by hand, so that reading
this file tells every command there is. Their shared helpers are in `tracker.cli.common`.
"""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup
from sqlalchemy.exc import DBAPIError

from tracker import __version__
from tracker.cli import db, deadlines, demo, reminders, scheduler, serve, students, users
from tracker.settings import SettingsError

COMMAND_MODULES = (db, deadlines, demo, reminders, scheduler, serve, students, users)

# Exit statuses beyond the import's 0/1/2 (DESIGN 4): a scheduler or a cron job must tell "some
# rows were rejected" (1) from "nothing could be done" (3).
EXIT_DATABASE = 3


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    click.echo(f"tracker {__version__} (Python {sys.version.split()[0]})")
    ctx.exit()


def _create_app() -> Flask:
    from tracker.web import create_app

    return create_app()


class TrackerGroup(FlaskGroup):
    def __init__(self) -> None:
        super().__init__(
            name="tracker", create_app=_create_app, add_version_option=False,
            load_dotenv=False, set_debug_flag=False,
            help="Residence-permit deadlines for international students. Exit status 3: "
                 "the database cannot be used (unreachable, or not upgraded).",
        )
        # Flask's own --version prints Flask's and Werkzeug's versions, not ours.
        self.params.append(click.Option(
            ["--version"], is_flag=True, expose_value=False, is_eager=True,
            callback=_print_version, help="Show tracker's version and exit."))
        for module in COMMAND_MODULES:
            for command in module.commands:
                self.add_command(command)

    def invoke(self, ctx: click.Context) -> object:
        # Here rather than around `cli.main`, so that a command run in-process (Click's
        # CliRunner, the tests) ends with the same statuses and messages as the real command.
        try:
            return super().invoke(ctx)
        except SettingsError as exc:
            click.echo(f"tracker: configuration error: {exc}", err=True)
            ctx.exit(2)
        except DBAPIError as exc:
            # The driver's first line says what is wrong ("connection refused", "no such
            # table"); the statement and its parameters (students' data) are not echoed.
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            click.echo(f"tracker: the database cannot be used: {reason}. Check "
                       "TRACKER_DATABASE_URL, and run `tracker db upgrade` on a new database.",
                       err=True)
            ctx.exit(EXIT_DATABASE)


cli = TrackerGroup()


def main() -> None:
    cli.main(prog_name="tracker")
