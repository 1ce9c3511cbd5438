"""Checks on what a row means for the student it updates, on both backends: a partial row is
validated merged with what is on file, dates that describe a title need the title, steps need
an open case, and facts that contradict each other (R3's certificate, R4's minor visa, R1's
validation before arrival, dates after today) are refused with nothing written."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.fixtures_csv import counts, csv_text, student_row
from tracker.models import Case, Student
from tracker.students.changes import apply_record, record_of
from tracker.students.csv_import import ImportReport, import_students_csv
from tracker.students.records import CSV_COLUMNS, parse_record

TODAY = date(2026, 9, 1)


def run_import(session: Session, rows: list[dict[str, str]],
               columns: tuple[str, ...] = CSV_COLUMNS) -> ImportReport:
    data = csv_text(rows, columns=columns).encode("utf-8")
    report = import_students_csv(session, io.BytesIO(data), today=TODAY, dry_run=False)
    session.commit()
    return report


def rejected(report: ImportReport) -> set[tuple[str, str]]:
    return {(row.column, row.error.code) for row in report.rejected if row.error is not None}


def stored(session: Session, number: str) -> dict[str, str]:
    session.expire_all()
    student = session.scalars(select(Student).where(Student.student_number == number)).one()
    return record_of(student).as_csv_row()


NEW_ROWS_REFUSED = [
    pytest.param(student_row("3001", nationality="MA", title_type="algerian-certificate"),
                 {("title_type", "error.certificate_not_algerian")}, id="certificate-not-DZ"),
    pytest.param(student_row("3002", title_type="visa-minor", date_of_birth="2008-01-10",
                             title_valid_from="2026-02-01", title_expires_on="2027-01-31",
                             entry_date="2026-02-05"),
                 {("date_of_birth", "error.minor_visa_adult")}, id="minor-visa-adult"),
    pytest.param(student_row("3003", title_type="vls-ts", title_valid_from="2026-08-01",
                             title_expires_on="2027-07-31", entry_date="2026-08-10",
                             validated_on="2026-08-05"),
                 {("validated_on", "error.validated_before_arrival")}, id="validated-early"),
    pytest.param(student_row("3004", date_of_birth="2027-01-01", entry_date=""),
                 {("date_of_birth", "error.date_after_today")}, id="born-later"),
    pytest.param(student_row("3005", application_submitted_on="2026-09-02"),
                 {("application_submitted_on", "error.date_after_today")}, id="filed-tomorrow"),
    pytest.param(student_row("3006", title_type="", title_expires_on="", title_valid_from="",
                             entry_date="2025-09-01"),
                 {("entry_date", "error.title_dates_without_title")}, id="entry-no-title"),
    pytest.param(student_row("3007", title_type="", title_expires_on="",
                             title_valid_from="2026-01-15", entry_date=""),
                 {("title_valid_from", "error.title_dates_without_title")}, id="start-no-title"),
    pytest.param(student_row("3008", title_type="", title_expires_on="", title_valid_from="",
                             entry_date="", validated_on="2026-08-01"),
                 {("validated_on", "error.step_without_title")}, id="step-no-title"),
    pytest.param(student_row("3009", nationality="IC"),
                 {("nationality", "error.nationality_invalid")}, id="canary-islands"),
    pytest.param(student_row("3010", nationality="AC"),
                 {("nationality", "error.nationality_invalid")}, id="ascension"),
]


@pytest.mark.parametrize(("row", "wanted"), NEW_ROWS_REFUSED)
def test_contradictory_new_rows_are_refused(session: Session, row: dict[str, str],
                                            wanted: set[tuple[str, str]]) -> None:
    report = run_import(session, [row, student_row("3100")])
    assert rejected(report) == wanted
    assert report.exit_status == 1 and report.created == 1
    assert counts(session) == (1, 1, 1)
    for line in report.rejected:
        assert line.line == 2
        assert line.message("fr") != line.message("en")


def test_kosovo_is_a_nationality(session: Session) -> None:
    report = run_import(session, [student_row("3011", nationality="XK")])
    assert (report.created, report.rejected) == (1, [])


def test_partial_row_is_checked_against_the_title_on_file(session: Session) -> None:
    """R3: a row giving only the nationality must not make an Algerian of a VLS-TS holder."""
    vls = student_row("4001", title_type="vls-ts", title_valid_from="2026-08-01",
                      title_expires_on="2027-07-31", entry_date="2026-08-10")
    assert run_import(session, [vls]).created == 1
    before = stored(session, "4001")
    columns = ("student_number", "email", "nationality")
    report = run_import(session, [{"student_number": "4001", "email": vls["email"],
                                   "nationality": "DZ"}], columns=columns)
    assert rejected(report) == {("title_type", "error.algerian_title")}
    assert report.exit_status == 1
    assert stored(session, "4001") == before


def test_partial_row_keeps_what_it_does_not_give(session: Session) -> None:
    """No language column: the stored language stays (DESIGN 4's default is for new rows)."""
    row = student_row("4002", language="en")
    assert run_import(session, [row]).created == 1
    columns = ("student_number", "email", "department")
    change = {"student_number": "4002", "email": row["email"], "department": "50"}
    report = run_import(session, [change], columns=columns)
    assert (report.updated, report.rejected) == (1, [])
    after = stored(session, "4002")
    assert (after["language"], after["department"]) == ("en", "50")
    assert after["title_type"] == "student-card"
    again = run_import(session, [change], columns=columns)
    assert (again.unchanged, again.updated) == (1, 0)


def test_new_student_without_language_is_french(session: Session) -> None:
    columns = ("student_number", "email")
    report = run_import(session, [{"student_number": "4003", "email": "n@example.org"}],
                        columns=columns)
    assert report.created == 1
    assert stored(session, "4003")["language"] == "fr"


def test_no_step_on_a_refused_case(session: Session) -> None:
    assert run_import(session, [student_row("4004")]).created == 1
    case = session.scalars(select(Case)).one()
    case.status, case.refused_on, case.is_open = "refused", date(2026, 8, 1), False
    session.commit()
    report = run_import(session, [student_row("4004", application_submitted_on="2026-08-20")])
    assert rejected(report) == {("application_submitted_on", "error.step_case_closed")}
    session.expire_all()
    case = session.scalars(select(Case)).one()
    assert (case.status, case.submitted_on) == ("refused", None)


def test_new_visa_does_not_inherit_the_old_entry_date(session: Session) -> None:
    """A new visa means a new entry into France: R1 must not count from the old one."""
    assert run_import(session, [student_row("4005")]).created == 1
    record, errors = parse_record(student_row(
        "4005", title_type="vls-ts", title_valid_from="2026-08-20",
        title_expires_on="2027-08-19", entry_date=""))
    assert record is not None and not errors
    result = apply_record(session, record, today=TODAY, source="office")
    assert result.errors == ()
    session.commit()
    after = stored(session, "4005")
    assert (after["title_type"], after["entry_date"]) == ("vls-ts", "")
    current = session.scalars(select(Case).where(Case.is_current.is_(True))).one()
    assert "entry_date_missing" in current.flag_list


def test_a_new_card_keeps_the_entry_date(session: Session) -> None:
    assert run_import(session, [student_row("4006")]).created == 1
    report = run_import(session, [student_row("4006", title_type="multi-year-card",
                                              title_valid_from="2027-01-15",
                                              title_expires_on="2029-01-14", entry_date="")])
    assert (report.updated, report.rejected) == (1, [])
    assert stored(session, "4006")["entry_date"] == "2024-09-01"
