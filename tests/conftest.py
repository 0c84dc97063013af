"""Fixtures: apps on a real, migrated database (SQLite by default, PostgreSQL via DATABASE_URL).

On PostgreSQL every app gets its own schema, so tests never see each other's rows and
can run in parallel; the schema is dropped afterwards.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from shinjuku_pwa import create_app
from shinjuku_pwa.composition.content_import import import_content
from shinjuku_pwa.core.config import PROJECT_ROOT
from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.search.upkeep import KEEPER
from tests.content_factory import make_content

DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith("postgres")
MIGRATIONS = str(PROJECT_ROOT / "migrations")
BUNDLED_CONTENT = PROJECT_ROOT / "content"


def _postgres_url() -> str:
    url = DATABASE_URL
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix):]
    return url


# A whole background build of the bundled content's index on a busy CI machine, with room to spare.
KEEPER_STOP_SECONDS = 300


def close_app(app: Flask) -> None:
    """Stop the app's search keeper, then close its database connections.

    Only in that order: a keeper's build holds a connection while it reads, and an engine disposed
    meanwhile leaves that connection to the garbage collector (on PostgreSQL a ResourceWarning, in
    whichever later test the collection happens to run).
    """
    keeper = app.extensions.get(KEEPER)
    if keeper is not None and not keeper.stop(wait=KEEPER_STOP_SECONDS):
        raise RuntimeError(f"the search keeper of {app.instance_path} still builds after {KEEPER_STOP_SECONDS} s")
    with app.app_context():
        db.engine.dispose()


class AppFactory:
    """Builds migrated apps on fresh databases and removes them afterwards."""

    def __init__(self, base: Path):
        self.base = base
        self.schemas: list[str] = []
        self.apps: list = []

    def __call__(self, content_dir: Path | None = None, **config) -> Flask:
        folder = self.base / uuid.uuid4().hex[:8]
        folder.mkdir(parents=True)
        settings = {
            "TESTING": True,
            "INSTANCE_PATH": str(folder / "instance"),
            "SECRET_KEY": "test-secret-key",
            "CONTENT_DIR": str(content_dir or BUNDLED_CONTENT),
            "SEARCH_FOLLOW_SECONDS": 0,  # no polling thread per test app (tests/search/test_following.py turns it on)
            # Tests write rows directly, without bumping the state versions a real change bumps:
            # the page cache is off unless a test turns it on (tests/test_page_cache.py).
            "PAGE_CACHE_MAX_BYTES": 0,
        }
        if ON_POSTGRES:
            schema = "test_" + uuid.uuid4().hex[:12]
            engine = sa.create_engine(_postgres_url())
            with engine.begin() as connection:
                connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
            engine.dispose()
            self.schemas.append(schema)
            settings["SQLALCHEMY_DATABASE_URI"] = _postgres_url()
            settings["SQLALCHEMY_ENGINE_OPTIONS"] = {
                "pool_pre_ping": True,
                "connect_args": {"options": f"-csearch_path={schema}"},
            }
        else:
            settings["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{folder / 'test.sqlite3'}"
        settings.update(config)
        app = create_app(settings)
        with app.app_context():
            upgrade(directory=MIGRATIONS)
        self.apps.append(app)
        return app

    def close(self) -> None:
        for app in self.apps:
            close_app(app)
        if self.schemas:
            engine = sa.create_engine(_postgres_url())
            with engine.begin() as connection:
                for schema in self.schemas:
                    connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            engine.dispose()


@pytest.fixture
def make_app(tmp_path):
    factory = AppFactory(tmp_path)
    yield factory
    factory.close()


@pytest.fixture
def make_cached_app(make_app, tmp_path):
    """Builds apps with small generated content imported and the page cache on (8 MB); keyword
    arguments set the rest of the configuration (VERSION_POLL_SECONDS, ...)."""
    def build(**config) -> Flask:
        root = make_content(tmp_path / f"content-{uuid.uuid4().hex[:8]}")
        app = make_app(content_dir=root, **{"PAGE_CACHE_MAX_BYTES": 8 * 1024 * 1024, **config})
        with app.app_context():
            import_content(root)
        return app
    return build


@pytest.fixture
def app(make_app):
    """A migrated app with an empty database."""
    return make_app()


@pytest.fixture(scope="session")
def content_app(tmp_path_factory):
    """One app with the bundled content imported, shared by read-only tests."""
    factory = AppFactory(tmp_path_factory.mktemp("content-app"))
    app = factory()
    with app.app_context():
        import_content(BUNDLED_CONTENT)
    yield app
    factory.close()


@pytest.fixture
def client(content_app):
    return content_app.test_client()


@pytest.fixture
def partly_translated_app(make_app, tmp_path):
    """Content with one page, `moving-in`, only in ja, ja-easy and en: the bundled pages are in every locale."""
    app = make_app(content_dir=make_content(tmp_path / "content"))
    with app.app_context():
        import_content(tmp_path / "content")
    return app


def pytest_collection_modifyitems(config, items) -> None:
    """Tests of PostgreSQL-only behaviour belong to the PostgreSQL pass (.ci/run runs both).

    On SQLite they are deselected, and pytest reports how many, rather than collected and skipped:
    CI skips nothing, and each test runs in exactly the pass it is about.
    """
    if ON_POSTGRES:
        return
    elsewhere = [item for item in items if item.get_closest_marker("postgres") or item.get_closest_marker("production")]
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = [item for item in items if item not in elsewhere]
