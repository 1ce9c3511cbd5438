"""Each student's deadlines as DESIGN section 5 defines them (`tracker deadlines show --json`).

The rules are evaluated afresh for the requested day (not read from the stored columns, which
are computed for the day of the last sync), so `--today` can look at any day."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from sqlalchemy import Row, Select, and_, select
from sqlalchemy.orm import Session

from tracker.models import Case, ResidenceTitle, Student
from tracker.models.evaluation import facts_of
from tracker.rules import evaluate

BATCH_SIZE = 5000

# Only the columns the rules read (see cases.sync.facts_of): plain rows instead of ORM
# objects make `--all` on 100,000 students several times faster. Their names must stay
# distinct (a row is read as the student, the title and the case at once, see _entry_of).
_STUDENT = (Student.student_number, Student.date_of_birth, Student.nationality,
            Student.concours_result)
_TITLE = (ResidenceTitle.title_type, ResidenceTitle.expires_on, ResidenceTitle.valid_from,
          ResidenceTitle.entry_date)
_CASE = (Case.id.label("case_id"), Case.validated_on, Case.submitted_on, Case.status)


def deadline_entry(student: Any, case: Any | None, title: Any | None,
                   today: date) -> dict[str, Any]:
    """One JSON Lines object of DESIGN 5, from a Student, its current Case and that case's
    ResidenceTitle (or objects with the same attributes). A student with no title yet has no
    procedure: null title, procedure, status and next; no milestones."""
    entry: dict[str, Any] = {
        "student_number": student.student_number,
        "today": today.isoformat(),
        "title_type": None,
        "procedure": None,
        "status": None,
        "flags": [],
        "milestones": [],
        "next": None,
    }
    if case is None or title is None:
        return entry
    result = evaluate(facts_of(student, title, case), today)
    entry.update(
        title_type=title.title_type,
        procedure=result.procedure.value,
        status=result.status.value,
        flags=list(result.flags),
        milestones=[m.to_json() for m in result.milestones],
        next=result.next.to_json() if result.next else None,
    )
    return entry


def _current_cases() -> Select[*tuple[Any, ...]]:
    return (
        select(Student.id, *_STUDENT, *_TITLE, *_CASE)
        .select_from(Student)
        .outerjoin(Case, and_(Case.student_id == Student.id, Case.is_current.is_(True)))
        .outerjoin(ResidenceTitle, ResidenceTitle.id == Case.title_id)
    )


def _entry_of(row: Row[Any], today: date) -> dict[str, Any]:
    # The row's column names are the attribute names facts_of reads, and no two of the
    # student's, the title's and the case's are alike: the row stands for all three.
    if row.case_id is None:
        return deadline_entry(row, None, None, today)
    return deadline_entry(row, row, row, today)


def deadlines_for(
    session: Session, student_numbers: Iterable[str], today: date
) -> Iterator[tuple[str, dict[str, Any] | None]]:
    """(number, entry) in the order asked; entry None for a number no student has."""
    for number in student_numbers:
        row = session.execute(
            _current_cases().where(Student.student_number == number).order_by(Case.id.desc())
        ).first()
        yield number, None if row is None else _entry_of(row, today)


def all_deadlines(
    session: Session, today: date, batch_size: int = BATCH_SIZE
) -> Iterator[dict[str, Any]]:
    """Every student, by id, read in batches by key (memory stays flat)."""
    last_id = 0
    while True:
        rows = session.execute(
            _current_cases().where(Student.id > last_id).order_by(Student.id).limit(batch_size)
        ).all()
        if not rows:
            return
        for row in rows:
            yield _entry_of(row, today)
        last_id = rows[-1][0]
