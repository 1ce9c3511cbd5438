"""CSV import through the browser: upload, dry-run preview, confirm.

The uploaded file is kept between the preview and the confirmation in the instance folder
under a random name; the name is remembered in the uploader's (signed) session, so the form
carries no path and no one else can confirm it."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from typing import Any

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from tracker.runtime import Runtime
from tracker.web import db
from tracker.web.office import actor, bp, office_today, t

UPLOAD_MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"[0-9a-f]{32}")


def _upload_dir() -> Path:
    runtime: Runtime = current_app.extensions["tracker"]
    folder = runtime.settings.instance_dir / "office-imports"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _forget_old_uploads(folder: Path) -> None:
    limit = time.time() - UPLOAD_MAX_AGE_SECONDS
    for path in folder.glob("*.csv"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            pass


def _pending_path() -> Path | None:
    token = session.get("office_import")
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    path = _upload_dir() / f"{token}.csv"
    return path if path.is_file() else None


def _run(path: Path, *, dry_run: bool) -> Any:
    from tracker.students.csv_import import import_students_csv

    who = actor()["actor"]
    with path.open("rb") as stream:
        return import_students_csv(db(), stream, today=office_today(), dry_run=dry_run,
                                   actor=who)


@bp.route("/import", methods=["GET", "POST"])
def import_csv() -> ResponseReturnValue:
    if request.method == "GET":
        return render_template("office/import.html", report=None, error=None)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("office/import.html", report=None,
                               error=t("office.import.no_file")), 422
    folder = _upload_dir()
    _forget_old_uploads(folder)
    old = _pending_path()
    if old is not None:
        old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    path = folder / f"{token}.csv"
    upload.save(path)
    session["office_import"] = token
    report = _run(path, dry_run=True)
    # A dry run writes nothing; make sure nothing it touched is committed by this request.
    db().rollback()
    if report.fatal is not None:
        path.unlink(missing_ok=True)
        session.pop("office_import", None)
    return render_template("office/import.html", report=report, error=None,
                           filename=upload.filename)


@bp.post("/import/confirm")
def import_confirm() -> ResponseReturnValue:
    path = _pending_path()
    if path is None:
        flash(t("office.import.expired"), "error")
        return redirect(url_for("office.import_csv"))
    report = _run(path, dry_run=False)
    path.unlink(missing_ok=True)
    session.pop("office_import", None)
    # The import service records its own "students.import" audit entry with the counts.
    return render_template("office/import_done.html", report=report)


@bp.post("/import/cancel")
def import_cancel() -> ResponseReturnValue:
    path = _pending_path()
    if path is not None:
        path.unlink(missing_ok=True)
    session.pop("office_import", None)
    flash(t("office.import.cancelled"), "success")
    return redirect(url_for("office.import_csv"))
