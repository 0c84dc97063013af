"""Procedures and life events are searchable beside pages, in the reader's language."""
from __future__ import annotations

from shinjuku_pwa.search.service import refresh_index, search


def test_procedures_and_life_events_are_found_with_their_own_type(content_app):
    with content_app.app_context():
        refresh_index()
        results = search("児童手当", "ja").results
        types = {r.type for r in results}
        assert "procedure" in types and "page" in types
        moving = search("引っ越し", "en").results
        assert any(r.type == "life_event" and r.id == "moving-in" for r in moving)
        procedure = next(r for r in results if r.type == "procedure")
        assert procedure.url.startswith("/ja/procedures/")
