"""The scheduler: trigger times across daylight-saving changes (time-machine), the database
lease between two schedulers (in-process and as real `tracker scheduler` processes), the last
completed run on /healthz, and `tracker dev` starting exactly one scheduler."""

from __future__ import annotations

import logging
import signal
import socket
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import create_engine, select

from tests.fixtures_reminders import add_student
from tracker.models import OutboxMessage, SchedulerState, utcnow
from tracker.runtime import Runtime, build_runtime
from tracker.scheduler import LEASE_TTL, SchedulerLease, build_scheduler, daily_job
from tracker.settings import Settings
from tracker.web import create_app

PARIS = ZoneInfo("Europe/Paris")


def next_daily_run(runtime: Runtime, now: datetime) -> datetime:
    with time_machine.travel(now, tick=False):
        scheduler = build_scheduler(runtime, background=True)
        scheduler.start(paused=True)
        try:
            job = scheduler.get_job("reminders")
            assert job is not None
            assert job.coalesce is True and job.max_instances == 1
            assert job.misfire_grace_time >= 3600
            assert scheduler.get_job("delivery").trigger.interval == timedelta(minutes=1)
            return job.next_run_time
        finally:
            scheduler.shutdown(wait=False)


@pytest.mark.parametrize(("now", "expected_utc"), [
    # The night of 27 to 28 March 2027 clocks go forward: 08:00 is 06:00 UTC from the 28th.
    (datetime(2027, 3, 27, 12, 0, tzinfo=UTC), datetime(2027, 3, 28, 6, 0, tzinfo=UTC)),
    (datetime(2027, 3, 26, 12, 0, tzinfo=UTC), datetime(2027, 3, 27, 7, 0, tzinfo=UTC)),
    (datetime(2027, 3, 28, 6, 30, tzinfo=UTC), datetime(2027, 3, 29, 6, 0, tzinfo=UTC)),
    # The night of 30 to 31 October 2027 they go back: 08:00 is 07:00 UTC from the 31st.
    (datetime(2027, 10, 30, 12, 0, tzinfo=UTC), datetime(2027, 10, 31, 7, 0, tzinfo=UTC)),
    (datetime(2027, 10, 31, 7, 30, tzinfo=UTC), datetime(2027, 11, 1, 7, 0, tzinfo=UTC)),
])
def test_daily_trigger_stays_at_local_time_across_dst(runtime: Runtime, now: datetime,
                                                      expected_utc: datetime) -> None:
    fire = next_daily_run(runtime, now)
    assert fire == expected_utc
    assert fire.astimezone(PARIS).strftime("%H:%M") == "08:00"
    with time_machine.travel(expected_utc, tick=False):
        assert runtime.today() == expected_utc.astimezone(PARIS).date()


def test_trigger_in_the_spring_gap_still_fires_that_day(settings: Settings) -> None:
    from datetime import time as clock

    runtime = build_runtime(replace(settings, reminder_time=clock(2, 30)))
    try:
        fire = next_daily_run(runtime, datetime(2027, 3, 27, 12, 0, tzinfo=UTC))
        # 02:30 does not exist on 28 March in Paris: the run happens that day, not skipped.
        assert fire.astimezone(PARIS).date() == date(2027, 3, 28)
        fire = next_daily_run(runtime, datetime(2027, 10, 30, 12, 0, tzinfo=UTC))
        # 02:30 happens twice on 31 October: one run.
        assert fire.astimezone(PARIS).date() == date(2027, 10, 31)
    finally:
        runtime.dispose()


def test_today_at_midnight_boundaries(runtime: Runtime) -> None:
    with time_machine.travel(datetime(2027, 10, 30, 22, 30, tzinfo=UTC), tick=False):
        assert runtime.today() == date(2027, 10, 31)  # 00:30 in Paris (CEST, UTC+2)
    with time_machine.travel(datetime(2027, 3, 27, 23, 30, tzinfo=UTC), tick=False):
        assert runtime.today() == date(2027, 3, 28)  # 00:30 in Paris (CET, UTC+1)


def test_lease_makes_the_second_scheduler_idle(runtime: Runtime,
                                               caplog: pytest.LogCaptureFixture) -> None:
    first = SchedulerLease(runtime, "first")
    second = SchedulerLease(runtime, "second")
    assert first.acquire() is True
    with caplog.at_level(logging.WARNING, logger="tracker.scheduler"):
        assert second.acquire() is False
        assert daily_job(runtime, second) is None
    assert "another scheduler (first" in caplog.text and "stays idle" in caplog.text
    assert first.acquire() is True  # renewal
    # The first one dies (stops renewing): after the lease, the second takes over.
    assert second.acquire(utcnow() + LEASE_TTL + timedelta(seconds=1)) is True
    assert first.acquire() is False
    second.release()
    assert first.acquire() is True


def test_daily_job_records_the_run_shown_by_healthz(runtime: Runtime) -> None:
    with runtime.session() as session:
        add_student(session, date(2026, 9, 1))
    lease = SchedulerLease(runtime)
    with time_machine.travel(datetime(2026, 9, 16, 6, 0, tzinfo=UTC), tick=False):
        report = daily_job(runtime, lease)
    assert report is not None and report.sent == 2  # the welcome and the window's reminder
    with runtime.session() as session:
        state = session.get(SchedulerState, "reminders")
        assert state is not None and state.holder == lease.holder
        assert state.last_run_completed_at == datetime(2026, 9, 16, 6, 0)
        assert state.last_summary["today"] == "2026-09-16"
        keys = set(session.scalars(select(OutboxMessage.key)))
    assert keys == {"welcome:1", "reminder:1:2026-09-16"}
    health = create_app(runtime=runtime).test_client().get("/healthz").get_json()
    assert health["scheduler_last_run"] == "2026-09-16T06:00:00Z"


def _wait_for(predicate: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def _holder(database_url: str) -> str | None:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(SchedulerState.holder)
                                .where(SchedulerState.name == "reminders")).scalar()
    finally:
        engine.dispose()


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:
        return subprocess.Popen([sys.executable, "-m", "tracker", *args], env=env,
                                stderr=sink, stdout=subprocess.DEVNULL)


def test_two_scheduler_processes_one_active(tracker_env: dict[str, str], database_url: str,
                                            tmp_path: Path) -> None:
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = _start(["scheduler"], tracker_env, first_log)
    second = None
    try:
        _wait_for(lambda: "holds the lease and is active" in first_log.read_text())
        assert (_holder(database_url) or "").split(":")[1] == str(first.pid)
        second = _start(["scheduler"], tracker_env, second_log)
        _wait_for(lambda: "stays idle" in second_log.read_text())
        assert second.poll() is None  # alive, idle
        assert (_holder(database_url) or "").split(":")[1] == str(first.pid)
    finally:
        _stop(first)
        if second is not None:
            _stop(second)
    assert "holds the lease" not in second_log.read_text()
    assert _holder(database_url) is None  # given up on SIGTERM


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _process_tree(root: int) -> set[int]:
    """`root` and every process below it (from /proc: Linux, as CI)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    tree, grew = {root}, True
    while grew:
        below = {pid for pid, parent in parents.items() if parent in tree} - tree
        grew = bool(below)
        tree |= below
    return tree


def test_dev_runs_web_and_exactly_one_scheduler(tracker_env: dict[str, str],
                                                database_url: str, tmp_path: Path) -> None:
    import re
    import urllib.request

    port = _free_port()
    log_file = tmp_path / "dev.log"
    process = _start(["dev", "--port", str(port)], tracker_env, log_file)
    try:
        def healthy() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    return r.status == 200
            except OSError:
                return False

        _wait_for(healthy)
        _wait_for(lambda: _holder(database_url) is not None)
        holder = _holder(database_url) or ""
        assert holder.split(":")[1] == str(process.pid)
        # A reloader (or anything else) would run the app in a child process with a
        # scheduler of its own: the dev process must have no Python child at all.
        assert _process_tree(process.pid) == {process.pid}
    finally:
        _stop(process)
    log = log_file.read_text()
    # Every scheduler started in the process tree logs its pid, whether it gets the lease or
    # stays idle: exactly one, in the dev process itself, holding the lease.
    started = re.findall(r"background scheduler started in process (\d+)", log)
    assert started == [str(process.pid)], log
    assert log.count("holds the lease and is active") == 1
    assert "stays idle" not in log
