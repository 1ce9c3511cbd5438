"""/access: a student asks for a sign-in link to their page; the link signs them in.

The same answer whether the address is known or not. The link's token is exchanged on POST
from a token-free page (see register.py for why).
"""

from __future__ import annotations

from email_validator import EmailNotValidError
from flask import redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue

from tracker.models import Student
from tracker.students.records import FieldError, email_key, field_error, normalise_email
from tracker.students.registration import ACCESS_MAX_AGE, find_by_email
from tracker.tokens import TokenError, is_used, read_token, use_token
from tracker.web import db, limiter
from tracker.web.public import bp
from tracker.web.public.common import address_key, runtime, shown_errors
from tracker.web.public.forms import AccessForm, ButtonForm
from tracker.web.public.mail import queue_access_link, send_now
from tracker.web.public.signin import link_problem, sign_in


@bp.route("/access", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit("3 per 15 minutes", key_func=address_key, methods=["POST"])
def access() -> ResponseReturnValue:
    form = AccessForm()
    errors: list[FieldError] = []
    if form.is_submitted():
        typed = (form.email.data or "").strip()
        address = ""
        if not typed:
            errors.append(field_error("email", "error.required"))
        else:
            try:
                address = normalise_email(typed)
            except EmailNotValidError:
                errors.append(field_error("email", "error.email_invalid", value=typed))
        if not errors:
            student = find_by_email(db(), address)
            if student is not None:
                message = queue_access_link(student, student.language)
                send_now([message.id])
            session["sent_to"] = address
            return redirect(url_for("public.access_sent"), 303)
    shown = shown_errors(errors)
    return render_template("public/access.html", form=form, errors=shown,
                           error_map={e.field: e.message for e in shown}), (422 if errors else 200)


@bp.get("/access/sent")
def access_sent() -> ResponseReturnValue:
    return render_template("public/sent.html", purpose="access",
                           email=session.get("sent_to", ""))


@bp.get("/access/link/<token>")
@limiter.limit("30 per hour")
def access_link(token: str) -> ResponseReturnValue:
    secret = runtime().settings.secret_key
    try:
        payload = read_token(secret, "access", token, int(ACCESS_MAX_AGE.total_seconds()))
    except TokenError as exc:
        return link_problem(exc.reason)
    if is_used(db(), payload):
        return link_problem("used")
    session["access_token"] = token
    return redirect(url_for("public.sign_in_page"), 303)


@bp.route("/access/sign-in", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def sign_in_page() -> ResponseReturnValue:
    token = session.get("access_token")
    if not token:
        return link_problem("missing")
    form = ButtonForm()
    if not form.is_submitted():
        return render_template("public/link_button.html", form=form, purpose="signin",
                               action=url_for("public.sign_in_page"))
    session.pop("access_token", None)
    secret = runtime().settings.secret_key
    try:
        payload = use_token(db(), secret, "access", token, int(ACCESS_MAX_AGE.total_seconds()))
    except TokenError as exc:
        return link_problem(exc.reason)
    student = db().get(Student, payload.data.get("sid"))
    if student is None or email_key(student.email) != payload.data.get("e"):
        return link_problem("gone")
    sign_in(student)
    return redirect(url_for("public.me"), 303)
