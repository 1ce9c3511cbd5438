"""/me/details: the student corrects their own data (identity and the current title's dates).

The checks and the update are tracker.students.details, the registration's checks;
a refused form changes nothing (the request's transaction is rolled back on a 4xx)."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from tracker.models import Student
from tracker.rules.titles import TITLE_TYPES
from tracker.students.details import (
    DETAIL_FIELDS,
    correct_student_details,
    details_of,
)
from tracker.students.records import DATE_COLUMNS, FieldError, parse_date
from tracker.web import current_language, db
from tracker.web.public import bp
from tracker.web.public.common import notify, runtime, shown_errors, today
from tracker.web.public.forms import DetailsForm
from tracker.web.public.me import student_required


def _as_typed(values: dict[str, str]) -> dict[str, str]:
    """Dates as a student types them (DD/MM/YYYY, the format the hint asks for)."""
    shown = dict(values)
    for name in DATE_COLUMNS & shown.keys():
        day = parse_date(shown[name]) if shown[name] else None
        if day is not None:
            shown[name] = day.strftime("%d/%m/%Y")
    return shown


@bp.route("/me/details", methods=["GET", "POST"])
@student_required
def details(student: Student) -> ResponseReturnValue:
    form = DetailsForm(data=_as_typed(details_of(student)))
    form.localise(current_language())
    errors: list[FieldError] = []
    if form.is_submitted():  # CSRFProtect has already refused a POST without a valid token
        typed = {name: form[name].data or "" for name in DETAIL_FIELDS}
        errors = correct_student_details(db(), student, typed, today=today())
        if not errors:
            notify("details.saved")
            return redirect(url_for("public.me"), 303)
    shown = shown_errors(errors, anchors={"title_type": f"title_type-{TITLE_TYPES[0]}"})
    return render_template(
        "public/details.html", form=form, errors=shown, title_types=TITLE_TYPES,
        error_map={e.field: e.message for e in shown},
        office_email=runtime().policy.office_email,
    ), (422 if errors else 200)
