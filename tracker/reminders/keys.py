"""Keys of reminders and of the e-mails that carry them, and who may be written to.

Who is written to: an address we trust, i.e. confirmed by the student (`email_confirmed_at`)
or coming from the office's import (source "import"/"office"/"demo": the university's own
records). A self-registered student who has not confirmed gets nothing until they do; their
reminders stay pending and the latest ones go out after confirmation. Unsubscribed students
and suppressed addresses get no reminder (their due reminders are cancelled).
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date
from typing import Any
from urllib.parse import quote

from sqlalchemy import and_, or_

from tracker.models import Case, Student
from tracker.reminders.texts import MilestoneInfo, Recipient
from tracker.rules.milestones import Evaluation
from tracker.rules.policy import Policy
from tracker.settings import Settings
from tracker.tokens import make_token

log = logging.getLogger(__name__)

# Sources whose address comes from the university's records (see the module docstring).
TRUSTED_SOURCES: tuple[str, ...] = ("import", "office", "demo")
# --------------------------------------------------------------------------------------------
# Keys and small helpers


def reminder_key(case_id: int, kind: str, milestone_date: date, offset: int) -> str:
    return f"{case_id}:{kind}:{milestone_date.isoformat()}:{offset:+d}"


def reminder_message_key(student_id: int, today: date) -> str:
    return f"reminder:{student_id}:{today.isoformat()}"


def welcome_key(student_id: int) -> str:
    return f"welcome:{student_id}"


def digest_key(today: date) -> str:
    return f"digest:{today.isoformat()}"


def mailable() -> Any:
    """SQL condition: an address we may write to (see the module docstring)."""
    return and_(
        or_(Student.email_confirmed_at.is_not(None), Student.source.in_(TRUSTED_SOURCES)),
        Student.address_suppressed.is_(False),
    )


def is_mailable(student: Student) -> bool:
    return (student.email_confirmed_at is not None or student.source in TRUSTED_SOURCES) \
        and not student.address_suppressed


def policy_fingerprint(policy: Policy) -> str:
    """What arming depends on: a changed policy file re-arms every open case."""
    body = json.dumps({k: list(v) for k, v in sorted(policy.offsets.items())})
    return hashlib.sha256(body.encode()).hexdigest()[:16]


def milestone_infos(case: Case, evaluation: Evaluation) -> list[MilestoneInfo]:
    return [
        MilestoneInfo(case.id, m.kind, m.date, evaluation.procedure.value,
                      case.title.title_type, m.hard)
        for m in evaluation.milestones if not m.done
    ]


def recipient_of(student: Student, settings: Settings) -> Recipient:
    token = make_token(settings.secret_key, "unsubscribe", {"s": student.id})
    return Recipient(
        student_id=student.id, email=student.email, language=student.language,
        given_name=student.given_name, department=student.department,
        unsubscribe_url=f"{settings.base_url}/unsubscribe?token={quote(token)}",
    )


def case_wants_reminders(case: Case) -> bool:
    return case.is_current and case.is_open and case.needs_action


