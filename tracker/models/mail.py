"""The outbox: every e-mail is a row before it is sent (DESIGN 6 rule 7), and every reminder
has a unique key so that reruns and concurrent schedulers never send it twice."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, utcnow

MESSAGE_STATES: tuple[str, ...] = ("pending", "sending", "sent", "failed", "cancelled")
REMINDER_STATES: tuple[str, ...] = ("pending", "sent", "failed", "skipped", "cancelled")
MESSAGE_KINDS: tuple[str, ...] = ("welcome", "reminder", "digest", "verification", "access-link")


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_state_next", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Idempotency key, e.g. "reminder:<student>:<day>", "welcome:<student>", "digest:<day>".
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    student_id: Mapped[int | None] = mapped_column(
        ForeignKey("students.id", ondelete="SET NULL"), index=True
    )
    to_address: Mapped[str] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(300))
    # Message-ID header, created with the row so that a retry re-sends the same message.
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    # The whole message as built (RFC 5322 bytes as text), so it is viewable as sent.
    raw: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # A row in "sending" whose lease has run out was claimed by a process that died.
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class Reminder(Base):
    """One (case, milestone kind, milestone date, offset): DESIGN 6 rule 1."""

    __tablename__ = "reminders"
    __table_args__ = (
        Index("ix_reminders_student_state", "student_id", "state"),
        # The planner's due query: only the pending rows due by today (migration 0002).
        Index("ix_reminders_state_due", "state", "due_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    # The case's student, copied so that the planner walks reminders student by student
    # without joining cases. No foreign key of its own (migration 0004): the case's covers
    # it, and its per-row check was the dearest part of arming a bulk import.
    student_id: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    milestone_kind: Mapped[str] = mapped_column(String(40))
    milestone_date: Mapped[date] = mapped_column(Date)
    offset_days: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    state: Mapped[str] = mapped_column(String(12), default="pending")
    # Why skipped or cancelled: "superseded", "procedure_done", "unsubscribed", "date_changed"...
    reason: Mapped[str | None] = mapped_column(String(40))
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class UsedToken(Base):
    """Single-use links (confirmation, sign-in): a token's id is stored once used."""

    __tablename__ = "used_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(16))
    used_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SchedulerState(Base):
    """A lease so that a second scheduler stays idle, and the last completed run (/healthz)."""

    __tablename__ = "scheduler_state"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_run_started_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_run_completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
