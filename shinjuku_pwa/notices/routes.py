"""Notices for residents, in their language (or easy Japanese, else Japanese, with a note)."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template

from ..push.payload import pick_text
from . import services
from ..core.clock import utcnow

bp = Blueprint("notices", __name__)



def localize_notice(notice, lang: str) -> dict:
    """The notice's text for this reader; `fallback` when their language is missing."""
    served, title = pick_text(notice.title, lang)
    _, body = pick_text(notice.body, served)
    return {"notice": notice, "title": title, "body": body, "lang": served, "fallback": served != lang}


@bp.route("/<locale:lang>/notices")
def list_notices(lang: str):
    """Current notices from the ward, newest first."""
    items = [localize_notice(n, lang) for n in services.visible_notices(utcnow())]
    return render_template("notices/list.html", items=items)


@bp.route("/<locale:lang>/notices/<int:notice_id>")
def show_notice(lang: str, notice_id: int):
    """One notice (the page a push notification opens)."""
    item = localize_notice(services.get_visible_notice(notice_id, utcnow()), lang)
    return render_template("notices/show.html", item=item, expired=item["notice"].expires_at is not None
                           and item["notice"].expires_at <= utcnow())
