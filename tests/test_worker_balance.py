"""Connections are spread over `make run`'s worker processes, and a second server cannot quietly
share the port. With one shared listening socket, whichever worker woke first took a connection and
a kept-alive one stayed there: 64 keep-alive connections once fell 64/0 on two workers, one core
serving them all (bench/http_load.py, README "Serving")."""
from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from shinjuku_pwa.core.config import PROJECT_ROOT
from tests.serving import child_processes
from tests.test_slow_clients import MakeRunServer

CONNECTIONS = 60
# Spread by the kernel's hash of each connection's address: fewer than this on either of two
# workers has a chance of about 1 in 20,000 (binomial, 60 draws).
FEWEST_PER_WORKER = 15


@pytest.fixture(scope="module")
def make_run_server(tmp_path_factory):
    server = MakeRunServer(tmp_path_factory.mktemp("worker-balance"))
    yield server
    server.stop()


def _established_to(port: int) -> set[str]:
    """Socket inodes of established TCP connections whose local port is `port`."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                if fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(fields[9])
    return inodes


def _connections_per_process(pids: list[int], port: int) -> dict[int, int]:
    inodes = _established_to(port)
    counts = {}
    for pid in pids:
        held = 0
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            held += target.startswith("socket:[") and target[8:-1] in inodes
        counts[pid] = held
    return counts


def test_kept_alive_connections_are_spread_over_both_workers(make_run_server):
    request = f"GET /api/v1/categories HTTP/1.1\r\nHost: 127.0.0.1:{make_run_server.port}\r\n\r\n".encode()
    clients = []
    try:
        for _ in range(CONNECTIONS):
            client = socket.create_connection(("127.0.0.1", make_run_server.port), timeout=10)
            client.sendall(request)
            assert client.recv(12).startswith(b"HTTP/1.1 200")  # accepted and answered: held by a worker
            clients.append(client)
        counts = _connections_per_process(child_processes(make_run_server.process.pid), make_run_server.port)
        busy = sorted(count for count in counts.values() if count)
        assert len(busy) == 2 and sum(busy) == CONNECTIONS, counts
        assert busy[0] >= FEWEST_PER_WORKER, counts
    finally:
        for client in clients:
            client.close()


def test_a_second_server_on_the_same_port_refuses_to_start(make_run_server):
    second = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
        env={**make_run_server.env, "HOST": "127.0.0.1", "PORT": str(make_run_server.port), "WORKERS": "1"},
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60,
    )
    assert second.returncode != 0
    assert "already in use" in second.stderr
