"""The pure rules engine (RULES.md R1–R11).

Nothing in this package imports Flask or SQLAlchemy: it maps plain facts and `today` (a
Europe/Paris date) to milestones, flags and urgency, so it can be tested without a database.
"""

from tracker.rules.dates import add_days, add_months, add_years, eighteenth_birthday
from tracker.rules.milestones import (
    HARD_DEADLINE_KINDS,
    MILESTONE_KINDS,
    CaseFacts,
    Evaluation,
    Milestone,
    NextMilestone,
    evaluate,
)
from tracker.rules.titles import (
    ALGERIAN_FORBIDDEN_TITLES,
    CASE_STATUSES,
    CLOSED_STATUSES,
    PROCEDURES,
    RENEWABLE_TITLES,
    TITLE_TYPES,
    TitleType,
)
from tracker.rules.urgency import URGENCIES, Urgency, urgency_of

__all__ = [
    "ALGERIAN_FORBIDDEN_TITLES",
    "CASE_STATUSES",
    "CLOSED_STATUSES",
    "HARD_DEADLINE_KINDS",
    "MILESTONE_KINDS",
    "PROCEDURES",
    "RENEWABLE_TITLES",
    "TITLE_TYPES",
    "URGENCIES",
    "CaseFacts",
    "Evaluation",
    "Milestone",
    "NextMilestone",
    "TitleType",
    "Urgency",
    "add_days",
    "add_months",
    "add_years",
    "eighteenth_birthday",
    "evaluate",
    "urgency_of",
]
