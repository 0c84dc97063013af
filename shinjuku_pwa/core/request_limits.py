"""Limits a request must keep before anything reads it; a stranger's input beyond them is a 4xx,
JSON under /api and a page in the reader's language elsewhere (errors.py), never a 500.

- A URL longer than 4 KB is 414. gunicorn's own limit is raised above this (gunicorn.conf.py), so
  the app, not the server's plain-text page, answers; nginx in front refuses beyond 8 KB.
- A JSON body must parse and be nested at most 32 deep. Python's parser raises RecursionError on
  deeply nested input (1,000 levels fit in 4 KB), and every schema, validator and walker after it
  recurses too; nothing we accept nests more than a few levels.
- Bodies over MAX_CONTENT_LENGTH are refused with 413 (security.py, and werkzeug while reading).
"""
from __future__ import annotations

import json

from flask import Flask, abort, current_app, request

MAX_URL_LENGTH = 4096
MAX_JSON_DEPTH = 32


def url_length() -> int:
    """The request target as sent (path and query string), in bytes as near as the server tells."""
    environ = request.environ
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "")
    query = environ.get("QUERY_STRING", "")
    if query and "?" not in target:  # some servers (werkzeug's test client) give the path alone
        return len(target) + 1 + len(query)
    return len(target)


def refuse_overlong_urls() -> None:
    if url_length() > MAX_URL_LENGTH:
        abort(414)


def nested_deeper_than(value: object, limit: int) -> bool:
    """Whether decoded JSON nests lists and objects more than `limit` levels (walked without recursion)."""
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return True
            pending.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def refuse_unreadable_json() -> None:
    """400 for a JSON body that does not parse or nests too deeply, before a schema tries to read it."""
    if not request.is_json:
        return
    body = request.get_data(cache=True)  # a declared length beyond MAX_CONTENT_LENGTH raises 413 here
    if not body:
        return  # no body: the view's own schema says whether one was needed
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if request.content_length is None and limit is not None and len(body) >= limit:
        abort(413)  # chunked, without a length: werkzeug stops reading at the limit, so it was cut there
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        abort(400)
    if nested_deeper_than(value, MAX_JSON_DEPTH):
        abort(400)


def init_app(app: Flask) -> None:
    """Registered before every other hook: nothing else sees a request these refuse."""
    app.before_request(refuse_overlong_urls)
    app.before_request(refuse_unreadable_json)
