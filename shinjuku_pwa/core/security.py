"""Security for the whole app: headers on every response (HTML, JSON and static alike), oversized
bodies refused first, CSRF on every form, rate limits, session cookies and trusted proxies."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import Flask, Request, Response, abort, g, has_request_context, render_template, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.constants import ConfigVars
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from .errors import handle_http_exception, locale_of_request
from .rate_limits import local_storage_uri
from .request_scope import current_request, this_app

F = TypeVar("F", bound=Callable[..., Any])

# Created without an app, like extensions.py; views decorate with `limiter.limit(...)`.
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)

# Staff pages and the staff API: never indexed, never stored by any cache.
STAFF_PATH_PREFIXES = ("/admin", "/api/v1/admin")

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# Only what a feature uses; nothing asks for the camera, microphone or location today.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


_EVERY_ANSWER_HEADERS = tuple((name.lower(), name, value) for name, value in (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
    ("X-Frame-Options", "DENY"),
))


def is_staff_path(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in STAFF_PATH_PREFIXES)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    req = current_request()
    if is_staff_path(req.path):
        headers["X-Robots-Tag"] = "noindex, nofollow"
        headers["Cache-Control"] = "private, no-store"  # whatever http_caching chose: staff data stays off disks
    # Each one unless the view set its own: one pass over the headers, not a search per name (a
    # missing name costs werkzeug an exception).
    present = {name.lower() for name, _value in headers}
    for lower, name, value in _EVERY_ANSWER_HEADERS:
        if lower not in present:
            headers.add(name, value)
    if req.is_secure and "strict-transport-security" not in present:
        headers.add("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def refuse_oversized_bodies() -> None:
    """413 from the declared length, before anything (CSRF, rate limits, a view) reads the body."""
    limit = this_app().config.get("MAX_CONTENT_LENGTH")
    length = current_request().content_length
    if limit is not None and length is not None and length > limit:
        abort(413)


def sessionless_form(view: F) -> F:
    """Mark a resident form anyone may send with no account ("was this helpful?", reader settings).

    Its page carries no session token, so the page is the same for every reader and can be
    cached (core/page_cache.py); the POST is checked by where it came from instead: a browser
    says so in Sec-Fetch-Site (or Origin), and a cross-site post is refused. It acts for no one
    (there is no account behind it), so a session token would protect nothing more.
    """
    view.sessionless_form = True  # type: ignore[attr-defined]
    return view


def _same_site_post() -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host


def check_csrf() -> None:
    """Every form POST carries a CSRF token; the JSON API under /api is exempt (bearer tokens, or
    public endpoints that validate their own input and read no cookies); sessionless resident
    forms are checked by origin."""
    req, app = current_request(), this_app()
    if not app.config.get("WTF_CSRF_ENABLED", True) or req.path.startswith("/api/"):
        return
    view = app.view_functions.get(req.endpoint or "")
    if getattr(view, "sessionless_form", False):
        if req.method not in ("GET", "HEAD", "OPTIONS") and not _same_site_post():
            raise CSRFError("The form was sent from another site.")
        return
    csrf.protect()


_SIGNED_CSRF_TOKEN = "csrf_token_signed"


def session_csrf_token() -> str:
    """Flask-WTF's token, but the same one for the whole session.

    Flask-WTF signs a fresh token with the current time on every request, so every page with a
    form would differ each second and never answer 304 to its ETag. The token is only checked
    against the session's secret (WTF_CSRF_TIME_LIMIT is None), so reusing one signed copy is as
    safe, and a page the service worker saved keeps a token that still works.
    """
    raw = session.get("csrf_token")
    kept = session.get(_SIGNED_CSRF_TOKEN)
    if raw and kept and kept[0] == raw:
        return kept[1]
    signed = generate_csrf()
    session[_SIGNED_CSRF_TOKEN] = [session["csrf_token"], signed]
    return signed


def answer_csrf_failure(exc: CSRFError) -> tuple[str, int]:
    """A missing or stale form token: tell the person what to do rather than "bad request"."""
    if not getattr(g, "lang", None):
        g.lang = locale_of_request()
    message = _("This form has expired or did not come from this site. Please reload the page and try again.")
    return render_template("errors/error.html", status=400, message=message), 400


def answer_rate_limited(exc: RateLimitExceeded) -> Response | HTTPException:
    # A view may bring its own 429 page (staff sign-in lock-out); otherwise the app's own.
    if exc.response is not None:
        return cast(Response, exc.response)  # a Flask response; werkzeug types it as its sans-IO base
    return handle_http_exception(exc)


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request came over https, whatever the config."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        # Most requests (every anonymous reader's) carry no session: skip building a signer for nothing.
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (has_request_context() and request.is_secure)


def _limits_apply_to_many_views(app: Flask) -> bool:
    """Whether any limit but a view's own is set, in the configuration or on the limiter (read where
    flask-limiter keeps them; if it stops keeping them there, every limit counts as set)."""
    if any(app.config.get(name) for name in (ConfigVars.DEFAULT_LIMITS, ConfigVars.APPLICATION_LIMITS, ConfigVars.META_LIMITS)):
        return True
    manager = limiter.limit_manager
    return bool(manager.default_limits or manager.application_limits
                or getattr(limiter, "_meta_limits", True) or getattr(manager, "_blueprint_limits", True))


def trust_proxies(app: Flask) -> None:
    """Client IP (audit log, per-IP limits) and https come from the proxies we run, no one else.
    Call last: the outermost middleware, so every other one (core/fast_path.py) sees the request
    as the proxies describe it."""
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        # Flask's documented way to add WSGI middleware; mypy sees wsgi_app only as a method.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )


def init_app(app: Flask) -> None:
    app.session_interface = HttpsAwareSessionInterface()
    app.before_request(refuse_oversized_bodies)
    csrf.init_app(app)
    app.jinja_env.globals["csrf_token"] = session_csrf_token
    # Flask-WTF also puts csrf_token in every template's context; a later processor wins.
    app.context_processor(lambda: {"csrf_token": session_csrf_token})
    app.before_request(check_csrf)
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        # No Redis: count in a file every process of this host shares (rate_limits.py), not per process.
        app.config["RATELIMIT_STORAGE_URI"] = local_storage_uri(app.instance_path)
    limiter.init_app(app)
    if not _limits_apply_to_many_views(app):
        # flask-limiter's before-request hook checks only limits that apply to many views (default,
        # application, meta and blueprint limits); a view's own limit (`limiter.limit`) is checked by
        # its decorator when it runs. With none of the former, the hook checks nothing, for about
        # 0.08 ms a request: leave it out.
        # (With RATELIMIT_ENABLED off, init_app added no hook to leave out.)
        hooks = app.before_request_funcs.get(None, [])
        if limiter._check_request_limit in hooks:
            hooks.remove(limiter._check_request_limit)
    app.register_error_handler(CSRFError, answer_csrf_failure)
    app.register_error_handler(RateLimitExceeded, answer_rate_limited)
    app.after_request(add_security_headers)
