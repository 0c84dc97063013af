"""create_app(): configuration, extensions, blueprints, API, commands and templates, wired together."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, has_request_context
from werkzeug.routing import BaseConverter, IntegerConverter

from ..admin.notice_console import bp as notices_console_bp
from ..admin.routes import bp as admin_bp
from ..admin.template_console import bp as notice_templates_console_bp
from ..composition import page_extras
from ..composition.content_cli import content_cli
from ..composition.health import bp as health_bp
from ..composition.home import bp as home_bp
from ..composition.open_data_page import bp as open_data_page_bp
from ..composition.worker_cli import WORKER_COMMANDS
from ..core import (
    compression,
    database,
    errors,
    fast_path,
    http_caching,
    i18n,
    page_cache,
    request_limits,
    request_log,
    request_scope,
    security,
    versions,
)
from ..core.assets import bp as assets_bp
from ..core.config import PROJECT_ROOT, from_environment
from ..core.extensions import db, migrate
from ..core.request_scope import request_globals
from ..core.routing import RememberingMap
from ..core.templating import init_templating, public_url
from ..garbage.routes import bp as garbage_bp
from ..notices.routes import bp as notices_bp
from ..pages.routes import bp as pages_bp
from ..procedures.routes import bp as procedures_bp
from ..push.cli import push_cli
from ..push.routes import bp as push_bp
from ..pwa.routes import bp as pwa_bp
from ..reader_settings.routes import bp as reader_settings_bp
from ..search.cli import search_cli
from ..search.routes import bp as search_bp
from ..staff.cli import staff_cli
from .api import init_api


class LocaleConverter(BaseConverter):
    """Matches only our locale codes, so /xx/... is a plain 404 and never a lookup."""

    regex = "(?:" + "|".join(code.replace("-", r"\-") for code in i18n.LOCALE_CODES) + ")"


class PlainTextConverter(BaseConverter):
    """The default path segment, without control characters: a NUL byte reaches no lookup
    (PostgreSQL refuses it in text and would answer with an error, not a 404)."""

    regex = r"[^/\x00-\x1f\x7f]+"


class RowIdConverter(IntegerConverter):
    """`<int:...>` for row ids: at most what an INTEGER column holds on PostgreSQL, so an
    absurd number is a plain 404 instead of an overflow error from the database."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", database.MAX_ROW_ID)
        super().__init__(url_map, *args, **kwargs)


class PublicUrlFlask(Flask):
    """Flask whose absolute URLs (`url_for(..., _external=True)`, in code and templates) start with
    PUBLIC_URL instead of the Host header of the request being answered; it also remembers which
    hooks and views are plain functions, and the paths it has built (core/routing.py)."""

    url_map_class = RememberingMap
    _SYNC_KNOWN_MAX = 1024  # per-request callbacks (after_this_request) come and go: a bound, not a leak

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync_known: dict[Any, Any] = {}

    def ensure_sync(self, func: Any) -> Any:
        # Flask asks this of every hook and view on every request (27 times for a checklist), each
        # time through inspect's flag checks: 2-3% of a checklist's CPU for an answer that never changes.
        known = self._sync_known
        try:
            return known[func]
        except KeyError:
            pass
        except TypeError:  # an unhashable callable: ask every time
            return super().ensure_sync(func)
        synced = super().ensure_sync(func)
        if len(known) >= self._SYNC_KNOWN_MAX:
            known.clear()
        known[func] = synced
        return synced

    def url_for(self, endpoint: str, *, _anchor: str | None = None, _method: str | None = None,
                _scheme: str | None = None, _external: bool | None = None, **values: Any) -> str:
        if _external and _scheme is None and has_request_context():
            return public_url(super().url_for(endpoint, _anchor=_anchor, _method=_method, _external=False, **values))
        return super().url_for(endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external, **values)


def create_app(config: dict | None = None) -> Flask:
    settings = from_environment()
    settings.update(config or {})
    app = PublicUrlFlask(
        "shinjuku_pwa",
        instance_path=settings["INSTANCE_PATH"],
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=None,  # served by assets.py under hashed names
    )
    app.config.update(settings)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.url_map.converters["locale"] = LocaleConverter
    app.url_map.converters["default"] = app.url_map.converters["string"] = PlainTextConverter
    app.url_map.converters["int"] = RowIdConverter
    app.url_map.strict_slashes = False

    request_log.init_app(app)  # first: its request line is written after every other hook
    request_scope.init_app(app)
    db.init_app(app)
    database.init_app(app)
    request_limits.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    compression.init_app(app)  # after the caching headers' hook runs (hooks run last first)
    i18n.init_app(app)
    security.init_app(app)
    http_caching.init_app(app)
    errors.init_app(app)
    versions.init_app(app)

    @app.url_value_preprocessor
    def pull_locale(endpoint, values) -> None:
        if values and "lang" in values:
            request_globals().lang = values["lang"]

    @app.url_defaults
    def keep_locale(endpoint, values) -> None:
        # url_for() inside a localised page stays in the reader's language.
        if "lang" in values:
            return
        lang = getattr(request_globals(), "lang", None)
        if lang and app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = lang

    app.register_blueprint(assets_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(procedures_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(pwa_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(notices_bp)
    app.register_blueprint(notices_console_bp)
    app.register_blueprint(notice_templates_console_bp)
    app.register_blueprint(push_bp)
    app.register_blueprint(reader_settings_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(garbage_bp)
    app.register_blueprint(open_data_page_bp)
    init_api(app)
    page_cache.init_app(app)  # after every view is registered: it wraps them
    fast_path.init_app(app)  # cached answers before Flask runs
    security.trust_proxies(app)  # outermost: the fast path sees the request as the proxy describes it
    app.cli.add_command(content_cli)
    app.cli.add_command(staff_cli)
    for command in WORKER_COMMANDS:
        push_cli.add_command(command)
    app.cli.add_command(push_cli)
    app.cli.add_command(search_cli)
    init_templating(app)
    page_extras.init_app(app)
    return app
