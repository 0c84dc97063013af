"""Push-service stand-ins for benchmarks and tests: HTTP/1.1 keep-alive, 201 after a delay.

A real push service runs on someone else's machines; on the bench machine the stand-in shares the
cores with the workers it answers, so what it costs per request is taken from the fan-out. Two
stand-ins:
- nginx with the echo module (Debian: nginx-light, libnginx-mod-http-echo), for the benchmark: a C
  server that answers a request for a small fraction of the CPU the Python one needs;
- a lean asyncio protocol (no framework), for tests and where nginx is missing. Several processes
  can share one port (SO_REUSEPORT).
Either way the benchmark measures the stand-in's capacity and prints it.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

RESPONSE = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n"


class _Connection(asyncio.Protocol):
    def __init__(self, delay: float, counter: list[int], paths: Counter[str] | None) -> None:
        self.delay = delay
        self.counter = counter
        self.paths = paths
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self.buffer[:head_end].lower()
            length = 0
            start = head.find(b"\r\ncontent-length:")
            if start >= 0:
                end = head.find(b"\r\n", start + 2)
                length = int(head[start + 17:end if end >= 0 else len(head)])
            total = head_end + 4 + length
            if len(self.buffer) < total:
                return
            self.buffer = self.buffer[total:]
            self.counter[0] += 1
            if self.paths is not None:
                self.paths[head[head.find(b" ") + 1:head.find(b" ", head.find(b" ") + 1)].decode()] += 1
            if self.delay:
                asyncio.get_running_loop().call_later(self.delay, self._answer)
            else:
                self._answer()

    def _answer(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(RESPONSE)


async def start(delay: float, port: int = 0, reuse_port: bool = False,
                paths: Counter[str] | None = None) -> tuple[asyncio.Server, int, list[int]]:
    """Serve on 127.0.0.1; `paths` (if given) counts requests per path (lower-cased)."""
    counter = [0]
    server = await asyncio.get_running_loop().create_server(
        lambda: _Connection(delay, counter, paths), "127.0.0.1", port, backlog=4096, reuse_port=reuse_port)
    return server, server.sockets[0].getsockname()[1], counter


class CountingService:
    """The stand-in on a thread of its own, counting requests per path (for tests with many messages)."""

    def __init__(self) -> None:
        self.paths: Counter[str] = Counter()
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> CountingService:
        self._thread.start()
        self.server, self.port, _ = asyncio.run_coroutine_threadsafe(start(0, paths=self.paths), self.loop).result(10)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


ECHO_MODULE = Path("/usr/lib/nginx/modules/ngx_http_echo_module.so")
NGINX_CONF = """load_module {module};
daemon off; worker_processes {processes}; pid {folder}/nginx.pid; error_log {folder}/error.log warn;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    keepalive_requests 1000000; keepalive_timeout 60s;
    server {{
        listen 127.0.0.1:{port} reuseport backlog=4096;
        location / {{ echo_sleep {delay}; echo_status 201; }}
    }}
}}
"""


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time used so far by these processes and their children (nginx's workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    seen: set[int] = set()
    waiting = list(pids)
    while waiting:
        pid = waiting.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (the 14th and 15th fields)
            for task in Path(f"/proc/{pid}/task").iterdir():
                waiting.extend(int(child) for child in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            continue  # the process ended meanwhile
    return total / tick


def nginx_available() -> bool:
    return shutil.which("nginx") is not None and ECHO_MODULE.exists()


def start_nginx(delay: float, processes: int, folder: Path, port: int = 0) -> tuple[str, subprocess.Popen]:
    """nginx answering every request with 201 after `delay` seconds on `port` (0: a free one); (origin, process)."""
    if not port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(module=ECHO_MODULE, processes=processes, folder=folder, port=port,
                                      delay=f"{delay:.3f}"))
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    process = subprocess.Popen([binary, "-p", str(folder), "-c", str(conf)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return f"http://127.0.0.1:{port}", process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.05)
    process.terminate()
    log = folder / "error.log"
    raise RuntimeError(f"nginx did not start: {log.read_text()[-2000:] if log.exists() else 'no log'}")
