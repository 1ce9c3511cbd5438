"""What the command modules share: the runtime of the app a command runs in, `--today`."""

from __future__ import annotations

from datetime import date

import click
from flask import Flask, current_app, has_app_context
from flask.cli import ScriptInfo

from tracker.runtime import Runtime


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
