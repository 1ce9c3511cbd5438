"""Putting e-mails in the outbox: every message is a database row before it is sent.

`enqueue` is idempotent on its key: on both SQLite and PostgreSQL it is an
INSERT ... ON CONFLICT (key) DO NOTHING, so reruns and concurrent processes never create the
same message twice. Delivery (claiming rows, sending, retrying) is in tracker.mail.delivery.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from tracker.mail.message import Attachment, header_safe, new_message_id, render_message
from tracker.models import OutboxMessage, table_of, utcnow


@dataclass(frozen=True)
class Outgoing:
    """One message to put in the outbox under `key` (see `enqueue_many`)."""

    key: str
    kind: str
    to_address: str
    language: str
    subject: str
    text: str
    html: str | None = None
    student_id: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    attachments: tuple[Attachment, ...] = ()


def _row(sender: str, item: Outgoing, now: datetime) -> dict[str, Any]:
    """The outbox row of `item`: the message is built and serialised once, here, and sent
    as stored (a retry re-sends the same bytes, with the same Message-ID)."""
    message_id = new_message_id(sender)
    raw = render_message(
        sender=sender, to=item.to_address, subject=item.subject, text=item.text,
        html=item.html, message_id=message_id, language=item.language, kind=item.kind,
        headers=item.headers, attachments=item.attachments,
    )
    return {
        "key": item.key, "kind": item.kind, "student_id": item.student_id,
        "to_address": header_safe(item.to_address), "language": item.language,
        "subject": header_safe(item.subject)[:300], "message_id": message_id,
        "raw": raw, "state": "pending", "attempts": 0,
        "next_attempt_at": now, "created_at": now,
    }


def _insert_statement(session: Session) -> ReturningInsert[int, str]:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # RETURNING, not rowcount: SQLAlchemy 2.1 reports rowcount -1 for this INSERT on psycopg,
    # which would make a duplicate look created. A key that exists returns no row.
    table = table_of(OutboxMessage)
    return insert(table).on_conflict_do_nothing(
        index_elements=["key"]
    ).returning(table.c.id, table.c.key)


def existing_keys(session: Session, keys: Iterable[str]) -> set[str]:
    """Which of `keys` are in the outbox already (so that their message is not built)."""
    wanted = list(keys)
    if not wanted:
        return set()
    return set(session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.in_(wanted))))


def enqueue_many(session: Session, sender: str, items: Sequence[Outgoing]) -> dict[str, int]:
    """Store many messages with one INSERT … ON CONFLICT (key) DO NOTHING (executemany);
    return key -> id of the rows this call created. A key that exists (an earlier run, a
    concurrent planner) keeps what was recorded first."""
    if not items:
        return {}
    now = utcnow()
    rows = [_row(sender, item, now) for item in items]
    result = session.connection().execute(_insert_statement(session), rows)
    return {key: message_id for message_id, key in result.all()}


def enqueue(
    session: Session,
    *,
    key: str,
    kind: str,
    sender: str,
    to_address: str,
    language: str,
    subject: str,
    text: str,
    html: str | None = None,
    student_id: int | None = None,
    headers: Iterable[tuple[str, str]] = (),
    attachments: Sequence[Attachment] = (),
) -> tuple[OutboxMessage, bool]:
    """Store a message under `key`; return (the row, whether this call created it).

    When the key exists the stored message is returned unchanged: what was recorded first is
    what goes out."""
    existing = session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
    if existing is not None:
        return existing, False
    created = enqueue_many(session, sender, [Outgoing(
        key=key, kind=kind, to_address=to_address, language=language, subject=subject,
        text=text, html=html, student_id=student_id, headers=tuple(headers),
        attachments=tuple(attachments),
    )])
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
    assert row is not None  # inserted now or by a concurrent process: it exists either way
    return row, key in created
