"""The dictionary of one locale as one JSON file, for the lookup in the browser (as-you-type and offline).

Built once per content version and locale in each process; its URL carries a hash of its bytes,
so browsers and the service worker may keep it for good and a new import gives a new URL.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from flask import current_app

from ..core import versions
from ..core.i18n import localized
from . import queries


@dataclass(frozen=True)
class DictionaryFile:
    body: bytes
    digest: str  # first 12 hex digits of its SHA-256


def build_dictionary(lang: str) -> dict[str, object]:
    """Every listed item for readers of `lang`: what a result shows, and its folded search terms."""
    entries = {entry.official_id: entry for entry in queries.search_entries(lang)}
    items, _ = queries.list_items(lang, per_page=100000)
    return {
        "lang": lang,
        "categories": {c.id: {"name": localized(c.names, lang), "icon": c.icon} for c in queries.list_categories()},
        "items": [
            {
                "id": item.item.official_id,
                "name": item.name,
                "lang": item.lang,
                "official_name": item.item.official_name,
                "category": item.category.id if item.category else None,
                "official_category": item.item.official_category,
                "note": item.note,
                "note_lang": item.note_lang,
                "oversized": item.oversized_may_apply,
                "notices": [{"text": localized(notice.notices, lang), "source": notice.source} for notice in item.notices],
                "terms": [[term.text, round(term.weight, 3)] for term in entries[item.item.official_id].terms],
            }
            for item in items if item.item.official_id in entries
        ],
    }


def dictionary_file(lang: str) -> DictionaryFile:
    version = versions.read_versions().get(versions.CONTENT, 0)
    cache: dict[tuple[str, int], DictionaryFile] = current_app.extensions.setdefault("garbage_dictionaries", {})
    key = (lang, version)
    if key not in cache:
        body = json.dumps(build_dictionary(lang), ensure_ascii=False, separators=(",", ":")).encode()
        for old in [k for k in cache if k[1] != version]:
            del cache[old]
        cache[key] = DictionaryFile(body, hashlib.sha256(body).hexdigest()[:12])
    return cache[key]
