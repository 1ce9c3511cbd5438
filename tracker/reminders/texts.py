"""What the student's e-mails and calendar events say about one milestone, in their language.

`describe` is the one answer to "what does tracker tell a student about this milestone on this
day": its name, when, what to do, what a delay costs, and where to file. The e-mails
(tracker.reminders.emails) and the calendars (tracker.reminders.calendar) both ask it, so the
words of a reminder and of its calendar event never disagree. Nothing here reads the database
or the clock: callers pass the milestone and `today`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from tracker.i18n import format_day as _format_day
from tracker.i18n import gettext, relative_day
from tracker.rules.milestones import HARD_DEADLINE_KINDS, renewal_fee_free_until
from tracker.rules.places import Place, place_for
from tracker.rules.policy import Policy
from tracker.rules.titles import Procedure, TitleType


@dataclass(frozen=True)
class MilestoneInfo:
    """One milestone of a student's case, as the e-mails need it."""

    case_id: int
    kind: str
    date: date
    procedure: str
    title_type: str
    hard: bool = False


@dataclass(frozen=True)
class Recipient:
    student_id: int
    email: str
    language: str
    given_name: str
    department: str | None
    # Signed one-click link (made by the service: this module knows no secrets).
    unsubscribe_url: str


def reminder_header(kind: str, milestone_date: date, offset: int) -> str:
    """The X-Tracker-Reminder value of DESIGN 6, also what `tracker reminders preview` shows:
    `renewal_fee_free_until 2027-03-02 -7` (offset signed, 0 unsigned)."""
    return f"{kind} {milestone_date.isoformat()} {f'{offset:+d}' if offset else '0'}"


# Babel formatting costs tens of microseconds a call and the same days recur across thousands
# of students in one run.
format_day = lru_cache(maxsize=8192)(_format_day)


def when_text(day: date, today: date, lang: str) -> str:
    form, count = relative_day((day - today).days)
    return gettext(f"mail.when.{form}", lang, days=count, date=format_day(day, lang))


def _title_variant(m: MilestoneInfo) -> str | None:
    """Which "title expires" text fits the title (RULES R4, R5, R2/R3 vs R6/R8): only a
    renewable title is renewed on ANEF, late with the R7/R8 late fee and six months of ANEF."""
    if m.kind != "title_expires":
        return None
    if m.procedure == "exam_failed":
        return "exam_failed"  # R5 failed: a study visa from the consulate, before the end
    if m.title_type == "visa-concours":
        return "concours"  # R5 passed or pending: the first application, not a renewal
    if m.title_type == "visa-minor" or m.procedure == "minor_at_18":
        return "minor"  # R4: the application at 18, not on ANEF
    if m.title_type == "visa-csa":
        return "visa"  # R2/R3: the first application on ANEF; no renewal fee applies
    return None


def place_of(m: MilestoneInfo, department: str | None, policy: Policy, today: date) -> Place:
    """tracker.rules.places's answer for this milestone (the same as on the student's page)."""
    return place_for(m.kind, Procedure(m.procedure), TitleType(m.title_type), policy,
                     policy.contacts_for(department), past=m.date < today)


def _where(place: Place, lang: str) -> str | None:
    if place.kind == "consulate":
        return None  # R5 failed: the consulate abroad, said in the text itself.
    if place.kind == "office":
        return gettext("mail.where.office", lang, office=place.email)
    if place.kind == "anef":
        return gettext("mail.where.anef", lang, url=place.url)
    if place.kind == "own_prefecture":
        # RULES: the student's own prefecture is competent; we do not know its address, so
        # neither Calvados's nor its Démarches Simplifiées procedure: the office helps.
        return gettext("mail.where.own_prefecture", lang, office=place.email)
    if place.kind == "demarches":
        return gettext("mail.where.ds", lang, prefecture=place.name, url=place.url)
    return gettext("mail.where.prefecture", lang, prefecture=place.name, email=place.email)


def _fee_free_date(m: MilestoneInfo) -> date:
    return renewal_fee_free_until(m.kind, m.date)


def _safe_date(m: MilestoneInfo, policy: Policy) -> date:
    """RULES ambiguity 2: E-60 is the last on-time day; advise filing a margin earlier."""
    return _fee_free_date(m) - timedelta(days=policy.renewal_safety_margin_days)


def _variant(prefix: str, m: MilestoneInfo, today: date) -> str:
    """The text key for a milestone. A milestone whose date is before the day of the e-mail
    has its own wording (`mail.todo_past.*`, `mail.late_past.*`): what it means now, never
    "do it by <a past date>"."""
    past = m.date < today
    key = f"{prefix}_past.{m.kind}" if past else f"{prefix}.{m.kind}"
    variant = _title_variant(m)
    if variant is not None:
        return f"{key}.{variant}"
    if past and m.kind == "renewal_window_opens" and _fee_free_date(m) < today:
        return f"{key}.fee_passed"  # sent late (an outage): the fee-free days are over too
    return key


# describe() results, by what they depend on. Thousands of students of one run share a few
# hundred (milestone, date, language, département) combinations; the policy is compared by
# identity (it is not hashable) and kept in the entry so that its id is not reused.
_DESCRIBED: dict[tuple[Any, ...], tuple[Policy, dict[str, Any]]] = {}
_DESCRIBED_MAX = 20_000


def describe(m: MilestoneInfo, lang: str, department: str | None, today: date,
             policy: Policy) -> dict[str, Any]:
    """Everything an e-mail or a calendar event shows about one milestone, in `lang`."""
    key = (m.kind, m.date, m.procedure, m.title_type, lang, department, today, id(policy))
    hit = _DESCRIBED.get(key)
    if hit is not None and hit[0] is policy:
        return dict(hit[1])
    described = _describe(m, lang, department, today, policy)
    if len(_DESCRIBED) >= _DESCRIBED_MAX:
        _DESCRIBED.clear()
    _DESCRIBED[key] = (policy, described)
    return dict(described)


def _describe(m: MilestoneInfo, lang: str, department: str | None, today: date,
              policy: Policy) -> dict[str, Any]:
    fee = policy.late_fee_eur(today)
    past = m.date < today
    params = {"late_fee": fee, "date": format_day(m.date, lang),
              "safe_date": format_day(_safe_date(m, policy), lang),
              "fee_free_date": format_day(_fee_free_date(m), lang),
              "office": policy.office_email}
    late = gettext(_variant("mail.late", m, today), lang, **params)
    return {
        "kind": m.kind,
        "name": gettext(f"milestone.{m.kind}", lang, late_fee=fee),
        "date": m.date,
        "date_text": format_day(m.date, lang),
        "when": when_text(m.date, today, lang),
        "todo": gettext(_variant("mail.todo", m, today), lang, **params),
        "late": late,
        # Before the date: what happens if it is missed; after it: what it means now.
        "late_line": (gettext("mail.now", lang, text=late) if past
                      else gettext("mail.if_late", lang, text=late)),
        "where": _where(place_of(m, department, policy, today), lang),
        "hard": m.kind in HARD_DEADLINE_KINDS,
        "past": past,
    }
