"""JSON API for topics and pages."""
from __future__ import annotations

from flask import url_for
from flask_smorest import Blueprint

from ..core.i18n import localized
from . import queries
from .schemas import CategorySchema, LangArgs, PageListArgs, PageListSchema, PageSchema

blp = Blueprint("pages-api", __name__, url_prefix="/api/v1", description="Topics and information pages")


def _summary(item: queries.LocalizedPage) -> dict[str, object]:
    return {
        "slug": item.page.slug,
        "lang": item.lang,
        "fallback": item.fallback,
        "title": item.text.title,
        "summary": item.text.summary,
        "category": item.page.category_id,
        "url": url_for("pages.page", lang=item.requested_lang, slug=item.page.slug),
    }


@blp.route("/categories")
@blp.arguments(LangArgs, location="query", as_kwargs=True)
@blp.response(200, CategorySchema(many=True))
def list_categories(lang: str) -> list[dict[str, object]]:
    """Topics, with the number of published pages in each."""
    counts = queries.count_pages_by_category()
    return [
        {
            "id": c.id,
            "name": localized(c.names, lang),
            "page_count": counts.get(c.id, 0),
            "url": url_for("pages.category", lang=lang, category_id=c.id),
        }
        for c in queries.list_categories()
    ]


@blp.route("/pages")
@blp.arguments(PageListArgs, location="query", as_kwargs=True)
@blp.response(200, PageListSchema)
def list_pages(lang: str, category: str | None, page: int, per_page: int) -> dict[str, object]:
    """Published pages, paginated, in the reader's language where it exists."""
    if category:
        queries.get_category(category)
    items, total = queries.list_pages(lang, category=category, page=page, per_page=per_page)
    return {"items": [_summary(i) for i in items], "total": total, "page": page, "per_page": per_page}


@blp.route("/pages/<slug>")
@blp.arguments(LangArgs, location="query", as_kwargs=True)
@blp.response(200, PageSchema)
@blp.alt_response(404, description="No published page with this slug")
def get_page(slug: str, lang: str) -> dict[str, object]:
    """One page; `fallback` is true when the reader's language is missing and ja-easy or ja is served."""
    item = queries.get_page(slug, lang)
    department = item.page.department
    return {
        **_summary(item),
        "requested_lang": lang,
        "body_html": item.text.body_html,
        "department": {
            "id": department.id,
            "name": localized(department.names, lang),
            "name_ja": department.names.get("ja", ""),
            "phone": department.phone,
            "email": department.email,
        },
        "source": item.text.source,
        "reviewed": item.text.reviewed,
        "translation": item.text.translation,
        "related": list(item.page.related),
    }
