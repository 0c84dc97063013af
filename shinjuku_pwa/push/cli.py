"""`flask --app shinjuku_pwa push ...`: the command group, and the VAPID keys.

The worker commands (publish due notices, then send) cross domains and are added to this group
by composition/worker_cli.py.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from .vapid import public_key_b64, signer_for

push_cli = AppGroup("push", help="Send due notices as Web Push notifications.")


@push_cli.command("keys")
def keys_command() -> None:
    """Create the VAPID key pair if there is none, and print the public key."""
    click.echo(public_key_b64(signer_for(current_app).vapid))
