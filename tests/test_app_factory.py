"""The app class: what it remembers about hooks and views."""
from __future__ import annotations


def test_a_plain_function_is_checked_for_a_coroutine_once_and_what_is_remembered_stays_bounded(app):
    def hook() -> None:
        return None

    assert app.ensure_sync(hook) is hook
    assert app._sync_known[hook] is hook
    for number in range(app._SYNC_KNOWN_MAX + 10):  # per-request callbacks come and go
        def callback(number=number) -> int:
            return number
        assert app.ensure_sync(callback) is callback
    assert len(app._sync_known) <= app._SYNC_KNOWN_MAX

