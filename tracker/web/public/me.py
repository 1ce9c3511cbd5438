"""/me: the student's own page (deadlines, next step, recording steps, settings, calendar,
their data) and the private calendar feed /calendar/<token>.ics.

The calendar feed's URL is the one deliberate secret in a URL: calendar apps can only
subscribe to a URL. It gives read access to dates only, and the student can replace it
(POST /me/calendar/new-link), which revokes the old one.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import wraps
from typing import Any

from flask import Response, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import logout_user
from sqlalchemy import select

from tracker.audit import record_audit
from tracker.cases.calendar import student_calendar
from tracker.cases.guidance import next_step, timeline
from tracker.i18n import LANGUAGES, format_day, gettext
from tracker.models import Case, Student
from tracker.models.evaluation import evaluate_case
from tracker.rules.titles import CaseStatus, ConcoursResult, Procedure, TitleType
from tracker.students.records import FieldError, field_error, parse_date
from tracker.students.registration import (
    CARD_TYPES,
    STUDENT_EVENTS,
    NewCard,
    delete_student_data,
    record_event,
    set_concours_result,
    set_reminders,
    student_data,
)
from tracker.web import current_language, db, limiter
from tracker.web.public import bp
from tracker.web.public.common import current_student, notify, runtime, shown_errors, today
from tracker.web.public.forms import (
    ButtonForm,
    CardForm,
    ConcoursForm,
    DeleteForm,
    LanguageForm,
    StepForm,
)


@bp.before_request
def _student_language() -> None:
    """A signed-in student's pages follow the language they chose, unless this browser
    picked one (?lang= or the language switch's cookie)."""
    if request.args.get("lang") in LANGUAGES or request.cookies.get("lang") in LANGUAGES:
        return
    student = current_student()
    if student is not None and student.language in LANGUAGES:
        g.lang = student.language


@bp.app_context_processor
def _public_context() -> dict[str, Any]:
    if request.blueprint != "public":
        return {}
    # A callable, so that only the page layout consumes the notice (not an e-mail rendered
    # during the same request).
    return {"student": current_student(), "take_notice": lambda: session.pop("notice", None)}


@bp.after_request
def _no_store(response: Response) -> Response:
    # Personal pages, links and feeds must not be kept by shared caches or the back button.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


View = Callable[..., ResponseReturnValue]


def student_required(view: View) -> View:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        student = current_student()
        if student is None:
            return redirect(url_for("public.access"), 303)
        return view(student, *args, **kwargs)

    return wrapper


def events_for(student: Student, case: Case | None) -> list[str]:
    """What the student can record now, in the order a procedure goes."""
    if student.left_france_on is not None:
        return []
    if case is None:
        return ["left_france"]
    status = CaseStatus(case.status)
    events: list[str] = []
    if status is CaseStatus.TODO:
        if TitleType(case.title.title_type) is TitleType.VLS_TS and case.validated_on is None:
            events.append("validated")
        if case.procedure != Procedure.EXAM_FAILED.value:
            events.append("submitted")
    elif status in (CaseStatus.SUBMITTED, CaseStatus.ADF_RECEIVED):
        if status is CaseStatus.SUBMITTED:
            events.append("adf_received")
        events += ["card_collected", "refused"]
    events.append("left_france")
    return events


def render_me(student: Student, *, step_errors: dict[str, list[FieldError]] | None = None,
              forms: dict[str, Any] | None = None, status: int = 200) -> ResponseReturnValue:
    lang = current_language()
    day = today()
    policy = runtime().policy
    case = student.current_case
    evaluation = evaluate_case(case, day) if case is not None else None
    items = (timeline(evaluation, case, policy, policy.contacts_for(student.department), day)
             if case is not None and evaluation is not None else [])
    events = events_for(student, case)
    given = forms or {}
    step_forms: dict[str, Any] = {}
    for event in events:
        if event in given:
            step_forms[event] = given[event]
        elif event == "card_collected":
            step_forms[event] = CardForm(prefix=event, formdata=None)
        else:
            step_forms[event] = StepForm(prefix=event, formdata=None)
    concours_form = None
    if (case is not None and TitleType(case.title.title_type) is TitleType.VISA_CONCOURS
            and CaseStatus(case.status) is CaseStatus.TODO):
        concours_form = given.get("concours") or ConcoursForm(
            prefix="concours", formdata=None,
            data={"concours_result": student.concours_result or "pending"})
        concours_form.localise(lang)
    language_form = LanguageForm(prefix="settings", formdata=None,
                                 data={"language": student.language})
    language_form.localise(lang)
    shown: dict[str, Any] = {}
    for event, errors in (step_errors or {}).items():
        items_shown = shown_errors(errors, prefix=f"{event}-",
                                   anchors={"new_title_type": f"{event}-new_title_type-0"})
        shown[event] = {"list": items_shown,
                        "map": {f"{event}-{e.field}": e.message for e in items_shown}}
    step = next_step(student, case, evaluation, policy, day)
    step_text = gettext(step.key, lang, late_fee=policy.late_fee_eur(day), **{
        name: (format_day(value, lang) if isinstance(value, date) else
               "—" if value is None else value)
        for name, value in step.params.items()
    })
    return render_template(
        "public/me.html",
        case=case, evaluation=evaluation, items=items, step=step, step_text=step_text,
        contacts=policy.contacts_for(student.department), policy=policy,
        events=events, step_forms=step_forms, step_errors=shown,
        concours_form=concours_form, language_form=language_form, button=ButtonForm(),
        card_types=[t.value for t in CARD_TYPES],
        feed_url=runtime().settings.base_url
        + url_for("public.calendar_feed", token=student.calendar_token),
    ), status


@bp.get("/me")
@student_required
def me(student: Student) -> ResponseReturnValue:
    return render_me(student)


def _step_problems(event: str, form: StepForm | CardForm) -> tuple[Any, NewCard | None,
                                                                    list[FieldError]]:
    errors: list[FieldError] = []
    on_text = (form.on.data or "").strip()
    on = parse_date(on_text) if on_text else None
    if not on_text:
        errors.append(field_error("on", "error.required"))
    elif on is None:
        errors.append(field_error("on", "error.date_invalid", value=on_text))
    new_card = None
    if isinstance(form, CardForm):
        card_type = form.new_title_type.data or ""
        if card_type not in {t.value for t in CARD_TYPES}:
            errors.append(field_error("new_title_type", "error.choose_card_type"))
        dates = {}
        for name in ("new_title_valid_from", "new_title_expires_on"):
            text = (form[name].data or "").strip()
            dates[name] = parse_date(text) if text else None
            if not text:
                errors.append(field_error(name, "error.required"))
            elif dates[name] is None:
                errors.append(field_error(name, "error.date_invalid", value=text))
        valid_from, expires_on = dates["new_title_valid_from"], dates["new_title_expires_on"]
        if not errors and valid_from is not None and expires_on is not None:
            new_card = NewCard(TitleType(card_type), valid_from, expires_on)
    return on, new_card, errors


@bp.post("/me/steps/<event>")
@student_required
def record_step_view(student: Student, event: str) -> ResponseReturnValue:
    if event not in STUDENT_EVENTS or event not in events_for(student, student.current_case):
        return redirect(url_for("public.me"), 303)
    form: StepForm | CardForm = (CardForm(prefix=event) if event == "card_collected"
                                 else StepForm(prefix=event))
    on, new_card, errors = _step_problems(event, form)
    if not errors and on is not None:
        errors = record_event(db(), student, event, on=on, today=today(), new_card=new_card)
    if errors:
        return render_me(student, step_errors={event: errors}, forms={event: form}, status=422)
    notify("steps.saved")
    return redirect(url_for("public.me") + "#next-step", 303)


@bp.post("/me/concours")
@student_required
def concours(student: Student) -> ResponseReturnValue:
    form = ConcoursForm(prefix="concours")
    value = form.concours_result.data or ""
    if value in {r.value for r in ConcoursResult}:
        set_concours_result(db(), student, ConcoursResult(value), today=today())
        notify("steps.saved")
    return redirect(url_for("public.me") + "#next-step", 303)


@bp.post("/me/language")
@student_required
def language(student: Student) -> ResponseReturnValue:
    form = LanguageForm(prefix="settings")
    chosen = form.language.data or ""
    response = redirect(url_for("public.me") + "#settings", 303)
    if chosen in LANGUAGES:
        student.language = chosen
        record_audit(db(), actor="student", action="student.language", student_id=student.id,
                     language=chosen)
        # This browser follows at once (the same cookie as the header's language switch).
        response.set_cookie("lang", chosen, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True, secure=request.is_secure)
        notify("settings.language_saved")
    return response


@bp.post("/me/reminders")
@student_required
def reminders(student: Student) -> ResponseReturnValue:
    # CSRFProtect has checked the token; the choice is the value of the button pressed.
    enabled = request.form.get("enabled") == "1"
    if enabled != student.reminders_enabled:
        set_reminders(db(), student, enabled, today=today())
    notify("settings.reminders_on" if enabled else "settings.reminders_off")
    return redirect(url_for("public.me") + "#settings", 303)


def _ics_response(student: Student, filename: str) -> Response:
    body = student_calendar(student, today(), runtime().policy,
                            host=runtime().settings.public_host, stamp=datetime.now(UTC))
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
    })


@bp.get("/me/calendar.ics")
@student_required
def calendar_download(student: Student) -> ResponseReturnValue:
    return _ics_response(student, "deadlines.ics")


@bp.post("/me/calendar/new-link")
@student_required
def calendar_rotate(student: Student) -> ResponseReturnValue:
    student.calendar_token = secrets.token_urlsafe(32)
    record_audit(db(), actor="student", action="student.calendar_rotate", student_id=student.id)
    notify("calendar.rotated")
    return redirect(url_for("public.me") + "#calendar", 303)


@bp.get("/calendar/<token>.ics")
@limiter.limit("120 per hour")
def calendar_feed(token: str) -> ResponseReturnValue:
    student = db().scalar(select(Student).where(Student.calendar_token == token))
    if student is None or len(token) < 20:
        return Response("Not found\n", status=404, mimetype="text/plain")
    return _ics_response(student, "deadlines.ics")


@bp.get("/me/data.json")
@student_required
def data_download(student: Student) -> ResponseReturnValue:
    body = json.dumps(student_data(db(), student), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="my-tracker-data.json"',
    })


@bp.route("/me/delete", methods=["GET", "POST"])
@student_required
def delete(student: Student) -> ResponseReturnValue:
    form = DeleteForm()
    errors: list[FieldError] = []
    if form.is_submitted():
        if form.confirm.data:
            delete_student_data(db(), student)
            logout_user()
            session.clear()
            return redirect(url_for("public.deleted"), 303)
        errors.append(field_error("confirm", "error.confirm_delete"))
    shown = shown_errors(errors)
    return render_template("public/delete.html", form=form, errors=shown,
                           error_map={e.field: e.message for e in shown}), (422 if errors else 200)


@bp.get("/me/deleted")
def deleted() -> ResponseReturnValue:
    return render_template("public/deleted.html")


@bp.post("/me/sign-out")
def sign_out() -> ResponseReturnValue:
    logout_user()
    session.clear()
    notify("signed_out")
    return redirect(url_for("public.home"), 303)
