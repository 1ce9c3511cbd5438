"""`tracker deadlines show` (DESIGN 5) through the real command, on both backends.

Expected dates are worked out by hand from RULES.md in the comments, not by the engine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures_csv import csv_text, run_tracker, run_tracker_process, student_row

KEYS = ["student_number", "today", "title_type", "procedure", "status", "flags", "milestones",
        "next"]

STUDENTS = [
    # Student card, E = 2027-01-14.
    student_row("1001"),
    # VLS-TS entered on 30 Nov 2025, E = 2026-11-24, not validated.
    student_row("1002", title_type="vls-ts", title_valid_from="2025-11-25",
                title_expires_on="2026-11-24", entry_date="2025-11-30"),
    # Minor born 15 March 2009: B = 2027-03-15; visa until 2027-07-31.
    student_row("1003", title_type="visa-minor", date_of_birth="2009-03-15",
                title_valid_from="2026-08-01", title_expires_on="2027-07-31",
                entry_date="2026-08-10"),
    # Minor born 29 February 2008: B = 2026-02-28; visa ends on 2026-01-31, before B.
    student_row("1004", title_type="visa-minor", date_of_birth="2008-02-29",
                title_valid_from="2025-09-01", title_expires_on="2026-01-31",
                entry_date="2025-09-05"),
    # RECE that expired on 2025-12-31.
    student_row("1005", title_type="rece", title_valid_from="2025-01-01",
                title_expires_on="2025-12-31", entry_date="2021-09-01"),
    # VLS-TS without entry date, valid from 31 August 2026.
    student_row("1006", title_type="vls-ts", title_valid_from="2026-08-31",
                title_expires_on="2027-08-30", entry_date=""),
    # No title yet.
    student_row("1007", title_type="", title_valid_from="", title_expires_on="",
                entry_date=""),
    # Student card, renewal filed on 2026-10-01.
    student_row("1008", application_submitted_on="2026-10-01"),
]


@pytest.fixture
def env(tracker_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    source = tmp_path / "students.csv"
    source.write_text(csv_text(STUDENTS), encoding="utf-8")
    # The office imports once every date in the file has happened (a filing is not in the future).
    result = run_tracker(tracker_env, "students", "import", str(source), "--today", "2026-10-01")
    assert result.returncode == 0, result.stderr
    return tracker_env


def show(env: dict[str, str], *args: str) -> tuple[int, list[dict[str, Any]], str]:
    result = run_tracker(env, "deadlines", "show", *args, "--json")
    entries = [json.loads(line) for line in result.stdout.splitlines()]
    for entry in entries:
        assert list(entry) == KEYS
    return result.returncode, entries, result.stderr


def milestones(entry: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    return [(m["kind"], m["date"], m["rule"], m["done"]) for m in entry["milestones"]]


def test_renewal_and_vls_ts_on_known_dates(env: dict[str, str]) -> None:
    status, entries, _ = show(env, "1001", "1008", "--today", "2026-09-01")
    assert status == 0
    card, filed = entries
    assert card["student_number"] == "1001" and card["today"] == "2026-09-01"
    assert (card["title_type"], card["procedure"], card["status"]) == (
        "student-card", "renewal", "todo")
    assert card["flags"] == []
    # R6: E-120 = 2026-09-16; R7: E-60 = 2026-11-15; R9: E + 6 months = 2027-07-14.
    assert milestones(card) == [
        ("renewal_window_opens", "2026-09-16", "R6", False),
        ("renewal_fee_free_until", "2026-11-15", "R6", False),
        ("title_expires", "2027-01-14", "R6", False),
        ("anef_access_ends", "2027-07-14", "R6", False),
    ]
    assert card["next"] == {"kind": "renewal_window_opens", "date": "2026-09-16",
                            "days_left": 15}
    # Filed: every milestone done, nothing next.
    assert filed["status"] == "submitted"
    assert all(m["done"] for m in filed["milestones"])
    assert filed["next"] is None

    _, (vls,), _ = show(env, "1002", "--today", "2026-01-10")
    assert vls["procedure"] == "vls_ts_validation"
    # R1: 30 Nov 2025 + 3 months = 28 Feb 2026 (month end). E = 2026-11-24: E-120 =
    # 2026-07-27, E-60 = 2026-09-25, E + 6 months = 2027-05-24.
    assert milestones(vls) == [
        ("vls_ts_validation_deadline", "2026-02-28", "R1", False),
        ("renewal_window_opens", "2026-07-27", "R6", False),
        ("renewal_fee_free_until", "2026-09-25", "R6", False),
        ("title_expires", "2026-11-24", "R6", False),
        ("anef_access_ends", "2027-05-24", "R6", False),
    ]
    # 10 Jan -> 28 Feb: 21 + 28 days.
    assert vls["next"] == {"kind": "vls_ts_validation_deadline", "date": "2026-02-28",
                           "days_left": 49}


def test_minors_r4(env: dict[str, str]) -> None:
    _, (minor,), _ = show(env, "1003", "--today", "2026-09-01")
    assert minor["procedure"] == "minor_at_18"
    # B = 2027-03-15: opens B - 3 months, closes B - 2 months, legal limit B + 2 months.
    assert milestones(minor) == [
        ("minor_window_opens", "2026-12-15", "R4", False),
        ("minor_window_closes", "2027-01-15", "R4", False),
        ("minor_legal_deadline", "2027-05-15", "R4", False),
        ("title_expires", "2027-07-31", "R4", False),
    ]
    assert minor["flags"] == []
    # 1 Sep -> 15 Dec: 29 + 31 + 30 + 15 days.
    assert minor["next"] == {"kind": "minor_window_opens", "date": "2026-12-15",
                             "days_left": 105}

    _, (leap,), _ = show(env, "1004", "--today", "2025-10-01")
    # Born 29 Feb 2008: 18 on 28 Feb 2026; the visa ends on 31 Jan 2026, before.
    assert set(leap["flags"]) == {"born_29_february", "visa_ends_before_majority"}
    assert [(m["kind"], m["date"]) for m in leap["milestones"]] == [
        ("minor_window_opens", "2025-11-28"),
        ("minor_window_closes", "2025-12-28"),
        ("title_expires", "2026-01-31"),
        ("minor_legal_deadline", "2026-04-28"),
    ]


def test_expired_rece_and_missing_entry_date(env: dict[str, str]) -> None:
    _, (rece, vls), _ = show(env, "1005", "1006", "--today", "2026-09-01")
    # R11 not renewable; R9: E + 6 months = 30 June 2026 has passed.
    assert set(rece["flags"]) == {"not_renewable", "anef_closed", "escalate_to_office"}
    assert rece["milestones"][-1] == {"kind": "anef_access_ends", "date": "2026-06-30",
                                      "rule": "R6", "done": False}
    # Everything is past: the latest missed milestone, 63 days ago (July 31 + Aug 31 + 1).
    assert rece["next"] == {"kind": "anef_access_ends", "date": "2026-06-30", "days_left": -63}

    # R1 from the visa's start: 31 Aug + 3 months = 30 Nov.
    assert vls["flags"] == ["entry_date_missing"]
    assert vls["milestones"][0] == {"kind": "vls_ts_validation_deadline", "date": "2026-11-30",
                                    "rule": "R1", "done": False}


def test_unknown_number_exits_1_and_the_others_are_printed(env: dict[str, str]) -> None:
    status, entries, stderr = show(env, "1001", "0000", "1003", "--today", "2026-09-01")
    assert status == 1
    assert [e["student_number"] for e in entries] == ["1001", "1003"]
    assert "0000" in stderr


def test_all_streams_every_student(env: dict[str, str]) -> None:
    status, entries, _ = show(env, "--all", "--today", "2026-09-01")
    assert status == 0
    assert [e["student_number"] for e in entries] == [s["student_number"] for s in STUDENTS]
    no_title = entries[6]
    assert no_title == {"student_number": "1007", "today": "2026-09-01", "title_type": None,
                        "procedure": None, "status": None, "flags": [], "milestones": [],
                        "next": None}


def test_table_and_usage(env: dict[str, str]) -> None:
    table = run_tracker_process(env, "deadlines", "show", "1001", "--today", "2026-09-01")
    assert table.returncode == 0
    assert "renewal_window_opens 2026-09-16 (+15 d)" in table.stdout
    usage = run_tracker(env, "deadlines", "show", "--json")
    assert usage.returncode == 2
