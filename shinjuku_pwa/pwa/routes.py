"""The installable app: service worker, per-locale manifests, offline, saved and install pages."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, make_response, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..content.emergency_calls import EmergencyCall, get_emergency_calls
from ..core.assets import asset_url
from ..core.extensions import db
from ..core.i18n import LOCALES
from ..pages.models import Page
from ..pages.queries import EMERGENCY_SLUGS, get_pages_by_slugs
from . import precache

bp = Blueprint("pwa", __name__)

THEME_COLOR = "#0b5394"
BACKGROUND_COLOR = "#ffffff"


@bp.route("/sw.js")
def service_worker() -> Response:
    """The service worker, at the root so its scope is the whole site."""
    slugs = set(db.session.scalars(select(Page.slug).where(Page.published)))
    body = render_template(
        "pwa/sw.js",
        version=precache.worker_version(),
        precache=precache.precache_urls(),
        offline_pages=precache.offline_page_urls(),
        hub_pages=precache.emergency_hub_urls(),
        emergency=precache.emergency_urls(slugs),
        icon=asset_url("icons/icon-192.png"),
        badge=asset_url("icons/badge-96.png"),
    )
    response = make_response(body)
    response.mimetype = "text/javascript"
    # Browsers must always check for a new worker; the ETag makes that check cheap.
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response


def _shortcut(name: str, endpoint: str, lang: str, icon: str = "icons/icon-192.png", **values: Any) -> dict[str, Any] | None:
    if endpoint not in current_app.view_functions:
        return None  # a feature not built yet gets no shortcut rather than a dead one
    return {
        "name": name,
        "short_name": name,
        "url": url_for(endpoint, lang=lang, **values),
        "icons": [{"src": asset_url(icon), "sizes": "192x192", "type": "image/png"}],
    }


@bp.route("/<locale:lang>/manifest.webmanifest")
def manifest(lang: str) -> Response:
    """Web app manifest in the reader's language."""
    shortcuts = [
        _shortcut(_("Search"), "search.search_page", lang),
        _shortcut(_("Emergency"), "pwa.emergency", lang),
        _shortcut(_("Life events"), "procedures.life_events", lang),
        _shortcut(_("Notices"), "notices.list_notices", lang),
    ]
    data = {
        "id": "/?app=shinjuku-living-guide",
        "name": _("Shinjuku City Living Guide"),
        "short_name": _("Shinjuku City Living Guide"),  # one name everywhere: manifest, title, notifications
        "description": _("Plain, current information on living in Shinjuku City, in nine languages."),
        "lang": LOCALES[lang].html_lang,
        "dir": LOCALES[lang].direction,
        "start_url": url_for("home.home", lang=lang, source="pwa"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {"src": asset_url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": asset_url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": asset_url("icons/maskable-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "maskable"},
            {"src": asset_url("icons/maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
        "shortcuts": [s for s in shortcuts if s],
        "screenshots": [
            {"src": asset_url("screenshots/home-narrow.png"), "sizes": "540x1200", "type": "image/png",
             "form_factor": "narrow", "label": _("Home screen with topics and emergency information")},
            {"src": asset_url("screenshots/home-wide.png"), "sizes": "1280x800", "type": "image/png",
             "form_factor": "wide", "label": _("Home screen with topics and emergency information")},
        ],
    }
    response = jsonify(data)
    response.mimetype = "application/manifest+json"
    return response


def _calls() -> tuple[EmergencyCall, ...]:
    return get_emergency_calls(current_app.config["CONTENT_DIR"])


@bp.route("/<locale:lang>/offline")
def offline(lang: str) -> str:
    """Shown by the service worker for a page that was never saved, when there is no network."""
    return render_template("pwa/offline.html", emergency_calls=_calls())


@bp.route("/<locale:lang>/saved")
def saved(lang: str) -> str:
    """Pages kept on this device for offline reading (listed by app.js from the browser's cache)."""
    return render_template("pwa/saved.html")


@bp.route("/<locale:lang>/emergency")
def emergency(lang: str) -> str:
    """The pages needed first in a disaster, all in one place."""
    items = get_pages_by_slugs(list(EMERGENCY_SLUGS), lang)
    return render_template("pwa/emergency.html", items=items, emergency_calls=_calls())


@bp.route("/<locale:lang>/install")
def install(lang: str) -> str:
    """How to add the app to a phone's home screen, on Android and iPhone."""
    return render_template("pwa/install.html")
