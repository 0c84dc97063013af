"""Static files under content-hashed names, so browsers may cache them for a year.

`asset_url("app.css")` gives `/static/app.3f2a9c1e.css`; the hash changes when the file
does, so a deploy never leaves a reader with an old stylesheet.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory, url_for

bp = Blueprint("assets", __name__)

_HASHED_NAME = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{10})(?P<suffix>\.[A-Za-z0-9]+)$")
ONE_YEAR = 365 * 24 * 3600


def _hashes() -> dict[str, str]:
    cache = current_app.extensions.setdefault("asset_hashes", {})
    if not cache:
        root = Path(current_app.config["STATIC_DIR"])
        for path in sorted(root.rglob("*")):
            if path.is_file():
                cache[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return cache


def hashed_name(filename: str) -> str:
    digest = _hashes().get(filename)
    if digest is None:
        raise KeyError(f"no static file {filename!r}")
    path = Path(filename)
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def asset_url(filename: str) -> str:
    return url_for("assets.static_file", filename=hashed_name(filename))


def asset_hashes() -> dict[str, str]:
    """Every static file with its hash (the service worker version is built from these)."""
    return dict(_hashes())


@bp.route("/static/<path:filename>")
def static_file(filename: str):
    """Serve a static file; hashed names are immutable, plain names revalidate."""
    match = _HASHED_NAME.match(Path(filename).name)
    directory = current_app.config["STATIC_DIR"]
    if match:
        plain = str(Path(filename).with_name(match["stem"] + match["suffix"]))
        if _hashes().get(plain) != match["hash"]:
            abort(404)
        response = send_from_directory(directory, plain, max_age=ONE_YEAR)
        response.cache_control.immutable = True
        response.cache_control.public = True
        return response
    if filename not in _hashes():
        abort(404)
    return send_from_directory(directory, filename, max_age=0)
