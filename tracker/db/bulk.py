"""Inserting many rows of one table at once, as fast as each backend allows.

The CSV import writes students, titles and cases, and arming writes about eight reminders per
case: 100,000 students are about a million rows. SQLAlchemy's executemany spends more time
preparing each row's parameters (a Python call per value) than the database spends storing it,
so this module goes one level down, in the session's own connection and transaction:
- SQLite: the sqlite3 module's executemany (a loop in C), with the values converted by the
  columns' own SQLAlchemy bind processors, memoised per distinct value (dates repeat a lot);
- PostgreSQL: COPY (psycopg's executemany sends one statement per row, and a multi-row INSERT
  makes the server parse a huge query string); rows that may clash with existing ones go
  through a temporary table and one INSERT … SELECT … ON CONFLICT DO NOTHING.
The caller reads the new ids back by key when it needs them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Column, Table
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    import psycopg

# SQLite's page cache for a large import, in KiB (PRAGMA cache_size takes negative KiB). The
# default 2 MB holds a small part of the indexes of a million reminders; each page that misses
# is a system call: a 50,000-row import went from 26 s user + 5 s system to 21 s + 1 s.
_IMPORT_CACHE_KIB = 128 * 1024


@contextmanager
def large_cache(session: Session) -> Iterator[None]:
    """A bigger SQLite page cache while the block runs, then the connection's own again (the
    pooled connection outlives the import). Nothing to do on PostgreSQL."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(before or 0)}")


def bulk_insert(session: Session, table: Table, rows: Sequence[dict[str, Any]], *,
                skip_conflicts_on: str | None = None) -> None:
    """Insert `rows` (all with the same keys) into `table`; columns left out take their
    Python-side defaults, as an ORM insert would set them. With `skip_conflicts_on` (a unique
    column), a row whose value is already there is left out (ON CONFLICT DO NOTHING)."""
    if not rows:
        return
    names = list(rows[0])
    # The columns' Python-side defaults (timestamps, flags), computed once for the batch
    # (an ORM flush of one batch would also give them nearly the same instant).
    defaults = {
        column.name: _default_value(column)
        for column in table.columns
        if column.name not in names and column.default is not None and not column.primary_key
    }
    columns = [table.columns[name] for name in [*names, *defaults]]
    extra = list(defaults.values())
    values = [[row[name] for name in names] + extra for row in rows]
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        _copy(connection, table, columns, values, skip_conflicts_on)
    else:
        _executemany(connection, table, columns, values, skip_conflicts_on)


def _default_value(column: Column[Any]) -> Any:
    default = column.default
    assert default is not None
    # SQLAlchemy wraps a callable default to take the execution context; ours ignore it.
    # `arg` is on the ScalarElementColumnDefault/CallableColumnDefault subclasses, which the
    # stubs type `Column.default` as the common base of.
    return default.arg(None) if default.is_callable else default.arg  # type: ignore[attr-defined]


def _quoted(connection: Connection, names: Sequence[str]) -> str:
    quote = connection.dialect.identifier_preparer.quote
    return ", ".join(quote(name) for name in names)


def _memoised(processor: Callable[[Any], Any]) -> Callable[[Any], Any]:
    cache: dict[Any, Any] = {}

    def process(value: Any) -> Any:
        try:
            return cache[value]
        except KeyError:
            cache[value] = result = processor(value)
            return result
        except TypeError:  # unhashable (a JSON document): convert it each time
            return processor(value)

    return process


def _executemany(connection: Connection, table: Table, columns: list[Column[Any]],
                 values: list[list[Any]], skip_conflicts_on: str | None) -> None:
    dialect = connection.dialect
    converters = [
        (index, _memoised(processor))
        for index, column in enumerate(columns)
        if (processor := column.type.dialect_impl(dialect).bind_processor(dialect)) is not None
    ]
    for row in values:
        for index, convert in converters:
            if row[index] is not None:
                row[index] = convert(row[index])
    names = [column.name for column in columns]
    statement = "INSERT INTO {} ({}) VALUES ({})".format(
        dialect.identifier_preparer.format_table(table), _quoted(connection, names),
        ", ".join("?" * len(names)))
    if skip_conflicts_on:
        statement += f" ON CONFLICT ({_quoted(connection, [skip_conflicts_on])}) DO NOTHING"
    raw = connection.connection.dbapi_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        cursor.executemany(statement, values)
    finally:
        cursor.close()


def _copy(connection: Connection, table: Table, columns: list[Column[Any]],
          values: list[list[Any]], skip_conflicts_on: str | None) -> None:
    preparer = connection.dialect.identifier_preparer
    names = _quoted(connection, [column.name for column in columns])
    target = preparer.format_table(table)
    if skip_conflicts_on:
        # COPY cannot skip a clash: copy into a private table, then insert what is new.
        staging = preparer.quote(f"bulk_{table.name}")
        connection.exec_driver_sql(
            f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
            f"SELECT {names} FROM {target} WITH NO DATA")
        destination = staging
    else:
        destination = target
    # On PostgreSQL the driver connection is psycopg's (DBAPIConnection has no COPY).
    raw = cast("psycopg.Connection[Any] | None", connection.connection.dbapi_connection)
    assert raw is not None
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY {destination} ({names}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
        if skip_conflicts_on:
            cursor.execute(
                f"INSERT INTO {target} ({names}) SELECT {names} FROM {destination} "
                f"ON CONFLICT ({preparer.quote(skip_conflicts_on)}) DO NOTHING")
            cursor.execute(f"DROP TABLE {destination}")


def release_objects(session: Session, keep: AbstractSet[object]) -> None:
    """Keep memory flat in long batch jobs: let go of what the session holds, except the
    objects whose identity keys are in `keep` (the caller's own)."""
    if not keep:
        session.expunge_all()  # Much faster than one by one (no cascade walk per object).
        return
    for state in session.identity_map.all_states():
        obj = state.obj()
        # Expunging a student takes its titles and cases along (cascade): skip those.
        if obj is not None and state.key not in keep and obj in session:
            session.expunge(obj)
