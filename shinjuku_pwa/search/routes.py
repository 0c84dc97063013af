"""Resident-facing search page: a plain GET form, so it works without JavaScript."""
from __future__ import annotations

from typing import cast

from flask import Blueprint, Flask, render_template, request
from flask.blueprints import BlueprintSetupState
from marshmallow import ValidationError

from ..core.page_cache import not_page_cached
from . import service
from .schemas import SearchPageArgs
from .sources import type_names
from .upkeep import follow_versions

bp = Blueprint("search", __name__)


@bp.route("/<locale:lang>/search")
@not_page_cached  # counts the searches that found nothing; the index may refresh after the versions
def results(lang: str) -> str | tuple[str, int]:
    """Results with snippets, topic facets, pagination, "did you mean" and help when nothing matches."""
    try:
        args = SearchPageArgs().load(request.args)
    except ValidationError as exc:
        return render_template(
            "search/results.html", query=request.args.get("q", ""), errors=exc.messages, outcome=None,
            category=None, item_type=None, names={}, type_names=type_names(), help=service.help_for_no_results(lang),
        ), 422
    outcome = None
    if args["q"].strip():
        outcome = service.search(args["q"], lang, category=args["category"], item_type=args["type"], page=args["page"])
    return render_template(
        "search/results.html",
        query=args["q"],
        errors={},
        outcome=outcome,
        category=args["category"],
        item_type=args["type"],
        names=service.category_names(lang),
        type_names=type_names(),
        help=service.help_for_no_results(lang) if outcome is None or not outcome.total else None,
    )


@bp.record_once
def _follow_versions(state: BlueprintSetupState) -> None:
    """Each app's index follows the state versions and heals in the background (search/upkeep.py)."""
    follow_versions(cast(Flask, state.app))
