"""Staff accounts: creation, the first admin, passwords (Werkzeug's scrypt hashes)."""

from __future__ import annotations

import secrets

from email_validator import EmailNotValidError
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.audit import record_audit
from tracker.models import STAFF_ROLES, StaffUser
from tracker.students.records import normalise_email

MIN_PASSWORD_LENGTH = 12
BOOTSTRAP_ADMIN_EMAIL = "admin@example.org"


class StaffError(ValueError):
    """A staff account cannot be created or changed as asked; the message says why."""


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def password_matches(user: StaffUser, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(f"password: at least {MIN_PASSWORD_LENGTH} characters are needed")


def create_staff_user(
    session: Session, email: str, role: str, password: str, *, actor: str = "cli",
    must_change_password: bool = False,
) -> StaffUser:
    if role not in STAFF_ROLES:
        raise StaffError(f"role: {role!r} is not one of {', '.join(STAFF_ROLES)}")
    try:
        address = normalise_email(email)
    except EmailNotValidError as exc:
        raise StaffError(f"email: {email!r} is not a valid e-mail address") from exc
    check_new_password(password)
    if session.scalar(select(StaffUser.id).where(func.lower(StaffUser.email) == address.lower())):
        raise StaffError(f"email: a staff account for {address} already exists")
    user = StaffUser(email=address, role=role, password_hash=hash_password(password),
                     must_change_password=must_change_password)
    session.add(user)
    session.flush()
    record_audit(session, actor=actor, action="staff.create", target_staff_id=user.id, role=role)
    return user


def bootstrap_admin(session: Session, email: str | None = None) -> tuple[str, str] | None:
    """On a database without staff, create an admin with a one-time password (to be changed
    at first sign-in) and return (email, password); otherwise None."""
    if session.scalar(select(func.count()).select_from(StaffUser)):
        return None
    password = secrets.token_urlsafe(12)
    user = create_staff_user(session, email or BOOTSTRAP_ADMIN_EMAIL, "admin", password,
                             actor="system", must_change_password=True)
    return user.email, password
