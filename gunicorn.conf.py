"""gunicorn settings for `make run`: the push worker runs beside the web server.

In production run the worker as its own process (`flask --app shinjuku_pwa push worker`) and set
PUSH_WORKER_IN_WEB=0 here; on a laptop one command must be enough.
"""
import os
import subprocess
import sys

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WORKERS", "2"))
accesslog = "-"
graceful_timeout = 5


def when_ready(server):
    if os.environ.get("PUSH_WORKER_IN_WEB", "1") != "1":
        return
    # Kept on the arbiter, which outlives a reload (SIGHUP re-reads this file, resetting its globals).
    running = getattr(server, "push_worker", None)
    if running is not None and running.poll() is None:
        return
    server.push_worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "shinjuku_pwa", "push", "worker"])
    server.log.info("push worker started (pid %s)", server.push_worker.pid)


def on_exit(server):
    worker = getattr(server, "push_worker", None)
    if worker is not None and worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
