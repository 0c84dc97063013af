"""JSON API of the ward's garbage sorting dictionary."""
from __future__ import annotations

from flask import url_for
from flask_smorest import Blueprint

from ..core.i18n import localized
from . import queries
from .schemas import GarbageItemArgs, GarbageItemListArgs, GarbageItemListSchema, GarbageItemSchema

blp = Blueprint("garbage-api", __name__, url_prefix="/api/v1", description="The ward's garbage sorting dictionary (open data)")


def item_json(item: queries.LocalizedItem) -> dict[str, object]:
    """One item for the API and the offline dictionary file."""
    lang = item.requested_lang
    category = item.category
    return {
        "official_id": item.item.official_id,
        "official_name": item.item.official_name,
        "official_category": item.item.official_category,
        "name": item.name,
        "category": {"id": category.id if category else None,
                     "name": localized(category.names, lang) if category else item.item.official_category},
        "note": item.note,
        "lang": item.lang,
        "fallback": item.fallback,
        "machine_translated": item.translation == "machine",
        "notices": [localized(notice.notices, lang) for notice in item.notices],
        "url": url_for("garbage.item", lang=lang, official_id=item.item.official_id),
    }


@blp.route("/garbage-items")
@blp.arguments(GarbageItemListArgs, location="query", as_kwargs=True)
@blp.response(200, GarbageItemListSchema)
@blp.alt_response(404, description="No such category")
def list_garbage_items(q: str | None, lang: str, category: str | None, page: int, per_page: int) -> dict[str, object]:
    """Items of the dictionary: the best matches for `q` in any language, else the ward's order."""
    items, total = queries.list_items(lang, q=q, category=category, page=page, per_page=per_page)
    return {"items": [item_json(item) for item in items], "total": total, "page": page, "per_page": per_page}


@blp.route("/garbage-items/<official_id>")
@blp.arguments(GarbageItemArgs, location="query", as_kwargs=True)
@blp.response(200, GarbageItemSchema)
@blp.alt_response(404, description="No item with this official ID")
def get_garbage_item(official_id: str, lang: str) -> dict[str, object]:
    """One item by its official ID (e.g. 131041S00001)."""
    return item_json(queries.get_item(official_id, lang))
