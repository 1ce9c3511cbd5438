"""From a case's facts and `today` to its milestones, flags and next step (RULES.md R1–R11).

`evaluate` is the single place where the rules are applied. Everything else (the JSON output,
the stored next-milestone columns, the reminder planner, the pages) reads its result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.rules.dates import add_days, add_months, eighteenth_birthday, is_29_february
from tracker.rules.titles import (
    ALGERIA,
    CLOSED_STATUSES,
    FILED_STATUSES,
    RENEWABLE_TITLES,
    CaseStatus,
    ConcoursResult,
    Procedure,
    TitleType,
)

MILESTONE_KINDS: tuple[str, ...] = (
    "vls_ts_validation_deadline",
    "first_application_deadline",
    "minor_window_opens",
    "minor_window_closes",
    "minor_legal_deadline",
    "renewal_window_opens",
    "renewal_fee_free_until",
    "title_expires",
    "anef_access_ends",
)

# Deadlines whose passing costs the student money or their legal stay. A +1 reminder of one of
# these also goes to the office digest (DESIGN 6, rule 8).
HARD_DEADLINE_KINDS: frozenset[str] = frozenset(
    {
        "vls_ts_validation_deadline",
        "first_application_deadline",
        "minor_legal_deadline",
        "renewal_fee_free_until",
        "title_expires",
        "anef_access_ends",
    }
)

# Titles whose procedure runs on ANEF, so that R9 (no ANEF more than 6 months after E) concerns
# them; minors and entrance-exam visas go through Démarches Simplifiées or the prefecture anyway.
ANEF_TITLES: frozenset[TitleType] = RENEWABLE_TITLES | {TitleType.VISA_CSA}

# R6 numbers, in days before E.
RENEWAL_WINDOW_DAYS = 120
RENEWAL_FEE_FREE_DAYS = 60
# R1, R2/R3/R5, R4, R9 numbers, in calendar months.
VLS_TS_VALIDATION_MONTHS = 3
FIRST_APPLICATION_MONTHS = 2
MINOR_WINDOW_OPENS_MONTHS_BEFORE = 3
MINOR_WINDOW_CLOSES_MONTHS_BEFORE = 2
MINOR_LEGAL_MONTHS_AFTER = 2
ANEF_ACCESS_MONTHS_AFTER_EXPIRY = 6


@dataclass(frozen=True)
class CaseFacts:
    """What is known about one student's current title and procedure."""

    title_type: TitleType
    expires_on: date
    valid_from: date | None = None
    entry_date: date | None = None
    date_of_birth: date | None = None
    nationality: str | None = None
    validated_on: date | None = None
    submitted_on: date | None = None
    status: CaseStatus = CaseStatus.TODO
    concours_result: ConcoursResult | None = None


@dataclass(frozen=True)
class Milestone:
    kind: str
    date: date
    rule: str
    done: bool

    @property
    def hard(self) -> bool:
        return self.kind in HARD_DEADLINE_KINDS

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "date": self.date.isoformat(), "rule": self.rule,
                "done": self.done}


@dataclass(frozen=True)
class NextMilestone:
    kind: str
    date: date
    days_left: int

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "date": self.date.isoformat(), "days_left": self.days_left}


@dataclass(frozen=True)
class Evaluation:
    procedure: Procedure
    status: CaseStatus
    milestones: tuple[Milestone, ...]
    flags: tuple[str, ...]
    next: NextMilestone | None
    # The dates the office's urgency is computed from, stored on the case so that lists can be
    # sorted and filtered in SQL (see urgency.py).
    deadline_on: date | None = None
    fee_threshold_on: date | None = None
    window_opens_on: date | None = None
    # Open: not closed (card collected, refused or closed). Filed: the student has done their
    # part for the current procedure; an open, filed case waits for the prefecture.
    is_open: bool = True
    filed: bool = False

    def milestone(self, kind: str) -> Milestone | None:
        return next((m for m in self.milestones if m.kind == kind), None)


def _procedure(facts: CaseFacts) -> Procedure:
    if facts.title_type is TitleType.VLS_TS:
        # R1 then R6: once validated, the VLS-TS holder's next procedure is the renewal (the
        # first card counts as one). A filed application can only be that renewal (validation
        # has its own date), so it implies the visa was validated: an import that gives
        # `application_submitted_on` without `validated_on` must not leave R1 pending.
        if facts.validated_on is None and facts.status not in FILED_STATUSES:
            return Procedure.VLS_TS_VALIDATION
        return Procedure.RENEWAL
    if facts.title_type is TitleType.VISA_CSA:
        return Procedure.FIRST_APPLICATION
    if facts.title_type is TitleType.VISA_CONCOURS:
        if facts.concours_result is ConcoursResult.FAILED:
            return Procedure.EXAM_FAILED
        return Procedure.FIRST_APPLICATION
    if facts.title_type is TitleType.VISA_MINOR:
        return Procedure.MINOR_AT_18
    return Procedure.RENEWAL


def renewal_fee_free_until(kind: str, milestone_date: date) -> date:
    """R6/R7: the last day without the late fee (E-60), from a renewal milestone's date: the
    window's opening (E-120) or the fee-free day itself."""
    if kind == "renewal_window_opens":
        return add_days(milestone_date, RENEWAL_WINDOW_DAYS - RENEWAL_FEE_FREE_DAYS)
    return milestone_date


def _renewal_milestones(expires_on: date, done: bool) -> list[Milestone]:
    """R6 (R11 for a RECE: "as R6"): the four dates RULES.md's R6 row defines. R7 (the late fee
    from E-59), R8 (expired, still on ANEF) and R9 (ANEF closed) are the periods between them
    and show as flags, computed in `evaluate`."""
    return [
        Milestone("renewal_window_opens", add_days(expires_on, -RENEWAL_WINDOW_DAYS), "R6", done),
        Milestone(
            "renewal_fee_free_until", add_days(expires_on, -RENEWAL_FEE_FREE_DAYS), "R6", done
        ),
        Milestone("title_expires", expires_on, "R6", done),
        Milestone(
            "anef_access_ends", add_months(expires_on, ANEF_ACCESS_MONTHS_AFTER_EXPIRY), "R6",
            done,
        ),
    ]


def _pick_next(milestones: list[Milestone], today: date) -> NextMilestone | None:
    """The earliest milestone still to do from today on; if every one to do is past, the
    latest of those (with negative days left) so the worklist still shows what was missed."""
    pending = sorted((m for m in milestones if not m.done), key=_order)
    if not pending:
        return None
    upcoming = [m for m in pending if m.date >= today]
    chosen = upcoming[0] if upcoming else pending[-1]
    return NextMilestone(chosen.kind, chosen.date, (chosen.date - today).days)


def _order(milestone: Milestone) -> tuple[date, int]:
    # Same-day milestones keep the order of the procedure (e.g. R5's first application
    # deadline before the visa's end when both fall on E).
    return milestone.date, MILESTONE_KINDS.index(milestone.kind)


def evaluate(facts: CaseFacts, today: date) -> Evaluation:
    """Apply R1–R11 to one case on `today`.

    R10: the steps submitted → ADF received → card collected are events, not deadlines; once the
    student has filed (any of them), every milestone of the procedure is done and reminders
    stop; a collected card, a refusal or a closing also closes the case (no next milestone).
    """
    procedure = _procedure(facts)
    closed = facts.status in CLOSED_STATUSES
    filed = closed or facts.status in FILED_STATUSES
    flags: list[str] = []
    milestones: list[Milestone] = []
    deadline_on: date | None = None
    fee_threshold_on: date | None = None
    window_opens_on: date | None = None
    expires_on = facts.expires_on

    # R1, R2, R3, R5 count from the entry date; when it is unknown, from the visa's start, and
    # the record is flagged (R1) so the office asks the student for the real date.
    arrival = facts.entry_date or facts.valid_from
    counts_from_entry = facts.title_type in {TitleType.VLS_TS, TitleType.VISA_CSA} or (
        facts.title_type is TitleType.VISA_CONCOURS and procedure is not Procedure.EXAM_FAILED
    )
    if counts_from_entry and facts.entry_date is None:
        flags.append("entry_date_missing")

    if facts.title_type is TitleType.VLS_TS:
        # R1: validate on ANEF within 3 months of entry (CESEDA R.431-17).
        validated = facts.validated_on is not None or filed
        if arrival is not None:
            deadline = add_months(arrival, VLS_TS_VALIDATION_MONTHS)
            milestones.append(Milestone("vls_ts_validation_deadline", deadline, "R1", validated))
            if procedure is Procedure.VLS_TS_VALIDATION:
                deadline_on, window_opens_on = deadline, arrival
                if today > deadline and not validated:
                    # RULES ambiguity 3: no official late-validation procedure: the office acts.
                    flags.append("escalate_to_office")
        # R6: a VLS-TS is renewable; the first card after it counts as a renewal.
        renewal = _renewal_milestones(expires_on, filed)
        milestones.extend(renewal)
        if procedure is Procedure.RENEWAL:
            deadline_on, fee_threshold_on = expires_on, renewal[1].date
            window_opens_on = renewal[0].date

    elif facts.title_type is TitleType.VISA_CSA:
        # R2 ("carte de séjour à solliciter"), or R3 for an Algerian national (certificat de
        # résidence under the 1968 agreement): apply within 2 months of entry (R.431-4).
        rule = "R3" if (facts.nationality or "").strip().upper() == ALGERIA else "R2"
        deadline_on = expires_on
        if arrival is not None:
            deadline = add_months(arrival, FIRST_APPLICATION_MONTHS)
            milestones.append(Milestone("first_application_deadline", deadline, rule, filed))
            deadline_on, window_opens_on = deadline, arrival
        milestones.append(Milestone("title_expires", expires_on, rule, filed))

    elif facts.title_type is TitleType.VISA_CONCOURS:
        if procedure is Procedure.EXAM_FAILED:
            # R5 failed: nothing to file in France; the visa's end is what matters (a study
            # visa is asked for at the consulate before it).
            # Done like every other milestone once the case is filed or closed, so that a filed
            # case never keeps a pending next milestone.
            milestones.append(Milestone("title_expires", expires_on, "R5", filed))
            deadline_on = expires_on
            flags.append("not_renewable")
        else:
            # R5 passed, or pending (treated as passed, and the student is asked the result):
            # first application by min(entry + 2 months, E).
            if facts.concours_result in (None, ConcoursResult.PENDING):
                flags.append("concours_result_pending")
            deadline = expires_on
            if arrival is not None:
                deadline = min(add_months(arrival, FIRST_APPLICATION_MONTHS), expires_on)
            milestones.append(Milestone("first_application_deadline", deadline, "R5", filed))
            milestones.append(Milestone("title_expires", expires_on, "R5", filed))
            deadline_on, window_opens_on = deadline, arrival

    elif facts.title_type is TitleType.VISA_MINOR:
        # R4: B = 18th birthday; the page's window B-3 months .. B-2 months, the law's limit
        # B+2 months (R.431-5 3°). Months are counted from B, after B is clamped.
        if facts.date_of_birth is None:
            flags.append("date_of_birth_missing")
        else:
            birthday = eighteenth_birthday(facts.date_of_birth)
            opens = add_months(birthday, -MINOR_WINDOW_OPENS_MONTHS_BEFORE)
            closes = add_months(birthday, -MINOR_WINDOW_CLOSES_MONTHS_BEFORE)
            legal = add_months(birthday, MINOR_LEGAL_MONTHS_AFTER)
            milestones += [
                Milestone("minor_window_opens", opens, "R4", filed),
                Milestone("minor_window_closes", closes, "R4", filed),
                Milestone("minor_legal_deadline", legal, "R4", filed),
            ]
            deadline_on, window_opens_on = legal, opens
            if expires_on < birthday:
                # R4: such a visa cannot be extended; a new one comes from the consulate.
                flags.append("visa_ends_before_majority")
            if is_29_february(facts.date_of_birth):
                flags.append("born_29_february")
        milestones.append(Milestone("title_expires", expires_on, "R4", filed))

    else:
        # R6 for every other title (all renewable), R11 for a RECE ("as R6").
        renewal = _renewal_milestones(expires_on, filed)
        milestones.extend(renewal)
        deadline_on, fee_threshold_on = expires_on, renewal[1].date
        window_opens_on = renewal[0].date

    if facts.title_type is TitleType.RECE:
        flags.append("not_renewable")  # R11: valid 1 year, not renewable: change status before E.

    if not filed:
        anef_ends = add_months(expires_on, ANEF_ACCESS_MONTHS_AFTER_EXPIRY)
        if today > anef_ends and facts.title_type in ANEF_TITLES:
            # R9: expired more than 6 months ago: no ANEF any more; Démarches Simplifiées
            # (Calvados) or the prefecture by e-mail (Manche, Orne). The office acts.
            flags += ["anef_closed", "escalate_to_office"]
        elif today > expires_on:
            # R8: the stay is irregular after E; still admissible on ANEF with the late fee.
            flags.append("title_expired")
        if facts.title_type in RENEWABLE_TITLES and (
            add_days(expires_on, -RENEWAL_FEE_FREE_DAYS) < today <= anef_ends
        ):
            # R7: a renewal filed from E-59 on costs the late fee (E-60 is still on time).
            flags.append("late_fee_applies")

    milestones.sort(key=_order)
    return Evaluation(
        procedure=procedure,
        status=facts.status,
        milestones=tuple(milestones),
        flags=tuple(dict.fromkeys(flags)),
        next=None if closed else _pick_next(milestones, today),
        deadline_on=deadline_on,
        fee_threshold_on=fee_threshold_on,
        window_opens_on=window_opens_on,
        is_open=not closed,
        filed=filed,
    )
