"""Benchmark: import 100,000 students from CSV into SQLite and PostgreSQL, then time
`tracker deadlines show --all --json` on them (issue 2: under 60 s per import, peak memory under
500 MB, deadlines under 30 s).

Every figure is measured on the real command, `tracker students import FILE`, run in a child
process; its peak memory is the child's maximum resident set size.

    .venv/bin/python benchmarks/import_students.py [--rows 100000] [--postgres URL | --no-postgres]

The PostgreSQL URL names a database to connect to for creating (and dropping at the end) a
fresh database `tracker_bench_<random>` on the same server.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 10, 1)


def measure(command: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run `command` in a grandchild and report its wall time and peak RSS.

    A helper process runs it, so RUSAGE_CHILDREN holds that one command only."""
    helper = [sys.executable, __file__, "--measure-child", json.dumps(command)]
    result = subprocess.run(helper, env=env, cwd=ROOT, capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"failed: {' '.join(command)}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_child(command: list[str]) -> None:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        completed = subprocess.run(command, stdout=out, stderr=err, check=False)
        seconds = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_kib = usage.ru_maxrss  # KiB on Linux
        if completed.returncode != 0:
            err.seek(0)
            sys.stderr.write(err.read().decode(errors="replace")[-4000:])
            sys.exit(completed.returncode)
        out.seek(0)
        count, last = 0, b""
        for line in out:
            count, last = count + 1, line
    print(json.dumps({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
                      "peak_mb": peak_kib / 1024, "stdout_lines": count,
                      "last": last.decode().strip()}))


def tracker(*args: str) -> list[str]:
    return [sys.executable, "-m", "tracker", *args]


def run_backend(name: str, database_url: str, csv_path: Path, rows: int,
                instance: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(TRACKER_DATABASE_URL=database_url, TRACKER_INSTANCE_DIR=str(instance),
               TRACKER_SECRET_KEY="benchmark-secret-key-0123456789")
    subprocess.run(tracker("db", "upgrade"), env=env, cwd=ROOT, check=True,
                   capture_output=True)
    today = TODAY.isoformat()
    first = measure(tracker("students", "import", str(csv_path), "--today", today), env)
    again = measure(tracker("students", "import", str(csv_path), "--today", today), env)
    deadlines = measure(tracker("deadlines", "show", "--all", "--json", "--today", today), env)
    # Other work on the machine lengthens wall times: the CPU seconds say what tracker costs.
    print(f"\n{name} (load average now {os.getloadavg()[0]:.1f})")
    for label, figures in (("import (new)", first), ("re-import (unchanged)", again)):
        print(f"  {label:<24} {figures['seconds']:6.1f} s  "
              f"{rows / figures['seconds']:8.0f} rows/s  (CPU {figures['cpu']:5.1f} s)  "
              f"peak {figures['peak_mb']:5.0f} MB  [{figures['last']}]")
    print(f"  {'deadlines show --all':<24} {deadlines['seconds']:6.1f} s  "
          f"{deadlines['stdout_lines'] / deadlines['seconds']:8.0f} lines/s  "
          f"(CPU {deadlines['cpu']:5.1f} s)  peak {deadlines['peak_mb']:5.0f} MB  "
          f"[{deadlines['stdout_lines']} lines]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--measure-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_child:
        measure_child(json.loads(args.measure_child))
        return

    sys.path.insert(0, str(ROOT))
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from tracker.students.demo import write_demo_csv

    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        work = Path(tmp)
        csv_path = work / "students.csv"
        started = time.perf_counter()
        with csv_path.open("w", encoding="utf-8", newline="") as stream:
            write_demo_csv(stream, args.rows, seed=2026, today=TODAY)
        print(f"load average before: {os.getloadavg()[0]:.1f}")
        print(f"generated {args.rows} students in {time.perf_counter() - started:.1f} s "
              f"({csv_path.stat().st_size / 1e6:.1f} MB CSV); today = {TODAY}; "
              f"{os.cpu_count()} CPUs")

        run_backend("SQLite", f"sqlite:///{work / 'bench.sqlite3'}", csv_path, args.rows,
                    work / "instance-sqlite")

        if args.no_postgres:
            return
        admin_url = make_url(args.postgres).set(drivername="postgresql+psycopg")
        name = f"tracker_bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = admin_url.set(database=name).render_as_string(hide_password=False)
            run_backend("PostgreSQL", url, csv_path, args.rows, work / "instance-pg")
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
