"""/register: self-registration, and the confirmation link that activates it.

The confirmation link's token is never used by a GET: the GET keeps it in the session and
redirects at once to a token-free URL whose button POSTs it. So the token in the access log
is only ever a token that was used (single use) or expired, and mail scanners that fetch links
do not consume it.
"""

from __future__ import annotations

from datetime import date

from flask import redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue

from tracker.models import Student
from tracker.rules.titles import TITLE_TYPES
from tracker.students.details import check_student_fields
from tracker.students.records import (
    CSV_COLUMNS,
    FieldError,
    StudentRecord,
    email_key,
    field_error,
)
from tracker.students.registration import CONFIRM_MAX_AGE, register_student
from tracker.tokens import TokenError, is_used, read_token, use_token
from tracker.web import current_language, db, limiter
from tracker.web.public import bp
from tracker.web.public.common import (
    address_key,
    notify,
    now,
    runtime,
    shown_errors,
    today,
)
from tracker.web.public.forms import ButtonForm, RegisterForm
from tracker.web.public.mail import queue_access_link, queue_verification, send_now
from tracker.web.public.signin import link_problem, sign_in


def check_registration(form: RegisterForm, today: date) -> tuple[StudentRecord | None,
                                                                   list[FieldError]]:
    """The checks of every student form, plus the registration's own: consent."""
    consent = [] if form.consent.data else [field_error("consent", "error.consent_required")]
    values = {name: (form[name].data or "") for name in CSV_COLUMNS if name in form}
    return check_student_fields(values, today, extra_errors=consent)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit("5 per hour", key_func=address_key, methods=["POST"])
def register() -> ResponseReturnValue:
    lang = current_language()
    form = RegisterForm()
    form.localise(lang)
    errors: list[FieldError] = []
    if form.is_submitted():  # CSRFProtect has already refused a POST without a valid token
        record, errors = check_registration(form, today())
        if record is not None:
            result = register_student(db(), record, today=today(), now=now())
            if result.kind == "created":
                message = queue_verification(result.student, result.student.language)
            else:
                message = queue_access_link(result.student, result.student.language)
            send_now([message.id])
            session["sent_to"] = record.email
            return redirect(url_for("public.register_sent"), 303)
    shown = shown_errors(errors, anchors={"title_type": f"title_type-{TITLE_TYPES[0]}"})
    return render_template(
        "public/register.html", form=form, errors=shown,
        error_map={e.field: e.message for e in shown}, title_types=TITLE_TYPES,
    ), (422 if errors else 200)


@bp.get("/register/sent")
def register_sent() -> ResponseReturnValue:
    return render_template("public/sent.html", purpose="register",
                           email=session.get("sent_to", ""))


@bp.get("/register/confirm/<token>")
@limiter.limit("30 per hour")
def confirm_link(token: str) -> ResponseReturnValue:
    """The link in the e-mail: checked, parked in the session, then out of the URL."""
    secret = runtime().settings.secret_key
    try:
        payload = read_token(secret, "confirm", token, int(CONFIRM_MAX_AGE.total_seconds()))
    except TokenError as exc:
        return link_problem(exc.reason)
    if is_used(db(), payload):
        return link_problem("used")
    session["confirm_token"] = token
    return redirect(url_for("public.confirm"), 303)


@bp.route("/register/confirm", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def confirm() -> ResponseReturnValue:
    token = session.get("confirm_token")
    if not token:
        return link_problem("missing")
    form = ButtonForm()
    if not form.is_submitted():
        return render_template("public/link_button.html", form=form, purpose="confirm",
                               action=url_for("public.confirm"))
    session.pop("confirm_token", None)
    secret = runtime().settings.secret_key
    try:
        payload = use_token(db(), secret, "confirm", token,
                            int(CONFIRM_MAX_AGE.total_seconds()))
    except TokenError as exc:
        return link_problem(exc.reason)
    student = db().get(Student, payload.data.get("sid"))
    if student is None or email_key(student.email) != payload.data.get("e"):
        return link_problem("gone")
    sign_in(student)  # confirms the address (and sends the welcome) on the way
    notify("confirm.done")
    return redirect(url_for("public.me"), 303)
