"""The reader settings page: a plain form that works without JavaScript; the choice lives in a cookie."""
from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import cast

from flask import Blueprint, Flask, Response, abort, has_request_context, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from markupsafe import Markup, escape
from marshmallow import ValidationError
from werkzeug.wrappers import Response as BaseResponse

from ..core.i18n import current_locale
from ..core.page_cache import add_variant
from ..core.request_scope import RequestScoped, current_request
from ..core.security import sessionless_form
from ..core.templating import encode_query
from ..japanese.furigana import FURIGANA_LOCALES, has_kanji, with_furigana
from .preferences import COOKIE_MAX_AGE, COOKIE_NAME, ReaderSettings, cookie_value, safe_return_path, settings_from_cookie
from .schemas import ReaderSettingsArgs

bp = Blueprint("reader_settings", __name__)
DEFAULT_SETTINGS = ReaderSettings()


@bp.route("/<locale:lang>/settings", methods=["GET", "POST"])
@sessionless_form
def settings(lang: str) -> str | BaseResponse:
    """Show the reader's settings; a POST saves them on this device and goes back to their page."""
    if request.method == "GET":
        return render_template(
            "reader_settings/settings.html",
            return_to=safe_return_path(request.args.get("next")),
            saved=bool(request.args.get("saved")),
        )
    try:
        args = ReaderSettingsArgs().load(request.form)
    except ValidationError:
        abort(422)
    chosen = current_settings().updated(text_size=args["text_size"], contrast=args["contrast"], furigana=args["furigana"])
    target = safe_return_path(args["return_to"]) or url_for("reader_settings.settings", lang=lang, saved=1)
    response = redirect(target, code=303)
    response.set_cookie(
        COOKIE_NAME, cookie_value(chosen), max_age=COOKIE_MAX_AGE, samesite="Lax", secure=request.is_secure, httponly=True
    )
    return response


@bp.record_once
def _cache_pages_per_settings(state: BlueprintSetupState) -> None:
    # Text size, contrast and furigana change the page: at most 3 x 2 x 3 variants of a URL, one
    # per choice (never per raw cookie: a malformed cookie reads as the defaults).
    add_variant(cast(Flask, state.app), _page_variant)


def _page_variant(cookies: Mapping[str, str]) -> str:
    return _variant_of(cookies.get(COOKIE_NAME))


@lru_cache(maxsize=64)
def _variant_of(cookie: str | None) -> str:
    chosen = settings_from_cookie(cookie)
    return "" if chosen == DEFAULT_SETTINGS else cookie_value(chosen)


_request_settings: RequestScoped[ReaderSettings] = RequestScoped("reader_settings")


def current_settings() -> ReaderSettings:
    """This request's reader settings, read from the cookie once (the ruby filter asks per text)."""
    if not has_request_context():
        return ReaderSettings()
    return _request_settings.get(lambda: settings_from_cookie(request.cookies.get(COOKIE_NAME)))


def settings_url(lang: str) -> str:
    """The footer's link to the settings page, carrying the page to come back to after saving
    (built once per request: the header links there too, and a checklist's address is long)."""
    if not has_request_context():
        return url_for("reader_settings.settings", lang=lang)
    built = _request_settings_urls.get(dict)
    url = built.get(lang)
    if url is None:
        url = built[lang] = _settings_url(lang)
    return url


_request_settings_urls: RequestScoped[dict[str, str]] = RequestScoped("reader_settings_urls")


def _settings_url(lang: str) -> str:
    req = current_request()
    here = req.full_path.rstrip("?") if req.method == "GET" else None
    if not here or req.endpoint == "reader_settings.settings":
        return url_for("reader_settings.settings", lang=lang)
    # As url_for(..., next=here) writes it, quoting only what needs it (a checklist's address is long).
    return f"{url_for('reader_settings.settings', lang=lang)}?{encode_query([('next', here)])}"


@bp.app_context_processor
def reader_context() -> dict[str, object]:
    """`reader` in every template: base.html puts its classes on <html>, page.html asks about furigana."""
    return {"reader": current_settings(), "reader_settings_url": settings_url}


@bp.app_template_filter("ruby")
def ruby_for_reader(text: str | None, text_locale: str) -> str | None:
    """`{{ text|ruby(locale) }}`: the text with furigana over its kanji when this reader reads
    `text_locale` with furigana (on the easy-Japanese site by default), else the text untouched.

    Plain text is escaped first; Markup (a sanitised body) is kept as HTML.
    """
    # Cheapest question first: most texts on most pages are in a language never given furigana.
    if not text or text_locale not in FURIGANA_LOCALES:
        return text
    if not current_settings().shows_furigana(text_locale, current_locale()) or not has_kanji(str(text)):
        return text
    return _ruby_markup(str(escape(text)))


# Content repeats across requests (titles, documents, counters): Sudachi runs once per text and process.
@lru_cache(maxsize=8192)
def _ruby_markup(escaped_html: str) -> Markup:
    return Markup(with_furigana(escaped_html))  # input escaped or sanitised; with_furigana adds only <ruby>/<rt>


@bp.after_app_request
def vary_on_cookie(response: Response) -> Response:
    """HTML depends on the reader's cookie: no shared cache may give one reader's page to another."""
    if response.mimetype == "text/html":
        response.vary.add("Cookie")
    return response
