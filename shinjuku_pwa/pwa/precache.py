"""What the service worker precaches, and the version that changes whenever any of it does."""
from __future__ import annotations

import hashlib
from pathlib import Path

from flask import current_app, url_for

from ..content.emergency_calls import CALLS_FILE
from ..core.assets import asset_hashes, asset_url
from ..core.i18n import LOCALE_CODES
from ..pages.queries import EMERGENCY_SLUGS

# The shell: everything a page needs to render offline.
SHELL_ASSETS = (
    "css/app.css", "js/app.js", "icons/icon.svg", "icons/icon-192.png", "icons/icon-512.png",
    "icons/maskable-192.png", "icons/apple-touch-icon.png", "icons/badge-96.png",
)


def precache_urls() -> list[str]:
    return [asset_url(name) for name in SHELL_ASSETS]


def offline_page_urls() -> dict[str, str]:
    return {code: url_for("pwa.offline", lang=code) for code in LOCALE_CODES}


def emergency_hub_urls() -> dict[str, str]:
    """The emergency hub in every locale: with the 119/110 buttons, it must open offline in any language."""
    return {code: url_for("pwa.emergency", lang=code) for code in LOCALE_CODES}


def emergency_urls(existing_slugs: set[str]) -> dict[str, list[str]]:
    return {
        code: [url_for("pages.page", lang=code, slug=slug) for slug in EMERGENCY_SLUGS if slug in existing_slugs]
        for code in LOCALE_CODES
    }


def worker_version() -> str:
    """A hash of everything precached: static files, the templates and catalogs that render the offline pages.

    Any deploy that changes one of them yields a new sw.js, so browsers install the new worker.
    """
    cached = current_app.extensions.get("sw_version")
    if cached:
        return cached
    digest = hashlib.sha256()
    for name, file_hash in sorted(asset_hashes().items()):
        digest.update(f"{name}:{file_hash}\n".encode())
    if current_app.template_folder is None:
        raise RuntimeError("the service worker's version needs the app's template folder")
    calls = Path(current_app.config["CONTENT_DIR"]) / CALLS_FILE  # shown on the precached offline pages
    if calls.exists():
        digest.update(calls.read_bytes())
    roots = [Path(current_app.template_folder), Path(current_app.config["TRANSLATIONS_DIR"])]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in (".html", ".js", ".mo"):
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    version = digest.hexdigest()[:12]
    current_app.extensions["sw_version"] = version
    return version
