"""Reading the dictionary for one locale: items with their fallback, categories, lookups."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from ..core import versions
from ..core.errors import NotFound
from ..core.extensions import db
from ..core.i18n import served_locale
from .matching import Entry, rank, terms_for
from .models import GarbageCategory, GarbageDifference, GarbageItem, GarbageItemTranslation


class GarbageItemNotFound(NotFound):
    pass


class GarbageCategoryNotFound(NotFound):
    pass


@dataclass(frozen=True)
class LocalizedItem:
    """An item as a reader of `requested_lang` sees it: our name if there is one, else the ward's Japanese."""

    item: GarbageItem
    category: GarbageCategory | None  # None for a 分別区分 in no category yet
    name: str
    note: str | None
    note_lang: str  # the note's language: ja when the ward's note is shown untranslated
    lang: str  # the language of `name`
    requested_lang: str
    translation: str  # original | machine
    notices: tuple[GarbageDifference, ...]  # newer ward pages that say otherwise

    @property
    def fallback(self) -> bool:
        return self.lang != self.requested_lang

    @property
    def oversized_may_apply(self) -> bool:
        """The 粗大ごみ procedure applies: the category is oversized, or the ward's note sends some to it."""
        return bool((self.category and self.category.oversized) or "粗大ごみ" in (self.item.official_note or ""))


def localize_item(item: GarbageItem, rows: dict[str, GarbageItemTranslation], category: GarbageCategory | None,
                  lang: str, notices: tuple[GarbageDifference, ...] = ()) -> LocalizedItem:
    named = {locale: row for locale, row in rows.items() if row.name}
    code = None if lang == "ja" else served_locale(named, lang)
    if code is None:
        return LocalizedItem(item, category, item.official_name, item.official_note, "ja", "ja", lang, "original", notices)
    row = named[code]
    note, note_lang = (row.note, code) if row.note and item.official_note else (item.official_note, "ja")
    return LocalizedItem(item, category, row.name or item.official_name, note, note_lang, code, lang, row.translation, notices)


def list_categories() -> list[GarbageCategory]:
    return list(db.session.scalars(select(GarbageCategory).where(GarbageCategory.listed).order_by(GarbageCategory.position)))


def get_category(category_id: str) -> GarbageCategory:
    category = db.session.get(GarbageCategory, category_id)
    if category is None or not category.listed:
        raise GarbageCategoryNotFound(category_id)
    return category


def _translations_of(ids: list[str]) -> dict[str, dict[str, GarbageItemTranslation]]:
    rows: dict[str, dict[str, GarbageItemTranslation]] = defaultdict(dict)
    if ids:
        for row in db.session.scalars(select(GarbageItemTranslation).where(GarbageItemTranslation.official_id.in_(ids))):
            rows[row.official_id][row.locale] = row
    return rows


def _notices() -> dict[str, tuple[GarbageDifference, ...]]:
    by_id: dict[str, list[GarbageDifference]] = defaultdict(list)
    for difference in db.session.scalars(select(GarbageDifference).where(GarbageDifference.listed)):
        for official_id in difference.official_ids:
            by_id[official_id].append(difference)
    return {official_id: tuple(found) for official_id, found in by_id.items()}


def localize_items(items: list[GarbageItem], lang: str) -> list[LocalizedItem]:
    translations = _translations_of([item.official_id for item in items])
    categories = {category.id: category for category in db.session.scalars(select(GarbageCategory))}
    notices = _notices()
    return [
        localize_item(item, translations.get(item.official_id, {}), categories.get(item.category_id or ""), lang,
                      notices.get(item.official_id, ()))
        for item in items
    ]


def get_item(official_id: str, lang: str) -> LocalizedItem:
    item = db.session.get(GarbageItem, official_id)
    if item is None or not item.listed:
        raise GarbageItemNotFound(official_id)
    return localize_items([item], lang)[0]


def _search_names(item: GarbageItem, rows: dict[str, GarbageItemTranslation], lang: str) -> list[tuple[str, float]]:
    names: list[tuple[str, float]] = [(item.official_name, 1.0), (item.reading, 0.95)]
    weights = {lang: 1.0, "ja": 0.95, "en": 0.8}
    if lang in ("ja", "ja-easy"):
        weights["ja-easy"] = 0.95
    for locale, weight in weights.items():
        row = rows.get(locale)
        if row is None:
            continue
        if row.name:
            names.append((row.name, weight))
        names.extend((word, weight * 0.97) for word in row.also)
    return names


def search_entries(lang: str) -> list[Entry]:
    """Every listed item's search terms for readers of `lang`; built once per content version and process."""
    version = versions.read_versions().get(versions.CONTENT, 0)
    cache: dict[tuple[str, int], list[Entry]] = current_app.extensions.setdefault("garbage_entries", {})
    key = (lang, version)
    if key not in cache:
        items = list(db.session.scalars(select(GarbageItem).where(GarbageItem.listed).order_by(GarbageItem.position)))
        translations = _translations_of([item.official_id for item in items])
        entries = [
            Entry(item.official_id, item.position, terms_for(_search_names(item, translations.get(item.official_id, {}), lang)))
            for item in items
        ]
        for old in [k for k in cache if k[1] != version]:
            del cache[old]
        cache[key] = entries
    return cache[key]


def list_items(lang: str, q: str | None = None, category: str | None = None,
               page: int = 1, per_page: int = 20) -> tuple[list[LocalizedItem], int]:
    """Items for one page of a listing: best matches first for `q`, else the ward's order."""
    if category:
        get_category(category)
    if q and q.strip():
        found = [entry.official_id for entry, _ in rank(q, search_entries(lang))]
        if category:
            in_category = set(db.session.scalars(select(GarbageItem.official_id).where(GarbageItem.category_id == category)))
            found = [official_id for official_id in found if official_id in in_category]
        total = len(found)
        ids = found[(page - 1) * per_page:page * per_page]
        found_rows = db.session.scalars(select(GarbageItem).where(GarbageItem.official_id.in_(ids)))
        rows = {item.official_id: item for item in found_rows}
        items = [rows[official_id] for official_id in ids if official_id in rows]
    else:
        query = select(GarbageItem).where(GarbageItem.listed)
        if category:
            query = query.where(GarbageItem.category_id == category)
        total = db.session.scalar(select(db.func.count()).select_from(query.subquery())) or 0
        items = list(db.session.scalars(query.order_by(GarbageItem.position).offset((page - 1) * per_page).limit(per_page)))
    return localize_items(items, lang), total


@dataclass(frozen=True)
class IndexedItem:
    """One item in one language, for the site search (search/sources.py makes a document of it)."""

    official_id: str
    locale: str
    title: str
    summary: str
    tags: tuple[str, ...]


def indexed_items() -> list[IndexedItem]:
    """Every listed item in Japanese (the ward's name) and in each language it has a name in."""
    items = list(db.session.scalars(select(GarbageItem).where(GarbageItem.listed).order_by(GarbageItem.position)))
    translations = _translations_of([item.official_id for item in items])
    found = []
    for item in items:
        rows = translations.get(item.official_id, {})
        ja_words = tuple(rows["ja"].also) if "ja" in rows else ()
        for locale in ("ja", *sorted(code for code, row in rows.items() if row.name and code != "ja")):
            row = rows.get(locale)
            name = item.official_name if locale == "ja" or row is None or not row.name else row.name
            title = name if name == item.official_name else f"{name}（{item.official_name}）"
            # Names only, no notes or category names: "… garbage" in them would make every item answer
            # every question about garbage, and push the pages that explain it down the list.
            found.append(IndexedItem(item.official_id, locale, title, "",
                                     tuple(dict.fromkeys((*(row.also if row is not None else ()), *ja_words, item.reading)))))
    return found
