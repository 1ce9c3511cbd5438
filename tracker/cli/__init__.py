"""The `tracker` command (DESIGN section 3): a Flask CLI group.

Each module of this package defines `commands`, a list of click commands or groups; they are
found and added here, so areas add commands without editing this file.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from datetime import date

import click
from flask import Flask, current_app, has_app_context
from flask.cli import FlaskGroup, ScriptInfo
from sqlalchemy.exc import DBAPIError

from tracker import __version__
from tracker.runtime import Runtime
from tracker.settings import SettingsError

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
        for info in pkgutil.iter_modules(__path__):
            module = importlib.import_module(f"{__name__}.{info.name}")
            for command in getattr(module, "commands", []):
                self.add_command(command)


def runtime() -> Runtime:
    """The runtime of the app the command runs in (built on first use, from the settings)."""
    if has_app_context():
        return current_app.extensions["tracker"]
    info = click.get_current_context().ensure_object(ScriptInfo)
    return info.load_app().extensions["tracker"]


def load_app() -> Flask:
    info = click.get_current_context().ensure_object(ScriptInfo)
    return info.load_app()


def resolve_today(value: date | None) -> date:
    """`--today` when given, else today in the configured time zone (DESIGN 3)."""
    return value if value is not None else runtime().today()


class IsoDate(click.ParamType):
    """Dates on the command line are ISO YYYY-MM-DD."""

    name = "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date in the form YYYY-MM-DD", param, ctx)


ISO_DATE = IsoDate()
today_option = click.option(
    "--today", type=ISO_DATE, default=None,
    help="The day to compute for (default: today in TRACKER_TIMEZONE).",
)

cli = TrackerGroup()


def main() -> None:
    try:
        cli.main(prog_name="tracker")
    except SettingsError as exc:
        click.echo(f"tracker: configuration error: {exc}", err=True)
        sys.exit(2)
    except DBAPIError as exc:
        # The driver's first line says what is wrong ("connection refused", "no such table");
        # the statement and its parameters (students' data) are not echoed.
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        click.echo(f"tracker: the database cannot be used: {reason}. Check "
                   "TRACKER_DATABASE_URL, and run `tracker db upgrade` on a new database.",
                   err=True)
        sys.exit(EXIT_DATABASE)
