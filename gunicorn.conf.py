"""gunicorn settings for `make run` (and for production, behind nginx: README "Serving").

Worker model: gthread. Each worker process reads and answers requests in a pool of THREADS
threads and keeps idle kept-alive connections in a poller, not in a thread; so a client that
sends its request slowly holds one thread, not a whole worker. Sync workers were taken by as
many slow clients as there are workers; gevent was as safe against slow clients but served
some connections over and over while others waited seconds (bench/http_load.py, README).

The push worker runs beside the web server. In production run it as its own process
(`flask --app shinjuku_pwa push worker`) and set PUSH_WORKER_IN_WEB=0 here; on a laptop one
command must be enough.
"""
import errno
import faulthandler
import gc
import os
import socket
import subprocess
import sys

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WORKERS", "2"))
worker_class = "gthread"
# Per worker. A connection that has sent part of a request holds a thread until it is complete
# (one that has sent nothing yet, for up to 5 s), so up to THREADS - 1 such clients leave room
# for everyone else whichever worker they land on; more than that is what nginx in front is for.
threads = int(os.environ.get("THREADS", "16"))
# Seconds an idle kept-alive connection stays open. Longer than nginx's upstream keepalive_timeout
# (README: 4 s), so the proxy, never gunicorn, closes an idle connection between them.
keepalive = 5
# No access log of gunicorn's own: it has the client's IP. The app logs one line per request
# (request id, route, status, duration; core/request_log.py), as JSON unless LOG_FORMAT=text.
accesslog = None
# gunicorn's most (its default is 4 KB): the app refuses URLs over 4 KB itself (core/request_limits.py),
# as JSON under /api and a page in the reader's language elsewhere, where gunicorn would answer text/html.
limit_request_line = 8190
# No control socket: nothing here uses it, and every gunicorn of a user would share its one path.
control_socket_disable = True
graceful_timeout = 5
# Each worker listens on a socket of its own (SO_REUSEPORT; gunicorn then binds per worker) and the
# kernel spreads new connections over them by address. With the one shared socket, whichever worker
# woke first took a connection, and a kept-alive one stays where it landed: 64 connections fell
# 64/0 on two workers in one run of six (one core serving: half the requests/s); now 29/35 to 35/29.
# Linux only: elsewhere (macOS, BSD) SO_REUSEPORT does not spread connections, so the shared socket stays.
reuse_port = sys.platform.startswith("linux")


def on_starting(server):
    """SO_REUSEPORT would let this server share a port that another one of ours already listens on,
    each silently taking part of the connections: refuse to start instead, as without it."""
    for address in server.cfg.address:
        if not isinstance(address, tuple):
            continue  # a unix socket path: not shared this way
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a closed one's TIME_WAIT is fine
            try:
                probe.bind(address)
            except OSError as error:
                if error.errno == errno.EADDRINUSE:
                    server.log.error("%s:%s is already in use by another server", *address[:2])
                    sys.exit(1)
                raise


def post_worker_init(worker):
    """The app is loaded and lives as long as the worker: take its objects (about 200,000, with the
    Japanese dictionary) out of the garbage collector's sight. Otherwise every full collection walks
    them all, tens of milliseconds in the middle of someone's request; on the checklist collections
    took 0.5 ms a page on average, 0.08 ms once frozen (bench/http_load.py, README)."""
    gc.collect()
    gc.freeze()
    # Collections only from Python code, in a thread of their own: CPython 3.11's automatic ones, run in
    # the middle of C code, corrupted the heap when many threads built pages at once (README).
    from shinjuku_pwa.core.garbage_collection import start_safe_point_collector

    start_safe_point_collector()
    # A crash in C code (a worker "sent SIGSEGV") prints every thread's Python stack to the log first.
    faulthandler.enable()


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
