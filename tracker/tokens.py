"""Signed, expiring, optionally single-use tokens for links sent by e-mail.

Signed with the secret key (itsdangerous, shipped with Flask) and a salt per purpose, so a
token made for one purpose (unsubscribe) is worthless for another (sign-in). A single-use
token carries an id (jti) that is stored when used; using it twice fails.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tracker.models import UsedToken

PURPOSES = ("confirm", "access", "unsubscribe", "calendar")


class TokenError(ValueError):
    """reason: "invalid", "expired" or "used"; pages explain each in the user's language."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class TokenPayload:
    purpose: str
    data: dict[str, Any]
    jti: str | None


def _serializer(secret_key: str, purpose: str) -> URLSafeTimedSerializer:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    return URLSafeTimedSerializer(secret_key, salt=f"tracker.{purpose}")


def make_token(secret_key: str, purpose: str, data: dict[str, Any], *,
               single_use: bool = False) -> str:
    body = dict(data)
    if single_use:
        body["jti"] = secrets.token_urlsafe(16)
    return _serializer(secret_key, purpose).dumps(body)


def read_token(secret_key: str, purpose: str, token: str,
               max_age_seconds: int | None = None) -> TokenPayload:
    """Check signature and age (not single use: see `use_token`)."""
    try:
        body = _serializer(secret_key, purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired as exc:
        raise TokenError("expired") from exc
    except BadSignature as exc:
        raise TokenError("invalid") from exc
    if not isinstance(body, dict):
        raise TokenError("invalid")
    jti = body.pop("jti", None)
    return TokenPayload(purpose, body, jti)


def is_used(session: Session, payload: TokenPayload) -> bool:
    return payload.jti is not None and session.get(UsedToken, payload.jti) is not None


def use_token(session: Session, secret_key: str, purpose: str, token: str,
              max_age_seconds: int | None = None) -> TokenPayload:
    """Read a single-use token and mark it used, atomically: of two concurrent uses, only the
    one whose INSERT wins succeeds."""
    payload = read_token(secret_key, purpose, token, max_age_seconds)
    if payload.jti is None:
        raise TokenError("invalid")
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # RETURNING, not rowcount: SQLAlchemy 2.1 reports -1 as the rowcount of an INSERT unless
    # asked to preserve it, which made a used token look fresh on PostgreSQL.
    inserted = session.execute(
        insert(UsedToken).values(jti=payload.jti, purpose=purpose)
        .on_conflict_do_nothing(index_elements=["jti"])
        .returning(UsedToken.jti)
    ).first()
    if inserted is None:
        raise TokenError("used")
    return payload


__all__ = ["TokenError", "TokenPayload", "is_used", "make_token", "read_token",
           "use_token"]
