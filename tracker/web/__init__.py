"""The web app factory: blueprints, one database session per request, languages, security."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, g, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import Session
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker import resource_dir
from tracker.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    TRANSLATIONS_DIR,
    format_day,
    gettext,
    ngettext,
    normalise_language,
    relative_day,
)
from tracker.runtime import Runtime, build_runtime
from tracker.settings import Settings

csrf = CSRFProtect()
# Limits are declared on the views; the storage comes from TRACKER_RATELIMIT_STORAGE (this
# process's memory by default, a shared Redis with several workers). Not given here: a storage
# passed to the constructor would override the app's configuration.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
login_manager = LoginManager()
# configure_jinja=False: templates use tracker's `_` and `ngettext` (see create_app).
babel = Babel(configure_jinja=False)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def create_app(
    settings: Settings | None = None,
    runtime: Runtime | None = None,
    config: dict[str, Any] | None = None,
) -> Flask:
    runtime = runtime or build_runtime(settings)
    app = Flask(
        "tracker",
        template_folder=str(resource_dir("templates")),
        static_folder=str(Path(__file__).resolve().parent.parent / "static"),
    )
    app.extensions["tracker"] = runtime
    app.config.update(
        SECRET_KEY=runtime.settings.secret_key,
        MAX_CONTENT_LENGTH=5 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=runtime.settings.base_url.startswith("https://"),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        RATELIMIT_HEADERS_ENABLED=True,
        RATELIMIT_STORAGE_URI=runtime.settings.ratelimit_storage,
    )
    app.config.update(config or {})
    proxies = runtime.settings.trusted_proxies
    if proxies:
        # Behind TLS-terminating proxies: the client address (for rate limits), the scheme
        # (Secure cookies, HSTS, https:// URLs) and the host come from the X-Forwarded-*
        # headers the trusted proxies set, and only from the last `proxies` of them.
        # Flask's documented way to add WSGI middleware; mypy sees a method being replaced.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    # Flask-Babel reads the same catalogs, in the language tracker picks for the request
    # (_install_languages). Templates keep tracker's own `_` and `ngettext` (the context
    # processor below), not Flask-Babel's: the same templates and texts serve the e-mails,
    # rendered in the student's language outside any request (scheduler, CLI) or inside a
    # request of someone else (the office), where Flask-Babel's request locale does not apply.
    babel.init_app(app, locale_selector=current_language, default_locale=DEFAULT_LANGUAGE,
                   default_translation_directories=str(TRANSLATIONS_DIR))
    _install_request_session(app, runtime)
    _install_languages(app)
    _install_security_headers(app)

    from tracker.web import auth, health, office, public, unsubscribe

    auth.install(app, login_manager)
    app.register_blueprint(health.bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(office.bp)
    unsubscribe.install(app)
    return app


def db() -> Session:
    """The request's database session (opened on first use, committed after the view)."""
    if "db" not in g:
        runtime: Runtime = g.runtime
        g.db = runtime.sessions()
    return g.db


def _install_request_session(app: Flask, runtime: Runtime) -> None:
    @app.before_request
    def _bind_runtime() -> None:
        g.runtime = runtime

    @app.after_request
    def _commit(response: Any) -> Any:
        # Commit before the response leaves, so a failed write is a 500 and not a false "saved".
        session = g.pop("db", None)
        if session is not None:
            try:
                if response.status_code < 400:
                    session.commit()
                else:
                    session.rollback()
            finally:
                session.close()
        return response

    @app.teardown_request
    def _close(_exc: BaseException | None) -> None:
        session = g.pop("db", None)
        if session is not None:
            session.rollback()
            session.close()


def current_language() -> str:
    return g.get("lang") or "fr"


def _install_languages(app: Flask) -> None:
    @app.before_request
    def _choose_language() -> None:
        asked = request.args.get("lang")
        if asked in LANGUAGES:
            g.lang = asked
            return
        cookie = request.cookies.get("lang")
        if cookie in LANGUAGES:
            g.lang = cookie
            return
        g.lang = request.accept_languages.best_match(LANGUAGES, default="fr")

    @app.after_request
    def _remember_language(response: Any) -> Any:
        asked = request.args.get("lang")
        if asked in LANGUAGES:
            response.set_cookie("lang", asked, max_age=365 * 24 * 3600, samesite="Lax",
                                httponly=True)
        return response

    @app.context_processor
    def _texts() -> dict[str, Any]:
        lang = current_language()
        # The amount some texts state (the `late_fee` of the catalogs) comes from the policy,
        # for today; a text without it ignores the parameter.
        runtime: Runtime = current_app.extensions["tracker"]
        defaults = {"late_fee": runtime.policy.late_fee_eur(runtime.today())}
        return {
            "_": lambda key, **params: gettext(key, lang, **(defaults | params)),
            "ngettext": lambda key, plural_key, n, **params: ngettext(key, plural_key, n, lang,
                                                                      **params),
            "lang": lang,
            "format_day": lambda day, style="long": format_day(day, lang, style),
            "language_url": language_url,
        }

    app.jinja_env.globals["normalise_language"] = normalise_language
    app.jinja_env.globals["relative_day"] = relative_day


def language_url(code: str) -> str:
    """This page in language `code`, its other query arguments kept (a filtered worklist stays
    filtered, a page number stays) so switching language never loses the visitor's place."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return "?" + urlencode([*args, ("lang", code)])


def _install_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response: Any) -> Any:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Permissions-Policy",
                                    "camera=(), microphone=(), geolocation=()")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        response.vary.add("Accept-Language")
        return response
