"""How long a student stays signed in: a sign-in link is sent to a mailbox, and a phone or a
shared computer left signed in would show the student's data to whoever picks it up. The
session ends after IDLE_LIMIT without a request, or ABSOLUTE_LIMIT after the sign-in whatever
the activity (then a new e-mailed link signs the student in again)."""

from __future__ import annotations

from datetime import datetime, timedelta

IDLE_LIMIT = timedelta(minutes=30)
ABSOLUTE_LIMIT = timedelta(hours=12)


def session_expired(signed_in_at: datetime | None, last_seen_at: datetime | None,
                    now: datetime) -> bool:
    """True when a session signed in at `signed_in_at` and last used at `last_seen_at` must
    end at `now`. A session without its timestamps (made before they were kept, or tampered
    with) has expired: nothing says it is recent."""
    if signed_in_at is None or last_seen_at is None:
        return True
    return now - last_seen_at >= IDLE_LIMIT or now - signed_in_at >= ABSOLUTE_LIMIT
