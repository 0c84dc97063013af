"""Locales, language negotiation, the easy-Japanese catalog and content fallback.

Our locale codes are what appear in URLs and content file names (`ja-easy`, `zh-Hans`).
Babel knows no easy-Japanese locale, so ja-easy formats dates and numbers as `ja` but
reads its UI strings from its own catalog, translations/ja_EASY.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from babel import dates as babel_dates
from babel import support
from flask import Flask, has_app_context, has_request_context, request
from flask_babel import Babel, Domain, format_date, format_time, get_locale
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from .clock import TOKYO
from .request_scope import request_globals, this_app

DEFAULT_LOCALE = "ja"


@dataclass(frozen=True)
class LocaleInfo:
    code: str  # in URLs and content file names
    babel: str  # for dates and numbers
    catalog: str  # folder under translations/
    html_lang: str  # <html lang> and hreflang
    autonym: str  # the language's own name, for the switcher
    direction: str = "ltr"


LOCALES: dict[str, LocaleInfo] = {
    info.code: info
    for info in (
        LocaleInfo("ja", "ja", "ja", "ja", "日本語"),
        LocaleInfo("ja-easy", "ja", "ja_EASY", "ja", "やさしい にほんご"),
        LocaleInfo("en", "en", "en", "en", "English"),
        LocaleInfo("zh-Hans", "zh_Hans", "zh_Hans", "zh-Hans", "简体中文"),
        LocaleInfo("zh-Hant", "zh_Hant", "zh_Hant", "zh-Hant", "繁體中文"),
        LocaleInfo("ko", "ko", "ko", "ko", "한국어"),
        LocaleInfo("vi", "vi", "vi", "vi", "Tiếng Việt"),
        LocaleInfo("ne", "ne", "ne", "ne", "नेपाली"),
        LocaleInfo("my", "my", "my", "my", "မြန်မာဘာသာ"),
    )
}
LOCALE_CODES: tuple[str, ...] = tuple(LOCALES)
# The staff console and its API speak Japanese and English only, by decision (README).
STAFF_LOCALES: tuple[str, ...] = ("ja", "en")

# Browser tags Babel would not match on its own (zh-TW, my-MM...) mapped explicitly.
_TRADITIONAL_CHINESE_REGIONS = {"tw", "hk", "mo"}


def locale_for_tag(tag: str) -> str | None:
    """Map one BCP 47 tag from Accept-Language (or a cookie) to one of our locales."""
    tag = tag.strip().replace("_", "-")
    for code in LOCALE_CODES:  # exact codes first, case-insensitively
        if tag.lower() == code.lower():
            return code
    parts = tag.lower().split("-")
    primary = parts[0]
    if primary == "zh":
        rest = set(parts[1:])
        if "hant" in rest or rest & _TRADITIONAL_CHINESE_REGIONS:
            return "zh-Hant"
        return "zh-Hans"
    if primary in {"ja", "en", "ko", "vi", "ne", "my"}:
        return primary
    return None


def negotiate_locale(accept_language: str | None, cookie: str | None = None) -> str:
    """Pick the reader's locale: the language cookie, else Accept-Language order, else ja."""
    if cookie and cookie in LOCALES:
        return cookie
    weighted: list[tuple[float, int, str]] = []
    for index, item in enumerate((accept_language or "").split(",")):
        if not item.strip():
            continue
        tag, _, params = item.partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        if quality > 0:
            weighted.append((-quality, index, tag))
    for _, _, tag in sorted(weighted):
        code = locale_for_tag(tag)
        if code:
            return code
    return DEFAULT_LOCALE


def content_fallbacks(locale: str) -> list[str]:
    """Locales to try, in order, for content missing in the reader's language.

    A reader whose language is missing gets easy Japanese before plain Japanese: it is
    the version most foreign residents can read, and it is written for them.
    """
    chain = [locale]
    for code in ("ja-easy", "ja"):
        if code not in chain:
            chain.append(code)
    return chain


def served_locale(available, locale: str) -> str | None:
    """Which of the `available` locales a reader of `locale` is served, by content_fallbacks; None if none."""
    return next((code for code in content_fallbacks(locale) if code in available), None)


def pick_text(texts: dict[str, str], lang: str) -> tuple[str, str]:
    """From a {locale: text} mapping, the reader's language, else easy Japanese, else Japanese: (locale, text)."""
    code = served_locale({code for code, text in texts.items() if text}, lang) or next(iter(texts), "ja")
    return code, texts.get(code, "")


class _Translation(Protocol):
    @property
    def locale(self) -> str: ...


class ServedTranslation:
    """For a dataclass holding `text` (the translation row served) and `requested_lang`."""

    text: _Translation
    requested_lang: str
    @property
    def lang(self) -> str:
        return self.text.locale

    @property
    def fallback(self) -> bool:
        return self.text.locale != self.requested_lang


def localized(names: Mapping[str, str] | None, locale: str) -> str:
    """Choose a translated name from a {locale: text} mapping: the reader's, else en, else ja."""
    if not names:
        return ""
    for code in (locale, "en" if locale not in ("ja", "ja-easy") else "ja", "ja", "en"):
        if names.get(code):
            return names[code]
    return next(iter(names.values()))


def localized_place(texts: Mapping[str, str] | None, locale: str) -> tuple[str, str]:
    """(text, its locale) for an address, a floor or opening hours: the reader's, else the Japanese
    original (shown with lang="ja"), never English inside a page in another language."""
    if not texts:
        return "", locale
    for code in (locale, "ja" if locale != "en" else "en", "ja", "en"):
        if texts.get(code):
            return texts[code], code
    code, text = next(iter(texts.items()))
    return text, code


def reader_date(day) -> str:
    """A date as the reader's language writes it; easy Japanese spells it in kana:
    「2026ねん 4がつ 1にち」, which readers of やさしい日本語 read more easily than 2026年4月1日."""
    if not day:
        return ""
    if type(day) is dt.date:  # a datetime may be moved to the reader's time zone first: not kept
        return _kept_reader_date(day, current_locale())
    return _reader_date(day, current_locale())


# Once per day and locale in a process: a checklist shows a dozen dates, the same ones on every
# checklist of the day, and Babel takes about 0.1 ms for each. Formatted for the locale named in the
# key (never flask-babel's locale of the moment), as flask-babel's format_date(day, "long") does.
@lru_cache(maxsize=4096)
def _kept_reader_date(day: dt.date, locale: str) -> str:
    if locale == "ja-easy":
        return _reader_date(day, locale)
    return babel_dates.format_date(day, "long", locale=LOCALES[locale].babel)


def _reader_date(day, locale: str) -> str:
    if locale == "ja-easy":
        return f"{day.year}ねん {day.month}がつ {day.day}にち"
    return format_date(day, "long")


def reader_datetime(moment: dt.datetime | None) -> str:
    """A moment in Japan time as the reader's language writes it: its long date and short time, no
    seconds ("December 6, 2026, 9:00 AM", 「2026年12月6日 9:00」, 「2026ねん 12がつ 6にち 9:00」)."""
    if not moment:
        return ""
    local = moment.astimezone(TOKYO)
    day, time = reader_date(local.date()), format_time(local, "short")
    locale = get_locale()
    pattern = str(locale.datetime_formats.get("medium", "{1} {0}")) if locale and current_locale() != "ja-easy" else "{1} {0}"
    return pattern.replace("{1}", day).replace("{0}", time)


def current_locale() -> str:
    """The locale of the request being served (set from the URL), else the default."""
    if has_request_context():
        return getattr(request_globals(), "lang", None) or DEFAULT_LOCALE
    return DEFAULT_LOCALE


class CatalogDomain(Domain):
    """Reads UI strings from the catalog folder of our locale, so ja-easy gets its own.

    flask-babel would look catalogs up by Babel locale, which for ja-easy is plain ja.
    Catalogs are loaded once per process and kept.
    """

    def __init__(self) -> None:
        super().__init__()
        self._catalogs: dict[tuple[str, str], support.NullTranslations] = {}

    def get_translations(self) -> support.NullTranslations:
        if not has_app_context():
            return support.NullTranslations()
        key = (this_app().config["TRANSLATIONS_DIR"], current_locale())
        cached = self._catalogs.get(key)
        if cached is None:
            cached = self._catalogs[key] = self._load(Path(key[0]), key[1])
        return cached

    def clear(self) -> None:
        """Forget loaded catalogs (after `make translations` in a running process)."""
        self._catalogs.clear()

    def _load(self, directory: Path, code: str) -> support.NullTranslations:
        catalogs = [LOCALES[code].catalog]
        if code == "ja-easy":
            catalogs.append(LOCALES["ja"].catalog)  # an easy string not written yet reads as plain ja
        translations: support.NullTranslations | None = None
        for catalog in catalogs:
            mo_file = directory / catalog / "LC_MESSAGES" / "messages.mo"
            if not mo_file.exists():
                continue
            with mo_file.open("rb") as handle:
                loaded = support.Translations(handle)
            if translations is None:
                translations = loaded
            else:
                translations.add_fallback(loaded)
        return translations or support.NullTranslations()


# The one catalog domain: flask-babel's get_translations() returns its catalogs too, after several
# context-local lookups of its own on every call.
catalog_domain = CatalogDomain()


class LocaleBabel(Babel):
    """flask-babel with our catalog domain as the default domain."""

    _domain = catalog_domain

    @property
    def domain_instance(self) -> CatalogDomain:
        return self._domain


def _babel_locale() -> str:
    return LOCALES[current_locale()].babel


babel = LocaleBabel()


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        default_locale=DEFAULT_LOCALE,
        default_timezone="Asia/Tokyo",
        locale_selector=_babel_locale,
    )


def template_gettext() -> dict[str, Callable[..., str]]:
    """`_`, `gettext` and `ngettext` for one template render, bound to this request's catalog.

    They behave as the callables flask-babel installs in Jinja (new style: the message is always
    %-formatted with the keyword arguments, which are escaped in HTML, and `num` is set for
    ngettext), but look the catalog up once per render instead of on every string: through
    flask-babel that is several context-local lookups per call, and a checklist has about 70.
    Babel's extraction still sees every `_()` in the templates.
    """
    translations = catalog_domain.get_translations()

    @pass_context
    def gettext(context: Context, string: str, /, **variables: object) -> str:
        return _filled(translations.ugettext(string), variables, context.eval_ctx.autoescape)

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, num: int, /, **variables: object) -> str:
        variables.setdefault("num", num)
        return _filled(translations.ungettext(singular, plural, num), variables, context.eval_ctx.autoescape)

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


def _filled(text: str, variables: dict[str, object], html: bool) -> str:
    """The message with its variables, as Markup(text) % variables writes it: the message is trusted,
    each value escaped. Done as a plain % over values escaped first, because Markup's own % wraps
    every value in a helper object (a tenth of a checklist's template time for nine messages)."""
    if not html:
        return text % variables
    return Markup(text % {name: value if isinstance(value, (int, float)) else escape(value)
                          for name, value in variables.items()})


def request_gettext() -> Callable[[str], str]:
    """gettext without variables, bound to the request's catalog once: flask-babel's looks the catalog
    up through several context locals on every call. Code passes it where it would call `_` many
    times with `_` as the default, so Babel's extraction still sees each string."""
    return catalog_domain.get_translations().ugettext


def request_locale_from_headers() -> str:
    return negotiate_locale(request.headers.get("Accept-Language"), request.cookies.get("lang"))
