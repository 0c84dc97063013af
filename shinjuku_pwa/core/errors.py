"""Domain exceptions, and how every error becomes JSON under /api or an HTML page elsewhere."""
from __future__ import annotations

from typing import TypeAlias

from flask import Flask, Response, current_app, g, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from .extensions import db
from .i18n import LOCALES, request_locale_from_headers


class DomainError(Exception):
    """Raised by services and queries; never an HTTP exception, so they stay usable from the CLI."""

    status = 400


class NotFound(DomainError):
    status = 404


# Validation messages as JSON-ready text, nested as marshmallow nests them.
PlainMessages: TypeAlias = "str | list[PlainMessages] | dict[str, PlainMessages]"


def _plain_messages(messages: object) -> PlainMessages:
    """Validation messages may be lazy (translated) strings: make them JSON-ready text."""
    if isinstance(messages, dict):
        return {str(key): _plain_messages(value) for key, value in messages.items()}
    if isinstance(messages, (list, tuple)):
        return [_plain_messages(item) for item in messages]
    return str(messages)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def locale_of_request() -> str:
    """The reader's language for a request without a locale in its route (API calls, unknown URLs)."""
    first = request.path.strip("/").split("/", 1)[0]
    if first in LOCALES:
        return first
    if request.path.startswith("/api/") and request.args.get("lang") in LOCALES:
        return request.args["lang"]
    return request_locale_from_headers()


def _ensure_locale() -> None:
    # Errors can happen before a view set g.lang (unknown URL): use the URL's first segment
    # when it is one of ours, else the reader's preferences, so the page is in their language.
    if getattr(g, "lang", None):
        return
    g.lang = locale_of_request()


def _message_for(status: int) -> str:
    messages = {
        400: _("The request could not be understood."),
        401: _("You need to sign in to do this."),
        403: _("You are not allowed to do this."),
        404: _("We could not find that page."),
        405: _("That method is not allowed here."),
        413: _("What you sent is too large."),
        414: _("That address is too long."),
        422: _("Some of what you sent is not valid."),
        429: _("Too many requests. Please wait a moment and try again."),
    }
    return messages.get(status, _("Something went wrong on our side. Please try again later."))


def error_response(status: int, errors: PlainMessages | None = None) -> Response:
    _ensure_locale()
    message = _message_for(status)
    if _wants_json():
        body: dict[str, object] = {"code": status, "message": message}
        if errors:
            body["errors"] = errors
        return make_response(jsonify(body), status)
    return make_response(render_template("errors/error.html", status=status, message=message), status)


def handle_http_exception(exc: HTTPException) -> Response | HTTPException:
    errors = None
    data = getattr(exc, "data", None)
    if isinstance(data, dict) and "messages" in data:
        errors = _plain_messages(data["messages"])  # webargs/flask-smorest validation messages
    if exc.code is None:
        return exc
    response = error_response(exc.code, errors)
    for name in ("Allow", "Retry-After"):
        value = dict(exc.get_headers()).get(name)
        if value:
            response.headers[name] = value
    return response


def handle_domain_error(exc: DomainError) -> Response:
    messages = getattr(exc, "messages", None)  # field messages, as validation gives them
    return error_response(exc.status, _plain_messages(messages) if messages else None)


def handle_unexpected(exc: Exception) -> Response | HTTPException:
    # Logged with its stack trace for us; the reader sees a plain page in their language.
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    current_app.logger.exception("Unhandled error on %s", request.path)
    return error_response(InternalServerError.code)


# How long clients should wait before trying again while the database is away.
DATABASE_RETRY_AFTER_SECONDS = 30


def is_database_unavailable(exc: Exception) -> bool:
    """The database cannot be reached (refused, dropped, pool exhausted), not a bug in a query."""
    if isinstance(exc, (OperationalError, InterfaceError, PoolTimeoutError)):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def handle_database_error(exc: DBAPIError | PoolTimeoutError) -> Response | HTTPException:
    """503 with Retry-After while the database is away (JSON under /api, the error page elsewhere);
    the pool's pre-ping reconnects by itself once it is back. Other database errors are bugs: 500."""
    if not is_database_unavailable(exc):
        return handle_unexpected(exc)
    from_db = getattr(exc, "orig", None) or exc
    current_app.logger.warning("database unavailable on %s: %s", request.path, type(from_db).__name__)
    try:
        db.session.rollback()  # the page below must not reuse the broken transaction
    except DBAPIError:
        pass
    response = error_response(ServiceUnavailable.code)
    response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(DBAPIError, handle_database_error)
    app.register_error_handler(PoolTimeoutError, handle_database_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(Exception, handle_unexpected)
