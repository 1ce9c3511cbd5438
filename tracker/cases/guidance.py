"""What a student should do next, and where, for each milestone of their case.

Returns text keys (tracker.i18n) and parameters, never sentences, so the same guidance serves
the student's page in either language. Where each step is done is tracker.rules.places's
decision, shared with the e-mails.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tracker.models import Case, Student
from tracker.rules import Evaluation
from tracker.rules.dates import add_days
from tracker.rules.places import Place, local_place, own_prefecture, place_for
from tracker.rules.policy import Contacts, Policy
from tracker.rules.titles import CaseStatus, ConcoursResult, Procedure, TitleType


@dataclass(frozen=True)
class TimelineItem:
    kind: str
    date: date
    rule: str
    done: bool
    days_left: int
    hard: bool
    place: Place

    @property
    def past(self) -> bool:
        return self.days_left < 0


@dataclass(frozen=True)
class NextStep:
    key: str
    params: dict[str, object] = field(default_factory=dict)
    place: Place | None = None
    notes: tuple[str, ...] = ()


def timeline(evaluation: Evaluation, case: Case, policy: Policy, contacts: Contacts | None,
             today: date) -> list[TimelineItem]:
    title_type = TitleType(case.title.title_type)
    return [
        TimelineItem(
            kind=m.kind, date=m.date, rule=m.rule, done=m.done,
            days_left=(m.date - today).days, hard=m.hard,
            place=place_for(m.kind, evaluation.procedure, title_type, policy, contacts,
                            past=m.date < today),
        )
        for m in evaluation.milestones
    ]


def next_step(student: Student, case: Case | None, evaluation: Evaluation | None,
              policy: Policy, today: date) -> NextStep:
    contacts = policy.contacts_for(student.department)
    office = Place("office", email=policy.office_email)
    if student.left_france_on is not None:
        return NextStep("next.left_france", {"date": student.left_france_on}, office)
    if case is None or evaluation is None:
        return NextStep("next.no_title", {}, office)
    notes: list[str] = []
    flags = set(evaluation.flags)
    if "escalate_to_office" in flags:
        notes.append("note.escalate")
    if "entry_date_missing" in flags:
        notes.append("note.entry_date_missing")
    if "visa_ends_before_majority" in flags:
        notes.append("note.visa_ends_before_majority")
    if "born_29_february" in flags:
        notes.append("note.born_29_february")
    if TitleType(case.title.title_type) is TitleType.RECE:
        notes.append("note.rece_not_renewable")
    status = CaseStatus(case.status)
    expires = case.title.expires_on
    anef = Place("anef", url=policy.anef_url)

    if status is CaseStatus.REFUSED:
        return NextStep("next.refused", {"date": case.refused_on}, office, tuple(notes))
    if status in (CaseStatus.CLOSED, CaseStatus.CARD_COLLECTED):
        return NextStep("next.closed", {}, office, tuple(notes))
    if status is CaseStatus.ADF_RECEIVED:
        prefecture = own_prefecture(policy) if contacts is None else Place(
            "prefecture", email=contacts.prefecture_email, name=contacts.prefecture_name)
        return NextStep("next.adf_received", {"date": case.adf_received_on}, prefecture,
                        tuple(notes))
    if status is CaseStatus.SUBMITTED:
        return NextStep("next.submitted", {"date": case.submitted_on, "expires": expires},
                        None, tuple(notes))

    procedure = evaluation.procedure
    if procedure is Procedure.VLS_TS_VALIDATION:
        deadline = evaluation.deadline_on
        if "escalate_to_office" in flags:
            return NextStep("next.vls_ts_late", {"date": deadline}, office, tuple(notes))
        return NextStep("next.vls_ts_validate", {"date": deadline}, anef, tuple(notes))
    if procedure is Procedure.EXAM_FAILED:
        return NextStep("next.exam_failed", {"date": expires}, Place("consulate"), tuple(notes))
    if procedure is Procedure.FIRST_APPLICATION:
        deadline = evaluation.deadline_on
        if TitleType(case.title.title_type) is TitleType.VISA_CONCOURS:
            if student.concours_result in (None, ConcoursResult.PENDING.value):
                notes.insert(0, "note.concours_pending")
            return NextStep("next.concours_apply", {"date": deadline},
                            local_place(contacts, policy), tuple(notes))
        return NextStep("next.first_application", {"date": deadline}, anef, tuple(notes))
    if procedure is Procedure.MINOR_AT_18:
        opens = evaluation.milestone("minor_window_opens")
        closes = evaluation.milestone("minor_window_closes")
        legal = evaluation.milestone("minor_legal_deadline")
        if opens is None or closes is None or legal is None:
            return NextStep("next.minor_no_birth_date", {}, office, tuple(notes))
        return NextStep("next.minor", {"opens": opens.date, "closes": closes.date,
                                       "legal": legal.date}, local_place(contacts, policy),
                        tuple(notes))

    # R6–R9: renewal.
    if "anef_closed" in flags:
        return NextStep("next.renewal_anef_closed", {"date": expires},
                        local_place(contacts, policy), tuple(notes))
    anef_ends = evaluation.milestone("anef_access_ends")
    if "title_expired" in flags:
        return NextStep("next.renewal_expired",
                        {"date": expires, "until": anef_ends.date if anef_ends else expires},
                        anef, tuple(notes))
    if "late_fee_applies" in flags:
        return NextStep("next.renewal_late", {"date": expires}, anef, tuple(notes))
    opens_on = evaluation.window_opens_on
    fee_free = evaluation.fee_threshold_on
    # RULES ambiguity 2: E-60 is the last on-time day; advise the day before, to be safe.
    safe = add_days(fee_free, -policy.renewal_safety_margin_days) if fee_free else expires
    if opens_on is not None and today < opens_on:
        return NextStep("next.renewal_wait", {"opens": opens_on, "safe": safe}, anef,
                        tuple(notes))
    return NextStep("next.renewal_now", {"safe": safe, "expires": expires}, anef, tuple(notes))
