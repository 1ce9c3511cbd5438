"""Engine and session factory: one session per request, command or job.

Every session carries the reminder policy of the process that made it, set once here: the case
sync re-arms a changed case's reminders with it (DESIGN 6 rule 6) wherever the change comes
from (an import, a page, the CLI), without each caller passing it along."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, Result, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from tracker.rules.policy import Policy


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # SQLite ignores foreign keys unless asked; WAL lets the web app read while the scheduler
    # writes; the busy timeout makes a writer wait for the other instead of failing at once.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE run through Session.execute matched. Session.execute is
    typed to return a Result whatever the statement; for DML it is a CursorResult."""
    return cast(CursorResult[Any], result).rowcount


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        database = url.split("///", 1)[-1]
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


class TrackerSession(Session):
    """A session that knows the reminder policy (see the module docstring)."""

    def __init__(self, *args: Any, policy: Policy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.policy = policy


def make_session_factory(engine: Engine, policy: Policy) -> sessionmaker[Session]:
    # expire_on_commit=False: objects stay readable after the commit that ends a request.
    return sessionmaker(bind=engine, class_=TrackerSession, expire_on_commit=False,
                        policy=policy)


def policy_of(session: Session) -> Policy:
    """The reminder policy the session was made with. A session made elsewhere has none: fail
    loudly rather than arm reminders with a policy nobody chose."""
    if not isinstance(session, TrackerSession):
        raise TypeError("this session does not come from tracker.db.make_session_factory, "
                        "so it carries no reminder policy")
    return session.policy


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Commit on success, roll back on any error: nothing half-written stays."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
