"""The international office's pages, under /office.

Access rules live here, once, for every route of the blueprint (so a new view cannot forget
them): a signed-in, active staff member is needed except on the sign-in page; a student's
session never counts; a viewer cannot send anything but GET (403); sessions expire when idle;
a forced password change comes before anything else. The office speaks French unless asked.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any, TypedDict

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    request,
    session,
    url_for,
)
from flask_login import logout_user
from werkzeug.wrappers import Response

from tracker.i18n import LANGUAGES, gettext, has_text
from tracker.runtime import Runtime
from tracker.web.auth import StaffPrincipal, signed_in_staff

bp = Blueprint("office", __name__, url_prefix="/office")

# Endpoints a signed-out visitor may reach.
PUBLIC_ENDPOINTS = frozenset({"office.login"})
# Endpoints any signed-in staff member may POST to, viewers included (their own account).
SELF_SERVICE_ENDPOINTS = frozenset({"office.logout", "office.password"})
IDLE_TIMEOUT_SECONDS = 30 * 60
ABSOLUTE_TIMEOUT_SECONDS = 12 * 3600
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def office_today() -> date:
    """Today for the office's pages; OFFICE_TODAY (a date) pins it for tests and demos."""
    pinned = current_app.config.get("OFFICE_TODAY")
    if isinstance(pinned, date):
        return pinned
    runtime: Runtime = current_app.extensions["tracker"]
    return runtime.today()


def staff() -> StaffPrincipal:
    """The signed-in staff member (the guard has already refused everyone else)."""
    principal = signed_in_staff()
    if principal is None:
        abort(401)
    return principal


class Actor(TypedDict):
    actor: str
    actor_label: str


def actor() -> Actor:
    """record_audit's actor arguments for the signed-in staff member."""
    user = staff().user
    return {"actor": f"staff:{user.id}", "actor_label": user.email}


def require_admin() -> None:
    if staff().role != "admin":
        abort(403)


def t(key: str, **params: object) -> str:
    from tracker.web import current_language

    runtime: Runtime = current_app.extensions["tracker"]
    late_fee = runtime.policy.late_fee_eur(office_today())
    return gettext(key, current_language(), **({"late_fee": late_fee} | params))


@bp.before_request
def _office_language() -> None:
    # The office works in French: the browser's language is not consulted, only ?lang= and
    # the remembered choice.
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        g.lang = asked
    elif request.cookies.get("lang") in LANGUAGES:
        g.lang = request.cookies["lang"]
    else:
        g.lang = "fr"


def session_expired(since: object, seen: object, now: float) -> bool:
    """Whether an office session signed in at `since` and last used at `seen` (epoch seconds)
    has passed the idle or the absolute limit at `now`. A session without both timestamps
    (a cookie from before they were set, or one tampered with) counts as expired: treating
    it as new would let it live forever."""
    if not isinstance(since, int | float) or not isinstance(seen, int | float):
        return True
    return now - seen > IDLE_TIMEOUT_SECONDS or now - since > ABSOLUTE_TIMEOUT_SECONDS


@bp.before_request
def _guard() -> Response | None:
    endpoint = request.endpoint or ""
    principal = signed_in_staff()
    if principal is not None:
        if session_expired(session.get("office_since"), session.get("office_seen"),
                           now := time.time()):
            logout_user()
            session.pop("office_since", None)
            session.pop("office_seen", None)
            principal = None
            if endpoint not in PUBLIC_ENDPOINTS:
                flash(t("office.login.expired"), "error")
        else:
            session["office_seen"] = now
    if endpoint in PUBLIC_ENDPOINTS:
        return None
    if principal is None:
        # Signed out, or a student's session: the office's pages are not theirs.
        if request.method in SAFE_METHODS:
            return redirect(url_for("office.login", next=request.full_path.rstrip("?")))
        abort(401)
    if principal.user.must_change_password and endpoint not in SELF_SERVICE_ENDPOINTS:
        if request.method in SAFE_METHODS:
            return redirect(url_for("office.password"))
        abort(403)
    if request.method not in SAFE_METHODS and endpoint not in SELF_SERVICE_ENDPOINTS \
            and not principal.can_write:
        abort(403)
    return None


@bp.after_request
def _no_store(response: Response) -> Response:
    # Pages with personal data must not stay in shared browsers' caches.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.app_context_processor
def _office_context() -> dict[str, Any]:
    return {"office_staff": signed_in_staff, "has_text": has_text}


from tracker.web.office import (  # noqa: E402  (views register themselves on bp)
    account,
    audit,
    case_page,
    imports,
    stats,
    worklist,
)

__all__ = ["account", "audit", "bp", "case_page", "imports", "stats", "worklist"]
