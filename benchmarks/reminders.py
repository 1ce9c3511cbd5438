"""Benchmark: one reminder cycle for many students, on SQLite and PostgreSQL, delivering to a
local aiosmtpd sink. Prints figures; not a test.

    .venv/bin/python benchmarks/reminders.py --students 100000 --backend both

For each backend it builds a fresh database (Alembic), fills it with synthetic students (bulk
inserts, then the real sync_case and arm_cases in batches), and then runs, in a child process
so that its peak memory is its own:
- a typical day: the welcomes went out long ago, students registered before the day, and
  the reminders due that day are planned and delivered over one SMTP connection;
- as a reference, in another child, a plain SELECT of the same rows the planner reads, and
  of all students.
With --first-cycle it also times the planning of the very first cycle after a bulk import
(one welcome e-mail per student), which is a one-off.

Peak memory is the child's peak resident set (VmHWM of /proc/self/status, or getrusage
ru_maxrss elsewhere), read after planning and after delivery: no tracemalloc, which would
slow the timed Python code several times over. The child does nothing else, so its peak is
the cycle's (plus the interpreter and imports, shown on their own as "baseline").

With --reuse the generated data is kept (benchmarks/output/ for SQLite, a template database
on PostgreSQL) and later runs with the same --students start from a copy of it.

Targets (issue 3): planning < 20 s, delivery >= 200 e-mails/s, peak memory < 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import joinedload  # noqa: E402

DAY = date(2026, 11, 16)
TITLES = [("student-card", 55), ("multi-year-card", 15), ("vls-ts", 15), ("visa-csa", 8),
          ("algerian-certificate", 5), ("visa-minor", 2)]


def log(message: str) -> None:
    print(message, flush=True)


def _admin(pg_url: str) -> Any:
    return create_engine(make_url(pg_url).set(drivername="postgresql+psycopg"),
                         isolation_level="AUTOCOMMIT")


def new_database(backend: str, pg_url: str, workdir: Path,
                 template: str | None = None) -> tuple[str, Any]:
    """A database for one run: empty, or a copy of `template` (a file, or a database)."""
    if backend == "sqlite":
        path = workdir / "bench.sqlite3"
        if template is not None:
            shutil.copyfile(template, path)
        return f"sqlite:///{path}", None
    name = f"tracker_bench_{uuid.uuid4().hex[:8]}"
    admin = _admin(pg_url)
    with admin.connect() as conn:
        copy = f' TEMPLATE "{template}"' if template is not None else ""
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    url = make_url(pg_url).set(drivername="postgresql+psycopg", database=name)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.render_as_string(hide_password=False), drop


def saved_data(backend: str, pg_url: str, students: int, first_cycle: bool) -> tuple[str, bool]:
    """Where --reuse keeps the generated data, and whether it is there."""
    tag = f"{'first' if first_cycle else 'typical'}_{students}"
    if backend == "sqlite":
        path = REPO / "benchmarks" / "output" / f"reminders_{tag}.sqlite3"
        return str(path), path.exists()
    name = f"tracker_bench_saved_{tag}"
    admin = _admin(pg_url)
    with admin.connect() as conn:
        found = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
    admin.dispose()
    return name, found is not None


def save_data(backend: str, pg_url: str, url: str, saved: str) -> None:
    if backend == "sqlite":
        database = url.split("///", 1)[1]
        with sqlite3.connect(database) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file
        Path(saved).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(database, saved)
        return
    admin = _admin(pg_url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{saved}" TEMPLATE "{make_url(url).database}"'))
    admin.dispose()


def environment(database_url: str, workdir: Path, smtp_port: int | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(TRACKER_DATABASE_URL=database_url, TRACKER_INSTANCE_DIR=str(workdir),
               TRACKER_SECRET_KEY="benchmark-secret-key-0123456789",
               TRACKER_BASE_URL="https://tracker.example.org",
               TRACKER_MAIL_FROM="tracker@example.org")
    if smtp_port:
        env.update(TRACKER_SMTP_HOST="127.0.0.1", TRACKER_SMTP_PORT=str(smtp_port))
    return env


def generate(env: dict[str, str], students: int, *, steady: bool) -> dict[str, float]:
    """Synthetic students: bulk rows, then the real sync_case + arm_cases per batch."""
    from alembic import command

    import tracker.reminders.arming as reminders
    from tracker.cases.sync import sync_case
    from tracker.cli.db import alembic_config
    from tracker.models import Case, OutboxMessage, ResidenceTitle, Student
    from tracker.runtime import build_runtime
    from tracker.settings import load_settings

    settings = load_settings(env)
    command.upgrade(alembic_config(settings.database_url), "head")
    runtime = build_runtime(settings)
    rng = random.Random(20261116)
    kinds = [k for k, weight in TITLES for _ in range(weight)]
    registered = DAY - timedelta(days=1) if steady else DAY
    started = time.perf_counter()
    chunk = 5000
    for first in range(0, students, chunk):
        count = min(chunk, students - first)
        with runtime.session() as session:
            rows = []
            for n in range(first, first + count):
                rows.append({
                    "student_number": f"2{n:08d}", "email": f"student{n}@example.org",
                    "email_key": f"student{n}@example.org", "given_name": f"Given{n}",
                    "family_name": f"Family{n}", "language": "fr" if n % 5 < 3 else "en",
                    "department": rng.choice(["14", "14", "14", "50", "61"]),
                    "nationality": rng.choice(["MA", "CN", "SN", "IN", "BR", "DZ"]),
                    "date_of_birth": date(2008, 1, 1) + timedelta(days=rng.randrange(0, 2900)),
                    "registered_on": registered, "source": "import",
                    "calendar_token": uuid.uuid4().hex, "reminders_enabled": True,
                    "address_suppressed": False, "search_text": "",
                })
            conn = session.connection()
            conn.execute(insert(Student.__table__), rows)
            ids = session.scalars(select(Student.id).where(
                Student.student_number.in_([r["student_number"] for r in rows]))
                .order_by(Student.id)).all()
            titles = []
            for sid in ids:
                kind = rng.choice(kinds)
                if kind in ("vls-ts", "visa-csa"):
                    entry = DAY - timedelta(days=rng.randrange(0, 120))
                    titles.append({"student_id": sid, "title_type": kind, "valid_from": entry,
                                   "entry_date": entry, "expires_on": entry + timedelta(days=364),
                                   "is_current": True})
                else:
                    expires = DAY + timedelta(days=rng.randrange(-60, 400))
                    titles.append({"student_id": sid, "title_type": kind,
                                   "valid_from": expires - timedelta(days=364),
                                   "expires_on": expires, "entry_date": None,
                                   "is_current": True})
            conn.execute(insert(ResidenceTitle.__table__), titles)
            title_ids = session.scalars(select(ResidenceTitle.id).where(
                ResidenceTitle.student_id.in_(ids)).order_by(ResidenceTitle.student_id)).all()
            conn.execute(insert(Case.__table__), [
                {"student_id": sid, "title_id": tid, "is_current": True, "procedure": "renewal",
                 "status": "todo"} for sid, tid in zip(ids, title_ids, strict=True)])
            if steady:
                # The welcomes went out when these students were imported.
                conn.execute(insert(OutboxMessage.__table__), [
                    {"key": f"welcome:{sid}", "kind": "welcome", "student_id": sid,
                     "to_address": f"student{first + i}@example.org", "language": "fr",
                     "subject": "", "message_id": f"<w{sid}@example.org>", "raw": "",
                     "state": "sent", "attempts": 1} for i, sid in enumerate(ids)])
    inserted = time.perf_counter()
    last = 0
    while True:
        with runtime.session() as session:
            cases = session.scalars(
                select(Case).where(Case.id > last).order_by(Case.id).limit(2000)
                .options(joinedload(Case.student), joinedload(Case.title))).all()
            if not cases:
                break
            last = cases[-1].id
            for case in cases:
                sync_case(session, case, registered, rearm=False)
            session.flush()
            reminders.arm_cases(session, cases, registered, runtime.policy)
    with runtime.session() as session:
        # Tell the planner the cases are armed under this policy (what the first run records).
        reminders.ensure_armed(session, registered, runtime.policy)
        armed = session.scalar(select(func.count()).select_from(reminders.Reminder))
    if steady:
        # The days before the benchmark's day ran already: what fell due is recorded.
        with runtime.session() as session:
            session.execute(text(
                "UPDATE reminders SET state = 'sent' WHERE due_on < :day"), {"day": DAY})
    done = time.perf_counter()
    if settings.database_url.startswith("postgresql"):
        with runtime.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE"))
    runtime.dispose()
    return {"insert_s": inserted - started, "sync_and_arm_s": done - inserted,
            "reminder_rows": float(armed or 0)}


def _peak_rss_mb() -> float:
    """This process's peak resident set: VmHWM, which starts afresh at exec (ru_maxrss
    would carry the parent's peak over from the fork), else ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def reference(env: dict[str, str]) -> dict[str, Any]:
    """Run in a child process: the plain SELECTs the planning is compared with."""
    from tracker.models import Case, Reminder, Student
    from tracker.runtime import build_runtime
    from tracker.settings import load_settings

    runtime = build_runtime(load_settings(env))
    figures: dict[str, Any] = {}
    with runtime.session() as session:
        started = time.perf_counter()
        rows = session.execute(
            select(Reminder, Student, Case).join(Student, Student.id == Reminder.student_id)
            .join(Case, Case.id == Reminder.case_id)
            .where(Reminder.state == "pending", Reminder.due_on <= DAY)).all()
        figures["select_due_rows"] = len(rows)
        figures["select_due_s"] = time.perf_counter() - started
        del rows
        session.expunge_all()
        started = time.perf_counter()
        count = len(session.execute(select(Student.id, Student.email, Student.language,
                                           Student.given_name)).all())
        figures["select_all_students"] = count
        figures["select_all_students_s"] = time.perf_counter() - started
    runtime.dispose()
    return figures


def cycle(env: dict[str, str], first_cycle: bool) -> dict[str, Any]:
    """Run in a child process: plan, then deliver; print JSON."""
    from tracker.cycle import deliver_all_due
    from tracker.reminders.planning import plan_reminders
    from tracker.runtime import build_runtime
    from tracker.settings import load_settings

    runtime = build_runtime(load_settings(env))
    figures: dict[str, Any] = {"baseline_rss_mb": _peak_rss_mb()}
    with runtime.session() as session:
        started, cpu = time.perf_counter(), time.process_time()
        plan = plan_reminders(session, today=DAY, policy=runtime.policy,
                              settings=runtime.settings, commit=True)
        figures["plan_s"] = time.perf_counter() - started
        figures["plan_cpu_s"] = time.process_time() - cpu
    figures["plan_peak_rss_mb"] = _peak_rss_mb()
    figures.update(planned=plan.planned, reminders=plan.reminders, welcomes=plan.welcomes,
                   skipped=plan.skipped)
    if not first_cycle:
        started, cpu = time.perf_counter(), time.process_time()
        delivery = deliver_all_due(runtime.sessions, runtime.sender)
        elapsed = time.perf_counter() - started
        figures.update(sent=delivery.sent, failed=delivery.failed + delivery.retried,
                       deliver_s=elapsed, deliver_cpu_s=time.process_time() - cpu,
                       emails_per_s=delivery.sent / elapsed if elapsed else 0.0)
    figures["peak_rss_mb"] = _peak_rss_mb()
    runtime.dispose()
    return figures


class Sink:
    """A local SMTP server that counts what it receives and keeps nothing."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


def child(mode: str, env: dict[str, str], backend: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--child", mode], env=env,
                          capture_output=True, text=True, cwd=REPO, check=False)
    if done.returncode != 0:
        log(done.stderr[-3000:])
        raise SystemExit(f"{backend}: the {mode} child failed")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def upgrade_to_head(url: str) -> None:
    from alembic import command

    from tracker.cli.db import alembic_config

    started = time.perf_counter()
    command.upgrade(alembic_config(url), "head")
    log(f"upgraded the copy to the current schema in {time.perf_counter() - started:.1f} s")


def run_backend(backend: str, args: argparse.Namespace) -> None:
    from aiosmtpd.controller import Controller

    from tests.fixtures_smtp import free_port

    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        workdir = Path(tmp)
        saved, have_saved = (saved_data(backend, args.pg_url, args.students, args.first_cycle)
                             if args.reuse else ("", False))
        url, drop = new_database(backend, args.pg_url, workdir,
                                 saved if have_saved else None)
        sink = Sink()
        port = free_port()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            env = environment(url, workdir, port)
            log(f"\n== {backend}: {args.students} students, day {DAY}")
            if have_saved:
                log(f"data: a copy of {saved} (--reuse)")
                upgrade_to_head(url)  # saved by an older revision of the code, maybe
            else:
                made = generate(env, args.students, steady=not args.first_cycle)
                log(f"generated in {made['insert_s']:.1f} s (rows) + "
                    f"{made['sync_and_arm_s']:.1f} s (sync_case and arming: "
                    f"{int(made['reminder_rows'])} reminder rows)")
                if args.reuse:
                    save_data(backend, args.pg_url, url, saved)
                    log(f"data kept in {saved} for the next run with --reuse")
            # Other work on the machine stretches the wall-clock figures: say how busy it was.
            log("load average before the cycle: "
                + ", ".join(f"{load:.1f}" for load in os.getloadavg())
                + f" ({os.cpu_count()} CPUs)")
            ref = child("--reference", env, backend)
            log(f"plain SELECT of the due rows the planner reads ({ref['select_due_rows']}"
                f" rows): {ref['select_due_s']:.2f} s; of all "
                f"{ref['select_all_students']} students: "
                f"{ref['select_all_students_s']:.2f} s")
            figures = child("--first-cycle" if args.first_cycle else "--typical-day", env,
                            backend)
            log(f"planning: {figures['plan_s']:.1f} s for {figures['planned']} e-mails "
                f"({figures['reminders']} reminders, {figures['welcomes']} welcomes, "
                f"{figures['skipped']} skipped); CPU of the process "
                f"{figures['plan_cpu_s']:.1f} s")
            if "sent" in figures:
                log(f"delivery: {figures['sent']} e-mails in {figures['deliver_s']:.1f} s = "
                    f"{figures['emails_per_s']:.0f} e-mails/s over one SMTP connection "
                    f"(sink received {sink.count}, failures {figures['failed']}); CPU of the "
                    f"process {figures['deliver_cpu_s']:.1f} s")
            log(f"peak memory of the cycle process (peak RSS, no tracemalloc): "
                f"{figures['plan_peak_rss_mb']:.0f} MB after planning, "
                f"{figures['peak_rss_mb']:.0f} MB after delivery "
                f"(baseline after imports: {figures['baseline_rss_mb']:.0f} MB)")
        finally:
            controller.stop()
            if drop is not None:
                drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--pg-url", default=os.environ.get(
        "TRACKER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--first-cycle", action="store_true",
                        help="time the first cycle after an import (a welcome per student)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the generated data and start later runs from a copy")
    parser.add_argument("--typical-day", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--reference", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        env = dict(os.environ)
        print(json.dumps(reference(env) if args.reference else cycle(env, args.first_cycle)))
        return
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    for backend in backends:
        run_backend(backend, args)


if __name__ == "__main__":
    main()
