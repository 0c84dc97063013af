"""Answers compressed as they go out (brotli, else gzip, as the request's Accept-Encoding allows).

Kept answers carry their compressed bodies (core/page_cache.py); this hook compresses what is
built per request: a checklist, a search, the API's personal answers. It replaced Flask-Compress,
whose hook cost as much again as brotli itself on a checklist (about 60 against 56 microseconds:
the body read and written back through several properties, the ETag parsed, a conditional
response evaluated for requests with no conditions). Streamed answers go out as they are.
"""
from __future__ import annotations

import gzip
import time

import brotli
from flask import Flask, Response

from .http_caching import has_conditions, http_date_of
from .page_cache import choose_encoding
from .request_scope import current_request, this_app


def compress_response(response: Response) -> Response:
    vary = response.headers.get("Vary")
    if not vary:
        response.headers["Vary"] = "Accept-Encoding"
    elif "accept-encoding" not in vary.lower():
        response.headers["Vary"] = f"{vary}, Accept-Encoding"
    if (
        not 200 <= response.status_code < 300
        or response.direct_passthrough
        or response.is_streamed
        or "Content-Encoding" in response.headers
    ):
        return response
    config = this_app().config
    if response.mimetype not in config["COMPRESS_MIMETYPES"]:
        return response
    req = current_request()
    chosen = choose_encoding(req.headers.get("Accept-Encoding", ""))
    if chosen is None:
        return response
    body = response.get_data()
    if len(body) < config["COMPRESS_MIN_SIZE"]:
        return response
    if chosen == "br":
        compressed = brotli.compress(body, quality=config["COMPRESS_BR_LEVEL"], lgwin=config["COMPRESS_BR_WINDOW"])
    else:
        compressed = gzip.compress(body, compresslevel=config.get("COMPRESS_LEVEL", 6), mtime=0)
    response.set_data(compressed)
    response.headers["Content-Encoding"] = chosen
    etag, weak = response.get_etag()
    if etag and not weak:
        # One validator per body: the compressed one is another representation (as Flask-Compress did).
        response.set_etag(f"{etag}:{chosen}")
    if has_conditions(req.environ):
        response.make_conditional(req)
    elif "Date" not in response.headers:  # all make_conditional adds when nothing is asked
        response.headers["Date"] = http_date_of(int(time.time()))
    return response


def init_app(app: Flask) -> None:
    app.after_request(compress_response)
