"""Conditional GETs: every HTML and JSON answer carries an ETag, so a revisit can get 304."""
from __future__ import annotations

from flask import Flask, Response, request


def add_etag(response: Response) -> Response:
    # Only successful, whole, cacheable answers; streamed files already have their own validators.
    if (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not response.direct_passthrough
        and response.mimetype in ("text/html", "application/json", "application/manifest+json", "text/calendar")
    ):
        if "Cache-Control" not in response.headers:
            # Pages may change at any import: revalidate every time (cheap with the ETag).
            response.headers["Cache-Control"] = "no-cache"
        response.add_etag()
        response.make_conditional(request)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_etag)
