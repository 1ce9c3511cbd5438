"""The audit trail (/office/audit) and the failed deliveries with their retry action."""

from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from tracker.audit import record_audit
from tracker.models import OutboxMessage
from tracker.office.audit_log import (
    AuditFilters,
    audit_page,
    failed_messages,
    known_actions,
    retry_message,
)
from tracker.students.records import parse_date
from tracker.web import db
from tracker.web.office import actor, bp, t


@bp.get("/audit")
def audit() -> str:
    args = request.args
    page_raw = args.get("page") or ""
    action = (args.get("action") or "").strip()
    filters = AuditFilters(
        action=action if re.fullmatch(r"[a-z_.-]{1,40}", action) else None,
        actor=(args.get("actor") or "").strip()[:100],
        student=(args.get("student") or "").strip()[:32],
        since=parse_date(args.get("since") or ""),
        until=parse_date(args.get("until") or ""),
        page=int(page_raw) if page_raw.isdigit() and int(page_raw) > 0 else 1,
    )
    page = audit_page(db(), filters)
    return render_template("office/audit.html", page=page, filters=filters,
                           actions=known_actions(db()), failed=failed_messages(db()))


@bp.post("/outbox/<int:message_id>/retry")
def outbox_retry(message_id: int) -> Response:
    message = db().get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    if retry_message(db(), message):
        record_audit(db(), action="outbox.retry", student_id=message.student_id,
                     message_id=message.id, attempts=message.attempts, **actor())
        flash(t("office.audit.retry_done"), "success")
    else:
        flash(t("office.audit.retry_not_failed"), "error")
    return redirect(url_for("office.audit", _anchor="failed"))
