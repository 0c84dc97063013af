"""Resident pages of the ward's garbage sorting dictionary: "What goes where?"."""
from __future__ import annotations

from flask import Blueprint, Response, make_response, render_template, request
from marshmallow import ValidationError
from werkzeug.wrappers import Response as BaseResponse

from ..open_data.queries import get_dataset
from ..pages import queries as page_queries
from . import queries
from .schemas import GarbagePageArgs

bp = Blueprint("garbage", __name__)

PER_PAGE = 30
OVERSIZED_PAGE = "oversized-garbage"  # the information page on how to put oversized garbage out
GARBAGE_DATASET = "garbage-sorting"  # its dataset.yaml id: attribution under every page


@bp.route("/<locale:lang>/garbage")
def index(lang: str) -> Response:
    """One search box (a plain GET form), the results, and the categories to browse."""
    try:
        args = GarbagePageArgs().load(request.args)
    except ValidationError as exc:
        args, errors = {"q": "", "category": None, "page": 1}, exc.messages
    else:
        errors = {}
    results: list[queries.LocalizedItem] = []
    total = 0
    if args["q"].strip():
        results, total = queries.list_items(lang, q=args["q"], page=args["page"], per_page=PER_PAGE)
    response = make_response(render_template(
        "garbage/index.html", query=args["q"], results=results, total=total, page=args["page"], per_page=PER_PAGE,
        errors=errors, categories=queries.list_categories(), **_shared(lang)), 422 if errors else 200)
    return response


@bp.route("/<locale:lang>/garbage/categories/<category_id>")
def category(lang: str, category_id: str) -> str:
    """Every item the ward puts in one category."""
    found = queries.get_category(category_id)
    items, _total = queries.list_items(lang, category=found.id, per_page=1000)
    guide = page_queries.get_pages_by_slugs([found.page], lang) if found.page else []
    return render_template("garbage/category.html", category=found, items=items, guide=guide[0] if guide else None,
                           categories=queries.list_categories(), **_shared(lang))


@bp.route("/<locale:lang>/garbage/items/<official_id>")
def item(lang: str, official_id: str) -> str:
    """One item, with its official Japanese name, category and note."""
    return render_template("garbage/item.html", item=queries.get_item(official_id, lang), **_shared(lang))


@bp.route("/garbage/categories.css")
def category_colours() -> BaseResponse:
    """Each category's colour from categories.yaml (no inline styles: the CSP allows none)."""
    css = render_template("garbage/categories.css", categories=queries.list_categories())
    response = make_response(css)
    response.mimetype = "text/css"
    response.cache_control.public = True
    response.cache_control.max_age = 300
    response.add_etag()
    return response.make_conditional(request)


def _shared(lang: str) -> dict[str, object]:
    """What every garbage page shows: the oversized-garbage guide and the dataset's attribution."""
    oversized = page_queries.get_pages_by_slugs([OVERSIZED_PAGE], lang)
    return {"oversized_guide": oversized[0] if oversized else None, "dataset": get_dataset(GARBAGE_DATASET)}
