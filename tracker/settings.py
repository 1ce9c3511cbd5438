"""Settings read once from the environment (DESIGN section 7) into a typed, validated object.

A bad value raises SettingsError naming the variable and what it accepts, so start-up stops
with a message the person deploying tracker can act on.
"""

from __future__ import annotations

import importlib.util
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from email.utils import formataddr, parseaddr
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SMTP_SECURITY_CHOICES = ("none", "starttls", "ssl")
# Flask-Limiter storages tracker supports: this process's memory (one worker) or a Redis shared
# by every worker (the limits package talks to Redis through the `redis` client package).
RATELIMIT_MEMORY = "memory://"
RATELIMIT_REDIS_SCHEMES = ("redis://", "rediss://", "redis+unix://", "redis+sentinel://",
                           "redis+cluster://")
MAX_TRUSTED_PROXIES = 10


class SettingsError(ValueError):
    """A setting has a value tracker cannot use; the message names the variable."""


def default_instance_dir() -> Path:
    return Path(os.environ.get("TRACKER_INSTANCE_DIR", "instance")).resolve()


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    base_url: str
    timezone: str
    smtp_host: str | None
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_security: str
    mail_from: str
    office_email: str | None
    reminder_time: time
    policy_file: Path | None
    instance_dir: Path = field(default_factory=default_instance_dir)
    # Where Flask-Limiter counts attempts; shared storage makes limits hold across workers.
    ratelimit_storage: str = RATELIMIT_MEMORY
    # How many reverse proxies in front of tracker set X-Forwarded-* (0: trust none).
    trusted_proxies: int = 0

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def outbox_dir(self) -> Path:
        """Where e-mails go as .eml files when no SMTP host is configured."""
        return self.instance_dir / "outbox"

    @property
    def public_host(self) -> str:
        """The host of TRACKER_BASE_URL: names the service in calendar UIDs."""
        return urlsplit(self.base_url).hostname or "localhost"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _text(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = _text(env, name)
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise SettingsError(f"{name}={raw!r}: expected a port number from 1 to 65535")
    return int(raw)


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    raw = (_text(env, name) or default).lower()
    if raw not in choices:
        raise SettingsError(f"{name}={raw!r}: expected one of {', '.join(choices)}")
    return raw


def _clock_time(env: Mapping[str, str], name: str, default: str) -> time:
    raw = _text(env, name) or default
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", raw)
    if not match:
        raise SettingsError(f"{name}={raw!r}: expected a time of day as HH:MM, e.g. 08:00")
    return time(int(match.group(1)), int(match.group(2)))


def _timezone(env: Mapping[str, str], name: str) -> str:
    raw = _text(env, name) or "Europe/Paris"
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(
            f"{name}={raw!r}: expected an IANA time zone name, e.g. Europe/Paris"
        ) from exc
    return raw


def _email(env: Mapping[str, str], name: str) -> str | None:
    raw = _text(env, name)
    if raw is None:
        return None
    # A deliberately loose check: the full validation happens for student input; here we only
    # catch obvious typos that would make every e-mail bounce. "Name <address>" is accepted.
    address = parseaddr(raw)[1]
    if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", address):
        raise SettingsError(f"{name}={raw!r}: expected an e-mail address, e.g. office@example.org")
    return raw


def _mail_from(env: Mapping[str, str]) -> str | None:
    """TRACKER_MAIL_FROM in the one form every relay takes, with or without SMTPUTF8, in the
    envelope and in the From header alike: the domain as IDNA, a non-ASCII display name as an
    RFC 2047 encoded word (formataddr). A non-ASCII local part has no such form, so it stops
    start-up here instead of making every message fail against such a relay."""
    raw = _email(env, "TRACKER_MAIL_FROM")
    if raw is None:
        return None
    name, address = parseaddr(raw)
    local, _, domain = address.rpartition("@")
    if not local.isascii():
        raise SettingsError(
            f"TRACKER_MAIL_FROM={raw!r}: the part before @ must be ASCII; a mail server "
            "without SMTPUTF8 would refuse every message from it")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise SettingsError(
            f"TRACKER_MAIL_FROM={raw!r}: {domain!r} is not a valid domain name") from exc
    return formataddr((name, f"{local}@{ascii_domain}"))


def _without_credentials(url: str) -> str:
    """The URL as it may be echoed: scheme and host kept (they say what is wrong), the user
    name and password dropped."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url.rpartition("@")[2]
    return f"{scheme}://{rest.rpartition('@')[2]}"


def _database_url(env: Mapping[str, str], instance_dir: Path) -> str:
    raw = _text(env, "TRACKER_DATABASE_URL")
    if raw is None:
        return f"sqlite:///{instance_dir / 'tracker.sqlite3'}"
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://") :]
    if raw.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; a plain postgresql:// URL means it.
        raw = "postgresql+psycopg://" + raw[len("postgresql://") :]
    if not (raw.startswith(("sqlite://", "sqlite+pysqlite://"))
            or raw.startswith("postgresql+psycopg://")):
        raise SettingsError(
            f"TRACKER_DATABASE_URL={_without_credentials(raw)!r}: expected a sqlite:/// or "
            "postgresql:// URL"
        )
    return raw


def _secret_key(env: Mapping[str, str], instance_dir: Path) -> str:
    raw = _text(env, "TRACKER_SECRET_KEY")
    if raw is not None:
        if len(raw) < 16:
            raise SettingsError("TRACKER_SECRET_KEY: expected at least 16 characters")
        return raw
    # Generated once and kept, so links in e-mails stay valid across restarts.
    key_file = instance_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _base_url(env: Mapping[str, str]) -> str:
    raw = _text(env, "TRACKER_BASE_URL") or "http://127.0.0.1:5000"
    if not re.fullmatch(r"https?://[^\s/]+(/[^\s]*)?", raw):
        raise SettingsError(
            f"TRACKER_BASE_URL={raw!r}: expected an http:// or https:// URL, "
            "e.g. https://tracker.example.org"
        )
    return raw.rstrip("/")


def _policy_file(env: Mapping[str, str]) -> Path | None:
    raw = _text(env, "TRACKER_POLICY_FILE")
    if raw is None:
        return None
    path = Path(raw)
    if not path.is_file():
        raise SettingsError(f"TRACKER_POLICY_FILE={raw!r}: no such file")
    return path


def _ratelimit_storage(env: Mapping[str, str]) -> str:
    name = "TRACKER_RATELIMIT_STORAGE"
    raw = _text(env, name) or RATELIMIT_MEMORY
    if raw == RATELIMIT_MEMORY:
        return raw
    if not raw.startswith(RATELIMIT_REDIS_SCHEMES):
        raise SettingsError(
            f"{name}={_without_password(raw)!r}: expected memory:// or a redis:// URL, "
            "e.g. redis://127.0.0.1:6379/0"
        )
    if importlib.util.find_spec("redis") is None:
        # Found now rather than at the first sign-in, where it would be a 500.
        raise SettingsError(
            f"{name}={_without_password(raw)!r}: a redis:// storage needs the `redis` Python "
            "package, which is not installed (pip install redis)"
        )
    return raw


def _without_password(url: str) -> str:
    """`url` fit for an error message: the part before @ may hold a password."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.rsplit('@', 1)[-1]}" if rest else url


def _trusted_proxies(env: Mapping[str, str]) -> int:
    name = "TRACKER_TRUSTED_PROXIES"
    raw = _text(env, name)
    if raw is None:
        return 0
    if not raw.isdigit() or int(raw) > MAX_TRUSTED_PROXIES:
        raise SettingsError(
            f"{name}={raw!r}: expected the number of reverse proxies in front of tracker, "
            f"from 0 to {MAX_TRUSTED_PROXIES} (0 when clients connect directly)"
        )
    return int(raw)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate every setting; raise SettingsError on the first bad one."""
    env = os.environ if env is None else env
    instance_dir = Path(env.get("TRACKER_INSTANCE_DIR", "instance")).resolve()
    smtp_host = _text(env, "TRACKER_SMTP_HOST")
    security = _choice(env, "TRACKER_SMTP_SECURITY", SMTP_SECURITY_CHOICES, "none")
    return Settings(
        database_url=_database_url(env, instance_dir),
        secret_key=_secret_key(env, instance_dir),
        base_url=_base_url(env),
        timezone=_timezone(env, "TRACKER_TIMEZONE"),
        smtp_host=smtp_host,
        smtp_port=_port(env, "TRACKER_SMTP_PORT", 25),
        smtp_user=_text(env, "TRACKER_SMTP_USER"),
        smtp_password=_text(env, "TRACKER_SMTP_PASSWORD"),
        smtp_security=security,
        mail_from=_mail_from(env) or "tracker@localhost.localdomain",
        office_email=_email(env, "TRACKER_OFFICE_EMAIL"),
        reminder_time=_clock_time(env, "TRACKER_REMINDER_TIME", "08:00"),
        policy_file=_policy_file(env),
        instance_dir=instance_dir,
        ratelimit_storage=_ratelimit_storage(env),
        trusted_proxies=_trusted_proxies(env),
    )
