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
_push_worker = None


def when_ready(server):
    global _push_worker
    if os.environ.get("PUSH_WORKER_IN_WEB", "1") != "1":
        return
    _push_worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "shinjuku_pwa", "push", "worker"])
    server.log.info("push worker started (pid %s)", _push_worker.pid)


def on_exit(server):
    if _push_worker and _push_worker.poll() is None:
        _push_worker.terminate()
        try:
            _push_worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _push_worker.kill()
