"""`flask --app shinjuku_pwa staff ...`: accounts and API tokens from the command line.

    staff create EMAIL --role editor|publisher|admin [--password-stdin]
    staff set-role EMAIL ROLE
    staff disable EMAIL / staff enable EMAIL
    staff reset-password EMAIL [--password-stdin]
    staff token EMAIL [--name NAME]        prints a new token once
    staff revoke-token ID|TOKEN
    staff list

Every change is in the audit log as done from the command line.
"""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from ..core.clock import utcnow
from ..core.errors import DomainError
from . import services
from .audit import Actor
from .models import StaffRole

staff_cli = AppGroup("staff", help="Staff accounts and API tokens.")

ROLE_CHOICE = click.Choice([role.value for role in StaffRole])
PASSWORD_RULES = {
    "too_short": "at least 12 characters",
    "too_long": "at most 1,024 characters",
    "common": "not a common password",
    "repetitive": "more different characters",
    "contains_email": "must not contain the e-mail address",
}


def _fail(error: DomainError) -> None:
    if isinstance(error, services.PasswordRejected):
        raise click.ClickException("password refused: " + "; ".join(PASSWORD_RULES.get(p, p) for p in error.problems))
    if isinstance(error, services.StaffNotFound):
        raise click.ClickException(f"no staff account {error.args[0]}")
    if isinstance(error, services.TokenNotFound):
        raise click.ClickException("no such token")
    if isinstance(error, services.StaffExists):
        raise click.ClickException(f"{error.args[0]} already has an account")
    if isinstance(error, services.LastAdmin):
        raise click.ClickException("refused: that would leave no active admin")
    raise click.ClickException(str(error) or type(error).__name__)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        # Only the line ending goes: spaces may be part of a passphrase.
        return line[:-1].removesuffix("\r") if line.endswith("\n") else line
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@staff_cli.command("create")
@click.argument("email")
@click.option("--role", type=ROLE_CHOICE, required=True, help="editor, publisher or admin.")
@click.option("--password-stdin", is_flag=True, help="Read the password as one line from standard input.")
def create_command(email: str, role: str, password_stdin: bool) -> None:
    """Create a staff account; the password is asked for, or read from stdin."""
    password = _read_password(password_stdin)
    try:
        staff = services.create_staff(email, password, StaffRole(role), Actor.command_line(), utcnow())
    except DomainError as error:
        _fail(error)
    click.echo(f"Created {staff.email} ({staff.role.value}).")


@staff_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
def set_role_command(email: str, role: str) -> None:
    """Give an account another role."""
    try:
        staff = services.change_role(services.get_staff_by_email(email), StaffRole(role), Actor.command_line(), utcnow())
    except DomainError as error:
        _fail(error)
    click.echo(f"{staff.email} is now {staff.role.value}.")


@staff_cli.command("disable")
@click.argument("email")
def disable_command(email: str) -> None:
    """Disable an account: its sessions end and its tokens are revoked."""
    try:
        staff = services.disable_staff(services.get_staff_by_email(email), Actor.command_line(), utcnow())
    except DomainError as error:
        _fail(error)
    click.echo(f"Disabled {staff.email}.")


@staff_cli.command("enable")
@click.argument("email")
def enable_command(email: str) -> None:
    """Enable a disabled account again (its old tokens stay revoked)."""
    try:
        staff = services.enable_staff(services.get_staff_by_email(email), Actor.command_line(), utcnow())
    except DomainError as error:
        _fail(error)
    click.echo(f"Enabled {staff.email}.")


@staff_cli.command("reset-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the new password as one line from standard input.")
def reset_password_command(email: str, password_stdin: bool) -> None:
    """Set a new password for someone who forgot theirs; their sessions end."""
    password = _read_password(password_stdin)
    try:
        staff = services.get_staff_by_email(email)
        services.reset_password(staff, password, Actor.command_line(), utcnow())
    except DomainError as error:
        _fail(error)
    click.echo(f"New password set for {staff.email}.")


@staff_cli.command("token")
@click.argument("email")
@click.option("--name", default="api", show_default=True, help="What the token is for (shown in lists).")
def token_command(email: str, name: str) -> None:
    """Create an API token and print it once; only its hash is kept."""
    try:
        staff = services.get_staff_by_email(email)
        if staff.disabled:
            raise click.ClickException(f"{staff.email} is disabled")
        token, secret = services.create_token(staff, name, Actor.command_line(), utcnow())
    except DomainError as error:
        _fail(error)
    click.echo(secret)  # alone on stdout, so scripts can capture it
    click.echo(f"Token {token.id} ({token.name}) for {staff.email}. It is shown only now; "
               f"revoke it with: flask --app shinjuku_pwa staff revoke-token {token.id}", err=True)


@staff_cli.command("revoke-token")
@click.argument("token")
def revoke_token_command(token: str) -> None:
    """Revoke an API token, given its id (see `staff list`) or the token itself."""
    try:
        found = services.get_token_by_id(int(token)) if token.isdigit() else services.get_token_by_secret(token)
        services.revoke_token(found, Actor.command_line(), utcnow())
    except DomainError as error:
        _fail(error)
    click.echo(f"Revoked token {found.id} ({found.name}) of {found.staff.email}.")


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


@staff_cli.command("list")
def list_command() -> None:
    """Accounts with their roles and tokens."""
    for staff in services.list_staff():
        state = " (disabled)" if staff.disabled else ""
        click.echo(f"{staff.email}  {staff.role.value}{state}  last sign-in {_when(staff.last_sign_in_at)}")
        for token in staff.tokens:
            status = f"revoked {_when(token.revoked_at)}" if token.revoked else f"last used {_when(token.last_used_at)}"
            click.echo(f"    token {token.id} {token.prefix}… {token.name!r}  created {_when(token.created_at)}  {status}")
