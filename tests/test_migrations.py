"""Alembic migrations on both backends: empty → head → base → head, head equals the models, and
the same through the real `tracker db` command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from tracker.cli.db import alembic_config
from tracker.db import make_engine
from tracker.models import Base

TRACKER = str(Path(sys.executable).with_name("tracker"))


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def _head() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def _differences(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True}
            )
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_upgrade_from_empty_to_head_matches_the_models(empty_database_url: str) -> None:
    assert _tables(empty_database_url) == set()
    command.upgrade(alembic_config(empty_database_url), "head")
    assert _revision(empty_database_url) == _head()
    model_tables = set(Base.metadata.tables)
    assert _tables(empty_database_url) == model_tables | {"alembic_version"}
    assert _differences(empty_database_url) == []


def test_downgrade_to_base_leaves_no_table(empty_database_url: str) -> None:
    config = alembic_config(empty_database_url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    assert _tables(empty_database_url) <= {"alembic_version"}
    assert _revision(empty_database_url) is None
    # The comparison used above does see a schema that differs from the models.
    assert len(_differences(empty_database_url)) >= len(Base.metadata.tables)


def test_upgrade_downgrade_upgrade_round_trip(empty_database_url: str) -> None:
    config = alembic_config(empty_database_url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    command.upgrade(config, "head")
    assert _revision(empty_database_url) == _head()
    assert _differences(empty_database_url) == []


def test_every_revision_steps_down_and_up(empty_database_url: str) -> None:
    """Each migration's downgrade undoes exactly its upgrade, one step at a time."""
    config = alembic_config(empty_database_url)
    script = ScriptDirectory.from_config(config)
    revisions = [r.revision for r in script.walk_revisions("base", "heads")]
    command.upgrade(config, "head")
    for _ in revisions:
        command.downgrade(config, "-1")
    assert _tables(empty_database_url) <= {"alembic_version"}
    for _ in revisions:
        command.upgrade(config, "+1")
    assert _differences(empty_database_url) == []


def _tracker(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TRACKER, *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_tracker_db_commands(tracker_env: dict[str, str], empty_database_url: str) -> None:
    env = dict(tracker_env, TRACKER_DATABASE_URL=empty_database_url)
    assert os.access(TRACKER, os.X_OK)

    up = _tracker(env, "db", "upgrade")
    assert up.returncode == 0, up.stderr
    assert _tables(empty_database_url) == set(Base.metadata.tables) | {"alembic_version"}

    current = _tracker(env, "db", "current")
    assert current.returncode == 0, current.stderr
    assert _head() in current.stdout

    down = _tracker(env, "db", "downgrade", "base")
    assert down.returncode == 0, down.stderr
    assert _tables(empty_database_url) <= {"alembic_version"}
    assert _revision(empty_database_url) is None

    current = _tracker(env, "db", "current")
    assert current.returncode == 0, current.stderr
    assert _head() not in current.stdout

    again = _tracker(env, "db", "upgrade")
    assert again.returncode == 0, again.stderr
    assert _revision(empty_database_url) == _head()
