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

from tracker.runtime import Runtime
from tracker.settings import SettingsError


def _create_app() -> object:
    from tracker.web import create_app

    return create_app()


class TrackerGroup(FlaskGroup):
    def __init__(self) -> None:
        super().__init__(
            name="tracker", create_app=_create_app, add_version_option=True,
            load_dotenv=False, set_debug_flag=False,
            help="Residence-permit deadlines for international students.",
        )
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
