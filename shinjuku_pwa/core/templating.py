"""Helpers every template can use: hashed asset URLs, locale facts, dates in the reader's style,
and `{% fragment %}`, which keeps what a page shows the same way to every reader."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlencode

from flask import Flask, current_app, g, has_request_context, request, url_for
from jinja2 import Environment, nodes
from jinja2.ext import Extension
from jinja2.parser import Parser

from .assets import asset_url
from .i18n import LOCALES, LocaleInfo, current_locale, localized, localized_place, reader_date, reader_datetime, template_gettext
from .page_cache import variant_key, version_store
from .versions import CONTENT

_URLS_IN_LOCALE = "shinjuku_pwa.urls_in_locale"  # per request, in its WSGI environ
_QUERY = "?"  # in that dict: the page's own query, encoded once
_PATH = "/"  # and the page's own path, built once
_QUERY_SAFE = "!$'()*,/:;?@"  # werkzeug.urls._urlencode: left as is in a query (WHATWG percent-encode set)
_FRAGMENTS = "fragments"  # in the content version's store (page_cache.version_store)
_FRAGMENTS_NAME = "_kept_fragments"  # in a template's context


def url_in_locale(code: str) -> str:
    """The current page in another language (the switcher and hreflang links), built once per
    request and language: a page asks for each twice, and a checklist's address holds every answer,
    which is encoded once for all nine languages."""
    built: dict[str, str] = request.environ.setdefault(_URLS_IN_LOCALE, {})
    if code not in built:
        built[code] = _url_in_locale(code, built)
    return built[code]


def language_links() -> list[tuple[str, LocaleInfo, str]]:
    """(code, locale, the current page in that language) for every locale: the hreflang links and the
    language switcher, in one call per loop."""
    return [(code, info, url_in_locale(code)) for code, info in LOCALES.items()]


def _url_in_locale(code: str, built: dict[str, str]) -> str:
    view_args = request.view_args
    if request.endpoint and view_args is not None and "lang" in view_args:
        if _QUERY not in built:  # what url_for would append: the query's first values, less the path's arguments
            built[_QUERY] = encode_query((k, v) for k, v in request.args.items() if k not in view_args)
            built[_PATH] = url_for(request.endpoint, **view_args)
        path = _with_locale(built[_PATH], view_args["lang"], code)
        if path is None:
            path = url_for(request.endpoint, **dict(view_args, lang=code))
        return f"{path}?{built[_QUERY]}" if built[_QUERY] else path
    return url_for("home.home", lang=code)


def _with_locale(path: str, lang: str, code: str) -> str | None:
    """The page's own path in another language: its locale segment swapped, the rest as url_for
    built it once (one url_for per request, not nine). None when the locale is not the first segment."""
    prefix = f"{request.script_root}/{lang}"
    if path == prefix or path.startswith(prefix + "/"):
        return f"{request.script_root}/{code}{path[len(prefix):]}"
    return None


def encode_query(items: Iterable[tuple[str, str]]) -> str:
    """Query parameters encoded exactly as url_for (werkzeug) encodes the ones its rule does not name,
    for addresses built from one url_for and a query encoded once."""
    return urlencode(list(items), safe=_QUERY_SAFE)


class KeptFragments(dict):
    """One locale's and reader variant's fragments at one content version; a missing one reads as None."""

    def __missing__(self, key: tuple) -> None:
        return None


class _NotKept(KeptFragments):
    def __setitem__(self, key: tuple, value: str) -> None:
        pass  # the page cache is off: every fragment is rendered


class FragmentExtension(Extension):
    """`{% fragment "name", key... %}...{% endfragment %}`: the body rendered once per content version,
    locale, reader variant (page_cache.add_variant) and key, then kept in this process's memory.

    For the parts of a page that cannot be kept whole (a checklist echoes the reader's answers) but
    are mostly the same for everyone: the header and footer, a procedure's documents. The body may
    read only what the key, the locale and the reader's settings decide: content (by its id in the
    key), UI strings, URLs with no query. Never anything a reader sent (answers, a search), nor what
    depends on the day: those stay outside. With the page cache off (tests), every body is rendered.

    Compiled inline, since a page may show a hundred fragments: `kept = fragments[key]` (no call),
    and only when nothing is kept, `{% set kept %}body{% endset %}` and `keep(fragments, key, kept)`;
    then `{{ kept }}`. `fragments` comes from the context (fragment_context).
    """

    tags = {"fragment"}

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        # A template rendered without fragment_context (outside a request) renders every fragment.
        environment.globals[_FRAGMENTS_NAME] = _NotKept()

    def parse(self, parser: Parser) -> list[nodes.Node]:
        lineno = next(parser.stream).lineno
        items: list[nodes.Expr] = [nodes.Const(parser.name), parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            items.append(parser.parse_expression())
        body = parser.parse_statements(("name:endfragment",), drop_needle=True)
        key = nodes.Tuple(items, "load")
        fragments = nodes.Name(_FRAGMENTS_NAME, "load")
        kept = parser.free_identifier(lineno)
        missing = nodes.Not(nodes.Test(kept, "string", [], [], None, None))  # None, or no store in the context
        build = [
            nodes.AssignBlock(kept, None, body),
            nodes.Assign(kept, self.call_method("_keep", [fragments, key, kept])),
        ]
        return [
            nodes.Assign(kept, nodes.Getitem(fragments, key, "load"), lineno=lineno),
            nodes.If(missing, build, [], [], lineno=lineno),
            nodes.Output([kept], lineno=lineno),
        ]

    def _keep(self, fragments: object, key: tuple, rendered: str) -> str:
        if isinstance(fragments, KeptFragments):
            fragments[key] = rendered
        return rendered


def fragment_context() -> dict[str, KeptFragments]:
    """The fragments a render may use: those of this request's locale and reader variant, at the
    content version this process sees (looked up once per render, not once per fragment)."""
    store = version_store(CONTENT) if has_request_context() else None
    if store is None:
        return {_FRAGMENTS_NAME: _NotKept()}
    key = (_FRAGMENTS, current_locale(), variant_key(), request.script_root)
    found = store.get(key)
    if found is None:
        found = store.setdefault(key, KeptFragments())
    return {_FRAGMENTS_NAME: found}


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
        language_links=language_links,
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
    app.jinja_env.add_extension(FragmentExtension)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    app.context_processor(template_gettext)
    app.context_processor(fragment_context)

    @app.context_processor
    def locale_context() -> dict[str, str]:
        code = getattr(g, "lang", None) or current_locale()
        return {"lang": code, "dir": LOCALES[code].direction}
