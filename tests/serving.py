"""Real processes on loopback, as production runs them: one database (SQLite file or a PostgreSQL
schema of its own), any number of web hosts (gunicorn, each with its own INSTANCE_PATH unless
told to share one) and push workers (`flask --app shinjuku_pwa push worker`), all with the same
SECRET_KEY and VAPID key. Used by tests/test_shared_limits.py, tests/test_database_outage.py and
tests/production/. Ports come from OPS_PORT_BASE (default 9300) upwards, skipping busy ones."""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

from shinjuku_pwa.core.config import PROJECT_ROOT
from tests.conftest import ON_POSTGRES, _postgres_url

PORT_BASE = int(os.environ.get("OPS_PORT_BASE", "9300"))
PASSWORD = "correct horse battery staple"
FLASK = [sys.executable, "-m", "flask", "--app", "shinjuku_pwa"]


_handed_out: set[int] = set()


def free_port(start: int = PORT_BASE, stop: int = PORT_BASE + 100) -> int:
    """A loopback port nobody listens on, from our range, never one handed out before in this run
    (a port given to a server that is not listening yet would look free)."""
    for port in range(start, stop):
        if port in _handed_out:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            _handed_out.add(port)
            return port
    raise RuntimeError(f"no free port in {start}-{stop}")


def child_processes(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (a gunicorn arbiter's workers), read from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as file:
                    stat = file.read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found

@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> dict:
        return json.loads(self.body)


class Browser:
    """A cookie jar and urllib: enough to sign in through a real form with its CSRF token."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects()
        )

    def request(self, url: str, data: dict | None = None, headers: dict | None = None, method: str | None = None,
                body: bytes | None = None, timeout: float = 15) -> Answer:
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return Answer(response.status, dict(response.headers), response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read().decode("utf-8", "replace"))

    def sign_in(self, host_url: str, email: str, password: str) -> Answer:
        page = self.request(host_url + "/admin/login")
        match = re.search(r'name="csrf_token" value="([^"]+)"', page.body)
        assert match, f"no CSRF token on {host_url}/admin/login ({page.status})"
        return self.request(host_url + "/admin/login", {"csrf_token": match.group(1), "email": email, "password": password})


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a 303 after sign-in is the answer we check
        return None


@dataclass
class Host:
    """One gunicorn serving the app; `instance` is its machine-local folder."""

    name: str
    port: int
    instance: Path
    env: dict[str, str]
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_until_up(self, path: str = "/admin/login", timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"host {self.name} exited: {self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"host {self.name} did not answer {path}: {self.log.read_text()[-3000:]}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Deployment:
    """What every process of one service shares: the database, SECRET_KEY, the VAPID key."""

    folder: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    database_url: str = ""
    schema: str | None = None
    hosts: list[Host] = field(default_factory=list)
    workers: list[subprocess.Popen] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if not self.database_url:
            if ON_POSTGRES:
                self.schema = "ops_" + uuid.uuid4().hex[:10]
                engine = sa.create_engine(_postgres_url())
                with engine.begin() as connection:
                    connection.execute(sa.text(f'CREATE SCHEMA "{self.schema}"'))
                engine.dispose()
                self.database_url = f"{_postgres_url()}?options=-csearch_path%3D{self.schema}"
            else:
                self.database_url = f"sqlite:///{self.folder / 'shared.sqlite3'}"
        self.vapid_key = self.folder / "vapid_private.pem"

    def env(self, instance: Path, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "INSTANCE_PATH": str(instance),
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": "one-secret-for-every-host",
            "PASSWORD_HASH_PROFILE": "CHEAPEST",
            "PUSH_WORKER_IN_WEB": "0",
            "PYTHONWARNINGS": "ignore",
            **({"VAPID_PRIVATE_KEY": self.vapid_key.read_text()} if self.vapid_key.exists() else {}),
            **self.extra_env,
            **extra,
        }

    def flask(self, *args: str, instance: Path | None = None, stdin: str | None = None, **extra: str) -> str:
        """Run a `flask --app shinjuku_pwa ...` command as a deploy step (its own instance folder)."""
        env = self.env(instance or self.folder / "deploy-instance", **extra)
        result = subprocess.run(FLASK + list(args), env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, input=stdin)
        if result.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed: {result.stdout}\n{result.stderr}")
        return result.stdout

    def migrate(self) -> None:
        self.flask("db", "upgrade")

    def make_vapid_key(self) -> None:
        """One key for every process, as production sets VAPID_PRIVATE_KEY everywhere."""
        self.flask("push", "keys", instance=self.folder / "keys")
        self.vapid_key.write_text((self.folder / "keys" / "vapid_private.pem").read_text())

    def import_content(self, content_dir: Path) -> None:
        """The deploy step run once: content into the database (and the deploy folder's index)."""
        self.extra_env["CONTENT_DIR"] = str(content_dir)
        self.flask("content", "import")

    def build_search_index(self, instance: Path) -> None:
        """A host's own search index, built before it serves (hosts keep it in their INSTANCE_PATH)."""
        self.flask("search", "reindex", instance=instance)

    def create_staff(self, email: str, role: str = "publisher") -> None:
        self.flask("staff", "create", email, "--role", role, "--password-stdin", stdin=PASSWORD + "\n")

    def start_host(self, name: str, instance: Path | None = None, workers: int = 1, wait_path: str = "/admin/login",
                   **extra: str) -> Host:
        instance = instance or self.folder / f"instance-{name}"
        port = free_port()
        log = self.folder / f"host-{name}.log"
        env = self.env(instance, **extra)
        with log.open("ab") as output:  # the child keeps its own copy of the descriptor
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
                env={**env, "HOST": "127.0.0.1", "PORT": str(port), "WORKERS": str(workers), "THREADS": "4"},
                cwd=PROJECT_ROOT, stdout=output, stderr=subprocess.STDOUT,
            )
        host = Host(name, port, instance, env, process, log)
        self.hosts.append(host)
        host.wait_until_up(wait_path)
        return host

    def start_push_worker(self, name: str, **extra: str) -> subprocess.Popen:
        log = self.folder / f"worker-{name}.log"
        with log.open("ab") as output:
            worker = subprocess.Popen(FLASK + ["push", "worker"], env=self.env(self.folder / f"instance-worker-{name}", **extra),
                                      cwd=PROJECT_ROOT, stdout=output, stderr=subprocess.STDOUT)
        self.workers.append(worker)
        return worker

    def stop(self) -> None:
        for host in self.hosts:
            host.stop()
        for worker in self.workers:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
        if self.schema:
            engine = sa.create_engine(_postgres_url())
            with engine.begin() as connection:
                connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
            engine.dispose()


def wrong_passwords_until_locked(hosts: list[Host], email: str, attempts: int) -> list[int]:
    """Wrong passwords for one account, taking turns across the hosts; the status of each attempt."""
    browsers = [Browser() for _ in hosts]
    statuses = []
    for attempt in range(attempts):
        which = attempt % len(hosts)
        statuses.append(browsers[which].sign_in(hosts[which].url, email, "not the password at all").status)
    return statuses

def wait_for(check: Callable[[], object], seconds: float, what: str | Callable[[], str]) -> object:
    """Poll until check() is truthy (other processes act on their own schedule); fail after `seconds`.
    `what` says what did not happen (a callable: what was seen instead, asked at the end)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.25)
    pytest.fail(f"not within {seconds} s: {what() if callable(what) else what}")
