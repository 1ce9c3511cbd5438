"""`tracker db upgrade|downgrade|current`: Alembic on the configured database."""

from __future__ import annotations

import click
from alembic import command
from alembic.config import Config

from tracker import resource_dir


def alembic_config(database_url: str) -> Config:
    """A configuration that works from a source checkout and from an installed wheel."""
    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    config.attributes["database_url"] = database_url
    return config


@click.group("db", help="Database schema migrations (Alembic).")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="Upgrade the database to REVISION (default: head).")
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    from tracker.cli.common import runtime

    command.upgrade(alembic_config(runtime().settings.database_url), revision)
    click.echo(f"database at {revision}")


@db_group.command("downgrade", help="Downgrade the database to REVISION (base: empty).")
@click.argument("revision")
def downgrade(revision: str) -> None:
    from tracker.cli.common import runtime

    command.downgrade(alembic_config(runtime().settings.database_url), revision)
    click.echo(f"database at {revision}")


@db_group.command("current", help="Show the database's current revision.")
def current() -> None:
    from tracker.cli.common import runtime

    command.current(alembic_config(runtime().settings.database_url))


commands = [db_group]
