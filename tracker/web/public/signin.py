"""Signing a student in (after a confirmation or sign-in link), and the page shown when a
link cannot be used."""

from __future__ import annotations

from flask import render_template, session
from flask.typing import ResponseReturnValue
from flask_login import login_user

from tracker.models import Student
from tracker.services.registration import confirm_student
from tracker.services.reminders import enqueue_welcome
from tracker.web import db
from tracker.web.auth import StudentPrincipal
from tracker.web.public.common import now, runtime, today
from tracker.web.public.mail import send_now

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
    # Opening a sign-in link proves the mailbox, as a confirmation link does.
    activate(student)
