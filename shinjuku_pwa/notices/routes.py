"""Notices for residents, in their language (or easy Japanese, else Japanese, with a note)."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..core.clock import utcnow
from . import services

bp = Blueprint("notices", __name__)



@bp.route("/<locale:lang>/notices")
def list_notices(lang: str) -> str:
    """Current notices from the ward, newest first."""
    items = [services.localize_notice(n, lang) for n in services.visible_notices(utcnow())]
    return render_template("notices/list.html", items=items)


@bp.route("/<locale:lang>/notices/<int:notice_id>")
def show_notice(lang: str, notice_id: int) -> str:
    """One notice (the page a push notification opens)."""
    item = services.localize_notice(services.get_visible_notice(notice_id, utcnow()), lang)
    return render_template("notices/show.html", item=item, expired=item["notice"].expires_at is not None
                           and item["notice"].expires_at <= utcnow())
