"""The worklist (/office/) and its export (/office/export.csv): thin views over
tracker.office.worklist."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date

from flask import Response, current_app, render_template, request, stream_with_context
from sqlalchemy.orm import Session

from tracker.audit import record_audit
from tracker.office.worklist import (
    FLAGS,
    SORTS,
    Filters,
    filters_from,
    iter_worklist,
    worklist_page,
)
from tracker.rules.titles import CASE_STATUSES, PROCEDURES, TITLE_TYPES
from tracker.rules.urgency import URGENCIES
from tracker.runtime import Runtime
from tracker.students.changes import record_of
from tracker.students.records import CSV_COLUMNS
from tracker.web import db
from tracker.web.office import actor, bp, office_today

EXPORT_COLUMNS: tuple[str, ...] = (*CSV_COLUMNS, "urgency", "next_milestone",
                                   "next_milestone_date")


@bp.get("/")
def worklist() -> str:
    filters = filters_from(request.args)
    page = worklist_page(db(), office_today(), filters)
    return render_template(
        "office/worklist.html", page=page, filters=page.filters, urgencies=URGENCIES,
        title_types=TITLE_TYPES, procedures=PROCEDURES, statuses=CASE_STATUSES, flags=FLAGS,
        sorts=SORTS,
    )


@bp.get("/export.csv")
def export_csv() -> Response:
    """The filtered view (every page) in the import's columns plus urgency and next milestone.
    Streamed: rows are written as they are read, in batches."""
    filters = filters_from(request.args)
    today = office_today()
    record_audit(db(), action="students.export", filters=filters.query_args(page=1), **actor())
    runtime: Runtime = current_app.extensions["tracker"]

    def generate() -> Iterator[str]:
        # The request's session is committed and closed when the view returns, before the
        # body streams: the rows are read with a session of the generator's own.
        with runtime.sessions() as session:
            yield from _rows(session, today, filters)

    filename = f"tracker-export-{today.isoformat()}.csv"
    return Response(
        stream_with_context(generate()), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _rows(session: Session, today: date, filters: Filters) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")  # spreadsheet programs need the BOM to read UTF-8
    writer.writerow(EXPORT_COLUMNS)
    for count, (row, student) in enumerate(iter_worklist(session, today, filters), 1):
        values = record_of(student).as_csv_row()
        writer.writerow([*(_cell(values[c]) for c in CSV_COLUMNS), row.urgency,
                         row.next_milestone_kind or "",
                         row.next_milestone_date.isoformat()
                         if row.next_milestone_date else ""])
        if count % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _cell(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a cell starting with = + - @ is read
    as a formula by spreadsheet programs. Dates and codes never start so; names might."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value
