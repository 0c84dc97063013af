"""Values kept for the length of one request, read without Flask's context proxies.

Reading an attribute through `g` or `request` costs about half a microsecond: the proxy's own
attribute lookup fails first (an AttributeError formatted and dropped), then it forwards. A checklist
asked `g` for the same few values about thirty times. A RequestScoped value lives in a context
variable of its own: built the first time a request asks, read at dict speed after that, and
forgotten as every request ends, so the next request on the same thread starts afresh.
"""
from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Generic, TypeVar

from flask import Flask, Request, current_app, g, has_request_context, request
from flask.ctx import _AppCtxGlobals

T = TypeVar("T")

_SCOPED: list[ContextVar] = []


class RequestScoped(Generic[T]):
    """One value per request: `get(build)` returns this request's, building it on the first call.
    Outside a request nothing is kept (every call builds)."""

    def __init__(self, name: str) -> None:
        self._var: ContextVar[T | None] = ContextVar(f"shinjuku_{name}", default=None)
        _SCOPED.append(self._var)

    def get(self, build: Callable[[], T]) -> T:
        if not has_request_context():
            return build()
        value = self._var.get()
        if value is None:
            value = build()
            self._var.set(value)
        return value


def forget_request_values(_error: BaseException | None = None) -> None:
    for var in _SCOPED:
        var.set(None)


def init_app(app: Flask) -> None:
    # Forgotten as a request ends and again as the next begins, so a request context left open
    # elsewhere on this thread can never hand its values to another request.
    app.before_request_funcs.setdefault(None, []).insert(0, forget_request_values)
    app.teardown_request(forget_request_values)


# The objects behind Flask's proxies, for code that reads several of their attributes per request:
# one proxy call each, then plain attribute reads.

def current_request() -> Request:
    return request._get_current_object()  # type: ignore[attr-defined]


def request_globals() -> _AppCtxGlobals:
    return g._get_current_object()


def this_app() -> Flask:
    return current_app._get_current_object()  # type: ignore[attr-defined]
