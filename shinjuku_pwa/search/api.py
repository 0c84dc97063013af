"""JSON API for search and as-you-type title completions."""
from __future__ import annotations

from typing import Any

from flask import g
from flask_babel import refresh
from flask_smorest import Blueprint

from ..core.page_cache import not_page_cached
from . import service
from .schemas import SearchArgs, SearchResponseSchema, SuggestArgs, SuggestResponseSchema
from .snippets import snippet_html
from .sources import type_names

blp = Blueprint("search-api", __name__, url_prefix="/api/v1", description="Search in nine languages")


@blp.route("/search")
@blp.arguments(SearchArgs, location="query")
@blp.response(200, SearchResponseSchema)
@blp.alt_response(422, description="A parameter is not valid, e.g. q longer than 200 characters")
@not_page_cached  # counts the searches that found nothing; the index may refresh after the versions
def search(args: dict[str, Any]) -> dict[str, Any]:
    """Search every published item; results in the reader's language first, facets by topic and type."""
    outcome = service.search(
        args["q"], args["lang"], category=args["category"], item_type=args["type"],
        page=args["page"], per_page=args["per_page"],
    )
    names = service.category_names(args["lang"])
    g.lang = args["lang"]  # names of kinds in the reader's language (the URL names none here)
    refresh()
    kinds = type_names()
    return {
        "query": outcome.query,
        "lang": outcome.lang,
        "total": outcome.total,
        "page": outcome.page,
        "per_page": outcome.per_page,
        "results": [{**vars(result), "snippet": snippet_html(result.snippet)} for result in outcome.results],
        "facets": {
            "category": [{"value": f.value, "name": names.get(f.value, f.value), "count": f.count} for f in outcome.categories],
            "type": [{"value": f.value, "name": kinds.get(f.value, f.value), "count": f.count} for f in outcome.types],
        },
        "suggestion": outcome.suggestion,
        "other_languages_only": outcome.other_languages_only,
    }


@blp.route("/search/suggest")
@blp.arguments(SuggestArgs, location="query", as_kwargs=True)
@blp.response(200, SuggestResponseSchema)
@blp.alt_response(422, description="q longer than 200 characters")
def suggest(q: str, lang: str) -> dict[str, Any]:
    """Up to 8 page titles completing what the reader has typed, for as-you-type suggestions."""
    return {"query": q, "lang": lang, "suggestions": [vars(c) for c in service.suggest(q, lang)]}
