"""Staff sign-in and account management: password checks, the temporary lock after repeated
failures, password changes, roles and deactivation. Every action is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.audit import record_audit
from tracker.models import STAFF_ROLES, StaffUser
from tracker.office.staff import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    password_matches,
)

MAX_FAILED_LOGINS = 5
LOCK_DURATION = timedelta(minutes=15)
# A fixed hash to check against when the e-mail is unknown, so that the answer takes as long
# as for a known account and does not tell which addresses have one.
_DUMMY_HASH = hash_password("tracker-dummy-password-never-used")


class SignIn(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # unknown e-mail, wrong password or inactive account
    LOCKED = "locked"  # told apart for the audit and tests only: the page says as for WRONG


@dataclass(frozen=True)
class SignInResult:
    outcome: SignIn
    user: StaffUser | None = None
    locked_until: datetime | None = None


def find_staff(session: Session, email: str) -> StaffUser | None:
    return session.scalar(
        select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower())
    )


def sign_in(session: Session, email: str, password: str, *, now: datetime) -> SignInResult:
    user = find_staff(session, email) if email.strip() else None
    if user is None or not user.active:
        # Same work as for a real account (timing), same answer.
        from werkzeug.security import check_password_hash

        check_password_hash(_DUMMY_HASH, password)
        record_audit(session, actor="anonymous", action="staff.signin_failed",
                     reason="unknown_or_inactive")
        return SignInResult(SignIn.WRONG)
    if user.locked_until is not None and user.locked_until > now:
        # The password is checked all the same (and ignored): a locked account must not
        # answer faster than an unlocked one.
        password_matches(user, password)
        record_audit(session, actor=f"staff:{user.id}", actor_label=user.email,
                     action="staff.signin_failed", reason="locked")
        return SignInResult(SignIn.LOCKED, user, user.locked_until)
    if not password_matches(user, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        reason = "wrong_password"
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCK_DURATION
            user.failed_logins = 0
            reason = "locked_now"
        record_audit(session, actor=f"staff:{user.id}", actor_label=user.email,
                     action="staff.signin_failed", reason=reason)
        if reason == "locked_now":
            return SignInResult(SignIn.LOCKED, user, user.locked_until)
        return SignInResult(SignIn.WRONG)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    record_audit(session, actor=f"staff:{user.id}", actor_label=user.email,
                 action="staff.signin")
    return SignInResult(SignIn.OK, user)


class AccountError(ValueError):
    """A change to a staff account that cannot be made; `code` is an i18n key."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def change_password(
    session: Session, user: StaffUser, current: str, new: str, confirm: str
) -> None:
    if not password_matches(user, current):
        raise AccountError("office.password.error_current")
    if len(new) < MIN_PASSWORD_LENGTH:
        raise AccountError("office.password.error_short", min=MIN_PASSWORD_LENGTH)
    if new != confirm:
        raise AccountError("office.password.error_mismatch")
    if new == current:
        raise AccountError("office.password.error_same")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    record_audit(session, actor=f"staff:{user.id}", actor_label=user.email,
                 action="staff.password")


def _active_admins(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(StaffUser)
        .where(StaffUser.role == "admin", StaffUser.active.is_(True))
    ) or 0


def set_role(session: Session, actor: StaffUser, user: StaffUser, role: str) -> None:
    if role not in STAFF_ROLES:
        raise AccountError("office.staff.error_role")
    if user.role == role:
        return
    if user.role == "admin" and user.active and _active_admins(session) <= 1:
        # Someone must always be able to manage the accounts.
        raise AccountError("office.staff.error_last_admin")
    old = user.role
    user.role = role
    record_audit(session, actor=f"staff:{actor.id}", actor_label=actor.email,
                 action="staff.role", target_staff_id=user.id, old=old, new=role)


def set_active(session: Session, actor: StaffUser, user: StaffUser, active: bool) -> None:
    if user.active == active:
        return
    if not active and user.role == "admin" and _active_admins(session) <= 1:
        raise AccountError("office.staff.error_last_admin")
    user.active = active
    record_audit(session, actor=f"staff:{actor.id}", actor_label=actor.email,
                 action="staff.activate" if active else "staff.deactivate",
                 target_staff_id=user.id)
