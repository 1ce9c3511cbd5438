"""What the rules say about a stored case: the facts the pure rules engine reads, taken from
the student, their title and their case. Every feature that needs a case's milestones (the
case sync, reminders, pages, the JSON output) evaluates through `evaluate_case`."""

from __future__ import annotations

from datetime import date

from tracker.models.students import Case, ResidenceTitle, Student
from tracker.rules import CaseFacts, Evaluation, evaluate
from tracker.rules.titles import CaseStatus, ConcoursResult, TitleType


def facts_of(student: Student, title: ResidenceTitle, case: Case) -> CaseFacts:
    return CaseFacts(
        title_type=TitleType(title.title_type),
        expires_on=title.expires_on,
        valid_from=title.valid_from,
        entry_date=title.entry_date,
        date_of_birth=student.date_of_birth,
        nationality=student.nationality,
        validated_on=case.validated_on,
        submitted_on=case.submitted_on,
        status=CaseStatus(case.status),
        concours_result=ConcoursResult(student.concours_result)
        if student.concours_result else None,
    )


def evaluate_case(case: Case, today: date) -> Evaluation:
    return evaluate(facts_of(case.student, case.title, case), today)
