"""Browser tests: the app served by gunicorn (as `make run` does) on a free loopback port, driven
by Playwright in Debian's Chromium. Without Chromium they skip with a message, except in CI."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from shinjuku_pwa.core.config import PROJECT_ROOT
from tests.conftest import ON_POSTGRES, _postgres_url

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
PHONE = {"width": 390, "height": 844}

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium package")
    pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

# Lets context.route() see the service worker's own requests (to act out a slow network).
os.environ.setdefault("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")

from playwright.sync_api import sync_playwright  # noqa: E402  (only when Chromium exists)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """A migrated database with the bundled content, served by gunicorn on loopback."""

    def __init__(self, folder: Path, static_dir: Path | None = None, **extra_env: str):
        folder.mkdir(parents=True, exist_ok=True)
        self.schema = None
        self.env = {
            **os.environ,
            "INSTANCE_PATH": str(folder / "instance"),
            "SECRET_KEY": "browser-tests",
            "PYTHONWARNINGS": "ignore",
            # gunicorn reads gunicorn.conf.py from here too; tests run the push worker themselves.
            "PUSH_WORKER_IN_WEB": "0",
            **extra_env,
        }
        if static_dir:
            self.env["STATIC_DIR"] = str(static_dir)
        if ON_POSTGRES:
            self.schema = "browser_" + uuid.uuid4().hex[:10]
            engine = sa.create_engine(_postgres_url())
            with engine.begin() as connection:
                connection.execute(sa.text(f'CREATE SCHEMA "{self.schema}"'))
            engine.dispose()
            self.env["DATABASE_URL"] = f"{_postgres_url()}?options=-csearch_path%3D{self.schema}"
        else:
            self.env["DATABASE_URL"] = f"sqlite:///{folder / 'browser.sqlite3'}"
        flask = [sys.executable, "-m", "flask", "--app", "shinjuku_pwa"]
        for command in (["db", "upgrade"], ["content", "import"]):
            subprocess.run(flask + command, env=self.env, cwd=PROJECT_ROOT, check=True, capture_output=True)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "wsgi:app"],
            env=self.env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.wait_until_up()

    def flask(self, *args: str, stdin: str | None = None) -> str:
        """Run a `flask --app shinjuku_pwa ...` command against this server's database."""
        result = subprocess.run([sys.executable, "-m", "flask", "--app", "shinjuku_pwa", *args], env=self.env,
                                cwd=PROJECT_ROOT, check=True, capture_output=True, text=True, input=stdin)
        return result.stdout

    @contextmanager
    def database(self) -> Iterator[sa.Connection]:
        """A transaction on this server's database, committed at the end; the engine is disposed after
        (one left to the garbage collector closes its PostgreSQL connection there, with a ResourceWarning)."""
        engine = sa.create_engine(self.env["DATABASE_URL"])
        try:
            with engine.begin() as connection:
                yield connection
        finally:
            engine.dispose()

    def db_time(self, moment):
        """A timestamp as this database stores it (SQLite keeps naive UTC; PostgreSQL takes it aware)."""
        return moment if self.schema else moment.astimezone(dt.UTC).replace(tzinfo=None)

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/ja/", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the test server did not start")

    def redeploy(self) -> None:
        """Reload the app like a deploy: gunicorn starts fresh workers that read the files again."""
        self.process.send_signal(signal.SIGHUP)
        time.sleep(2)
        self.wait_until_up()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)
        if self.schema:
            engine = sa.create_engine(_postgres_url())
            with engine.begin() as connection:
                connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
            engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("live"))
    yield server
    server.stop()


@pytest.fixture
def deployable_server(tmp_path):
    """A server of its own whose static files a test may change, to act out a new deploy."""
    static = tmp_path / "static"
    shutil.copytree(PROJECT_ROOT / "static", static)
    server = LiveServer(tmp_path / "server", static_dir=static)
    server.static_dir = static
    yield server
    server.stop()


# Per module, not per session: Playwright's sync API keeps an event loop running while it is
# open, and later tests (the push worker's) need asyncio.run() on this thread.
@pytest.fixture(scope="module")
def playwright_instance():
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=PHONE)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


def wait_until(page, expression: str, arg=None, timeout: float = 15.0):
    """Poll a JavaScript expression until it is truthy.

    Playwright's wait_for_function evaluates its predicate with eval(), which our
    Content-Security-Policy (rightly) forbids; page.evaluate goes through the debugger.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression, arg) if arg is not None else page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression}")
        time.sleep(0.1)


def wait_for_worker(page) -> None:
    """Until the service worker controls the page (it claims clients when it activates)."""
    wait_until(page, "!!(navigator.serviceWorker && navigator.serviceWorker.controller)")
