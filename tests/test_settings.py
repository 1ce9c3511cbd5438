"""DESIGN section 7: every setting is read and validated; a bad value stops start-up with a
message naming the variable, in the loader and through the real `tracker` command."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import time
from email.header import decode_header, make_header
from email.utils import parseaddr
from pathlib import Path

import pytest

from tracker.settings import SettingsError, load_settings

TRACKER = str(Path(sys.executable).with_name("tracker"))


@pytest.fixture
def base_env(tmp_path: Path) -> dict[str, str]:
    """No TRACKER_* variable but the instance folder, which keeps the test out of the repo."""
    return {"TRACKER_INSTANCE_DIR": str(tmp_path / "instance")}


def test_defaults(base_env: dict[str, str], tmp_path: Path) -> None:
    s = load_settings(base_env)
    instance = (tmp_path / "instance").resolve()
    assert s.instance_dir == instance
    assert s.database_url == f"sqlite:///{instance / 'tracker.sqlite3'}"
    assert s.is_sqlite
    assert len(s.secret_key) >= 32
    assert s.base_url == "http://127.0.0.1:5000"
    assert s.timezone == "Europe/Paris" and str(s.zone) == "Europe/Paris"
    assert s.smtp_host is None and s.smtp_user is None and s.smtp_password is None
    assert s.smtp_port == 25
    assert s.smtp_security == "none"
    assert "@" in s.mail_from
    assert s.office_email is None
    assert s.reminder_time == time(8, 0)
    assert s.policy_file is None
    assert s.outbox_dir == instance / "outbox"


def test_every_setting_is_read(base_env: dict[str, str], tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text("[offsets]\n")
    env = dict(
        base_env,
        TRACKER_DATABASE_URL="postgresql://tracker:pw@db.example.org:5432/tracker",
        TRACKER_SECRET_KEY="a-secret-key-of-enough-length",
        TRACKER_BASE_URL="https://tracker.example.org/",
        TRACKER_TIMEZONE="America/Cayenne",
        TRACKER_SMTP_HOST="smtp.example.org",
        TRACKER_SMTP_PORT="587",
        TRACKER_SMTP_USER="mailer",
        TRACKER_SMTP_PASSWORD="mail-pw",
        TRACKER_SMTP_SECURITY="STARTTLS",
        TRACKER_MAIL_FROM="tracker@example.org",
        TRACKER_OFFICE_EMAIL="office@example.org",
        TRACKER_REMINDER_TIME="7:05",
        TRACKER_POLICY_FILE=str(policy),
    )
    s = load_settings(env)
    assert s.database_url == "postgresql+psycopg://tracker:pw@db.example.org:5432/tracker"
    assert not s.is_sqlite
    assert s.secret_key == "a-secret-key-of-enough-length"
    assert s.base_url == "https://tracker.example.org"
    assert s.timezone == "America/Cayenne"
    assert s.smtp_host == "smtp.example.org"
    assert s.smtp_port == 587
    assert s.smtp_user == "mailer"
    assert s.smtp_password == "mail-pw"
    assert s.smtp_security == "starttls"
    assert s.mail_from == "tracker@example.org"
    assert s.office_email == "office@example.org"
    assert s.reminder_time == time(7, 5)
    assert s.policy_file == policy


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("postgres://u@db.example.org/t", "postgresql+psycopg://u@db.example.org/t"),
        ("postgresql://u@db.example.org/t", "postgresql+psycopg://u@db.example.org/t"),
        ("postgresql+psycopg://u@db.example.org/t", "postgresql+psycopg://u@db.example.org/t"),
        ("sqlite:////var/lib/tracker/tracker.sqlite3", "sqlite:////var/lib/tracker/tracker.sqlite3"),
    ],
)
def test_database_urls(base_env: dict[str, str], raw: str, expected: str) -> None:
    assert load_settings(dict(base_env, TRACKER_DATABASE_URL=raw)).database_url == expected


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TRACKER_SMTP_PORT", "abc"),
        ("TRACKER_SMTP_PORT", "0"),
        ("TRACKER_SMTP_PORT", "65536"),
        ("TRACKER_SMTP_PORT", "-25"),
        ("TRACKER_SMTP_PORT", "25.0"),
        ("TRACKER_SMTP_SECURITY", "tls"),
        ("TRACKER_SMTP_SECURITY", "yes"),
        ("TRACKER_REMINDER_TIME", "8h"),
        ("TRACKER_REMINDER_TIME", "24:00"),
        ("TRACKER_REMINDER_TIME", "08:60"),
        ("TRACKER_REMINDER_TIME", "0800"),
        ("TRACKER_REMINDER_TIME", "08:00:00"),
        ("TRACKER_TIMEZONE", "Mars/Olympus"),
        ("TRACKER_TIMEZONE", "Europe/Pariss"),
        ("TRACKER_TIMEZONE", "../../etc/passwd"),
        ("TRACKER_BASE_URL", "ftp://tracker.example.org"),
        ("TRACKER_BASE_URL", "tracker.example.org"),
        ("TRACKER_BASE_URL", "https://"),
        ("TRACKER_BASE_URL", "https://tracker example.org"),
        ("TRACKER_MAIL_FROM", "tracker"),
        ("TRACKER_MAIL_FROM", "tracker@localhost"),
        ("TRACKER_MAIL_FROM", "a b@example.org"),
        ("TRACKER_OFFICE_EMAIL", "office"),
        ("TRACKER_OFFICE_EMAIL", "office@@example.org"),
        ("TRACKER_POLICY_FILE", "/nonexistent/policy.toml"),
        ("TRACKER_POLICY_FILE", "/"),
        ("TRACKER_DATABASE_URL", "mysql://tracker:pw@db.example.org/tracker"),
        ("TRACKER_DATABASE_URL", "oracle://db.example.org"),
        ("TRACKER_DATABASE_URL", "sqlitefoo:///tmp/x.db"),
        ("TRACKER_SECRET_KEY", "short"),
        ("TRACKER_SECRET_KEY", "fifteen-chars.."),
    ],
)
def test_bad_value_names_the_variable(base_env: dict[str, str], name: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(dict(base_env, **{name: value}))
    assert name in str(caught.value)


def test_mail_from_accepts_a_display_name(base_env: dict[str, str]) -> None:
    sender = "Bureau international <intl@example.org>"
    assert load_settings(dict(base_env, TRACKER_MAIL_FROM=sender)).mail_from == sender


def test_mail_from_is_written_for_every_relay(base_env: dict[str, str]) -> None:
    # A non-ASCII display name and domain: ASCII once read (RFC 2047 name, IDNA domain), and
    # reading it back gives the name as written.
    sender = load_settings(dict(
        base_env, TRACKER_MAIL_FROM="Université de Caen <tracker@université.example>",
    )).mail_from
    assert sender.isascii()
    name, address = parseaddr(str(make_header(decode_header(sender))))
    assert (name, address) == ("Université de Caen", "tracker@xn--universit-j4a.example")


def test_mail_from_with_a_non_ascii_local_part_stops_start_up(base_env: dict[str, str]) -> None:
    with pytest.raises(SettingsError, match=r"TRACKER_MAIL_FROM=.*before @ must be ASCII"):
        load_settings(dict(base_env, TRACKER_MAIL_FROM="Bureau <bureau-étudiants@example.org>"))


def test_messages_say_what_is_accepted(base_env: dict[str, str]) -> None:
    with pytest.raises(SettingsError, match="none, starttls, ssl"):
        load_settings(dict(base_env, TRACKER_SMTP_SECURITY="tls"))
    with pytest.raises(SettingsError, match="1 to 65535"):
        load_settings(dict(base_env, TRACKER_SMTP_PORT="70000"))
    with pytest.raises(SettingsError, match="HH:MM"):
        load_settings(dict(base_env, TRACKER_REMINDER_TIME="noon"))


def test_database_password_is_not_echoed(base_env: dict[str, str]) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(dict(base_env, TRACKER_DATABASE_URL="mysql://tracker:hunter2-pw@db/x"))
    assert "hunter2-pw" not in str(caught.value)
    assert "tracker:" not in str(caught.value)
    # The scheme is what is wrong: the message shows it.
    assert "'mysql://db/x'" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "value", "attr", "expected"),
    [
        ("TRACKER_SMTP_PORT", "1", "smtp_port", 1),
        ("TRACKER_SMTP_PORT", "65535", "smtp_port", 65535),
        ("TRACKER_SMTP_PORT", " 465 ", "smtp_port", 465),
        ("TRACKER_SMTP_SECURITY", "ssl", "smtp_security", "ssl"),
        ("TRACKER_SMTP_SECURITY", "None", "smtp_security", "none"),
        ("TRACKER_REMINDER_TIME", "00:00", "reminder_time", time(0, 0)),
        ("TRACKER_REMINDER_TIME", "23:59", "reminder_time", time(23, 59)),
        ("TRACKER_TIMEZONE", "UTC", "timezone", "UTC"),
        ("TRACKER_BASE_URL", "http://127.0.0.1:8000/tracker/", "base_url",
         "http://127.0.0.1:8000/tracker"),
        ("TRACKER_SECRET_KEY", "sixteen-chars..!", "secret_key", "sixteen-chars..!"),
        ("TRACKER_SMTP_PORT", "", "smtp_port", 25),
    ],
)
def test_good_values(base_env: dict[str, str], name: str, value: str, attr: str,
                     expected: object) -> None:
    assert getattr(load_settings(dict(base_env, **{name: value})), attr) == expected


def test_secret_key_is_generated_once_and_reused(base_env: dict[str, str], tmp_path: Path) -> None:
    first = load_settings(base_env).secret_key
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.read_text().strip() == first
    # Only the owner may read it.
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_settings(base_env).secret_key == first
    # Another instance folder gets its own key.
    other = load_settings({"TRACKER_INSTANCE_DIR": str(tmp_path / "other")}).secret_key
    assert other != first


def test_a_given_secret_key_writes_no_file(base_env: dict[str, str], tmp_path: Path) -> None:
    load_settings(dict(base_env, TRACKER_SECRET_KEY="given-secret-key-0123"))
    assert not (tmp_path / "instance" / "secret_key").exists()


# --- through the real command -------------------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(TRACKER_INSTANCE_DIR=str(tmp_path / "instance"),
               TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    return env


def _tracker(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TRACKER, *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TRACKER_SMTP_PORT", "abc"),
        ("TRACKER_SMTP_SECURITY", "tls"),
        ("TRACKER_REMINDER_TIME", "25:00"),
        ("TRACKER_TIMEZONE", "Mars/Olympus"),
        ("TRACKER_BASE_URL", "tracker.example.org"),
        ("TRACKER_MAIL_FROM", "not-an-address"),
        ("TRACKER_OFFICE_EMAIL", "office@"),
        ("TRACKER_POLICY_FILE", "/nonexistent/policy.toml"),
        ("TRACKER_DATABASE_URL", "mysql://db.example.org/tracker"),
        ("TRACKER_SECRET_KEY", "short"),
        ("TRACKER_RATELIMIT_STORAGE", "mysql://db.example.org/limits"),
        ("TRACKER_TRUSTED_PROXIES", "two"),
    ],
)
def test_tracker_command_stops_on_a_bad_value(cli_env: dict[str, str], name: str,
                                              value: str) -> None:
    result = _tracker(dict(cli_env, **{name: value}), "db", "current")
    assert result.returncode != 0
    assert name in result.stderr
    assert "Traceback" not in result.stderr


def test_tracker_command_runs_with_good_settings(cli_env: dict[str, str], tmp_path: Path) -> None:
    env = dict(cli_env, TRACKER_SMTP_PORT="2525", TRACKER_SMTP_SECURITY="starttls",
               TRACKER_REMINDER_TIME="07:30", TRACKER_TIMEZONE="Europe/Paris",
               TRACKER_OFFICE_EMAIL="office@example.org")
    result = _tracker(env, "db", "current")
    assert result.returncode == 0, result.stderr
    # The secret key was generated into the instance folder and is kept for the next start.
    key_file = tmp_path / "instance" / "secret_key"
    key = key_file.read_text()
    assert _tracker(env, "db", "current").returncode == 0
    assert key_file.read_text() == key
