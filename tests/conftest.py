"""Shared fixtures: every integration test runs on a real SQLite file and, when
TRACKER_TEST_POSTGRES_URL is set (CI sets it), on a real PostgreSQL database of its own.

Each test gets a fresh, migrated, empty database: the schema is built once per session by
Alembic into a template. On SQLite each test gets a copy of the template file. On PostgreSQL
each worker (xdist) gets one database made from the template, and after every test it is
emptied again (every row deleted, every sequence restarted, every other connection to it
closed), or made again from the template if a test changed its schema: a CREATE DATABASE per
test cost about half a second, a reset costs a few milliseconds. Parallel runs (xdist, several
developers) never share a database.
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
from sqlalchemy.pool import NullPool

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


class _WorkerDatabase:
    """This worker's PostgreSQL database and how to give it back empty."""

    def __init__(self, template: str) -> None:
        self.template = template
        self.name = f"tracker_w_{uuid.uuid4().hex[:12]}"
        _pg_admin(f'CREATE DATABASE "{self.name}" TEMPLATE "{template}"')
        self.engine = create_engine(_pg_url(self.name), poolclass=NullPool)
        self.schema = self._schema()

    def _schema(self) -> tuple[object, ...]:
        with self.engine.connect() as conn:
            return tuple(conn.execute(text(_SCHEMA_QUERY)))

    def reset(self) -> None:
        """Close what the test left open, then empty every table (alembic_version kept) and
        restart the sequences; remake the database if the test changed the schema."""
        with self.engine.connect() as conn:
            conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
            conn.commit()
        try:
            unchanged = self._schema() == self.schema
        except Exception:  # a test dropped alembic_version or the schema itself
            unchanged = False
        if not unchanged:
            self.drop()
            _pg_admin(f'CREATE DATABASE "{self.name}" TEMPLATE "{self.template}"')
            return
        with self.engine.begin() as conn:
            tables = [name for (name,) in conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'"))]
            # Rows go in any order: the foreign-key triggers are off for this transaction.
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
            conn.execute(text(
                "SELECT setval(c.oid, s.seqstart, false) FROM pg_class c "
                "JOIN pg_sequence s ON s.seqrelid = c.oid WHERE c.relkind = 'S'"))

    def drop(self) -> None:
        self.engine.dispose()
        _pg_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


# Tables, columns, types, defaults, constraints and indexes of the public schema, plus the
# Alembic revision: what a reset must find unchanged to keep the database.
_SCHEMA_QUERY = """
SELECT 'c', table_name::text, column_name::text, data_type::text,
       coalesce(column_default, ''), is_nullable::text
  FROM information_schema.columns WHERE table_schema = 'public'
UNION ALL
SELECT 'k', conrelid::regclass::text, conname::text, pg_get_constraintdef(oid), '', ''
  FROM pg_constraint WHERE connamespace = 'public'::regnamespace
UNION ALL
SELECT 'i', tablename::text, indexname::text, indexdef, '', ''
  FROM pg_indexes WHERE schemaname = 'public'
UNION ALL
SELECT 'v', version_num::text, '', '', '', '' FROM alembic_version
ORDER BY 1, 2, 3, 4
"""


@pytest.fixture(scope="session")
def postgres_worker_database(postgres_template: str) -> Iterator[_WorkerDatabase]:
    database = _WorkerDatabase(postgres_template)
    try:
        yield database
    finally:
        database.drop()


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
    database: _WorkerDatabase = request.getfixturevalue("postgres_worker_database")
    try:
        yield _pg_url(database.name)
    finally:
        database.reset()


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


# Year-long day-by-day replays (marked `slow`) take most of a local run's time for what a
# change rarely touches: they are deselected (reported as such, not skipped) unless
# --run-slow is given or CI is set, so .ci/run always runs them.
def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", default=False,
                     help="also run the tests marked slow (CI runs them always)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow") or os.environ.get("CI"):
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]
