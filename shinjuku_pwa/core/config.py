"""Configuration from environment variables, read here and nowhere else."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


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


def _engine_options(url: str) -> dict:
    options: dict = {"pool_pre_ping": True}
    if url.startswith("postgresql"):
        # Seconds to wait for a connection to the database (a blackholed host would take minutes).
        options["connect_args"] = {"connect_timeout": int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))}
    return options


def from_environment() -> dict:
    """Build the app's config mapping; every default is safe for a resident's laptop."""
    instance_path = _instance_path()
    return {
        "INSTANCE_PATH": str(instance_path),
        # Signs session cookies and CSRF tokens.
        "SECRET_KEY": _persisted_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        # Drop dead pooled connections instead of failing the next request (so a restarted
        # database is used again without restarting us); never wait long for one that is away.
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(_database_url(instance_path)),
        # Where `content import` reads from when no --path is given.
        "CONTENT_DIR": os.environ.get("CONTENT_DIR", str(PROJECT_ROOT / "content")),
        # Static files (served under content-hashed names).
        "STATIC_DIR": os.environ.get("STATIC_DIR", str(PROJECT_ROOT / "static")),
        # Compiled message catalogs live beside their .po sources.
        "TRANSLATIONS_DIR": os.environ.get("TRANSLATIONS_DIR", str(PROJECT_ROOT / "translations")),
        # Request bodies larger than this are refused with 413.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # Compression (core/compression.py): brotli, else gzip, for HTML, CSS, JS and JSON.
        "COMPRESS_MIMETYPES": [
            "text/html", "text/css", "text/javascript", "application/javascript",
            "application/json", "application/manifest+json", "image/svg+xml", "text/calendar",
        ],
        "COMPRESS_MIN_SIZE": 500,
        # Brotli quality of answers compressed on every request (a checklist, a search, the API):
        # 1 took a fifth of the time of Flask-Compress's default 4 for about 15% more bytes (0.07
        # against 0.33 ms for a 28 KB checklist); 0 takes 0.08 against 0.09 ms of a checklist's CPU
        # in a running app (its tables are cold there) for 1.3% more bytes (6,255 against 6,172).
        # Kept answers are compressed once, denser:
        "COMPRESS_BR_LEVEL": int(os.environ.get("COMPRESS_BR_LEVEL", "0")),
        # Brotli's window: 2**18 bytes, more than any answer here. At quality 1 the default (2**22)
        # made every compression set up a 4 MB ring buffer: 144 against 45 microseconds for a 16 KB
        # checklist, the very same bytes out.
        "COMPRESS_BR_WINDOW": int(os.environ.get("COMPRESS_BR_WINDOW", "18")),
        "PAGE_CACHE_BR_LEVEL": int(os.environ.get("PAGE_CACHE_BR_LEVEL", "4")),
        # OpenAPI document for the JSON API.
        "API_TITLE": "Shinjuku City resident information API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        # Web Push. The private key comes from VAPID_PRIVATE_KEY (PEM) or is generated into instance/.
        "VAPID_PRIVATE_KEY": os.environ.get("VAPID_PRIVATE_KEY", ""),
        # Who push services may contact about our traffic: a mailto: or https: URL of the operator.
        "VAPID_SUBJECT": os.environ.get("VAPID_SUBJECT", "https://www.city.shinjuku.lg.jp"),
        # Push services we may send to: host names (https) or exact origins; comma-separated.
        "PUSH_ENDPOINT_ALLOWLIST": os.environ.get(
            "PUSH_ENDPOINT_ALLOWLIST",
            "fcm.googleapis.com,updates.push.services.mozilla.com,*.push.apple.com,*.notify.windows.com",
        ),
        # Requests in flight per worker, and how long one may take before it is retried later.
        "PUSH_CONCURRENCY": int(os.environ.get("PUSH_CONCURRENCY", "200")),
        "PUSH_TIMEOUT_SECONDS": float(os.environ.get("PUSH_TIMEOUT_SECONDS", "10")),
        # Keep-alive HTTP/1.1 connections per push-service origin and worker (one request in flight
        # on each), as many as PUSH_CONCURRENCY: most subscribers share one origin (Chrome's), and a
        # worker's throughput to it is connections / answer time (at 100 and 20 ms answers the worker
        # waited on its connections 11-16% of the time; bench/push_fanout.py, README). Lower it if
        # a push service refuses or throttles that many from one sender.
        "PUSH_CONNECTIONS_PER_ORIGIN": int(os.environ.get("PUSH_CONNECTIONS_PER_ORIGIN", "200")),
        # Subscribing (and renewing) from one IP address; a household behind one router stays well within it.
        "PUSH_SUBSCRIBE_LIMIT_PER_IP": os.environ.get("PUSH_SUBSCRIBE_LIMIT_PER_IP", "30 per hour"),
        # How often each process reads the state versions (core/versions.py): a change made on
        # another host reaches this one's pages and search index within this many seconds.
        "VERSION_POLL_SECONDS": float(os.environ.get("VERSION_POLL_SECONDS", "5")),
        # Each serving process's search keeper also reads them this often with no requests coming
        # in, so an idle host's index follows too (0: only requests make a process look).
        "SEARCH_FOLLOW_SECONDS": float(os.environ.get("SEARCH_FOLLOW_SECONDS", "5")),
        # Rendered answers for anonymous readers kept in each process (core/page_cache.py): at most
        # this many bytes (0 turns the cache off), each for at most this many seconds.
        "PAGE_CACHE_MAX_BYTES": int(os.environ.get("PAGE_CACHE_MAX_BYTES", str(64 * 1024 * 1024))),
        "PAGE_CACHE_SECONDS": float(os.environ.get("PAGE_CACHE_SECONDS", "120")),
        # Rendered `{% fragment %}` parts kept in each process (core/templating.py), at most this many
        # bytes; the least recently used language and reader-setting combination goes first. One
        # combination's fragments of every checklist and page take about 0.1-0.3 MB, and there are
        # 9 languages x 18 reader settings.
        "FRAGMENT_CACHE_MAX_BYTES": int(os.environ.get("FRAGMENT_CACHE_MAX_BYTES", str(16 * 1024 * 1024))),
        # Cache-Control of anonymous pages and API reads (core/http_caching.py): a CDN or proxy may
        # serve them this many seconds, then a stale copy for this much longer while it refreshes.
        "HTTP_MAX_AGE_SECONDS": int(os.environ.get("HTTP_MAX_AGE_SECONDS", "30")),
        "HTTP_STALE_WHILE_REVALIDATE_SECONDS": int(os.environ.get("HTTP_STALE_WHILE_REVALIDATE_SECONDS", "300")),
        # Processes `push worker` starts; encryption is CPU-bound, so one per core.
        "PUSH_WORKER_PROCESSES": int(os.environ.get("PUSH_WORKER_PROCESSES", "1")),
        # Most deliveries one worker holds at once: it claims half of them, and the next half while the
        # first half's last answers come in (composition/publishing.py). Each claim costs a few
        # statements (claim, read, record), so a large one leaves the CPU to encryption; what a killed
        # worker holds is what may be sent twice (the Topic header makes the push service keep one).
        "PUSH_BATCH_SIZE": int(os.environ.get("PUSH_BATCH_SIZE", "2000")),
        # How long a claim holds without its worker's heartbeat (renewed every quarter of it while
        # the batch is in flight): a killed worker's deliveries go to another within this time.
        "PUSH_LEASE_SECONDS": float(os.environ.get("PUSH_LEASE_SECONDS", "20")),
        # Logs (core/request_log.py): "json", one object per line (production), or "text" (`make run`).
        "LOG_FORMAT": "text" if os.environ.get("LOG_FORMAT", "json").strip().lower() == "text" else "json",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO").strip().upper(),
        # Where residents reach the site (scheme, host and port, no path): every absolute URL (hreflang,
        # .ics links, url_for(_external=True)) starts with it, never with the request's Host header, which
        # anyone can set (a poisoned Host would otherwise reach a shared cache). The default is `make run`'s.
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
        # Shown in the page footer as where the service runs from; never a secret.
        "SITE_NAME": os.environ.get("SITE_NAME", ""),
        **_staff_and_security_settings(),
    }


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def _staff_and_security_settings() -> dict:
    """Sessions, CSRF, rate limits and staff sign-in (the staff console, issue 6)."""
    # "https" when the public URL is https (behind a TLS proxy too): links, Secure cookies.
    scheme = os.environ.get("PREFERRED_URL_SCHEME", "http")
    redis_url = os.environ.get("REDIS_URL", "")
    return {
        "PREFERRED_URL_SCHEME": scheme,
        # Reverse proxies in front of us whose X-Forwarded-For/-Proto we trust (0: none, direct
        # traffic); audit IPs, per-IP rate limits and https detection depend on it being right.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        # Secure session cookie when the public URL is https; a request that arrives over https
        # gets a Secure cookie regardless (security.py).
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", scheme == "https"),
        # Scripts never need the session cookie.
        "SESSION_COOKIE_HTTPONLY": True,
        # Sent on top-level navigation from other sites (links in mail), never on their POSTs.
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Signed-in staff are signed out after this long without a request...
        "STAFF_IDLE_TIMEOUT_SECONDS": int(os.environ.get("STAFF_IDLE_TIMEOUT_SECONDS", str(30 * 60))),
        # ...and after this long in any case (a working day), so a forgotten tab does not last.
        "STAFF_SESSION_MAX_AGE_SECONDS": int(os.environ.get("STAFF_SESSION_MAX_AGE_SECONDS", str(12 * 3600))),
        # Argon2id cost: RFC 9106's low-memory profile (64 MiB, 3 passes); tests pass "CHEAPEST".
        "PASSWORD_HASH_PROFILE": os.environ.get("PASSWORD_HASH_PROFILE", "RFC_9106_LOW_MEMORY"),
        # CSRF tokens live as long as the session (the idle timeout bounds staff sessions), so a
        # resident's saved page can still send "was this helpful?".
        "WTF_CSRF_TIME_LIMIT": None,
        # Every form is checked; the JSON API under /api is exempt (security.py) since it takes
        # bearer tokens or is public and validates its own input.
        "WTF_CSRF_ENABLED": _flag("WTF_CSRF_ENABLED", True),
        "WTF_CSRF_CHECK_DEFAULT": False,
        # Rate limits and lock-outs: in Redis when set (shared by every host); else empty, and
        # security.py counts them in INSTANCE_PATH/rate_limits.sqlite3, shared by this host's processes.
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url,
        # Prepended to every rate-limit key: lets deployments (or test runs) share one Redis.
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", ""),
        # If the storage goes away, keep limiting in this process's memory rather than failing sign-ins.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        # A failed sign-in stays counted for the whole window (no reset at a clock boundary).
        "RATELIMIT_STRATEGY": "moving-window",
        # Retry-After and X-RateLimit-* on rate-limited routes, so clients know when to come back.
        "RATELIMIT_HEADERS_ENABLED": True,
        # Failed sign-ins allowed per account, and per IP address (a ward office shares one), per window.
        "STAFF_LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("STAFF_LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        "STAFF_LOGIN_LIMIT_PER_IP": os.environ.get("STAFF_LOGIN_LIMIT_PER_IP", "30 per 15 minutes"),
    }
