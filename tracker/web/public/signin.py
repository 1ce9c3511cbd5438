"""Signing a student in (after a confirmation or sign-in link), and the page shown when a
link cannot be used."""

from __future__ import annotations

from datetime import datetime

from flask import render_template, session
from flask.typing import ResponseReturnValue
from flask_login import login_user, logout_user

from tracker.models import Student
from tracker.reminders.planning import enqueue_welcome
from tracker.students.registration import confirm_student
from tracker.students.sessions import session_expired
from tracker.web import db
from tracker.web.auth import StudentPrincipal
from tracker.web.public import bp
from tracker.web.public.common import notify, now, runtime, today
from tracker.web.public.mail import send_now

# Where the student session keeps its times (ISO, naive UTC like every tracker timestamp).
SIGNED_IN_AT = "student_signed_in_at"
LAST_SEEN_AT = "student_last_seen_at"

# A link that does not work says why and what to do; 410 Gone for what was valid once.
LINK_STATUS = {"invalid": 400, "missing": 400, "expired": 410, "used": 410, "gone": 410}


def link_problem(reason: str) -> ResponseReturnValue:
    reason = reason if reason in LINK_STATUS else "invalid"
    return render_template("public/link_problem.html", reason=reason), LINK_STATUS[reason]


def activate(student: Student) -> None:
    """Confirm the address; on the first confirmation, the welcome e-mail (DESIGN 6 rule 5)
    goes out at once rather than with the next daily run."""
    if not confirm_student(db(), student, today=today(), now=now()):
        return
    rt = runtime()
    welcome = enqueue_welcome(db(), student, today=today(), policy=rt.policy,
                              settings=rt.settings)
    if welcome is not None:
        send_now([welcome.id])


def sign_in(student: Student) -> None:
    # A fresh session: nothing from before the sign-in survives (no session fixation).
    session.clear()
    login_user(StudentPrincipal(student))
    session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = now().isoformat()
    # Opening a sign-in link proves the mailbox, as a confirmation link does.
    activate(student)


def _session_time(key: str) -> datetime | None:
    try:
        return datetime.fromisoformat(str(session[key]))
    except (KeyError, ValueError):
        return None


@bp.before_app_request
def _end_stale_student_session() -> None:
    """Sign a student out after 30 idle minutes or 12 hours since the sign-in; any other
    request by a signed-in student counts as activity. Runs before every view of the app
    (and before Flask-Login loads the student), so no page sees a stale session."""
    if not str(session.get("_user_id", "")).startswith("student:"):
        return
    moment = now()
    if session_expired(_session_time(SIGNED_IN_AT), _session_time(LAST_SEEN_AT), moment):
        logout_user()
        session.clear()
        notify("session.expired")
        return
    session[LAST_SEEN_AT] = moment.isoformat()
