"""`tracker users create|bootstrap`: staff accounts from the command line."""

from __future__ import annotations

import sys

import click

from tracker.models import STAFF_ROLES
from tracker.office.staff import StaffError, bootstrap_admin, create_staff_user


@click.group("users", help="Staff accounts of the international office.")
def users_group() -> None:
    pass


@users_group.command("create", help="Create a staff account for EMAIL.")
@click.argument("email")
@click.option("--role", type=click.Choice(STAFF_ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create(email: str, role: str, password_stdin: bool) -> None:
    from tracker.cli.common import runtime

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with runtime().session() as session:
            user = create_staff_user(session, email, role, password)
            click.echo(f"created {user.role} {user.email}")
    except StaffError as exc:
        raise click.UsageError(str(exc)) from exc


@users_group.command("bootstrap",
                     help="On a database with no staff, create an admin and print its password.")
def bootstrap() -> None:
    from tracker.cli.common import runtime

    with runtime().session() as session:
        created = bootstrap_admin(session, runtime().settings.office_email)
    if created:
        email, password = created
        click.echo(f"Admin account created: {email}")
        click.echo(f"One-time password (change it at first sign-in): {password}")


commands = [users_group]
