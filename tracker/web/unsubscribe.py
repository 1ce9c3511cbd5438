"""/unsubscribe: stop reminder e-mails with the signed link of the e-mail (RFC 8058).

GET shows a confirmation page with a button (a link preview or a mail scanner opening the URL
must not unsubscribe anyone); POST stops the reminders. A mail client's one-click POST
(`List-Unsubscribe=One-Click`) carries no CSRF token: the signed token is the authorisation,
so the view is exempt from CSRF. Only reminders stop; sign-in links keep working.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request

from tracker.audit import record_audit
from tracker.models import Student
from tracker.tokens import TokenError, read_token
from tracker.web import csrf, db

bp = Blueprint("unsubscribe", __name__)


def _student(token: str) -> Student | None:
    try:
        payload = read_token(current_app.config["SECRET_KEY"], "unsubscribe", token)
    except TokenError:
        return None
    student_id = payload.data.get("s")
    if not isinstance(student_id, int):
        return None
    return db().get(Student, student_id)


@bp.route("/unsubscribe", methods=["GET", "POST"])
def unsubscribe() -> Any:
    token = request.values.get("token", "")
    student = _student(token) if token else None
    if student is None:
        return render_template("public/unsubscribe.html", state="invalid", token=""), 400
    if request.method == "GET":
        state = "confirm" if student.reminders_enabled else "already"
        return render_template("public/unsubscribe.html", state=state, token=token,
                               email=student.email)
    if student.reminders_enabled:
        student.reminders_enabled = False
        one_click = request.form.get("List-Unsubscribe") == "One-Click"
        record_audit(db(), actor="student", action="reminders_unsubscribed",
                     student_id=student.id, via="one-click" if one_click else "page")
    return render_template("public/unsubscribe.html", state="done", token="",
                           email=student.email)


def install(app: Any) -> None:

    csrf.exempt(unsubscribe)
    app.register_blueprint(bp)
