"""Static files under content-hashed names, so browsers may cache them for a year.

`asset_url("app.css")` gives `/static/app.3f2a9c1e.css`; the hash changes when the file
does, so a deploy never leaves a reader with an old stylesheet.
"""
from __future__ import annotations

import hashlib
import mimetypes
import re
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, has_request_context, request, url_for

from .request_scope import current_request, this_app

bp = Blueprint("assets", __name__)

_HASHED_NAME = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{10})(?P<suffix>\.[A-Za-z0-9]+)$")
ONE_YEAR = 365 * 24 * 3600


def _hashes() -> dict[str, str]:
    cache: dict[str, str] | None = current_app.extensions.get("asset_hashes")
    if cache is None:
        # Built whole, then published in one assignment: another thread (gthread workers) sees
        # either nothing yet or every file, never a half-filled mapping.
        root = Path(current_app.config["STATIC_DIR"])
        cache = {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:10]
                 for path in sorted(root.rglob("*")) if path.is_file()}
        current_app.extensions["asset_hashes"] = cache
    return cache


def hashed_name(filename: str) -> str:
    digest = _hashes().get(filename)
    if digest is None:
        raise KeyError(f"no static file {filename!r}")
    path = Path(filename)
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def asset_url(filename: str) -> str:
    if not has_request_context():
        return url_for("assets.static_file", filename=hashed_name(filename))
    # Built once per file and mount point (SCRIPT_NAME): names and hashes never change in a process.
    urls: dict[tuple[str, str], str] = this_app().extensions.setdefault("asset_urls", {})
    key = (filename, current_request().script_root)
    url = urls.get(key)
    if url is None:
        url = urls[key] = url_for("assets.static_file", filename=hashed_name(filename))
    return url


def asset_hashes() -> dict[str, str]:
    """Every static file with its hash (the service worker version is built from these)."""
    return dict(_hashes())


def _file_response(filename: str, etag: str) -> Response:
    # Static files are small: answer from bytes, so compression never holds a file open.
    data = (Path(current_app.config["STATIC_DIR"]) / filename).read_bytes()
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if mimetype == "text/javascript" or filename.endswith(".js"):
        mimetype = "text/javascript"
    response = current_app.response_class(data, mimetype=mimetype)
    response.set_etag(etag)
    return response


@bp.route("/static/<path:filename>")
def static_file(filename: str) -> Response:
    """Serve a static file; hashed names are immutable, plain names revalidate."""
    hashes = _hashes()
    match = _HASHED_NAME.match(Path(filename).name)
    if match:
        plain = str(Path(filename).with_name(match["stem"] + match["suffix"]))
        if hashes.get(plain) != match["hash"]:
            abort(404)
        response = _file_response(plain, match["hash"])
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.public = True
        response.cache_control.immutable = True
    elif filename in hashes:
        response = _file_response(filename, hashes[filename])
        response.cache_control.no_cache = True
    else:
        abort(404)
    response.make_conditional(request)
    return response
