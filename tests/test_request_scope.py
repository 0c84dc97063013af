"""Request-scoped values (core/request_scope.py): one per request, never another request's."""
from __future__ import annotations

from itertools import count

from shinjuku_pwa.core.request_scope import RequestScoped

_built = count()
_scoped: RequestScoped[int] = RequestScoped("test_value")


def _build() -> int:
    return next(_built)


def test_a_value_is_built_once_per_request_and_afresh_for_the_next(app):
    with app.test_request_context("/en/"):
        first = _scoped.get(_build)
        assert _scoped.get(_build) == first
    with app.test_request_context("/en/"):
        assert _scoped.get(_build) != first


def test_outside_a_request_nothing_is_kept(app):
    with app.app_context():
        assert _scoped.get(_build) != _scoped.get(_build)


def test_a_request_context_left_open_hands_nothing_to_the_next_request(app):
    leaked = app.test_request_context("/en/")
    leaked.push()
    try:
        stale = _scoped.get(_build)
        seen = []
        app.add_url_rule("/scoped-probe", "scoped_probe", lambda: str(seen.append(_scoped.get(_build)) or "ok"))
        assert app.test_client().get("/scoped-probe").status_code == 200
        assert seen and seen[0] != stale
    finally:
        leaked.pop()
