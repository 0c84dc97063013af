"""Configuration from environment variables, read here and nowhere else."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _instance_path() -> Path:
    # instance/ beside the checkout holds everything generated on this machine
    # (database, secret key, search index, VAPID keys); it is never committed.
    return Path(os.environ.get("INSTANCE_PATH", PROJECT_ROOT / "instance")).resolve()


def _persisted_secret_key(instance_path: Path) -> str:
    """Return SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Created with 0600 so other users on the machine cannot read it.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        # SQLite under instance/ is the embedded default: nothing to install.
        return f"sqlite:///{instance_path / 'shinjuku.sqlite3'}"
    if url.startswith("postgres://"):
        # Some hosts still hand out the old scheme; SQLAlchemy 2 needs the dialect named.
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def from_environment() -> dict:
    """Build the app's config mapping; every default is safe for a resident's laptop."""
    instance_path = _instance_path()
    return {
        "INSTANCE_PATH": str(instance_path),
        # Signs session cookies and CSRF tokens.
        "SECRET_KEY": _persisted_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        # Drop dead pooled connections instead of failing the next request.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Where `content import` reads from when no --path is given.
        "CONTENT_DIR": os.environ.get("CONTENT_DIR", str(PROJECT_ROOT / "content")),
        # Static files (served under content-hashed names).
        "STATIC_DIR": os.environ.get("STATIC_DIR", str(PROJECT_ROOT / "static")),
        # Compiled message catalogs live beside their .po sources.
        "TRANSLATIONS_DIR": os.environ.get("TRANSLATIONS_DIR", str(PROJECT_ROOT / "translations")),
        # Request bodies larger than this are refused with 413.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # Flask-Compress: gzip and brotli for HTML, CSS, JS and JSON.
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_MIMETYPES": [
            "text/html", "text/css", "text/javascript", "application/javascript",
            "application/json", "application/manifest+json", "image/svg+xml", "text/calendar",
        ],
        "COMPRESS_MIN_SIZE": 500,
        # OpenAPI document for the JSON API.
        "API_TITLE": "Shinjuku City resident information API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        # Shown in the page footer as where the service runs from; never a secret.
        "SITE_NAME": os.environ.get("SITE_NAME", ""),
    }
