"""The case page (/office/students/<id>): everything about one student and the actions on it."""

from __future__ import annotations

import re
from email import message_from_string, policy
from email.message import EmailMessage

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.routing import Map
from werkzeug.wrappers import Response

from tracker.audit import record_audit
from tracker.cases.sync import STEP_STATUS, record_step, step_problem, sync_case
from tracker.models import AuditEntry, CaseNote, OutboxMessage, Reminder, StaffUser, Student
from tracker.models.evaluation import evaluate_case
from tracker.rules.titles import TITLE_TYPES, TitleType
from tracker.rules.urgency import urgency_of
from tracker.students.changes import (
    Outcome,
    apply_record,
    correct_title,
    record_of,
    start_new_title,
)
from tracker.students.records import (
    CSV_COLUMNS,
    REQUIRED_COLUMNS,
    FieldError,
    parse_date,
    parse_record,
)
from tracker.students.registration import delete_student_data
from tracker.web import db
from tracker.web.office import actor, bp, office_today, t

# The R10 pipeline as the office advances it (validation is part of the record edit).
PIPELINE: tuple[str, ...] = ("submitted", "adf_received", "card_collected", "refused", "closed")
MAX_NOTE_LENGTH = 5000


def _student(student_id: int) -> Student:
    student = db().scalar(
        select(Student).where(Student.id == student_id)
        .options(selectinload(Student.titles), selectinload(Student.cases))
    )
    if student is None:
        abort(404)
    return student


@bp.get("/students/<int:student_id>")
def case_page(student_id: int) -> str:
    return _render(_student(student_id))


def _render(
    student: Student,
    *,
    edit_values: dict[str, str] | None = None,
    edit_errors: list[FieldError] | None = None,
    step_errors: list[FieldError] | None = None,
    note_error: str | None = None,
) -> str:
    session = db()
    today = office_today()
    case = student.current_case
    evaluation = evaluate_case(case, today) if case is not None else None
    urgency = urgency_of(
        today=today, needs_action=case.needs_action, deadline_on=case.deadline_on,
        fee_threshold_on=case.fee_threshold_on, window_opens_on=case.window_opens_on,
    ).value if case is not None else None
    reminders = session.execute(
        select(Reminder, OutboxMessage)
        .outerjoin(OutboxMessage, OutboxMessage.id == Reminder.message_id)
        .where(Reminder.student_id == student.id)
        .order_by(Reminder.due_on.desc(), Reminder.id.desc())
    ).all()
    messages = session.scalars(
        select(OutboxMessage).where(OutboxMessage.student_id == student.id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    ).all()
    notes = session.execute(
        select(CaseNote, StaffUser.email)
        .outerjoin(StaffUser, StaffUser.id == CaseNote.author_id)
        .where(CaseNote.student_id == student.id)
        .order_by(CaseNote.created_at.desc(), CaseNote.id.desc())
    ).all()
    audit = session.scalars(
        select(AuditEntry).where(AuditEntry.student_id == student.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(200)
    ).all()
    return render_template(
        "office/case.html", student=student, case=case, evaluation=evaluation, today=today,
        urgency=urgency,
        reminders=reminders, messages=messages, notes=notes, audit=audit,
        pipeline=PIPELINE, columns=CSV_COLUMNS, title_types=TITLE_TYPES,
        edit_values=edit_values or record_of(student).as_csv_row(),
        edit_errors=edit_errors or [], step_errors=step_errors or [], note_error=note_error,
        errors_by_field={e.field: e for e in (edit_errors or [])},
    )


@bp.post("/students/<int:student_id>/step")
def case_step(student_id: int) -> ResponseReturnValue:
    student = _student(student_id)
    case = student.current_case
    if case is None:
        abort(404)
    today = office_today()
    step = request.form.get("step") or ""
    raw_on = (request.form.get("on") or "").strip()
    errors: list[FieldError] = []
    if step not in PIPELINE or step not in STEP_STATUS:
        errors.append(FieldError("step", "office.case.error_step"))
    elif problem := step_problem(case, step):
        errors.append(FieldError("step", problem))
    on = parse_date(raw_on) if raw_on else None
    if on is None:
        errors.append(FieldError("on", "error.date_invalid", (("value", raw_on),)))
    elif on > today:
        errors.append(FieldError("on", "office.case.error_future"))
    new_record = None
    if not errors and step == "card_collected" and request.form.get("new_title_type"):
        # The collected card is a new title (R10): validated like every other record.
        row = record_of(student).as_csv_row()
        row.update(
            title_type=request.form.get("new_title_type") or "",
            title_valid_from=request.form.get("new_valid_from") or "",
            title_expires_on=request.form.get("new_expires_on") or "",
            validated_on="", application_submitted_on="",
        )
        new_record, errors = parse_record(row)
    if errors:
        return _render(student, step_errors=errors), 422
    assert on is not None
    session = db()
    record_step(session, case, step, on, today)
    record_audit(session, action="case.step", student_id=student.id, case_id=case.id, step=step,
                 on=on.isoformat(), **actor())
    if new_record is not None and new_record.title_type and new_record.title_expires_on:
        new_case = start_new_title(
            session, student, title_type=TitleType(new_record.title_type),
            expires_on=new_record.title_expires_on, valid_from=new_record.title_valid_from,
            entry_date=None, today=today,
        )
        sync_case(session, new_case, today)
        record_audit(session, action="case.new_title", student_id=student.id,
                     case_id=new_case.id, title_type=new_record.title_type.value, **actor())
    flash(t("office.case.step_saved", step=t(f"office.step.{step}")), "success")
    return redirect(url_for("office.case_page", student_id=student.id))


@bp.post("/students/<int:student_id>/notes")
def case_note(student_id: int) -> ResponseReturnValue:
    student = _student(student_id)
    body = (request.form.get("body") or "").strip()
    if not body or len(body) > MAX_NOTE_LENGTH:
        return _render(student, note_error=t("office.case.note_error",
                                             max=MAX_NOTE_LENGTH)), 422
    user = actor()
    author_id = int(user["actor"].split(":", 1)[1])
    db().add(CaseNote(student_id=student.id, author_id=author_id, body=body))
    record_audit(db(), action="note.add", student_id=student.id, **user)
    flash(t("office.case.note_saved"), "success")
    return redirect(url_for("office.case_page", student_id=student.id, _anchor="notes"))


@bp.post("/students/<int:student_id>/edit")
def case_edit(student_id: int) -> ResponseReturnValue:
    student = _student(student_id)
    session = db()
    values = {name: (request.form.get(name) or "").strip() for name in CSV_COLUMNS}
    # A self-registered student may have no number yet: the office need not invent one to
    # correct their record, but cannot erase one that exists.
    required = REQUIRED_COLUMNS if student.student_number else ("email",)
    record, errors = parse_record(values, required=required)
    if record is not None and record.student_number != student.student_number:
        # The upsert finds students by number: a changed number must stay this student's.
        taken = session.scalar(select(Student.id).where(
            Student.student_number == record.student_number, Student.id != student.id))
        if taken is not None or not record.student_number:
            errors = [FieldError("student_number", "office.case.error_number_taken",
                                 (("value", record.student_number or ""),))]
        else:
            student.student_number = record.student_number
    if record is None or errors:
        return _render(student, edit_values=values, edit_errors=errors), 422
    before = record_of(student).as_csv_row()
    today = office_today()
    # The form shows the current title: a changed type or date there corrects that title
    # (the case and its steps stay, reminders re-arm). A new card is the "card collected"
    # step, never an edit, so apply_record must not see a different title and start a case.
    title = student.current_title
    corrected = (title is not None and record.title_type is not None
                 and correct_title(title, record))
    result = apply_record(session, record, today=today, source="office", student=student)
    if result.errors:
        session.rollback()
        return _render(_student(student_id), edit_values=values,
                       edit_errors=list(result.errors)), 422
    case = student.current_case
    if corrected and result.outcome is Outcome.UNCHANGED and case is not None:
        # apply_record found nothing else to change, so it did not re-sync the case.
        sync_case(session, case, today)
    after = record_of(student).as_csv_row()
    # Field names only: the audit outlives the student's data (audit).
    changed = sorted(k for k in CSV_COLUMNS if before.get(k) != after.get(k))
    if changed:
        record_audit(session, action="student.edit", student_id=student.id, fields=changed,
                     **actor())
        flash(t("office.case.edit_saved"), "success")
    else:
        flash(t("office.case.edit_unchanged"), "success")
    return redirect(url_for("office.case_page", student_id=student.id))


@bp.post("/students/<int:student_id>/delete")
def case_delete(student_id: int) -> Response:
    student = _student(student_id)
    if request.form.get("confirm") != "yes":
        flash(t("office.case.delete_confirm_needed"), "error")
        return redirect(url_for("office.case_page", student_id=student.id, _anchor="delete"))
    # The student's own deletion and the office's are one code path (outbox rows included).
    delete_student_data(db(), student, **actor())
    flash(t("office.case.deleted"), "success")
    return redirect(url_for("office.worklist"))


# Links that act as the student (sign in, confirm, unsubscribe, calendar feed): staff see that
# a link was sent, never the link itself, or any office account could open the student's page.
# They are found in the app's URL map, so a new route carrying a secret is hidden without a list
# to update: every rule with a <token> in its path, plus the routes that take it as ?token=.
QUERY_TOKEN_ENDPOINTS = frozenset({"unsubscribe.unsubscribe"})
HIDDEN_LINK = "[…]"


def personal_link_paths(url_map: Map) -> tuple[str, ...]:
    """The fixed start of the path of every route that acts as the student through a secret,
    longest first (so the regular expression prefers the most specific one)."""
    paths = {
        rule.rule.split("<", 1)[0]
        for rule in url_map.iter_rules()
        if "token" in rule.arguments or rule.endpoint in QUERY_TOKEN_ENDPOINTS
    }
    return tuple(sorted(paths, key=lambda path: (-len(path), path)))


def hide_personal_links(text: str, base_url: str, paths: tuple[str, ...]) -> str:
    """`text` with the secret part of every link to one of `paths` replaced by HIDDEN_LINK."""
    if not paths:
        return text
    alternatives = "|".join(re.escape(p) for p in paths)
    pattern = re.compile(rf"({re.escape(base_url)}(?:{alternatives}))[^\s<>\"]*")
    return pattern.sub(lambda m: m.group(1) + HIDDEN_LINK, text)


@bp.get("/students/<int:student_id>/messages/<int:message_id>")
def case_message(student_id: int, message_id: int) -> str:
    message = db().get(OutboxMessage, message_id)
    if message is None or message.student_id != student_id:
        abort(404)
    parsed = message_from_string(message.raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    text_part = parsed.get_body(preferencelist=("plain",))
    text = text_part.get_content() if text_part is not None else ""
    base_url = current_app.extensions["tracker"].settings.base_url
    paths = personal_link_paths(current_app.url_map)
    text = hide_personal_links(text, base_url, paths)
    headers = [(k, hide_personal_links(str(v), base_url, paths)) for k, v in parsed.items()]
    attachments = [part.get_filename() or part.get_content_type()
                   for part in parsed.iter_attachments()]
    # The text part is shown in <pre>, escaped by Jinja: never the HTML part as HTML.
    return render_template("office/message.html", message=message, student_id=student_id,
                           headers=headers, text=text, attachments=attachments)
