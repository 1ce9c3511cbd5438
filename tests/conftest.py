"""Shared fixtures: every integration test runs on a real SQLite file and, when
TRACKER_TEST_POSTGRES_URL is set (CI sets it), on a real PostgreSQL database of its own.

Each test gets a fresh, migrated database: the schema is built once per session by Alembic into
a template (a SQLite file that is copied; a PostgreSQL template database), so tests are isolated
and fast, and parallel runs (xdist, several developers) never share a database.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from tracker.cli.db import alembic_config
from tracker.runtime import Runtime, build_runtime
from tracker.settings import Settings, load_settings

# The fixture modules, registered once for the whole suite: pytest imports them as plugins
# before any test module, so their asserts are rewritten (a test module importing one first
# would get "Module already imported so cannot be rewritten"). tests.fixtures_office and
# tests.fixtures_csv are helpers that test modules import; fixtures_office defines an `app` of
# its own (the office app), which as a global plugin would clash with the public `app`.
pytest_plugins = [
    "tests.fixtures_smtp",
    "tests.fixtures_web",
    "tests.fixtures_public",
    "tests.fixtures_reminders",
]
pytest.register_assert_rewrite("tests.fixtures_office", "tests.fixtures_csv")

POSTGRES_URL = os.environ.get("TRACKER_TEST_POSTGRES_URL", "").strip()
BACKENDS = ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]


def _pg_url(database: str) -> str:
    url = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg", database=database)
    return url.render_as_string(hide_password=False)


def _pg_admin(statement: str) -> None:
    engine = create_engine(_pg_url(make_url(POSTGRES_URL).database or "postgres"),
                           isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    command.upgrade(alembic_config(f"sqlite:///{path}"), "head")
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    if not POSTGRES_URL:
        pytest.fail("PostgreSQL tests requested without TRACKER_TEST_POSTGRES_URL")
    name = f"tracker_tmpl_{uuid.uuid4().hex[:12]}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        command.upgrade(alembic_config(_pg_url(name)), "head")
        yield name
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    """A fresh database at the head revision, of the test's backend."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "tracker.sqlite3"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    template_name: str = request.getfixturevalue("postgres_template")
    name = f"tracker_t_{uuid.uuid4().hex[:12]}"
    _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
    try:
        yield _pg_url(name)
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def empty_database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, for migration tests."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    name = f"tracker_e_{uuid.uuid4().hex[:12]}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield _pg_url(name)
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def tracker_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    """Environment for running the real `tracker` command against the test database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(
        TRACKER_DATABASE_URL=database_url,
        TRACKER_INSTANCE_DIR=str(tmp_path / "instance"),
        TRACKER_SECRET_KEY="test-secret-key-0123456789",
        TRACKER_BASE_URL="http://tracker.test",
    )
    return env


@pytest.fixture
def settings(tracker_env: dict[str, str]) -> Settings:
    return load_settings(tracker_env)


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    rt = build_runtime(settings)
    yield rt
    rt.dispose()


@pytest.fixture
def session(runtime: Runtime) -> Iterator[Session]:
    session = runtime.sessions()
    yield session
    session.rollback()
    session.close()


def with_settings(settings: Settings, **changes: object) -> Settings:
    return replace(settings, **changes)  # type: ignore[arg-type]
