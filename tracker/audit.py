"""The audit trail: one call per meaningful action, in the same transaction as the action."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tracker.models import AuditEntry


def record_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    student_id: int | None = None,
    actor_label: str = "",
    **details: Any,
) -> AuditEntry:
    """`details` must not hold personal data: the entry outlives a student's deletion."""
    entry = AuditEntry(
        actor=actor, actor_label=actor_label, action=action, student_id=student_id,
        details=details,
    )
    session.add(entry)
    return entry
