"""HTTP benchmark: the app as `make run` serves it, against a one-line Flask app served the same way.

    .venv/bin/python bench/http_load.py [--duration 5] [--clients 1,64] [--pages home,page-view,...]
                                   [--tool auto|wrk|python] [--slow-clients 8] [--json out.json]
                                   [--gunicorn-args "--worker-class sync" ...]

Sets up its own instance in a temporary folder (SQLite; with DATABASE_URL on PostgreSQL, a
schema of its own that is dropped afterwards; any other DATABASE_URL is used as it is), migrates
it and imports the bundled content with the flask CLI as `make run` does, then starts two gunicorns with the
project's gunicorn.conf.py
on free loopback ports: the app (wsgi:app) and the floor, a Flask app whose one view returns
"ok". It publishes one notice through the staff API so the notice page exists, then drives each
page type with 1 and with 64 concurrent clients from a separate process (wrk with a Lua script
that rotates through many URLs per page type; a Python asyncio client when wrk is missing), and
prints requests/s, p50/p95/p99 and errors per page type, each as a ratio of the floor's
requests/s at the same number of clients. Before its rows, every URL of a page type is requested
twice and then loaded for `--warmup` seconds unrecorded, so the table shows the steady state.
The floor is measured first and again last (the machine is shared: its mean is the baseline, and the two runs show the drift).

Requests carry `Accept-Encoding: gzip, br` as browsers send it. wrk corrects its latencies
for coordinated omission (a request slower than its connection's average also counts the
requests it held up), so its p95/p99 are on the pessimistic side; `--tool python` reports the
latencies as measured, but it saturates before the floor does (about 2,500 against wrk's 3,700
requests/s here), which flatters every ratio: prefer wrk. `--gunicorn-args` passes extra
gunicorn options to the app and its floor (through GUNICORN_CMD_ARGS, which overrides
gunicorn.conf.py); given several times, it compares settings in one run, taking turns row by row,
e.g. `--gunicorn-args "--worker-class sync" --gunicorn-args "--worker-class gevent"`.

With `--hosts N` (N > 1) the app runs as N hosts behind one nginx on loopback, as production
does (each its own INSTANCE_PATH and search index built before it serves, one SECRET_KEY, one
database), and the floor as N floors behind the same nginx: nginx proxies with kept-alive
upstream connections and no cache, so the figures are the hosts', not nginx's cache.

With `--slow-clients N`, a last section opens N connections that send request headers a byte
at a time and times other clients' requests meanwhile (`make run`'s slow-client defence).
"""
from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name would hide the
# standard library's `http` package (urllib needs it): put the project root there instead.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(PROJECT_ROOT)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.error  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402
import uuid  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

import sqlalchemy as sa  # noqa: E402
import yaml  # noqa: E402

LOCALES = ("ja", "ja-easy", "en", "zh-Hans", "zh-Hant", "ko", "vi", "ne", "my")
RELEVANCE = PROJECT_ROOT / "tests" / "search" / "relevance.yaml"  # resident queries in nine languages
HEADERS = {"Accept-Encoding": "gzip, br"}
FLOOR_APP = 'from flask import Flask; app = Flask(__name__); app.get("/")(lambda: "ok")\n'

# Page type -> the share of the floor's requests/s it must reach at 64 clients (issue 14).
PAGE_TYPES = {
    "home": 0.40,
    "topic-listing": 0.40,
    "page-view": 0.40,
    "notice": 0.40,
    "life-event-question": 0.40,
    "checklist": 0.15,
    "api-page": 0.40,
    "api-search": 0.15,
}
P99_TARGET_MS = 250  # at 64 clients
BUSY_CLIENTS = 64


# --- servers ---------------------------------------------------------------------------------

PORT_BASE = [0]  # --port-base: take ports from there upwards (a shared machine hands each user a range)


def free_port() -> int:
    """A free loopback port: the next free one from --port-base, else any the system gives."""
    while PORT_BASE[0]:
        port = PORT_BASE[0]
        PORT_BASE[0] += 1
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def get_json(url: str):
    status, body = get(url)
    if status != 200:
        raise RuntimeError(f"GET {url} answered {status}")
    return json.loads(body)


WORKER_DEATH = re.compile(r"Worker \(pid:\d+\) (was sent SIG(?!TERM\b)|exited with code [1-9])")


class Gunicorn:
    """gunicorn with the project's gunicorn.conf.py, as `make run` starts it, on a free port."""

    def __init__(self, name: str, app: str, env: dict, cwd: Path, log_dir: Path, ready_path: str):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"{name}.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", str(PROJECT_ROOT / "gunicorn.conf.py"), app],
                env={**env, "HOST": "127.0.0.1", "PORT": str(self.port)}, cwd=cwd,
                stdout=subprocess.DEVNULL, stderr=log,  # stdout: the access log, a line per request
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{name} server exited:\n{self.log.read_text()[-3000:]}")
            try:
                if get(self.url + ready_path, timeout=5)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{name} server did not start:\n{self.log.read_text()[-3000:]}")

    def worker_deaths(self) -> list[str]:
        """gunicorn's own lines on workers that died while serving (a signal other than the
        shutdown's SIGTERM, or an exit code other than 0): a run with one is not a clean run."""
        return [line for line in self.log.read_text(errors="replace").splitlines() if WORKER_DEATH.search(line)]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Instance:
    """A temporary instance: database, secret key, VAPID key and search index of its own."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.schema = None
        self.admin_url = None
        env = {**os.environ, "INSTANCE_PATH": str(folder / "instance"), "PYTHONWARNINGS": "ignore"}
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql")):
            # A schema of our own in the given database: never the tables someone else uses.
            self.admin_url = "postgresql+psycopg://" + url.split("://", 1)[1]
            self.schema = "bench_http_" + uuid.uuid4().hex[:10]
            self._admin(f'CREATE SCHEMA "{self.schema}"')
            separator = "&" if "?" in url else "?"
            env["DATABASE_URL"] = f"{self.admin_url}{separator}options=-csearch_path%3D{self.schema}"
        elif not url:
            env["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
        self.env = env
        self.database = "PostgreSQL" if self.schema else env["DATABASE_URL"].split(":", 1)[0]

    def set_up(self) -> None:
        """What `make setup` runs."""
        for command in (["db", "upgrade"], ["content", "import"], ["push", "keys"]):
            self.flask(*command)

    def flask(self, *args: str, stdin: str | None = None, env: dict | None = None) -> str:
        result = subprocess.run([sys.executable, "-m", "flask", "--app", "shinjuku_pwa", *args], env=env or self.env,
                                cwd=PROJECT_ROOT, capture_output=True, text=True, input=stdin, check=False)
        if result.returncode:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def _admin(self, statement: str) -> None:
        engine = sa.create_engine(self.admin_url)
        with engine.begin() as connection:
            connection.execute(sa.text(statement))
        engine.dispose()

    def drop(self) -> None:
        if self.schema:
            self._admin(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')


def publish_notice(instance: Instance, app_url: str) -> int:
    """One published notice, made as staff make one: a publisher's token and the staff API."""
    email = f"bench-{uuid.uuid4().hex[:8]}@example.invalid"  # a kept --instance already has earlier ones
    instance.flask("staff", "create", email, "--role", "publisher", "--password-stdin",
                   stdin="quiet river under the ward office\n")
    token = instance.flask("staff", "token", email, "--name", "bench").strip()
    notice = {"title": {"ja": "性能測定のお知らせ", "en": "Benchmark notice"},
              "body": {"ja": "性能測定のためのお知らせです。", "en": "A notice made by the HTTP benchmark."},
              "topics": ["general"], "push": False}
    request = urllib.request.Request(app_url + "/api/v1/admin/notices", data=json.dumps(notice).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        notice_id = json.loads(response.read())["id"]
    instance.flask("push", "send-due", "--once")  # publishes what is due (the in-web worker may beat it)
    deadline = time.monotonic() + 30
    while get(f"{app_url}/ja/notices/{notice_id}")[0] != 200:
        if time.monotonic() > deadline:
            raise RuntimeError(f"notice {notice_id} was not published")
        time.sleep(0.5)
    return notice_id


# --- what to request -------------------------------------------------------------------------

def checklist_query(questions: list[dict], today: dt.date) -> str:
    """Answers to every question of a life event: the date today, yes, the first choice."""
    answers = {}
    for question in questions:
        if question["type"] == "date":
            answers[question["id"]] = today.isoformat()
        elif question["type"] == "yes_no":
            answers[question["id"]] = "yes"
        else:
            answers[question["id"]] = question["allowed_values"][0]
    return urllib.parse.urlencode(answers)


def page_paths(app_url: str, notice_id: int, rng: random.Random, most: int) -> dict[str, list[str]]:
    """Up to `most` paths per page type (every locale, many pages) in random order; a run rotates
    through them."""
    categories = [c["id"] for c in get_json(app_url + "/api/v1/categories")]
    slugs = sorted({p["slug"] for p in get_json(app_url + "/api/v1/pages?lang=ja")["items"]})
    events = [e["id"] for e in get_json(app_url + "/api/v1/life-events")]
    today = dt.date.today()
    checklists = {e: checklist_query(get_json(f"{app_url}/api/v1/life-events/{e}")["questions"], today)
                  for e in events}
    searches = yaml.safe_load(RELEVANCE.read_text(encoding="utf-8"))
    paths = {
        "home": [f"/{lang}/" for lang in LOCALES],
        "topic-listing": [f"/{lang}/topics/{c}" for lang in LOCALES for c in categories],
        "page-view": [f"/{lang}/pages/{s}" for lang in LOCALES for s in slugs],
        "notice": [f"/{lang}/notices/{notice_id}" for lang in LOCALES],
        "life-event-question": [f"/{lang}/life-events/{e}" for lang in LOCALES for e in events],
        "checklist": [f"/{lang}/life-events/{e}?{query}" for lang in LOCALES for e, query in checklists.items()],
        "api-page": [f"/api/v1/pages/{s}?lang={lang}" for lang in LOCALES for s in slugs],
        "api-search": [f"/api/v1/search?{urllib.parse.urlencode({'q': case['q'], 'lang': case['lang']})}"
                       for case in searches],
    }
    return {page_type: rng.sample(listed, min(most, len(listed))) for page_type, listed in paths.items()}


# What each page type must contain: a wrong URL measures an error page, not the page.
EXPECTED = {
    "life-event-question": b'class="question"',
    "checklist": b'class="checklist-actions"',
    "api-search": b'"results"',
}


def warm_up(app_url: str, page_type: str, paths: list[str], rounds: int = 2) -> list[str]:
    """Every path requested `rounds` times, 8 at a time (so every worker sees most of them): the
    table is the steady state, not each process's first render of a page. The first path is
    checked alone, a wrong URL stops the run (it would measure an error page); the failures of
    the others are returned."""
    def fetch(path: str) -> str | None:
        try:
            status, body = get(app_url + path, timeout=60)
        except OSError as error:
            return f"GET {path}: {error}"
        if status != 200 or EXPECTED.get(page_type, b"") not in body:
            return f"GET {path} answered {status} without the expected content"
        return None

    first = fetch(paths[0])
    if first:
        raise RuntimeError(f"{page_type}: {first}")
    with ThreadPoolExecutor(8) as pool:
        return [failure for failure in pool.map(fetch, paths * rounds) if failure]


# --- load ------------------------------------------------------------------------------------

@dataclass
class Run:
    server: str  # the setting (gunicorn options) it ran under
    name: str
    clients: int
    requests: int
    seconds: float
    p50: float  # milliseconds
    p95: float
    p99: float
    errors: int
    warmup_failures: list[str] = field(default_factory=list)
    ratio: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


LUA = """
local paths = {%(paths)s}
local i = 0
wrk.headers["Accept-Encoding"] = "gzip, br"
init = function(args) i = math.random(#paths) end
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH {"requests": %%d, "seconds": %%.6f, "errors": %%d, "p50": %%.3f, "p95": %%.3f, "p99": %%.3f}\\n',
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def run_wrk(url: str, paths: list[str], clients: int, seconds: int, workdir: Path) -> dict:
    script = workdir / "paths.lua"
    script.write_text(LUA % {"paths": ", ".join(json.dumps(p) for p in paths)})
    result = subprocess.run(["wrk", "-t1", f"-c{clients}", f"-d{seconds}s", "--timeout", "5s", "-s", str(script), url],
                            capture_output=True, text=True, timeout=seconds + 60, check=False)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line[len("BENCH "):])
    raise RuntimeError(f"wrk printed no result:\n{result.stdout}\n{result.stderr}")


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Status and whether the connection stays open; the body is read and dropped."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip().lower()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.read()
        return status, False
    return status, headers.get("connection") != "close" and not lines[0].startswith("HTTP/1.0")


async def _drive(port: int, paths: list[str], clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = [0]
    deadline = time.monotonic() + seconds
    extra = "".join(f"{name}: {value}\r\n" for name, value in HEADERS.items())

    async def client(start: int):
        connection = None
        index = start
        while time.monotonic() < deadline:
            path = paths[index % len(paths)]
            index += 1
            started = time.perf_counter()
            try:
                if connection is None:
                    connection = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
                reader, writer = connection
                writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}\r\n".encode())
                status, keep_open = await asyncio.wait_for(_read_response(reader), 5)
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
                errors[0] += 1
                status, keep_open = 0, False
            else:
                latencies.append((time.perf_counter() - started) * 1000)
                errors[0] += status >= 400
            if not keep_open and connection is not None:
                connection[1].close()
                connection = None
        if connection is not None:
            connection[1].close()

    started = time.monotonic()
    await asyncio.gather(*(client(random.randrange(len(paths))) for _ in range(clients)))
    elapsed = time.monotonic() - started
    latencies.sort()

    def cut(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] if latencies else 0.0

    return {"requests": len(latencies), "seconds": elapsed, "errors": errors[0],
            "p50": cut(0.50), "p95": cut(0.95), "p99": cut(0.99)}


def _python_load(port: int, paths: list[str], clients: int, seconds: float, results) -> None:
    results.put(asyncio.run(_drive(port, paths, clients, seconds)))


def run_python(url: str, paths: list[str], clients: int, seconds: float, _workdir: Path) -> dict:
    """The fallback load generator: an asyncio HTTP/1.1 client with keep-alive, in its own process."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    process = context.Process(target=_python_load, args=(urllib.parse.urlsplit(url).port, paths, clients, seconds, results))
    process.start()
    result = results.get(timeout=seconds + 60)
    process.join()
    return result


def measure(tool, name: str, url: str, paths: list[str], clients: int, seconds: float, workdir: Path,
            server: str = "") -> Run:
    result = tool(url, paths, clients, seconds, workdir)
    # Requests the load left queued in the server are still served after it stops; one more
    # request waits behind them, so the next row does not start with this row's queue.
    try:
        get(url + paths[0], timeout=60)
    except OSError:
        pass
    return Run(server, name, clients, result["requests"], result["seconds"], result["p50"], result["p95"],
               result["p99"], result["errors"])


# --- slow clients ----------------------------------------------------------------------------

class TricklingClients:
    """Connections that send a request's headers one byte at a time and never finish them."""

    def __init__(self, port: int, count: int, interval: float = 0.1):
        head = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slowly: ".encode()
        self.payload = head + b"x" * 100_000  # more than the test ever lasts
        self.interval = interval
        self.sockets = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(count)]
        self.sent = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._trickle, daemon=True)

    def _trickle(self) -> None:
        while not self.stopping.is_set():
            for sock in self.sockets:
                try:
                    sock.sendall(self.payload[self.sent:self.sent + 1])
                except OSError:
                    pass  # the server gave up on this one: fine, it still held a worker until then
            self.sent += 1
            self.stopping.wait(self.interval)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.thread.join()
        for sock in self.sockets:
            sock.close()


def timed_get(url: str, timeout: float) -> float | None:
    """Seconds one request took, or None when it failed or took longer than timeout."""
    started = time.perf_counter()
    try:
        status, _ = get(url, timeout=timeout)
    except OSError:
        return None
    elapsed = time.perf_counter() - started
    return elapsed if status == 200 and elapsed <= timeout else None


def slow_client_section(app_url: str, port: int, slow: int, path: str, others: int = 10) -> str:
    with TricklingClients(port, slow):
        time.sleep(1.0)  # every trickling connection is mid-headers now
        timings = [timed_get(app_url + path, timeout=2) for _ in range(others)]
    served = [t for t in timings if t is not None]
    within = sum(t <= 1 for t in served)
    worst = f"{max(served) * 1000:.0f} ms" if served else "-"
    return (f"{slow} connections trickling headers a byte at a time; {others} other requests for {path} one after "
            f"another: {len(served)} served within 2 s, {within} within 1 s, slowest {worst}; "
            f"{'met' if within == others else 'NOT met'} (target: all within 1 s)")


# --- report ----------------------------------------------------------------------------------

def target_notes(run: Run) -> list[str]:
    """What issue 14 asks of a page type at 64 clients: its share of the floor, p99, no errors."""
    notes = []
    if run.errors:
        notes.append(f"{run.errors} errors")
    if run.warmup_failures:
        notes.append(f"{len(run.warmup_failures)} failed in warm-up, e.g. {run.warmup_failures[0]}")
    if run.clients == BUSY_CLIENTS:
        share = PAGE_TYPES[run.name]
        if run.ratio is not None and run.ratio < share:
            notes.append(f"below {share:.0%} of floor")
        if run.p99 >= P99_TARGET_MS:
            notes.append(f"p99 over {P99_TARGET_MS} ms")
    return notes


def table(runs: list[Run], with_server: bool) -> str:
    server_head, server_rule = ("| server ", "| --- ") if with_server else ("", "")
    lines = [f"{server_head}| page type | clients | req/s | p50 ms | p95 ms | p99 ms | errors | ratio to floor | target |",
             f"{server_rule}| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for run in runs:
        if run.name.startswith("floor"):
            ratio, verdict = "", ""
        else:
            ratio = f"{run.ratio:.1%}" if run.ratio is not None else ""
            verdict = "; ".join(run.notes) if run.notes else ("met" if run.clients == BUSY_CLIENTS else "")
        server = f"| {run.server} " if with_server else ""
        lines.append(f"{server}| {run.name} | {run.clients} | {run.rate:,.0f} | {run.p50:.1f} | {run.p95:.1f} "
                     f"| {run.p99:.1f} | {run.errors} | {ratio} | {verdict} |")
    return "\n".join(lines)


@dataclass
class Setting:
    """One way of serving: the app and the floor under gunicorn.conf.py plus `args`."""
    args: str
    app: Gunicorn | Proxied
    floor: Gunicorn | Proxied
    repeat: int = 1  # the same options given again (to see the run's noise) are told apart by number

    @property
    def label(self) -> str:
        name = self.args or "gunicorn.conf.py"
        return f"{name} (#{self.repeat})" if self.repeat > 1 else name


NGINX_CONF = """daemon off; worker_processes 1; pid {dir}/nginx.pid; error_log {dir}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy; fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
    upstream app {{ {app} keepalive 32; keepalive_timeout 4s; }}
    upstream floor {{ {floor} keepalive 32; keepalive_timeout 4s; }}
    server {{ listen 127.0.0.1:{app_port}; location / {{ proxy_pass http://app; proxy_http_version 1.1;
        proxy_set_header Connection ""; proxy_set_header Host $host; }} }}
    server {{ listen 127.0.0.1:{floor_port}; location / {{ proxy_pass http://floor; proxy_http_version 1.1;
        proxy_set_header Connection ""; proxy_set_header Host $host; }} }}
}}
"""


class Proxied:
    """nginx on a free loopback port in front of several gunicorns (for `--hosts`); the other
    nginx server block, `floor`, shares the process."""

    def __init__(self, name: str, port: int, log: Path, process: subprocess.Popen | None):
        self.name, self.port, self.log, self.process = name, port, log, process
        self.url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)


def start_nginx(number: int, apps: list[Gunicorn], floors: list[Gunicorn], workdir: Path) -> list[Proxied]:
    folder = workdir / f"nginx-{number}"
    folder.mkdir()
    app_port, floor_port = free_port(), free_port()
    (folder / "nginx.conf").write_text(NGINX_CONF.format(
        dir=folder, app_port=app_port, floor_port=floor_port,
        app="".join(f"server 127.0.0.1:{g.port}; " for g in apps), floor="".join(f"server 127.0.0.1:{g.port}; " for g in floors)))
    process = subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(folder), "-c", str(folder / "nginx.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    app, floor = Proxied(f"nginx-{number}", app_port, folder / "nginx-error.log", process), \
        Proxied(f"nginx-floor-{number}", floor_port, folder / "nginx-error.log", None)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if get(app.url + "/ja/", timeout=5)[0] == 200 and get(floor.url + "/", timeout=5)[0] == 200:
                return [app, floor]
        except OSError:
            time.sleep(0.2)
    app.stop()
    raise RuntimeError(f"nginx did not start: {(folder / 'nginx-error.log').read_text()[-2000:]}")


def start_hosts(number: int, args: str, env: dict, workdir: Path, hosts: int, instance: Instance) -> list:
    """`hosts` app hosts and as many floors behind one nginx; the servers to stop, nginx's two last."""
    servers: list = []
    try:
        for host in range(hosts):
            host_env = {**env, "INSTANCE_PATH": str(workdir / f"instance-{number}-{host}"), "SECRET_KEY": "one-for-all-hosts"}
            instance.flask("search", "reindex", env=host_env)  # a host builds its index before it serves
            servers += start_setting(f"{number}-{host}", args, host_env, workdir)
        servers += start_nginx(number, servers[0::2], servers[1::2], workdir)
    except Exception:
        for server in servers:
            server.stop()
        raise
    return servers


def start_setting(number: int | str, args: str, env: dict, workdir: Path) -> list[Gunicorn]:
    env = {**env, "GUNICORN_CMD_ARGS": args} if args else env
    app = Gunicorn(f"app-{number}", "wsgi:app", env, PROJECT_ROOT, workdir, "/ja/")
    try:
        # The floor: the same settings, minus the push worker (it would only load the machine).
        floor = Gunicorn(f"floor-{number}", "floor_app:app", {**env, "PUSH_WORKER_IN_WEB": "0"}, workdir / "floor",
                         workdir, "/")
    except Exception:
        app.stop()
        raise
    return [app, floor]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per page type and client count")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of unrecorded load at 64 clients before each page type")
    parser.add_argument("--clients", default=f"1,{BUSY_CLIENTS}", help="comma-separated concurrent client counts")
    parser.add_argument("--pages", default=",".join(PAGE_TYPES), help=f"comma-separated, of: {', '.join(PAGE_TYPES)}")
    parser.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--gunicorn-args", action="append",
                        help="extra gunicorn options for the app and its floor; repeat to compare settings "
                             "row by row in one run")
    parser.add_argument("--slow-clients", type=int, default=8, help="trickling connections in the last section (0: skip)")
    parser.add_argument("--urls", type=int, default=100, help="distinct URLs per page type, at most")
    parser.add_argument("--port-base", type=int, default=0, help="first loopback port to use (default: any free one)")
    parser.add_argument("--instance", type=Path,
                        help="keep the instance (database, index) in this folder and reuse it next time: skips the "
                             "set-up (minutes on a loaded machine); SQLite only")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--hosts", type=int, default=1, help="app hosts (and floors) behind one loopback nginx (1: no proxy)")
    args = parser.parse_args()
    PORT_BASE[0] = args.port_base
    pages = [p for p in args.pages.split(",") if p]
    unknown = set(pages) - set(PAGE_TYPES)
    if unknown:
        parser.error(f"unknown page types: {', '.join(sorted(unknown))}")
    client_counts = [int(c) for c in args.clients.split(",")]
    wrk = shutil.which("wrk")
    if args.tool == "wrk" and not wrk:
        parser.error("wrk is not installed (apt-get install wrk), use --tool python")
    tool, tool_name = (run_wrk, "wrk -t1") if args.tool == "wrk" or (args.tool == "auto" and wrk) else \
        (run_python, "Python asyncio client")

    # A terminated run (timeout, Ctrl-C) still stops its servers: SIGTERM unwinds like an exception.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="http-bench-"))
    (workdir / "floor").mkdir()
    (workdir / "floor" / "floor_app.py").write_text(FLOOR_APP)
    instance = None
    servers: list[Gunicorn] = []
    try:
        started = time.monotonic()
        kept = args.instance.resolve() if args.instance else None
        if kept is not None:
            kept.mkdir(parents=True, exist_ok=True)
        instance = Instance(kept or workdir)
        if kept is None or not (kept / "ready").exists():
            instance.set_up()
            if kept is not None:
                (kept / "ready").touch()
        settings: list[Setting] = []
        for number, extra in enumerate(args.gunicorn_args or [""]):
            if args.hosts > 1:
                servers += start_hosts(number, extra, instance.env, workdir, args.hosts, instance)
            else:
                servers += start_setting(number, extra, instance.env, workdir)
            app_server, floor_server = servers[-2:]
            settings.append(Setting(extra, app_server, floor_server, repeat=1 + sum(s.args == extra for s in settings)))
        kept_notice = kept / "notice" if kept else None
        if kept_notice is not None and kept_notice.exists():
            notice_id = int(kept_notice.read_text())
        else:
            notice_id = publish_notice(instance, settings[0].app.url)
            if kept_notice is not None:
                kept_notice.write_text(str(notice_id))
        paths = page_paths(settings[0].app.url, notice_id, random.Random(args.seed), args.urls)
        shape = f"{args.hosts} hosts behind one nginx" if args.hosts > 1 else "one host"
        print(f"# HTTP benchmark: {instance.database}, {shape}; {' vs '.join(s.label for s in settings)}; load from "
              f"{tool_name}, {args.duration:g} s per row, {os.cpu_count()} cores "
              f"(set up in {time.monotonic() - started:.0f} s)\n", flush=True)
        runs = run_rows(settings, pages, paths, client_counts, tool, args, workdir)

        floor_rate = {(s.label, n): sum(r.rate for r in runs if r.name.startswith("floor") and r.server == s.label
                                        and r.clients == n) / 2 for s in settings for n in client_counts}
        for run in runs:
            if not run.name.startswith("floor"):
                floor = floor_rate[run.server, run.clients]
                run.ratio = run.rate / floor if floor else None
                run.notes = target_notes(run)
        print(table(runs, with_server=len(settings) > 1))
        for setting in settings:
            print(f"\nFloor{' under ' + setting.label if len(settings) > 1 else ''} (mean of first and last): "
                  + ", ".join(f"{floor_rate[setting.label, n]:,.0f} req/s at {n} client{'s' if n > 1 else ''}"
                              for n in client_counts))
            rows = [r for r in runs if r.server == setting.label and not r.name.startswith("floor")]
            missed = [r for r in rows if r.notes]
            print(f"Targets (at {BUSY_CLIENTS} clients: page reads >= 40% of the floor, search and checklist >= 15%, "
                  f"p99 < {P99_TARGET_MS} ms; 0 errors): "
                  + ("all met" if not missed else f"{len(missed)} of {len(rows)} rows miss"))
            if args.slow_clients:
                print("Slow clients: " + slow_client_section(setting.app.url, setting.app.port, args.slow_clients,
                                                             "/api/v1/categories"))
        deaths = [(server.name, line) for server in servers if isinstance(server, Gunicorn)
                  for line in server.worker_deaths()]
        print(f"Worker deaths: {len(deaths)}" + "".join(f"\n  {name}: {line}" for name, line in deaths))
        if any(run.warmup_failures for run in runs):
            for server in servers:  # a connection closed without an answer: did a worker die?
                said = "\n".join(line for line in server.log.read_text().splitlines() if '"event": "request"' not in line)
                print(f"--- {server.name} server log, less its request lines (end) ---\n{said[-20000:]}", file=sys.stderr)
        if args.json:
            args.json.write_text(json.dumps({
                "database": instance.database, "settings": [s.label for s in settings], "tool": tool_name,
                "duration": args.duration, "runs": [{**r.__dict__, "rate": r.rate} for r in runs],
                "worker_deaths": [{"server": name, "line": line} for name, line in deaths],
            }, indent=2))
    except Exception:
        for server in servers:  # what the servers said is usually the answer
            print(f"--- {server.name} server log (end) ---\n{server.log.read_text()[-4000:]}", file=sys.stderr)
        raise
    finally:
        for server in servers:
            server.stop()
        if instance is not None:
            instance.drop()
        shutil.rmtree(workdir, ignore_errors=True)


def run_rows(settings: list[Setting], pages: list[str], paths: dict[str, list[str]], client_counts: list[int],
             tool, args, workdir: Path) -> list[Run]:
    """The floor first, each page type, the floor again; settings take turns row by row, so a
    change in the machine's load meanwhile touches them alike."""
    def floor_runs(label: str) -> list[Run]:
        return [measure(tool, f"floor ({label})", s.floor.url, ["/"], n, args.duration, workdir, s.label)
                for n in client_counts for s in settings]

    for setting in settings:
        measure(tool, "warm-up", setting.floor.url, ["/"], BUSY_CLIENTS, args.warmup, workdir)
    runs = floor_runs("first")
    for page_type in pages:
        failures = {}
        for setting in settings:
            failures[setting.label] = warm_up(setting.app.url, page_type, paths[page_type])
            measure(tool, "warm-up", setting.app.url, paths[page_type], BUSY_CLIENTS, args.warmup, workdir)
        for clients in client_counts:
            for setting in settings:
                run = measure(tool, page_type, setting.app.url, paths[page_type], clients, args.duration, workdir,
                              setting.label)
                run.warmup_failures = failures[setting.label] if clients == client_counts[-1] else []
                runs.append(run)
                print(f"  {setting.label}: {page_type} x {clients}: {run.rate:,.0f} req/s", file=sys.stderr, flush=True)
    return runs + floor_runs("last")


if __name__ == "__main__":
    main()
