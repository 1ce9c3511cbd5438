"""Declarative base with one naming convention for constraints, so Alembic migrations name
them the same way on SQLite and PostgreSQL and can drop them in downgrades."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """A model's Core table, for the Core INSERT/UPDATE statements. DeclarativeBase types
    `__table__` as a FromClause (a class may be mapped to any selectable); every model here is
    mapped to a Table."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def utcnow() -> datetime:
    """Timestamps are stored as naive UTC on both backends (SQLite keeps no time zone)."""
    return datetime.now(UTC).replace(tzinfo=None)
