"""The home page: topics and emergency pages (pages) beside the latest notices (notices)."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..core.clock import utcnow
from ..notices.services import localize_notice, visible_notices
from ..pages import queries

bp = Blueprint("home", __name__)

# What a person needs first after arriving in Shinjuku.
NEWCOMER_SLUGS = ["moving-in", "residence-card", "national-health-insurance", "national-pension", "garbage-sorting"]


@bp.route("/<locale:lang>/")
def home(lang: str) -> str:
    """Home: emergency box, topics, first steps for newcomers, the latest notices."""
    counts = queries.count_pages_by_category()
    return render_template(
        "pages/home.html",
        categories=[c for c in queries.list_categories() if counts.get(c.id)],
        counts=counts,
        emergency=queries.get_pages_by_slugs(list(queries.EMERGENCY_SLUGS), lang),
        newcomer=queries.get_pages_by_slugs(NEWCOMER_SLUGS, lang),
        notices=[localize_notice(n, lang) for n in visible_notices(utcnow(), limit=3)],
    )
