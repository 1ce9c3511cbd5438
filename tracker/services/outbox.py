"""Putting e-mails in the outbox: every message is a database row before it is sent.

`enqueue` is idempotent on its key: on both SQLite and PostgreSQL it is an
INSERT ... ON CONFLICT (key) DO NOTHING, so reruns and concurrent processes never create the
same message twice. Delivery (claiming rows, sending, retrying) is in tracker.services.delivery.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tracker.mail.message import (
    Attachment,
    build_message,
    header_safe,
    new_message_id,
    serialise,
)
from tracker.models import OutboxMessage, utcnow


def _insert_ignoring_duplicates(session: Session, values: dict[str, Any]) -> bool:
    """Insert one outbox row unless its key exists; True when this call inserted it."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # RETURNING, not rowcount: SQLAlchemy 2.1 reports rowcount -1 for this INSERT on psycopg,
    # which would make a duplicate look created.
    statement = insert(OutboxMessage).values(**values).on_conflict_do_nothing(
        index_elements=["key"]
    ).returning(OutboxMessage.id)
    return session.execute(statement).first() is not None


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
    message_id = new_message_id(sender)
    message = build_message(
        sender=sender, to=to_address, subject=subject, text=text, html=html,
        message_id=message_id, language=language, kind=kind, headers=headers,
        attachments=attachments,
    )
    now = utcnow()
    created = _insert_ignoring_duplicates(session, {
        "key": key, "kind": kind, "student_id": student_id,
        "to_address": header_safe(to_address), "language": language,
        "subject": header_safe(subject)[:300], "message_id": message_id,
        "raw": serialise(message), "state": "pending", "attempts": 0,
        "next_attempt_at": now, "created_at": now,
    })
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
    assert row is not None  # inserted now or by a concurrent process: it exists either way
    return row, created
