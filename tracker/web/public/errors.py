"""Pages for refused requests, in the visitor's language: too many requests (Flask-Limiter)
and a form without a valid CSRF token. They apply to the whole app."""

from __future__ import annotations

from flask import current_app, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import TooManyRequests

from tracker.i18n import LANGUAGES, gettext
from tracker.web import current_language
from tracker.web.public import bp


def _bind_runtime() -> None:
    # CSRFProtect and Flask-Limiter refuse a request in before_request hooks that run before
    # the app binds the runtime; the page (Flask-Login's current_user) needs the database.
    if "runtime" not in g:
        g.runtime = current_app.extensions["tracker"]
    if "lang" not in g:  # the same choice as the app's, which has not run yet either
        asked = request.args.get("lang") or request.cookies.get("lang")
        g.lang = asked if asked in LANGUAGES else request.accept_languages.best_match(
            LANGUAGES, default="fr")


@bp.app_errorhandler(429)
def too_many_requests(error: TooManyRequests) -> ResponseReturnValue:
    _bind_runtime()
    lang = current_language()
    return render_template("public/message.html",
                           title=gettext("error.rate_limited_title", lang),
                           text=gettext("error.rate_limited", lang)), 429


@bp.app_errorhandler(CSRFError)
def csrf_refused(error: CSRFError) -> ResponseReturnValue:
    _bind_runtime()
    lang = current_language()
    return render_template("public/message.html",
                           title=gettext("error.csrf_title", lang),
                           text=gettext("error.csrf", lang)), 400
