"""The public home page."""

from __future__ import annotations

from flask import render_template

from tracker.web.public import bp
from tracker.web.public.common import current_student


@bp.get("/")
def home() -> str:
    return render_template("public/home.html", student=current_student())
