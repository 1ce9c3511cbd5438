"""`tracker demo`: valid by construction, realistic, reproducible with --seed."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.fixtures_csv import counts, run_tracker, run_tracker_process
from tracker.models import Case
from tracker.rules import MILESTONE_KINDS, CaseFacts, evaluate
from tracker.rules.titles import ALGERIAN_FORBIDDEN_TITLES, TITLE_TYPES, CaseStatus
from tracker.students.demo import demo_rows
from tracker.students.records import parse_record


@pytest.mark.parametrize(("seed", "today"), [(1, date(2026, 10, 1)), (42, date(2028, 2, 29)),
                                             (7, date(2027, 1, 31))])
def test_rows_are_valid_and_cover_every_case(seed: int, today: date) -> None:
    titles: Counter[str] = Counter()
    departments: Counter[str] = Counter()
    next_kinds: set[str] = set()
    flags: set[str] = set()
    scripts = {"arabic": False, "chinese": False, "accents": False}
    for row in demo_rows(3000, seed=seed, today=today):
        record, errors = parse_record(row)
        assert record is not None, (row, errors)
        assert record.title_type is not None and record.title_expires_on is not None
        titles[record.title_type.value] += 1
        departments[record.department or ""] += 1
        if record.nationality == "DZ":
            assert record.title_type not in ALGERIAN_FORBIDDEN_TITLES
        name = record.family_name + record.given_name
        scripts["arabic"] |= any("\u0600" <= c <= "\u06ff" for c in name)
        scripts["chinese"] |= any("\u4e00" <= c <= "\u9fff" for c in name)
        scripts["accents"] |= any(c in "éèëïçãôễầ" for c in name.lower())
        result = evaluate(CaseFacts(
            title_type=record.title_type, expires_on=record.title_expires_on,
            valid_from=record.title_valid_from, entry_date=record.entry_date,
            date_of_birth=record.date_of_birth, nationality=record.nationality,
            validated_on=record.validated_on, submitted_on=record.application_submitted_on,
            status=CaseStatus.SUBMITTED if record.application_submitted_on else CaseStatus.TODO,
            concours_result=record.concours_result,
        ), today)
        if result.next:
            next_kinds.add(result.next.kind)
        flags.update(result.flags)
    assert set(titles) == set(TITLE_TYPES)
    assert titles["algerian-certificate"] > 0
    # Mostly Calvados, Manche and Orne, a few others.
    local = departments["14"] + departments["50"] + departments["61"]
    assert 0.75 < local / 3000 < 0.95 and len(departments) > 3
    assert next_kinds == set(MILESTONE_KINDS)
    assert {"entry_date_missing", "visa_ends_before_majority", "not_renewable", "anef_closed",
            "late_fee_applies", "title_expired", "concours_result_pending"} <= flags
    assert all(scripts.values())


def test_same_seed_same_students() -> None:
    today = date(2026, 10, 1)
    first = list(demo_rows(500, seed=3, today=today))
    assert first == list(demo_rows(500, seed=3, today=today))
    assert first != list(demo_rows(500, seed=4, today=today))


def test_demo_command_is_reproducible(tracker_env: dict[str, str], session: Session,
                                      tmp_path: Path) -> None:
    args = ("demo", "--students", "300", "--seed", "5", "--today", "2026-10-01")
    first = run_tracker_process(tracker_env, *args)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == (
        "demo seed 5, today 2026-10-01: created 300, updated 0, unchanged 0, rejected 0")
    assert counts(session) == (300, 300, 300)
    kinds = set(session.scalars(select(Case.next_milestone_kind)))
    assert len(kinds) > 5

    export = tmp_path / "one.csv"
    assert run_tracker(tracker_env, "students", "export", str(export)).returncode == 0
    again = run_tracker(tracker_env, *args)
    assert again.stdout.strip().endswith("created 0, updated 0, unchanged 300, rejected 0")
    second = tmp_path / "two.csv"
    assert run_tracker(tracker_env, "students", "export", str(second)).returncode == 0
    assert export.read_bytes() == second.read_bytes()
