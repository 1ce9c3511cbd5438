"""Who is signed in: a staff member (password) or a student (single-use e-mailed link).

Flask-Login keeps one user id in the session; it is prefixed with the kind of principal."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask_login import LoginManager, UserMixin, current_user

from tracker.models import StaffUser, Student


@dataclass
class StaffPrincipal(UserMixin):
    user: StaffUser

    def get_id(self) -> str:
        return f"staff:{self.user.id}"

    @property
    def is_active(self) -> bool:
        return self.user.active

    @property
    def role(self) -> str:
        return self.user.role

    @property
    def can_write(self) -> bool:
        return self.user.role in ("admin", "staff")


@dataclass
class StudentPrincipal(UserMixin):
    student: Student

    def get_id(self) -> str:
        return f"student:{self.student.id}"


def install(app: Flask, manager: LoginManager) -> None:
    @manager.user_loader
    def _load(user_id: str) -> StaffPrincipal | StudentPrincipal | None:
        from tracker.web import db

        kind, _, raw_id = user_id.partition(":")
        if not raw_id.isdigit():
            return None
        if kind == "staff":
            user = db().get(StaffUser, int(raw_id))
            return StaffPrincipal(user) if user is not None and user.active else None
        if kind == "student":
            student = db().get(Student, int(raw_id))
            return StudentPrincipal(student) if student is not None else None
        return None


def signed_in_staff() -> StaffPrincipal | None:
    user = current_user
    return user if isinstance(user, StaffPrincipal) else None


def signed_in_student() -> StudentPrincipal | None:
    user = current_user
    return user if isinstance(user, StudentPrincipal) else None
