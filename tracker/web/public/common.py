"""Small helpers shared by the public views."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app, request, session

from tracker.models import Student, utcnow
from tracker.runtime import Runtime
from tracker.students.records import FieldError, email_key
from tracker.web import current_language
from tracker.web.auth import signed_in_student


def runtime() -> Runtime:
    rt: Runtime = current_app.extensions["tracker"]
    return rt


def today() -> date:
    return runtime().today()


def now() -> datetime:
    return utcnow()


def current_student() -> Student | None:
    principal = signed_in_student()
    return principal.student if principal is not None else None


@dataclass(frozen=True)
class ShownError:
    field: str  # the form field's name (and, prefixed, its id)
    anchor: str  # the element the summary links to
    label_key: str
    message: str


def shown_errors(errors: Iterable[FieldError], *, prefix: str = "",
                 anchors: dict[str, str] | None = None) -> list[ShownError]:
    """Messages in the page's language, one per field (the first problem of each field), in
    the order the problems were found."""
    lang = current_language()
    seen: set[str] = set()
    shown: list[ShownError] = []
    for error in errors:
        if error.field in seen:
            continue
        seen.add(error.field)
        field_id = f"{prefix}{error.field}"
        shown.append(ShownError(
            field=error.field,
            anchor=(anchors or {}).get(error.field, field_id),
            label_key=f"field.{error.field.removeprefix('new_')}",
            message=error.message(lang),
        ))
    return shown


def notify(key: str) -> None:
    """A one-time notice for the next page, kept as a text key so that it is shown in the
    language of the page that displays it."""
    session["notice"] = key


def address_key() -> str:
    """Rate-limit key for forms that send e-mail: the address typed, whoever asks for it."""
    return "address:" + email_key(request.form.get("email", ""))[:320]
