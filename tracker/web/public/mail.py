"""The two e-mails the public pages send: the registration's confirmation link and the sign-in
link. Both are outbox rows first (written in the request's transaction); once the request has
committed, `send_now` hands them to the delivery service so the student does not wait for the
scheduler's next run. If sending fails there, the row stays pending and the scheduler retries.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Sequence
from typing import Any

from flask import current_app, g, render_template, url_for

from tracker.i18n import gettext, normalise_language
from tracker.mail.delivery import deliver_messages
from tracker.mail.outbox import enqueue
from tracker.models import OutboxMessage, Student
from tracker.runtime import Runtime
from tracker.students.records import email_key
from tracker.students.registration import ACCESS_MAX_AGE, CONFIRM_MAX_AGE
from tracker.tokens import make_token
from tracker.web import db
from tracker.web.public import bp

log = logging.getLogger(__name__)


def _runtime() -> Runtime:
    runtime: Runtime = current_app.extensions["tracker"]
    return runtime


def external_url(endpoint: str, **values: Any) -> str:
    """Links in e-mails start with TRACKER_BASE_URL (the address students reach), not with
    whatever host name this request came in on."""
    return _runtime().settings.base_url + url_for(endpoint, **values)


def _queue(student: Student, *, kind: str, template: str, subject_key: str,
           lang: str, link: str, minutes: int) -> OutboxMessage:
    settings = _runtime().settings
    lang = normalise_language(lang)
    context = {
        "_": lambda key, **params: gettext(key, lang, **params),
        "lang": lang,
        "link": link,
        "minutes": minutes,
        "hours": minutes // 60,
        "name": student.given_name or student.full_name,
        "home": settings.base_url + url_for("public.home"),
        "access": external_url("public.access"),
    }
    text = render_template(f"emails/{template}.{lang}.txt", **context)
    html = render_template(f"emails/{template}.{lang}.html", **context)
    message, _created = enqueue(
        db(),
        # A fresh key per request: each request sends its own link.
        key=f"{kind}:{student.id}:{secrets.token_hex(8)}",
        kind=kind,
        sender=settings.mail_from,
        to_address=student.email,
        language=lang,
        subject=gettext(subject_key, lang),
        text=text,
        html=html,
        student_id=student.id,
        headers=[("Auto-Submitted", "auto-generated")],
    )
    return message


def queue_verification(student: Student, lang: str) -> OutboxMessage:
    token = make_token(_runtime().settings.secret_key, "confirm",
                       {"sid": student.id, "e": email_key(student.email)}, single_use=True)
    return _queue(student, kind="verification", template="verification",
                  subject_key="email.verification_subject", lang=lang,
                  link=external_url("public.confirm_link", token=token),
                  minutes=int(CONFIRM_MAX_AGE.total_seconds() // 60))


def queue_access_link(student: Student, lang: str) -> OutboxMessage:
    token = make_token(_runtime().settings.secret_key, "access",
                       {"sid": student.id, "e": email_key(student.email)}, single_use=True)
    return _queue(student, kind="access-link", template="access_link",
                  subject_key="email.access_link_subject", lang=lang,
                  link=external_url("public.access_link", token=token),
                  minutes=int(ACCESS_MAX_AGE.total_seconds() // 60))


def send_now(message_ids: Sequence[int]) -> None:
    """Deliver these outbox messages as soon as the request's transaction has committed (the
    app commits in an after_request hook; see `deliver_after_commit`)."""
    pending: list[int] = g.setdefault("tracker_send_now", [])
    pending.extend(message_ids)


@bp.teardown_app_request
def deliver_after_commit(error: BaseException | None) -> None:
    """Teardown runs after the after_request commit. Delivery goes to a thread so the student
    does not wait for the SMTP server (config TRACKER_SEND_NOW: "thread", the default;
    "inline" for tests that want it done when the response returns; "off")."""
    ids = g.pop("tracker_send_now", None)
    if not ids or error is not None:
        return
    mode = current_app.config.get("TRACKER_SEND_NOW", "thread")
    runtime = _runtime()
    if mode == "inline":
        deliver(runtime, ids)
    elif mode == "thread":
        threading.Thread(target=deliver, args=(runtime, ids), name="tracker-send-now",
                         daemon=True).start()


def deliver(runtime: Runtime, message_ids: list[int]) -> None:
    try:
        deliver_messages(runtime.sessions, runtime.sender, message_ids)
    except Exception:  # the rows stay pending; the scheduler's retry job sends them
        log.exception("immediate delivery of outbox messages %s failed", message_ids)
