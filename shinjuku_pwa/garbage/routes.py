"""Resident pages of the ward's garbage sorting dictionary: "What goes where?"."""
from __future__ import annotations

import hashlib

from flask import Blueprint, Response, make_response, redirect, render_template, request, url_for
from marshmallow import ValidationError
from werkzeug.wrappers import Response as BaseResponse

from ..open_data.queries import get_dataset
from ..pages import queries as page_queries
from . import queries
from .dictionary import dictionary_file
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


@bp.route("/<locale:lang>/garbage/dictionary.<digest>.json")
def dictionary(lang: str, digest: str) -> BaseResponse:
    """The locale's whole dictionary for the lookup in the browser; its URL changes with its bytes."""
    current = dictionary_file(lang)
    if digest != current.digest:  # an older page asks for an older file: send it to the current one
        response = redirect(url_for("garbage.dictionary", lang=lang, digest=current.digest), code=302)
        response.cache_control.no_cache = True
        return response
    response = make_response(current.body)
    response.mimetype = "application/json"
    response.cache_control.public = True
    response.cache_control.max_age = 365 * 24 * 3600
    response.cache_control.immutable = True
    return response


@bp.route("/garbage/categories.<digest>.css")
def category_colours(digest: str) -> BaseResponse:
    """Each category's colour from categories.yaml (no inline styles: the CSP allows none); hashed like static files."""
    css, current = _colours_css()
    if digest != current:
        return redirect(url_for("garbage.category_colours", digest=current), code=302)
    response = make_response(css)
    response.mimetype = "text/css"
    response.cache_control.public = True
    response.cache_control.max_age = 365 * 24 * 3600
    response.cache_control.immutable = True
    return response


def _colours_css() -> tuple[str, str]:
    css = render_template("garbage/categories.css", categories=queries.list_categories())
    return css, hashlib.sha256(css.encode()).hexdigest()[:12]


def _shared(lang: str) -> dict[str, object]:
    """What every garbage page shows: the oversized-garbage guide and the dataset's attribution."""
    oversized = page_queries.get_pages_by_slugs([OVERSIZED_PAGE], lang)
    return {"oversized_guide": oversized[0] if oversized else None, "dataset": get_dataset(GARBAGE_DATASET),
            "colours_url": url_for("garbage.category_colours", digest=_colours_css()[1]),
            "dictionary_url": url_for("garbage.dictionary", lang=lang, digest=dictionary_file(lang).digest)}
