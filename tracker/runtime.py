"""What every entry point (web, CLI, scheduler) builds once at start-up: settings, engine,
session factory and reminder policy."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from tracker.db import make_engine, make_session_factory, session_scope
from tracker.mail.transport import MailSender, mail_sender
from tracker.rules.policy import DEFAULT_POLICY, Policy
from tracker.settings import Settings, load_settings


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    sender: MailSender
    policy: Policy = field(default=DEFAULT_POLICY)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with session_scope(self.sessions) as session:
            yield session

    def today(self) -> date:
        """Today in the configured time zone: only entry points call this; services take
        `today` as an argument."""
        return datetime.now(self.settings.zone).date()

    def dispose(self) -> None:
        self.engine.dispose()


def build_runtime(settings: Settings | None = None) -> Runtime:
    settings = settings or load_settings()
    engine = make_engine(settings.database_url)
    policy = DEFAULT_POLICY
    if settings.policy_file is not None:
        from tracker.policy import load_policy

        policy = load_policy(settings.policy_file)
    sessions = make_session_factory(engine, policy)
    return Runtime(settings, engine, sessions, mail_sender(settings), policy)
