"""Students, their residence titles and the cases (procedures) of those titles."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, utcnow


class Student(Base):
    __tablename__ = "students"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Unique when present; a student registering themselves may not know it yet.
    student_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    family_name: Mapped[str] = mapped_column(String(200), default="")
    given_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(320))
    # Lower-cased address: one student per mailbox whatever the case typed.
    email_key: Mapped[str] = mapped_column(String(320), unique=True)
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    nationality: Mapped[str | None] = mapped_column(String(2), index=True)
    department: Mapped[str | None] = mapped_column(String(3), index=True)
    language: Mapped[str] = mapped_column(String(2), default="fr", index=True)
    concours_result: Mapped[str | None] = mapped_column(String(8))
    consent_at: Mapped[datetime | None] = mapped_column(DateTime)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    reminders_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    address_suppressed: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    left_france_on: Mapped[date | None] = mapped_column(Date)
    # DESIGN 6 rule 2: reminders are due only from the registration date on.
    registered_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16), default="import")
    # Lower-case, accent-free "family given number email" for the office's search. Indexed so
    # that a substring search scans the narrow index instead of the table.
    search_text: Mapped[str] = mapped_column(Text, default="", index=True)
    # Secret of the private calendar feed; rotating it revokes old subscriptions.
    calendar_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    titles: Mapped[list[ResidenceTitle]] = relationship(
        back_populates="student", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ResidenceTitle.id",
    )
    cases: Mapped[list[Case]] = relationship(
        back_populates="student", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Case.id",
    )

    @property
    def current_title(self) -> ResidenceTitle | None:
        return next((t for t in reversed(self.titles) if t.is_current), None)

    @property
    def current_case(self) -> Case | None:
        return next((c for c in reversed(self.cases) if c.is_current), None)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name.upper()}".strip()


class ResidenceTitle(Base):
    __tablename__ = "residence_titles"
    __table_args__ = (Index("ix_residence_titles_student_current", "student_id", "is_current"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    title_type: Mapped[str] = mapped_column(String(24))
    valid_from: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    entry_date: Mapped[date | None] = mapped_column(Date)
    # A student keeps a history of titles; the latest one is current.
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    student: Mapped[Student] = relationship(back_populates="titles")


class Case(Base):
    """The procedure in progress for one title (RULES R10 pipeline), with the rules' dates
    stored so that the worklist sorts and filters in SQL without evaluating rules per row."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_open_next", "is_open", "next_milestone_date"),
        # The worklist's default order (urgency, next milestone, id) over the open current
        # cases, read in index order so the first page stops after its rows.
        Index("ix_cases_worklist", "is_current", "is_open", "urgency_rank",
              "next_milestone_date", "id"),
        Index("ix_cases_student_current", "student_id", "is_current"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    title_id: Mapped[int] = mapped_column(ForeignKey("residence_titles.id", ondelete="CASCADE"))
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    procedure: Mapped[str] = mapped_column(String(24), index=True)
    status: Mapped[str] = mapped_column(String(16), default="todo", index=True)
    # Steps (R1 validation and the R10 pipeline), each with its date.
    validated_on: Mapped[date | None] = mapped_column(Date)
    submitted_on: Mapped[date | None] = mapped_column(Date)
    prolongation_attestation_on: Mapped[date | None] = mapped_column(Date)
    adf_received_on: Mapped[date | None] = mapped_column(Date)
    card_collected_on: Mapped[date | None] = mapped_column(Date)
    refused_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    # Derived by tracker.cases.sync.sync_case from the rules; never edited directly.
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    needs_action: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    next_milestone_kind: Mapped[str | None] = mapped_column(String(40))
    next_milestone_date: Mapped[date | None] = mapped_column(Date)
    deadline_on: Mapped[date | None] = mapped_column(Date, index=True)
    fee_threshold_on: Mapped[date | None] = mapped_column(Date, index=True)
    window_opens_on: Mapped[date | None] = mapped_column(Date)
    # Comma-framed (",a,b,") so that one flag is found with LIKE '%,a,%'.
    flags: Mapped[str] = mapped_column(String(400), default="")
    # The day the derived columns were computed for: the daily run refreshes the stale ones.
    synced_for: Mapped[date | None] = mapped_column(Date)
    # The urgency as its index in rules.urgency.URGENCIES, computed on urgency_for and holding
    # until urgency_until (NULL: for good). The worklist re-ranks a case outside that range
    # before it sorts and counts on the rank (office.ranking.refresh_urgency).
    urgency_rank: Mapped[int | None] = mapped_column(SmallInteger)
    urgency_for: Mapped[date | None] = mapped_column(Date, index=True)
    urgency_until: Mapped[date | None] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    student: Mapped[Student] = relationship(back_populates="cases")
    title: Mapped[ResidenceTitle] = relationship()

    @property
    def flag_list(self) -> list[str]:
        return [f for f in self.flags.split(",") if f]


class CaseNote(Base):
    """The office's private notes on a student."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
