"""`tracker students import|export` (one real process per command, the rest in-process), on
both backends: round trips, exit statuses, messages, and nothing half-written."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from tests.fixtures_csv import counts, csv_text, run_tracker, run_tracker_process, student_row

TODAY = "2026-09-01"

MIXED = [
    student_row("1001", family_name="العلوي", given_name="يوسف"),
    student_row("1002", family_name="王", given_name="芳", nationality="CN", language="en"),
    student_row("1003", nationality="DZ", title_type="algerian-certificate",
                family_name="Benaïssa", given_name="Lina"),
    student_row("1004", title_type="vls-ts", title_valid_from="2026-08-20",
                title_expires_on="2027-08-19", entry_date="2026-08-25"),
    student_row("1005", title_type="visa-minor", date_of_birth="2009-03-15",
                title_valid_from="2026-08-01", title_expires_on="2027-07-31",
                entry_date="2026-08-10"),
    student_row("1006", title_type="visa-concours", title_valid_from="2026-07-01",
                title_expires_on="2026-09-28", entry_date="2026-07-02",
                concours_result="passed"),
    student_row("1007", nationality="DZ", title_type="visa-csa",
                title_valid_from="2026-08-01", title_expires_on="2027-07-31",
                entry_date="2026-08-20", application_submitted_on="2026-08-30"),
    student_row("1008", title_type="", title_valid_from="", title_expires_on="",
                entry_date=""),
]


def test_import_export_round_trip(tracker_env: dict[str, str], tmp_path: Path,
                                  session: Session) -> None:
    source = tmp_path / "students.csv"
    source.write_text(csv_text(MIXED), encoding="utf-8")
    # The real process once for each command (the entry point, UTF-8 output); in-process after.
    first = run_tracker_process(tracker_env, "students", "import", str(source), "--today", TODAY)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "created 8, updated 0, unchanged 0, rejected 0"
    assert counts(session) == (8, 7, 7)

    exported = tmp_path / "export.csv"
    out = run_tracker_process(tracker_env, "students", "export", str(exported))
    assert out.returncode == 0, out.stderr
    assert "exported 8 students" in out.stdout
    text = exported.read_text(encoding="utf-8")
    assert "العلوي" in text and "王" in text and "Benaïssa" in text

    again = run_tracker(tracker_env, "students", "import", str(exported), "--today", TODAY)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "created 0, updated 0, unchanged 8, rejected 0"
    assert again.stderr == ""

    second = tmp_path / "export2.csv"
    assert run_tracker(tracker_env, "students", "export", str(second)).returncode == 0
    assert second.read_bytes() == exported.read_bytes()

    # One field changed in the office's spreadsheet: one update, the rest unchanged.
    lines = text.splitlines()
    assert lines[3].startswith("1003,") and ",DZ,14," in lines[3]
    lines[3] = lines[3].replace(",DZ,14,", ",DZ,61,")
    exported.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    changed = run_tracker(tracker_env, "students", "import", str(exported), "--today", TODAY)
    assert changed.stdout.strip() == "created 0, updated 1, unchanged 7, rejected 0"
    assert counts(session) == (8, 7, 7)


def test_semicolons_bom_and_french_dates(tracker_env: dict[str, str], tmp_path: Path,
                                         session: Session) -> None:
    rows = [student_row("1001", date_of_birth="12/04/2001", title_valid_from="15/01/2026",
                        title_expires_on="14/01/2027", entry_date="01/09/2024")]
    source = tmp_path / "excel.csv"
    source.write_bytes(b"\xef\xbb\xbf" + csv_text(rows, delimiter=";").encode("utf-8"))
    result = run_tracker(tracker_env, "students", "import", str(source), "--today", TODAY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "created 1, updated 0, unchanged 0, rejected 0"
    show = run_tracker(tracker_env, "deadlines", "show", "1001", "--json", "--today", TODAY)
    assert '"title_expires", "date": "2027-01-14"' in show.stdout


def test_rejected_rows_are_reported_on_stderr_with_exit_1(
    tracker_env: dict[str, str], tmp_path: Path, session: Session
) -> None:
    rows = [
        student_row("1001"),
        student_row("1002", title_expires_on="2027-02-30"),
        student_row("1003", nationality="DZ", title_type="rece"),
        student_row("1004", email="not-an-address"),
        student_row("1001", email="other@example.org"),
        student_row("1005"),
    ]
    source = tmp_path / "students.csv"
    source.write_text(csv_text(rows), encoding="utf-8")
    result = run_tracker(tracker_env, "students", "import", str(source), "--today", TODAY)
    assert result.returncode == 1
    assert result.stdout.strip() == "created 2, updated 0, unchanged 0, rejected 4"
    errors = result.stderr.splitlines()
    assert errors[0].startswith("line 3, column title_expires_on: ")
    assert "2027-02-30" in errors[0]
    assert errors[1].startswith("line 4, column title_type: ")
    assert "rece" in errors[1]
    assert errors[2].startswith("line 5, column email: ")
    assert errors[3].startswith("line 6, column student_number: ")
    assert "line 2" in errors[3]
    assert counts(session) == (2, 2, 2)


def test_unknown_column_exits_2_and_writes_nothing(
    tracker_env: dict[str, str], tmp_path: Path, session: Session
) -> None:
    source = tmp_path / "students.csv"
    source.write_text("student_number,email,phone\r\n1001,a@example.org,0601\r\n",
                      encoding="utf-8")
    result = run_tracker(tracker_env, "students", "import", str(source), "--today", TODAY)
    assert result.returncode == 2
    assert "Unknown columns: phone" in result.stderr
    assert "Nothing was imported" in result.stderr
    assert result.stdout == ""
    assert counts(session) == (0, 0, 0)


def test_missing_required_column_exits_2(tracker_env: dict[str, str], tmp_path: Path,
                                         session: Session) -> None:
    source = tmp_path / "students.csv"
    source.write_text("student_number,family_name\r\n1001,Dupont\r\n", encoding="utf-8")
    result = run_tracker(tracker_env, "students", "import", str(source))
    assert result.returncode == 2
    assert "Required columns missing: email" in result.stderr
    assert counts(session) == (0, 0, 0)


def test_latin1_file_exits_2_and_writes_nothing(tracker_env: dict[str, str], tmp_path: Path,
                                                session: Session) -> None:
    rows = [student_row("1001"), student_row("1002", family_name="Lefèvre")]
    source = tmp_path / "latin1.csv"
    source.write_bytes(csv_text(rows).encode("latin-1"))
    result = run_tracker(tracker_env, "students", "import", str(source), "--today", TODAY)
    assert result.returncode == 2
    assert "not UTF-8" in result.stderr
    assert counts(session) == (0, 0, 0)


def test_png_exits_2_and_writes_nothing(tracker_env: dict[str, str], tmp_path: Path,
                                        session: Session) -> None:
    source = tmp_path / "photo.csv"
    source.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(200))
    result = run_tracker(tracker_env, "students", "import", str(source))
    assert result.returncode == 2
    assert "binary data" in result.stderr
    assert counts(session) == (0, 0, 0)


def test_dry_run_writes_nothing(tracker_env: dict[str, str], tmp_path: Path,
                                session: Session) -> None:
    source = tmp_path / "students.csv"
    source.write_text(csv_text([student_row("1001"), student_row("1002", department="99")]),
                      encoding="utf-8")
    result = run_tracker(tracker_env, "students", "import", str(source), "--dry-run",
                         "--today", TODAY)
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["created 1, updated 0, unchanged 0, rejected 1",
                                          "dry run: nothing was written"]
    assert "line 3, column department: " in result.stderr
    assert counts(session) == (0, 0, 0)


def test_export_to_standard_output(tracker_env: dict[str, str], tmp_path: Path) -> None:
    source = tmp_path / "students.csv"
    source.write_text(csv_text(MIXED[:2]), encoding="utf-8")
    assert run_tracker(tracker_env, "students", "import", str(source)).returncode == 0
    result = run_tracker(tracker_env, "students", "export", "-")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("student_number,family_name,given_name,email,")
    assert len(lines) == 3 and "يوسف" in lines[1]
    assert "exported 2 students" in result.stderr


def test_missing_file_is_a_usage_error(tracker_env: dict[str, str], tmp_path: Path) -> None:
    result = run_tracker(tracker_env, "students", "import", str(tmp_path / "nope.csv"))
    assert result.returncode == 2
    assert "nope.csv" in result.stderr


def test_contradictions_with_the_file_on_record_exit_1(
    tracker_env: dict[str, str], tmp_path: Path, session: Session
) -> None:
    """The bad inputs that only show against the stored student or today, through the
    command: each reported with line, column and reason; the stored row unchanged."""
    first = tmp_path / "first.csv"
    first.write_text(csv_text([MIXED[3]]), encoding="utf-8")
    assert run_tracker(tracker_env, "students", "import", str(first),
                       "--today", TODAY).returncode == 0
    partial = tmp_path / "partial.csv"
    partial.write_text(
        "student_number,email,nationality\r\n"
        f"1004,{MIXED[3]['email']},DZ\r\n", encoding="utf-8")
    result = run_tracker(tracker_env, "students", "import", str(partial), "--today", TODAY)
    assert result.returncode == 1
    assert "line 2, column title_type: " in result.stderr
    assert "1968" in result.stderr
    exported = run_tracker(tracker_env, "students", "export", "-")
    assert ",MA," in exported.stdout and ",DZ," not in exported.stdout

    later = tmp_path / "later.csv"
    later.write_text(csv_text([student_row("2001", date_of_birth="2026-12-01", entry_date=""),
                               student_row("2002", nationality="MA",
                                           title_type="algerian-certificate")]),
                     encoding="utf-8")
    result = run_tracker(tracker_env, "students", "import", str(later), "--today", TODAY)
    assert result.returncode == 1
    assert "line 2, column date_of_birth: This date is after today (2026-09-01)." \
        in result.stderr
    assert "line 3, column title_type: " in result.stderr
    assert counts(session) == (1, 1, 1)


def test_database_not_upgraded_exits_3_without_traceback(
    tracker_env: dict[str, str], tmp_path: Path
) -> None:
    source = tmp_path / "students.csv"
    source.write_text(csv_text([student_row("1001")]), encoding="utf-8")
    env = dict(tracker_env, TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    result = run_tracker(env, "students", "import", str(source), "--today", TODAY)
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert "the database cannot be used: no such table" in result.stderr
    assert "tracker db upgrade" in result.stderr


def test_unreachable_database_exits_3(tracker_env: dict[str, str]) -> None:
    # Port 9 (discard) has no PostgreSQL listening on this machine: the connection is refused.
    env = dict(tracker_env, TRACKER_DATABASE_URL="postgresql://postgres@127.0.0.1:9/none")
    result = run_tracker(env, "deadlines", "show", "--all", "--json")
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert "the database cannot be used" in result.stderr


def test_version_is_trackers_own(tracker_env: dict[str, str]) -> None:
    from tracker import __version__

    result = run_tracker_process(tracker_env, "--version")
    assert result.returncode == 0
    assert result.stdout.startswith(f"tracker {__version__} ")
    assert "Flask" not in result.stdout
