"""The CSV import service (DESIGN 4) on both backends: formats, every bad input of issue 2,
transactions, upserts, and the fast paths' equivalence with apply_record."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, joinedload

from tests.fixtures_csv import counts, csv_text, student_row
from tracker.cases import sync as case_service
from tracker.db import policy_of
from tracker.models import Case, Reminder, ResidenceTitle, Student
from tracker.reminders.arming import arm_case, desired_reminders
from tracker.students import csv_import as csv_io
from tracker.students.changes import Outcome, apply_record, record_of
from tracker.students.csv_import import ImportReport, import_rows, import_students_csv
from tracker.students.demo import demo_rows
from tracker.students.records import parse_record

TODAY = date(2026, 9, 1)


def run_import(session: Session, data: str | bytes, *, dry_run: bool = False) -> ImportReport:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    report = import_students_csv(session, io.BytesIO(raw), today=TODAY, dry_run=dry_run)
    session.commit()
    return report


def problems(report: ImportReport) -> dict[int, set[tuple[str, str]]]:
    """{line: {(column, error code)}}."""
    found: dict[int, set[tuple[str, str]]] = {}
    for row in report.rejected:
        assert row.error is not None
        found.setdefault(row.line, set()).add((row.column, row.error.code))
    return found


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_comma_or_semicolon_is_detected(session: Session, delimiter: str) -> None:
    text = csv_text([student_row("1001"), student_row("1002")], delimiter=delimiter)
    report = run_import(session, text)
    assert (report.created, report.rejected, report.exit_status) == (2, [], 0)
    assert counts(session) == (2, 2, 2)


def test_bom_french_dates_and_columns_in_any_order(session: Session) -> None:
    columns = ("email", "title_expires_on", "student_number", "title_type", "date_of_birth",
               "title_valid_from", "nationality", "family_name", "given_name")
    row = student_row("1001", date_of_birth="05/03/2002", title_valid_from="15/01/2026",
                      title_expires_on="14/01/2027", family_name="Lefèvre", given_name="Hélène")
    data = "\ufeff" + csv_text([row], delimiter=";", columns=columns)
    report = run_import(session, data)
    assert report.exit_status == 0 and report.created == 1
    student = session.scalars(select(Student)).one()
    assert student.date_of_birth == date(2002, 3, 5)
    assert (student.family_name, student.given_name) == ("Lefèvre", "Hélène")
    title = session.scalars(select(ResidenceTitle)).one()
    assert (title.valid_from, title.expires_on) == (date(2026, 1, 15), date(2027, 1, 14))


def test_header_names_tolerate_case_and_spaces(session: Session) -> None:
    data = " Student_Number ,EMAIL\r\n1001,a@example.org\r\n"
    report = run_import(session, data)
    assert report.exit_status == 0 and report.created == 1


@pytest.mark.parametrize(
    ("header", "code", "named"),
    [
        ("student_number,email,phone,Title", "error.unknown_columns", "phone, title"),
        ("student_number,family_name", "error.missing_columns", "email"),
        ("email,family_name", "error.missing_columns", "student_number"),
        ("student_number,email,email", "error.duplicate_columns", "email"),
    ],
)
def test_bad_header_is_fatal_and_names_the_columns(
    session: Session, header: str, code: str, named: str
) -> None:
    report = run_import(session, header + "\r\n1001,a@example.org,x,y\r\n")
    assert report.fatal is not None and report.fatal.code == code
    assert report.exit_status == 2
    assert named in report.fatal.message("en")
    assert named in report.fatal.message("fr")
    assert counts(session) == (0, 0, 0)


BAD_ROWS: list[tuple[dict[str, str], set[tuple[str, str]]]] = [
    (student_row("2001", title_expires_on="2027-02-30"),
     {("title_expires_on", "error.date_invalid")}),
    (student_row("2002", title_valid_from="2027-01-15", title_expires_on="2026-01-14"),
     {("title_expires_on", "error.expiry_before_start")}),
    # A visa is used to enter: an entry before its first day is impossible.
    (student_row("2003", title_type="vls-ts", title_valid_from="2026-09-01",
                 title_expires_on="2027-08-31", entry_date="2026-08-15"),
     {("entry_date", "error.entry_before_start")}),
    (student_row("2004", entry_date="2027-02-01"), {("entry_date", "error.entry_after_expiry")}),
    (student_row("2005", title_type="student-visa"), {("title_type", "error.title_type_invalid")}),
    (student_row("2006", department="99"), {("department", "error.department_invalid")}),
    (student_row("2007", email="amina.example.org"), {("email", "error.email_invalid")}),
    (student_row("2008", nationality="Maroc"), {("nationality", "error.nationality_invalid")}),
    (student_row("2009", nationality="XX"), {("nationality", "error.nationality_invalid")}),
    (student_row("2010", nationality="DZ", title_type="vls-ts", entry_date="2026-01-20"),
     {("title_type", "error.algerian_title")}),
    (student_row("2011", nationality="DZ", title_type="multi-year-card"),
     {("title_type", "error.algerian_title")}),
    (student_row("2012", nationality="DZ", title_type="rece"),
     {("title_type", "error.algerian_title")}),
    (student_row("2013", nationality="DZ", title_type="visa-concours",
                 title_valid_from="2026-08-01", title_expires_on="2026-10-29",
                 entry_date="2026-08-03"),
     {("title_type", "error.algerian_title")}),
    (student_row("2014", email=""), {("email", "error.required")}),
    (student_row("2015", date_of_birth="31/02/2001", language="de"),
     {("date_of_birth", "error.date_invalid"), ("language", "error.language_invalid")}),
]


def test_every_bad_row_is_reported_and_valid_rows_still_import(session: Session) -> None:
    rows = [student_row("1001")] + [row for row, _ in BAD_ROWS] + [
        student_row("1001", email="again@example.org"),  # duplicate number
        student_row("1002", title_expires_on="14/01/2027"),
    ]
    text = csv_text(rows)
    # A row with too few values, at the end.
    text += "1003,short@example.org,Dupont\r\n"
    report = run_import(session, text)

    expected = {index + 3: wanted for index, (_, wanted) in enumerate(BAD_ROWS)}
    duplicate_line = len(BAD_ROWS) + 3
    expected[duplicate_line] = {("student_number", "error.duplicate_student_number")}
    # Three values of fifteen: the first column without a value is named.
    expected[duplicate_line + 2] = {("email", "error.wrong_field_count")}
    assert problems(report) == expected
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert report.rejected_rows == len(BAD_ROWS) + 2
    assert report.exit_status == 1
    assert counts(session) == (2, 2, 2)
    numbers = set(session.scalars(select(Student.student_number)))
    assert numbers == {"1001", "1002"}

    by_line = {row.line: row for row in report.rejected}
    assert "2027-02-30" in by_line[3].reason
    assert "line 2" in by_line[duplicate_line].reason
    described = by_line[3].describe("en")
    assert described.startswith("line 3, column title_expires_on: ")
    # The French text for the office's page.
    assert by_line[3].message("fr") != by_line[3].message("en")
    assert "2027-02-30" in by_line[3].message("fr")


def test_not_utf8_is_fatal_and_nothing_is_written(session: Session) -> None:
    head = csv_text([student_row("1001")]).encode("utf-8")
    data = head + "1002,H\xe9l\xe8ne,Dupont,h@example.org\r\n".encode("latin-1")
    report = run_import(session, data)
    assert report.fatal is not None and report.fatal.code == "error.not_utf8"
    assert report.exit_status == 2
    assert dict(report.fatal.params)["position"] == str(len(head) + len("1002,H"))
    assert "UTF-8" in report.fatal.message("en")
    assert (report.created, report.rejected) == (0, [])
    assert counts(session) == (0, 0, 0)


def test_not_utf8_far_down_the_file_rolls_back_earlier_batches(session: Session) -> None:
    rows = [student_row(f"{3000 + i}") for i in range(2500)]
    data = csv_text(rows).encode("utf-8") + b"9999,Ren\xe9,Dupont,r@example.org\r\n"
    report = run_import(session, data)
    assert report.fatal is not None and report.fatal.code == "error.not_utf8"
    assert counts(session) == (0, 0, 0)


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
       b"\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (PNG, "error.csv_binary"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "error.csv_binary"),  # .xlsx
        (b"", "error.csv_empty"),
        (b"\r\n\r\n", "error.csv_empty"),
        (b"just some words\nand more\n", "error.unknown_columns"),
    ],
)
def test_files_that_are_not_csv_are_fatal(session: Session, data: bytes, code: str) -> None:
    report = run_import(session, data)
    assert report.fatal is not None and report.fatal.code == code
    assert report.exit_status == 2
    assert counts(session) == (0, 0, 0)


def test_dry_run_counts_but_writes_nothing(session: Session) -> None:
    text = csv_text([student_row("1001"), student_row("1002"),
                     student_row("1003", department="99")])
    report = run_import(session, text, dry_run=True)
    assert (report.created, report.rejected_rows, report.exit_status) == (2, 1, 1)
    assert counts(session) == (0, 0, 0)


def test_reimport_is_unchanged_and_an_edit_is_an_update(session: Session) -> None:
    rows = [student_row("1001"), student_row("1002", title_type="vls-ts",
                                             title_valid_from="2026-08-20",
                                             title_expires_on="2027-08-19",
                                             entry_date="2026-08-25")]
    assert run_import(session, csv_text(rows)).created == 2
    again = run_import(session, csv_text(rows))
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 2, [])

    rows[1]["validated_on"] = "2026-08-30"
    rows[0]["department"] = "50"
    changed = run_import(session, csv_text(rows))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 2, 0)
    student = session.scalars(select(Student).where(Student.student_number == "1001")).one()
    assert student.department == "50"
    vls = session.scalars(
        select(Case).join(Student).where(Student.student_number == "1002")).one()
    assert vls.validated_on == date(2026, 8, 30)
    assert vls.procedure == "renewal"  # R1 done: the renewal is next.
    assert counts(session) == (2, 2, 2)


def test_new_title_starts_a_new_case_and_keeps_history(session: Session) -> None:
    run_import(session, csv_text([student_row("1001", title_type="vls-ts",
                                              title_valid_from="2025-09-01",
                                              title_expires_on="2026-08-31",
                                              entry_date="2025-09-05")]))
    report = run_import(session, csv_text([student_row("1001", title_valid_from="2026-09-01",
                                                       title_expires_on="2027-08-31",
                                                       entry_date="2025-09-05")]))
    assert report.updated == 1
    assert counts(session) == (1, 2, 2)
    current = session.scalars(select(Case).where(Case.is_current.is_(True))).one()
    assert current.title.title_type == "student-card"


def test_names_in_any_script_round_trip(session: Session) -> None:
    from tracker.students.csv_export import export_students_csv

    rows = [
        student_row("1001", family_name="العلوي", given_name="يوسف"),
        student_row("1002", family_name="王", given_name="芳", nationality="CN"),
        student_row("1003", family_name="Nguyễn", given_name="Thị Lan", nationality="VN"),
        student_row("1004", family_name="O'Brien", given_name="Zoë", nationality="IE"),
    ]
    run_import(session, csv_text(rows))
    names = dict(session.execute(select(Student.student_number, Student.family_name)).all())
    assert names["1001"] == "العلوي" and names["1002"] == "王"
    out = io.StringIO()
    assert export_students_csv(session, out) == 4
    exported = out.getvalue()
    assert "يوسف" in exported and "芳" in exported and "Thị Lan" in exported
    report = run_import(session, exported)
    assert (report.unchanged, report.created, report.updated) == (4, 0, 0)


def test_address_of_another_student_is_rejected(session: Session) -> None:
    run_import(session, csv_text([student_row("1001", email="shared@example.org")]))
    report = run_import(session, csv_text([
        student_row("1002", email="Shared@Example.org"),
        student_row("1003", email="own@example.org"),
        student_row("1004", email="own@example.org"),
    ]))
    assert problems(report) == {2: {("email", "error.email_taken")},
                                4: {("email", "error.email_taken")}}
    assert report.created == 1
    assert counts(session) == (2, 2, 2)


def test_self_registered_student_is_adopted_by_address(session: Session) -> None:
    record, _ = parse_record(student_row("0000", email="early@example.org"))
    assert record is not None
    apply_record(session, replace(record, student_number=None), today=TODAY, source="register")
    session.commit()
    report = run_import(session, csv_text([student_row("1001", email="early@example.org")]))
    assert (report.created, report.updated) == (0, 1)
    assert session.scalars(select(Student.student_number)).one() == "1001"


def test_callers_objects_stay_in_the_session(session: Session) -> None:
    run_import(session, csv_text([student_row("1001")]))
    mine = session.scalars(select(Student)).one()
    rows = [student_row(f"{5000 + i}") for i in range(1200)]
    import_students_csv(session, io.BytesIO(csv_text(rows).encode()), today=TODAY,
                        dry_run=False)
    assert mine in session
    assert mine.current_case is not None  # still loads: not detached
    session.commit()


def test_import_arms_every_new_and_changed_case(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New cases are armed in bulk by the import, changed ones by the case sync: both by a
    direct call, each case once, with the session's policy."""
    seen: list[tuple[int, str | None, date]] = []
    real_bulk, real_one = csv_io.arm_cases, case_service.arm_case

    def bulk(arm_session: Session, cases: Sequence[Case], today: date, policy: Any,
             **options: Any) -> int:
        assert arm_session is session and policy is policy_of(session)
        seen.extend((case.id, case.next_milestone_kind, today) for case in cases)
        return real_bulk(arm_session, cases, today, policy, **options)

    def one(arm_session: Session, case: Case, today: date, policy: Any) -> int:
        assert arm_session is session and policy is policy_of(session)
        seen.append((case.id, case.next_milestone_kind, today))
        return real_one(arm_session, case, today, policy)

    monkeypatch.setattr(csv_io, "arm_cases", bulk)
    monkeypatch.setattr(case_service, "arm_case", one)
    rows = [student_row("1001"), student_row("1002")]
    run_import(session, csv_text(rows))
    assert len(seen) == 2
    run_import(session, csv_text(rows))  # unchanged: no sync, no arming
    assert len(seen) == 2
    run_import(session, csv_text([student_row("1001", title_expires_on="2027-01-31")]))
    assert len(seen) == 3
    assert all(case_id is not None for case_id, _, _ in seen)
    assert seen[2][0] == seen[0][0]
    assert {kind for _, kind, _ in seen} == {"renewal_window_opens"}
    assert {today for _, _, today in seen} == {TODAY}


def test_import_arms_the_reminders_of_every_new_case(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import arms new cases in bulk (one call per batch): it must store exactly the
    reminders that arming each case on its own stores, for a demo mix over several batches."""
    monkeypatch.setattr(csv_io, "BATCH_SIZE", 70)
    batches: list[int] = []
    real_arm_cases = csv_io.arm_cases

    def counting_arm_cases(arm_session: Session, cases: Sequence[Case], today: date,
                           *args: Any, **options: Any) -> int:
        batches.append(len(cases))
        return real_arm_cases(arm_session, cases, today, *args, **options)

    monkeypatch.setattr(csv_io, "arm_cases", counting_arm_cases)
    rows = list(demo_rows(300, seed=5, today=TODAY))
    report = import_rows(session, enumerate(rows, start=2), today=TODAY, dry_run=False)
    assert (report.created, report.rejected) == (300, [])
    session.commit()
    monkeypatch.undo()
    assert len(batches) == 5  # once per batch of 70 rows, not once per case

    def stored() -> set[tuple[str, int, int, date, str]]:
        return {tuple(row) for row in session.execute(select(
            Reminder.key, Reminder.student_id, Reminder.case_id, Reminder.due_on, Reminder.state,
        ))}

    bulk = stored()
    # reminders.student_id has no foreign key of its own (migration 0004): it must be the
    # student of the reminder's case, which the foreign key does check.
    assert session.scalar(
        select(func.count()).select_from(Reminder).join(Case, Case.id == Reminder.case_id)
        .where(Reminder.student_id != Case.student_id)
    ) == 0
    cases = session.scalars(select(Case).options(joinedload(Case.student),
                                                 joinedload(Case.title))).all()
    wanted = sum(
        len(desired_reminders(case, case_service.evaluate_case(case, TODAY), policy_of(session),
                              case.student.registered_on))
        for case in cases if case.is_open and case.needs_action
    )
    assert sum(batches) == len(cases)
    assert len(bulk) == wanted > 300  # several reminders per open case, none for filed ones
    assert {case_id for _, _, case_id, _, _ in bulk} < {case.id for case in cases}

    session.execute(delete(Reminder))
    for case in cases:
        arm_case(session, case, TODAY, policy_of(session))
    session.commit()
    assert stored() == bulk


# PRAGMA cache_size is SQLite's; PostgreSQL's import changes no setting: one backend only,
# chosen rather than skipped.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_sqlite_page_cache_is_only_enlarged_during_the_import(session: Session) -> None:
    connection = session.connection()
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    seen: list[int] = []

    real_arm_cases = csv_io.arm_cases

    def spy(arm_session: Session, *args: Any, **options: Any) -> int:
        seen.append(arm_session.connection().exec_driver_sql("PRAGMA cache_size").scalar())
        return real_arm_cases(arm_session, *args, **options)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_io, "arm_cases", spy)
        run_import(session, csv_text([student_row("1001")]))
    assert seen and seen[0] < 0 and seen[0] != before  # negative: a size in KiB
    assert session.connection().exec_driver_sql("PRAGMA cache_size").scalar() == before


def test_bulk_path_writes_what_apply_record_writes(session: Session) -> None:
    """The import's shortcut for new students gives the same rows as apply_record, over a
    demo mix of every title type, procedure and flag."""
    rows = list(demo_rows(400, seed=11, today=TODAY))
    report = import_rows(session, enumerate(rows, start=2), today=TODAY, dry_run=False)
    assert (report.created, report.rejected) == (400, [])
    for row in rows:
        twin = dict(row, student_number="8" + row["student_number"][1:],
                    email="twin." + row["email"])
        record, errors = parse_record(twin)
        assert record is not None, errors
        assert apply_record(session, record, today=TODAY, source="import").outcome \
            is Outcome.CREATED
    session.commit()

    ignored = {"id", "student_id", "title_id", "created_at", "updated_at", "calendar_token",
               "student_number", "email", "email_key", "search_text"}

    def columns(obj: object) -> dict[str, object]:
        table = obj.__table__  # type: ignore[attr-defined]
        return {c.name: getattr(obj, c.name) for c in table.columns if c.name not in ignored}

    students = {s.student_number: s for s in session.scalars(select(Student))}
    for number, bulk in students.items():
        if not number.startswith("9"):
            continue
        twin_student = students["8" + number[1:]]
        assert columns(bulk) == columns(twin_student)
        assert len(bulk.cases) == len(twin_student.cases) == 1
        assert columns(bulk.cases[0]) == columns(twin_student.cases[0]), number
        assert columns(bulk.titles[0]) == columns(twin_student.titles[0])
        assert replace(record_of(bulk), student_number=None, email="") == \
            replace(record_of(twin_student), student_number=None, email="")
