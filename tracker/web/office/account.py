"""Sign-in, sign-out, password change and the admin's staff page."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from tracker.audit import record_audit
from tracker.models import STAFF_ROLES, StaffUser, utcnow
from tracker.office.sign_in import (
    AccountError,
    SignIn,
    change_password,
    set_active,
    set_role,
    sign_in,
)
from tracker.office.staff import StaffError, create_staff_user
from tracker.web import current_language, db, limiter
from tracker.web.auth import StaffPrincipal, signed_in_staff
from tracker.web.office import actor, bp, require_admin, staff, t

# Per client address; the account lock (office.sign_in) covers attacks spread over
# many addresses.
LOGIN_LIMIT = "10 per minute"


def _safe_next(target: str | None) -> str:
    """Only a path inside /office: never an absolute URL an attacker chose."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/office") \
                and "\\" not in target:
            return target
    return url_for("office.worklist")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, methods=["POST"])
def login() -> Response | str:
    error: str | None = None
    email = ""
    if request.method == "POST":
        email = (request.form.get("email") or "").strip()
        password = request.form.get("password") or ""
        now = utcnow()
        result = sign_in(db(), email, password, now=now)
        if result.outcome is SignIn.OK and result.user is not None:
            session.clear()  # a fresh session on sign-in (no fixation, no student principal)
            login_user(StaffPrincipal(result.user))
            session["office_since"] = session["office_seen"] = time.time()
            if result.user.must_change_password:
                return redirect(url_for("office.password"))
            return redirect(_safe_next(request.args.get("next")))
        # One answer for an unknown address, a wrong password, a deactivated or a locked
        # account: anything more would tell a stranger which addresses have an account. The
        # lock itself still holds and the audit log records the real reason.
        error = t("office.login.wrong")
    elif signed_in_staff() is not None:
        return redirect(url_for("office.worklist"))
    return render_template("office/login.html", error=error, email=email)


@bp.post("/logout")
def logout() -> Response:
    principal = signed_in_staff()
    if principal is not None:
        record_audit(db(), actor=f"staff:{principal.user.id}", actor_label=principal.user.email,
                     action="staff.signout")
    logout_user()
    session.clear()
    flash(t("office.login.signed_out"), "success")
    return redirect(url_for("office.login"))


@bp.route("/password", methods=["GET", "POST"])
def password() -> Response | str:
    user = staff().user
    error: str | None = None
    if request.method == "POST":
        try:
            change_password(db(), user, request.form.get("current") or "",
                            request.form.get("new") or "", request.form.get("confirm") or "")
        except AccountError as exc:
            error = t(exc.code, **exc.params)
        else:
            flash(t("office.password.changed"), "success")
            return redirect(url_for("office.worklist"))
    return render_template("office/password.html", error=error, forced=user.must_change_password)


@bp.route("/staff", methods=["GET", "POST"])
def staff_admin() -> Response | tuple[str, int]:
    require_admin()
    me = staff().user
    error: str | None = None
    form = {"email": "", "role": "staff"}
    if request.method == "POST":
        action = request.form.get("action")
        if action == "create":
            form = {"email": (request.form.get("email") or "").strip(),
                    "role": request.form.get("role") or "staff"}
            try:
                user = create_staff_user(
                    db(), form["email"], form["role"], request.form.get("password") or "",
                    actor=f"staff:{me.id}", must_change_password=True,
                )
            except StaffError as exc:
                error = _staff_error(str(exc))
            else:
                flash(t("office.staff.created", email=user.email), "success")
                return redirect(url_for("office.staff_admin"))
        else:
            target = db().get(StaffUser, _int(request.form.get("user_id")))
            if target is None:
                abort(404)
            try:
                if action == "role":
                    set_role(db(), me, target, request.form.get("role") or "")
                elif action in ("deactivate", "activate"):
                    if target.id == me.id:
                        raise AccountError("office.staff.error_self")
                    set_active(db(), me, target, action == "activate")
                else:
                    abort(400)
            except AccountError as exc:
                error = t(exc.code, **exc.params)
            else:
                flash(t("office.staff.saved", email=target.email), "success")
                return redirect(url_for("office.staff_admin"))
    users = db().scalars(select(StaffUser).order_by(StaffUser.email)).all()
    status = 200 if error is None else 422
    return render_template("office/staff.html", users=users, roles=STAFF_ROLES, error=error,
                           form=form, me=me), status


def _int(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() else 0


def _staff_error(message: str) -> str:
    """StaffError messages are English sentences for the CLI; the office gets its language."""
    field = message.split(":", 1)[0]
    key = {"role": "office.staff.error_role", "email": "office.staff.error_email",
           "password": "office.staff.error_password"}.get(field)
    if key is None:
        return message
    if field == "email" and "already exists" in message:
        key = "office.staff.error_exists"
    return t(key) if current_language() else message


__all__ = ["actor", "login", "logout", "password", "staff_admin"]
