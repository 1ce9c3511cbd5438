"""Public pages: home, self-registration, e-mailed sign-in links, the student's own page and
the private calendar feed. (The one-click /unsubscribe lives with the reminders.)"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("public", __name__)

# The views register themselves on `bp`.
from tracker.web.public import (  # noqa: E402, F401
    access,
    details,
    errors,
    me,
    pages,
    register,
    signin,
)
