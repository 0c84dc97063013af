"""`flask --app shinjuku_pwa push ...`: the worker, and one pass for cron."""
from __future__ import annotations

import asyncio

import click
from flask import current_app
from flask.cli import AppGroup

from .sender import PushSender
from .vapid import public_key_b64
from .worker import make_signer, run_forever, run_pass

push_cli = AppGroup("push", help="Send due notices as Web Push notifications.")


@push_cli.command("worker")
def worker_command():
    """Run until stopped: publish due notices and send their notifications."""
    app = current_app._get_current_object()
    click.echo("Push worker running (Ctrl-C stops it).")
    asyncio.run(run_forever(app))


@push_cli.command("send-due")
@click.option("--once", is_flag=True, required=True, help="Do one pass and exit (for cron).")
def send_due_command(once: bool):
    """Publish due notices and send everything due now, once."""
    app = current_app._get_current_object()

    async def one_pass():
        async with PushSender(make_signer(app), concurrency=app.config["PUSH_CONCURRENCY"],
                              timeout_seconds=app.config["PUSH_TIMEOUT_SECONDS"]) as sender:
            return await run_pass(sender, batch_size=app.config["PUSH_BATCH_SIZE"])

    report = asyncio.run(one_pass())
    click.echo(f"Published {len(report.published)} notice(s); deliveries: {report.counts}")


@push_cli.command("keys")
def keys_command():
    """Create the VAPID key pair if there is none, and print the public key."""
    click.echo(public_key_b64(make_signer(current_app).vapid))
