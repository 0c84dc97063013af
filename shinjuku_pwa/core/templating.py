"""Helpers every template can use: hashed asset URLs, locale facts, dates in the reader's style,
and `{% fragment %}`, which keeps what a page shows the same way to every reader."""
from __future__ import annotations

import datetime as dt
import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, has_request_context, request, url_for
from jinja2 import Environment, Template, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.environment import TemplateModule
from jinja2.ext import Extension
from jinja2.parser import Parser
from jinja2.runtime import Context
from markupsafe import Markup, escape

from .assets import asset_url
from .i18n import LOCALES, LocaleInfo, current_locale, localized, localized_place, reader_date, reader_datetime, template_gettext
from .page_cache import variant_key, version_store
from .request_scope import current_request, this_app
from .versions import CONTENT

_URLS_IN_LOCALE = "shinjuku_pwa.urls_in_locale"  # per request, in its WSGI environ
_QUERY_SAFE = "!$'()*,/:;?@"  # werkzeug.urls._urlencode: left as is in a query (WHATWG percent-encode set)
_FRAGMENTS = "fragments"  # in the content version's store (page_cache.version_store)
_FRAGMENTS_NAME = "_kept_fragments"  # in a template's context
_FRAGMENT_OVERHEAD = 200  # bytes counted per kept fragment besides its text: its key and dict slot


def url_in_locale(code: str) -> str:
    """The current page in another language (the switcher and hreflang links)."""
    return _urls_in_locale()[code]


def language_links() -> list[tuple[str, LocaleInfo, str]]:
    """(code, locale, the current page in that language) for every locale: the hreflang links and the
    language switcher, in one call per loop."""
    urls = _urls_in_locale()
    return [(code, info, urls[code]) for code, info in LOCALES.items()]


def language_menu_items() -> Markup:
    """The language switcher's items: the current page in every language, the reader's own marked.

    Written here rather than as a loop in base.html: the nine links cost a checklist 4% of its work
    in Jinja (each link's address, with every answer, escaped and joined piece by piece), and about
    half that here, where each language's attributes and name are escaped once per process."""
    urls = _urls_in_locale()
    current = current_locale()
    return Markup("\n".join(
        f'<li><a href="{escape(urls[code])}"{_menu_link_attributes(code, code == current)}</a></li>'
        for code in LOCALES))


@lru_cache(maxsize=2 * 16)
def _menu_link_attributes(code: str, current: bool) -> str:
    info = LOCALES[code]
    html_lang = escape(info.html_lang)
    marked = ' aria-current="true"' if current else ""
    return f' lang="{html_lang}" hreflang="{html_lang}"{marked}>{escape(info.autonym)}'


def _urls_in_locale() -> dict[str, str]:
    """The current page in every language, built once per request: a page asks for each twice, and a
    checklist's address holds every answer, which is encoded once for all nine languages."""
    environ = request.environ
    urls: dict[str, str] | None = environ.get(_URLS_IN_LOCALE)
    if urls is None:
        urls = environ[_URLS_IN_LOCALE] = _build_urls_in_locale()
    return urls


def _build_urls_in_locale() -> dict[str, str]:
    req = current_request()
    endpoint, view_args = req.endpoint, req.view_args
    if not (endpoint and view_args is not None and "lang" in view_args):
        return {code: url_for("home.home", lang=code) for code in LOCALES}
    # What url_for would append: the query's first values, less the path's arguments.
    query = encode_query((k, v) for k, v in req.args.items() if k not in view_args)
    suffix = f"?{query}" if query else ""
    # One url_for, then its locale segment swapped (the rest is the same in every language), unless
    # the locale is not the path's first segment.
    own = url_for(endpoint, **view_args)
    root = req.script_root
    prefix = f"{root}/{view_args['lang']}"
    if own == prefix or own.startswith(prefix + "/"):
        rest = own[len(prefix):]
        return {code: f"{root}/{code}{rest}{suffix}" for code in LOCALES}
    return {code: url_for(endpoint, **dict(view_args, lang=code)) + suffix for code in LOCALES}


# What quote_plus would change: all but its always-safe characters and werkzeug's safe ones.
_NEEDS_QUOTING = re.compile(f"[^A-Za-z0-9_.~{re.escape(_QUERY_SAFE)}-]")


def encode_query(items: Iterable[tuple[str, str]]) -> str:
    """Query parameters encoded exactly as url_for (werkzeug) encodes the ones its rule does not name,
    for addresses built from one url_for and a query encoded once. urlencode's quoting looks every
    character up in Python; here only those that need quoting are (a checklist encodes its answers
    three times a request)."""
    pairs = list(items)
    if not all(type(key) is str and type(value) is str for key, value in pairs):
        return urlencode(pairs, safe=_QUERY_SAFE)
    return "&".join(f"{_quote_plus(key)}={_quote_plus(value)}" for key, value in pairs)


def _quote_plus(text: str) -> str:
    return _NEEDS_QUOTING.sub(_quoted, text) if _NEEDS_QUOTING.search(text) else text


def _quoted(match: re.Match[str]) -> str:
    return _quoted_character(match.group())


@lru_cache(maxsize=1024)
def _quoted_character(character: str) -> str:
    # As quote_plus: UTF-8 bytes in upper-case hex, a space as "+" (a lone surrogate raises, as there).
    return "+" if character == " " else "".join(f"%{byte:02X}" for byte in character.encode())


class KeptFragments(dict):
    """One locale's and reader variant's fragments at one content version; a missing one reads as None."""

    def __init__(self, shelf: FragmentShelf | None = None, group: tuple = ()) -> None:
        super().__init__()
        self.shelf = shelf
        self.group = group
        self.size = 0  # bytes counted against the shelf's bound

    def __missing__(self, key: tuple) -> None:
        return None

    def keep(self, key: tuple, rendered: str) -> None:
        if self.shelf is not None:
            self.shelf.keep(self, key, rendered)


class _NotKept(KeptFragments):
    def keep(self, key: tuple, rendered: str) -> None:
        pass  # the page cache is off: every fragment is rendered


def _fragment_size(rendered: str) -> int:
    return sys.getsizeof(rendered) + _FRAGMENT_OVERHEAD


class FragmentShelf(OrderedDict):
    """Every fragment kept at one content version in this process: (locale, reader variant, mount
    point) -> its KeptFragments, least recently used first, at most `max_bytes` in all.

    Recency is counted per group, once per render (fragment_context), not per fragment: a page reads
    a hundred fragments at dict speed. Past the bound the least recently used group goes whole (a
    rare language with rare reader settings); a group that alone outgrows the bound drops its oldest
    fragments. A render still holding a dropped group keeps nothing more in it.
    """

    def __init__(self, max_bytes: int) -> None:
        super().__init__()
        self.max_bytes = max_bytes
        self.size = 0
        self._lock = threading.Lock()

    def group(self, key: tuple) -> KeptFragments:
        """The group's fragments (empty when new), now the most recently used."""
        with self._lock:
            found = self.get(key)
            if found is None:
                found = self[key] = KeptFragments(self, key)
            else:
                self.move_to_end(key)
            return found

    def keep(self, fragments: KeptFragments, key: tuple, rendered: str) -> None:
        size = _fragment_size(rendered)
        with self._lock:
            if self.get(fragments.group) is not fragments or key in fragments or size > self.max_bytes:
                return
            fragments[key] = rendered
            fragments.size += size
            self.size += size
            while self.size > self.max_bytes:
                oldest = next((group for group in self.values() if group is not fragments), None)
                if oldest is not None:
                    del self[oldest.group]
                    self.size -= oldest.size
                else:
                    dropped = fragments.pop(next(iter(fragments)))
                    fragments.size -= _fragment_size(dropped)
                    self.size -= _fragment_size(dropped)


class LeanTemplate(Template):
    """Jinja's Template with cheaper renders, for pages built on every request (a checklist).

    It empties its render's context once the page is written: a template's macros close over the
    context that holds them, a reference cycle, so a page's context and everything in it (a
    checklist's payload, items, answers: about 150 objects) stayed in memory until the garbage
    collector's next pass, and made those passes come sooner. Emptied, they go as the render ends.
    It also builds a render's context and hands out its module (the macros another template
    imports) without two of Jinja's slow steps (below)."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        if self.environment.is_async:
            return super().render(*args, **kwargs)
        context = self.new_context(dict(*args, **kwargs))
        try:
            return self.environment.concat(self.root_render_func(context))
        except Exception:  # noqa: BLE001 - as Template.render: Jinja rewrites the traceback, then raises
            self.environment.handle_exception()
        finally:
            context.vars.clear()

    def new_context(self, vars: dict[str, Any] | None = None, shared: bool = False,
                    locals: Mapping[str, Any] | None = None) -> Context:
        # Jinja copies the template's globals, a ChainMap over the environment's, key by key through
        # ChainMap's Python methods, twice a render (the context's values, then its set of global
        # names): about 2% of a checklist. The same two copies, made by dict itself.
        layers = getattr(self.globals, "maps", None)
        if shared or locals or layers is None:
            return super().new_context(vars, shared, locals)
        flat: dict[str, Any] = {}
        for layer in reversed(layers):  # the first layer wins, as it does in the ChainMap
            flat.update(layer)
        return self.environment.context_class(self.environment, {**flat, **(vars or {})}, self.name, self.blocks,
                                              globals=flat)

    def _get_default_module(self, ctx: Context | None = None) -> TemplateModule:
        # `{% from ... import ... %}` asks for the module on every render. Jinja's check that the
        # importing render has no globals this template lacks subtracts a dict's keys view from a
        # set, which Python does one key at a time through the abstract Set class: about 2% of a
        # checklist. The same check, as a subset test in C, before Jinja's own.
        # Read with getattr: should Jinja rename its fields, this falls back to Jinja's own method.
        kept = getattr(self, "_module", None)
        keys = getattr(ctx, "globals_keys", None)
        if kept is not None and isinstance(keys, set) and keys.issubset(self.globals):
            return kept
        return super()._get_default_module(ctx)


class FragmentCodeGenerator(CodeGenerator):
    """Jinja's code generator, writing fragments without passing them through escape(): on a kept
    fragment, markupsafe's escape makes a new Markup, a copy of the whole text, to return the same
    characters, and a checklist writes about fifty fragments.

    A fragment is written as its internal name (FragmentExtension), which holds a string made under
    the same autoescape setting: Markup when it is on. Jinja itself never writes an internal name;
    only an extension's parser.free_identifier() makes one, and this project's only such use is the
    fragment's."""

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if not isinstance(node, nodes.InternalName):
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if not isinstance(node, nodes.InternalName):
            super()._output_child_post(node, frame, finalize)


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
    then `{{ kept }}`. `fragments` comes from the context (fragment_context). What is kept is bounded
    by FRAGMENT_CACHE_MAX_BYTES (FragmentShelf).
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
            nodes.Output([kept], lineno=lineno),  # written as it is (FragmentCodeGenerator)
        ]

    def _keep(self, fragments: object, key: tuple, rendered: str) -> str:
        if isinstance(fragments, KeptFragments):
            fragments.keep(key, rendered)
        return rendered


def fragment_context() -> dict[str, KeptFragments]:
    """The fragments a render may use: those of this request's locale and reader variant, at the
    content version this process sees (looked up once per render, not once per fragment)."""
    store = version_store(CONTENT) if has_request_context() else None
    if store is None:
        return {_FRAGMENTS_NAME: _NotKept()}
    shelf: FragmentShelf | None = store.get(_FRAGMENTS)
    if shelf is None:
        shelf = store.setdefault(_FRAGMENTS, FragmentShelf(this_app().config["FRAGMENT_CACHE_MAX_BYTES"]))
    return {_FRAGMENTS_NAME: shelf.group((current_locale(), variant_key(), current_request().script_root))}


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
        language_menu_items=language_menu_items,
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
    app.jinja_env.code_generator_class = FragmentCodeGenerator
    app.jinja_env.template_class = LeanTemplate
    # Jinja's default cache is an LRU of 400 whose every hit moves the template's key in a deque,
    # comparing keys one by one (a checklist looks up three templates); a plain dict, Jinja's own
    # choice for cache_size=-1, holds the same templates: only names that exist are ever kept.
    app.jinja_env.cache = {}
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    app.context_processor(template_gettext)
    app.context_processor(fragment_context)

    @app.context_processor
    def locale_context() -> dict[str, str]:
        code = current_locale()
        return {"lang": code, "dir": LOCALES[code].direction}
