"""Pages for refused requests, in the visitor's language: too many requests (Flask-Limiter)
and a form without a valid CSRF token. They apply to the whole app."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import TooManyRequests

from tracker.i18n import gettext
from tracker.web import current_language
from tracker.web.public import bp


@bp.app_errorhandler(429)
def too_many_requests(error: TooManyRequests) -> ResponseReturnValue:
    lang = current_language()
    return render_template("public/message.html",
                           title=gettext("error.rate_limited_title", lang),
                           text=gettext("error.rate_limited", lang)), 429


@bp.app_errorhandler(CSRFError)
def csrf_refused(error: CSRFError) -> ResponseReturnValue:
    lang = current_language()
    return render_template("public/message.html",
                           title=gettext("error.csrf_title", lang),
                           text=gettext("error.csrf", lang)), 400
