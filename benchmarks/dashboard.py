"""Office dashboard benchmark: server time and SQL query count of its main pages with 100,000
students, on SQLite and PostgreSQL. Prints figures; not a test.

    .venv/bin/python benchmarks/dashboard.py [--students 100000] [--runs 15]
        [--backends sqlite,postgres] [--postgres postgresql://postgres@127.0.0.1:5432/test]
        [--sqlite-file bench.sqlite3]

Students come from `tracker demo` (the same generator and import as in production). Each page
is requested through the Flask test client, signed in as staff, with `today` pinned; the time
is the median over the runs of the whole request (routing, SQL, template), after one warm-up,
with this process's CPU time beside it.
The PostgreSQL database `tracker_bench_<random>` is created and dropped by the script.
--sqlite-file measures an existing SQLite file instead (populated by an earlier run of the
same demo, e.g. before a migration): it is upgraded to head and analysed, not populated, which
also times the migrations on real data.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tracker.cli.db import alembic_config  # noqa: E402
from tracker.models import Case, StaffUser, Student  # noqa: E402
from tracker.office.staff import create_staff_user  # noqa: E402
from tracker.runtime import build_runtime  # noqa: E402
from tracker.settings import load_settings  # noqa: E402
from tracker.web import create_app  # noqa: E402

TODAY = date(2026, 9, 1)
SEED = 20260901
PASSWORD = "benchmark password 123"
TARGET_MS = 150.0


@contextmanager
def database(backend: str, admin_url: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'bench.sqlite3'}"
        return
    name = f"tracker_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(admin_url).set(drivername="postgresql+psycopg"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(admin_url).set(drivername="postgresql+psycopg", database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def populate(url: str, folder: Path, students: int) -> float:
    command.upgrade(alembic_config(url), "head")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(TRACKER_DATABASE_URL=url, TRACKER_INSTANCE_DIR=str(folder / "instance"),
               TRACKER_SECRET_KEY="benchmark-secret-key-0123456789",
               # This checkout's code, not whatever the venv's `tracker` script points at.
               PYTHONPATH=str(REPO))
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tracker", "demo", "--students", str(students),
         "--seed", str(SEED), "--today", TODAY.isoformat()],
        env=env, check=True, stdout=subprocess.DEVNULL,
    )
    elapsed = time.perf_counter() - started
    _analyse(url)
    return elapsed


def _analyse(url: str) -> None:
    """Fresh planner statistics, as a production database has after its autovacuum/ANALYZE."""
    if url.startswith("postgresql"):
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
    engine.dispose()


def measure(url: str, folder: Path, runs: int) -> list[tuple[str, float, float, int, int]]:
    env = {"TRACKER_DATABASE_URL": url, "TRACKER_INSTANCE_DIR": str(folder / "instance"),
           "TRACKER_SECRET_KEY": "benchmark-secret-key-0123456789"}
    runtime = build_runtime(load_settings(env))
    app = create_app(runtime=runtime, config={
        "OFFICE_TODAY": TODAY, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    with runtime.session() as session:
        if session.scalar(select(StaffUser.id).where(StaffUser.email == "bench@example.org")) \
                is None:  # an existing file (--sqlite-file) may have it from an earlier run
            create_staff_user(session, "bench@example.org", "staff", PASSWORD)
        # A case page with history: the open case due soonest.
        student_id = session.scalar(
            select(Case.student_id).where(Case.is_open.is_(True), Case.is_current.is_(True))
            .order_by(Case.next_milestone_date, Case.id).limit(1))
        family = session.scalar(select(Student.family_name).where(Student.id == student_id))
        open_cases = session.scalar(select(func.count()).select_from(Case)
                                    .where(Case.is_open.is_(True), Case.is_current.is_(True)))
    client = app.test_client()
    response = client.post("/office/login", data={"email": "bench@example.org",
                                                  "password": PASSWORD})
    assert response.status_code == 302, response.status_code

    statements: list[str] = []

    def _count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(runtime.engine, "before_cursor_execute", _count)
    pages = [
        ("worklist, first page (50 rows)", "/office/"),
        ("worklist, first page (200 rows)", "/office/?per_page=200"),
        ("worklist, filtered", "/office/?urgency=act_now&department=14&title_type=student-card"),
        ("worklist, filtered, page 20", "/office/?procedure=renewal&sort=name&page=20"),
        ("worklist, search by name", f"/office/?q={family}"),
        ("worklist, search by number", "/office/?q=90001234"),
        ("case page", f"/office/students/{student_id}"),
        ("stats", "/office/stats"),
    ]
    results = []
    print(f"  open cases: {open_cases}")
    for label, path in pages:
        client.get(path)  # warm-up (template compilation, caches)
        times = []
        cpu_times = []
        queries = 0
        rows = 0
        for _ in range(runs):
            statements.clear()
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            cpu_times.append((time.process_time() - cpu_started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
            queries = len(statements)
            rows = response.get_data(as_text=True).count('<span class="badge badge-')
        results.append((label, statistics.median(times), statistics.median(cpu_times),
                        queries, rows))
    event.remove(runtime.engine, "before_cursor_execute", _count)
    runtime.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--sqlite-file", help="measure this existing SQLite file instead")
    args = parser.parse_args()
    if args.sqlite_file:
        url = f"sqlite:///{Path(args.sqlite_file).resolve()}"
        with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
            print(f"sqlite: existing file {args.sqlite_file}")
            started = time.perf_counter()
            command.upgrade(alembic_config(url), "head")
            _analyse(url)
            print(f"  upgraded to head and analysed in {time.perf_counter() - started:.1f} s")
            _report(measure(url, Path(tmp), args.runs))
        return
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
            folder = Path(tmp)
            with database(backend, args.postgres, folder) as url:
                print(f"{backend}: {args.students} students (tracker demo --seed {SEED} "
                      f"--today {TODAY})")
                seconds = populate(url, folder, args.students)
                print(f"  populated in {seconds:.1f} s")
                _report(measure(url, folder, args.runs))


def _report(results: list[tuple[str, float, float, int, int]]) -> None:
    # The CPU time of this process (Flask, templates and, on SQLite, the queries) is printed
    # beside the wall time: on a machine shared with other work it moves much less.
    for label, median, cpu, queries, rows in results:
        verdict = "ok" if median < TARGET_MS else "OVER TARGET"
        print(f"  {label:34s} median {median:7.1f} ms  (cpu {cpu:6.1f} ms)  "
              f"queries {queries:2d}  rows shown {rows:3d}  [{verdict}]")


if __name__ == "__main__":
    main()
