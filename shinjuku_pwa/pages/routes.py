"""Resident-facing HTML: home, topic listings, pages, feedback."""
from __future__ import annotations

import time
from functools import lru_cache

from flask import Blueprint, Response, abort, current_app, make_response, redirect, render_template, request, url_for
from marshmallow import ValidationError
from werkzeug.http import dump_cookie
from werkzeug.wrappers import Response as BaseResponse

from ..content.emergency_calls import get_emergency_calls
from ..core.clock import tokyo_today
from ..core.i18n import LOCALES, request_locale_from_headers
from ..core.request_scope import current_request, request_globals
from ..core.security import sessionless_form
from ..japanese.script_runs import mark_japanese
from . import queries
from .models import Department
from .places import PlaceText, place_text
from .schemas import FeedbackArgs

bp = Blueprint("pages", __name__)
LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600


@bp.route("/")
def root() -> BaseResponse:
    """Send the reader to their language: the cookie, else Accept-Language, else Japanese."""
    response = redirect(url_for("home.home", lang=request_locale_from_headers()), code=302)
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


@bp.route("/<locale:lang>/topics/<category_id>")
def category(lang: str, category_id: str) -> str:
    """All pages of one topic."""
    found = queries.get_category(category_id)
    items, _total = queries.list_pages(lang, category=found.id, per_page=1000)
    return render_template("pages/category.html", category=found, items=items)


@bp.route("/<locale:lang>/pages/<slug>")
def page(lang: str, slug: str) -> Response:
    """One information page, in the reader's language or the nearest one we have."""
    shown = queries.get_page(slug, lang)
    related = queries.get_pages_by_slugs(shown.page.related, lang)
    disaster = shown.page.category_id == queries.DISASTER_CATEGORY
    calls = get_emergency_calls(current_app.config["CONTENT_DIR"]) if disaster else ()
    response = make_response(render_template("pages/page.html", item=shown, related=related, emergency_calls=calls))
    response.last_modified = shown.page.updated_at
    return response


@bp.route("/<locale:lang>/pages/<slug>/feedback", methods=["POST"])
@sessionless_form
def feedback(lang: str, slug: str) -> BaseResponse:
    """Store a "was this helpful?" answer: page, language and day only."""
    try:
        answer = FeedbackArgs().load(request.form)
    except ValidationError:
        abort(422)
    queries.record_feedback(slug, lang, answer["helpful"] == "yes", tokyo_today())
    return redirect(url_for("pages.page", lang=lang, slug=slug, thanks=1) + "#feedback", code=303)


@bp.app_template_global()
def department_place(location: dict | None, lang: str) -> PlaceText | None:
    """For page.html's contact box: the section's building and floor in the reader's language."""
    return place_text(location, lang)


@bp.app_template_filter("mark_japanese")
def mark_japanese_filter(text: str | None, text_locale: str) -> object:
    """`{{ text|mark_japanese(locale) }}`: Japanese names inside text in another language marked lang="ja"."""
    return mark_japanese(text, text_locale)


@bp.app_template_global()
def call_centre() -> Department | None:
    """For the contact boxes: the ward's call centre, shown where a section publishes no phone number."""
    return queries.get_call_centre()


@bp.after_app_request
def remember_language(response: Response) -> Response:
    """Remember the language a reader last used, so / brings them back to it."""
    lang = getattr(request_globals(), "lang", None)
    req = current_request()
    localized_route = "lang" in (req.view_args or {})  # not the staff console's own language
    if localized_route and lang in LOCALES and req.cookies.get("lang") != lang and response.mimetype == "text/html":
        response.headers.add("Set-Cookie", _language_cookie(lang, req.is_secure, int(time.time())))
    return response


@lru_cache(maxsize=32)
def _language_cookie(lang: str, secure: bool, now: int) -> str:
    """The Set-Cookie value response.set_cookie writes, made once per second and language (werkzeug
    takes about 0.05 ms to write one, and every page without the cookie yet sets it)."""
    return dump_cookie("lang", lang, max_age=LANGUAGE_COOKIE_SECONDS, expires=now + LANGUAGE_COOKIE_SECONDS,
                       samesite="Lax", secure=secure)
