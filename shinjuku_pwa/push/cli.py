"""`flask --app shinjuku_pwa push ...`: the worker, and one pass for cron."""
from __future__ import annotations

import asyncio
import multiprocessing
import signal

import click
from flask import current_app
from flask.cli import AppGroup

from .sender import PushSender
from .vapid import public_key_b64
from ..composition.publishing import make_signer, run_forever, run_pass

push_cli = AppGroup("push", help="Send due notices as Web Push notifications.")


def _worker_process() -> None:
    # A child builds its own app: connections and keys must not be shared across a fork.
    from .. import create_app  # noqa: PLC0415 - the package imports this module

    app = create_app()
    with app.app_context():
        asyncio.run(run_forever(app))


@push_cli.command("worker")
@click.option("--processes", type=click.IntRange(1, 64), default=None,
              help="Worker processes sharing the queue (default PUSH_WORKER_PROCESSES, else 1; one per core is right).")
def worker_command(processes: int | None):
    """Run until stopped: publish due notices and send their notifications."""
    app = current_app._get_current_object()
    processes = processes or app.config["PUSH_WORKER_PROCESSES"]
    click.echo(f"Push worker running with {processes} process(es) (Ctrl-C stops it).")
    if processes == 1:
        asyncio.run(run_forever(app))
        return
    children = [multiprocessing.get_context("spawn").Process(target=_worker_process) for _ in range(processes)]
    for child in children:
        child.start()

    def stop(signum, frame):
        for child in children:
            if child.is_alive():
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for child in children:
        child.join()


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
