"""The foundation wires together: a migrated database, a student applied from a record, the
case's derived columns synced, the web app answering /healthz and the home page."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from tracker.models import Case
from tracker.runtime import Runtime
from tracker.students.changes import Outcome, apply_record
from tracker.students.records import parse_record
from tracker.web import create_app


def test_apply_record_creates_student_and_syncs_case(session: Session) -> None:
    record, errors = parse_record({
        "student_number": "21900001", "email": "Amina.Benali@example.org",
        "family_name": "Benali", "given_name": "Amina", "nationality": "MA",
        "department": "14", "title_type": "student-card", "title_valid_from": "2026-01-15",
        "title_expires_on": "2027-01-14",
    })
    assert errors == [] and record is not None
    result = apply_record(session, record, today=date(2026, 9, 1), source="import")
    assert result.outcome is Outcome.CREATED
    case = session.query(Case).one()
    assert case.procedure == "renewal"
    assert case.next_milestone_kind == "renewal_window_opens"
    assert case.next_milestone_date == date(2026, 9, 16)  # 2027-01-14 minus 120 days
    assert case.fee_threshold_on == date(2026, 11, 15)
    again = apply_record(session, record, today=date(2026, 9, 1), source="import")
    assert again.outcome is Outcome.UNCHANGED


def test_healthz_and_home(runtime: Runtime) -> None:
    app = create_app(runtime=runtime)
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.get_json()["database"] == "ok"
    home = client.get("/?lang=en")
    assert home.status_code == 200
    assert b"Never miss a residence-permit deadline" in home.data
    assert home.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in home.headers["Content-Security-Policy"]
