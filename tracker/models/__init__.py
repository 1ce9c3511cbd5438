"""SQLAlchemy 2.x typed models. Importing this package registers every table on Base.metadata."""

from tracker.models.base import NAMING_CONVENTION, Base, table_of, utcnow
from tracker.models.mail import (
    MESSAGE_KINDS,
    MESSAGE_STATES,
    REMINDER_STATES,
    OutboxMessage,
    Reminder,
    SchedulerState,
    UsedToken,
)
from tracker.models.office import STAFF_ROLES, AuditEntry, StaffUser
from tracker.models.students import Case, CaseNote, ResidenceTitle, Student

__all__ = [
    "MESSAGE_KINDS",
    "MESSAGE_STATES",
    "NAMING_CONVENTION",
    "REMINDER_STATES",
    "STAFF_ROLES",
    "AuditEntry",
    "Base",
    "Case",
    "CaseNote",
    "OutboxMessage",
    "Reminder",
    "ResidenceTitle",
    "SchedulerState",
    "StaffUser",
    "Student",
    "UsedToken",
    "table_of",
    "utcnow",
]
