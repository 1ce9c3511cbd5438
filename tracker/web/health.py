"""/healthz: is the database reachable, and when did the scheduler last complete a run."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from tracker.models import SchedulerState

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Any:
    from tracker.web import db

    body: dict[str, Any] = {"database": "ok", "scheduler_last_run": None}
    try:
        db().execute(text("SELECT 1"))
        last = db().scalar(select(SchedulerState.last_run_completed_at)
                           .where(SchedulerState.name == "reminders"))
        body["scheduler_last_run"] = last.isoformat() + "Z" if last else None
    except SQLAlchemyError as exc:
        body["database"] = "unreachable"
        body["error"] = type(exc).__name__
        return jsonify(body), 503
    return jsonify(body)
