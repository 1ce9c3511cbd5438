"""Writing every student as a CSV row, the same columns as the import (DESIGN section 4)."""

from __future__ import annotations

import csv
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.db.bulk import release_objects
from tracker.models import Student
from tracker.students.changes import (
    record_of,
)
from tracker.students.records import (
    CSV_COLUMNS,
)

BATCH_SIZE = 1000  # students read, written and released at a time

def export_students_csv(
    session: Session, stream: TextIO, *, include_unnumbered: bool = False
) -> int:
    """Write every student as a CSV row (DESIGN 4 columns); returns the number written.

    Students without a student number (self-registered, not yet matched) are left out by
    default: the import needs the number, so the export re-imports with no change and no
    rejection."""
    writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    written = 0
    last_id = 0
    caller_identities = set(session.identity_map.keys())
    while True:
        query = (
            select(Student).where(Student.id > last_id).order_by(Student.id).limit(BATCH_SIZE)
            .options(selectinload(Student.titles), selectinload(Student.cases))
        )
        if not include_unnumbered:
            query = query.where(Student.student_number.is_not(None))
        students = list(session.scalars(query))
        if not students:
            return written
        for student in students:
            writer.writerow(record_of(student).as_csv_row())
        written += len(students)
        last_id = students[-1].id
        release_objects(session, caller_identities)
