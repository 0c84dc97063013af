"""`flask --app shinjuku_pwa push worker` and `push send-due`: the publish-then-send loop
(publishing.py) as commands; the app factory adds them to the push domain's command group."""
from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from types import FrameType

import click
from flask import current_app

from .publishing import PassReport, lease_for, run_forever, run_pass, sender_for


@click.command("worker")
@click.option("--processes", type=click.IntRange(1, 64), default=None,
              help="Worker processes sharing the queue (default PUSH_WORKER_PROCESSES, else 1; one per core is right).")
def worker_command(processes: int | None) -> None:
    """Run until stopped: publish due notices and send their notifications."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    processes = processes or app.config["PUSH_WORKER_PROCESSES"]
    click.echo(f"Push worker running with {processes} process(es) (Ctrl-C stops it).")
    if processes == 1:
        asyncio.run(run_forever(app))
        return
    # Each child is a whole `push worker` of its own (its own app, connections and keys), so
    # nothing is shared across processes; this one only starts and stops them.
    command = [sys.executable, "-m", "flask", "--app", app.import_name, "push", "worker", "--processes", "1"]
    children = [subprocess.Popen(command, stdout=subprocess.DEVNULL) for _ in range(processes)]

    def stop(signum: int, frame: FrameType | None) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    failed = [child.wait() for child in children]
    if any(code not in (0, -signal.SIGTERM) for code in failed):
        raise click.exceptions.Exit(1)


@click.command("send-due")
@click.option("--once", is_flag=True, required=True, help="Do one pass and exit (for cron).")
def send_due_command(once: bool) -> None:
    """Publish due notices and send everything due now, once."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    async def one_pass() -> PassReport:
        async with sender_for(app) as sender:
            return await run_pass(sender, batch_size=app.config["PUSH_BATCH_SIZE"], lease=lease_for(app))

    report = asyncio.run(one_pass())
    click.echo(f"Published {len(report.published)} notice(s); deliveries: {report.counts}")


WORKER_COMMANDS = (worker_command, send_due_command)
