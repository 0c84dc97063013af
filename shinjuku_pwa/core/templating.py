"""Helpers every template can use: hashed asset URLs, locale facts, dates in the reader's style."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlencode

from flask import Flask, current_app, g, request, url_for

from .assets import asset_url
from .i18n import LOCALES, current_locale, localized, localized_place, reader_date, reader_datetime, template_gettext

_URLS_IN_LOCALE = "shinjuku_pwa.urls_in_locale"  # per request, in its WSGI environ
_QUERY = "?"  # in that dict: the page's own query, encoded once
_QUERY_SAFE = "!$'()*,/:;?@"  # werkzeug.urls._urlencode: left as is in a query (WHATWG percent-encode set)


def url_in_locale(code: str) -> str:
    """The current page in another language (the switcher and hreflang links), built once per
    request and language: a page asks for each twice, and a checklist's address holds every answer,
    which is encoded once for all nine languages."""
    built: dict[str, str] = request.environ.setdefault(_URLS_IN_LOCALE, {})
    if code not in built:
        built[code] = _url_in_locale(code, built)
    return built[code]


def _url_in_locale(code: str, built: dict[str, str]) -> str:
    if request.endpoint and request.view_args is not None and "lang" in request.view_args:
        if _QUERY not in built:  # what url_for would append: the query's first values, less the path's arguments
            built[_QUERY] = encode_query((k, v) for k, v in request.args.items() if k not in request.view_args)
        path = url_for(request.endpoint, **dict(request.view_args, lang=code))
        return f"{path}?{built[_QUERY]}" if built[_QUERY] else path
    return url_for("home.home", lang=code)


def encode_query(items: Iterable[tuple[str, str]]) -> str:
    """Query parameters encoded exactly as url_for (werkzeug) encodes the ones its rule does not name,
    for addresses built from one url_for and a query encoded once."""
    return urlencode(list(items), safe=_QUERY_SAFE)


def public_url(path: str) -> str:
    """An absolute URL for a path of ours, on PUBLIC_URL: never built from the request's Host header."""
    return current_app.config["PUBLIC_URL"] + path


def html_lang() -> str:
    return LOCALES[current_locale()].html_lang


def iso_date(value: dt.date | dt.datetime | None) -> str:
    return value.isoformat() if value else ""


def tel_href(phone: str) -> str:
    """03-5273-3601 -> +81352733601, the form every phone dials from a tap."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return "+81" + digits[1:] if digits.startswith("0") else digits


def init_templating(app: Flask) -> None:
    app.jinja_env.globals.update(
        asset_url=asset_url,
        LOCALES=LOCALES,
        url_in_locale=url_in_locale,
        public_url=public_url,
        html_lang=html_lang,
        current_locale=current_locale,
        localized=localized,
        localized_place=localized_place,
    )
    app.jinja_env.filters.update(
        tel_href=tel_href,
        iso_date=iso_date,
        local_date=reader_date,
        # Shown in Asia/Tokyo, whatever the server's clock zone; no seconds (issue 18).
        local_datetime=reader_datetime,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    app.context_processor(template_gettext)

    @app.context_processor
    def locale_context() -> dict[str, str]:
        code = getattr(g, "lang", None) or current_locale()
        return {"lang": code, "dir": LOCALES[code].direction}
