"""A counter's opening hours and windows, stored as data, worded in the reader's language (issue 16).

Days, times and floors are data in content/counters; this module turns them into words with
gettext patterns and Babel's day names and time ranges, so that no page shows English (or
anything but the reader's language) for them. The Japanese name of a section stays Japanese:
it is what the sign at the counter says; a gloss is added only where the content translates it.

The gettext strings follow the request's locale (g.lang), as everywhere; `locale` is the same
code, passed for Babel's formatting and the content's glosses.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from babel import Locale
from babel.dates import format_interval, get_day_names
from babel.lists import format_list
from flask_babel import gettext as _

from ..core.i18n import LOCALES
from .schemas import DAYS, PUBLIC_HOLIDAYS, WEEKDAYS, YEAR_END

EASY = "ja-easy"
# Easy Japanese writes the days in kana, as its readers learn them first.
EASY_DAY_NAMES = ("げつようび", "かようび", "すいようび", "もくようび", "きんようび", "どようび", "にちようび")


def _babel(locale: str) -> str:
    return LOCALES[locale].babel if locale in LOCALES else "ja"


def _day_name(day: str, locale: str) -> str:
    index = DAYS.index(day)
    if locale == EASY:
        return EASY_DAY_NAMES[index]
    return str(get_day_names("wide", locale=_babel(locale))[index])


def _joined(items: Sequence[str], locale: str) -> str:
    if len(items) == 1:
        return items[0]
    try:
        return format_list(list(items), locale=_babel(locale))
    except (KeyError, ValueError):  # a locale whose list patterns Babel lacks
        return ", ".join(items)


def _clock(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def time_range(opens: str, closes: str, locale: str) -> str:
    """"8:30–17:00" as the reader's language writes a range of times of day (24-hour clock)."""
    if locale == EASY:  # digits with a colon read more easily than 8時30分
        return f"{int(opens[:2])}:{opens[3:]}〜{int(closes[:2])}:{closes[3:]}"
    return str(format_interval(_clock(opens), _clock(closes), "Hm", locale=_babel(locale)))


def _nth_day(week: int, weekday: str) -> str:
    # The English source needs an ordinal suffix: one pattern per English ordinal form (1st, 2nd, 3rd, 4th).
    form = Locale("en").ordinal_form(week)
    if form == "one":
        return _("%(number)sst %(weekday)s of the month", number=week, weekday=weekday)
    if form == "two":
        return _("%(number)snd %(weekday)s of the month", number=week, weekday=weekday)
    if form == "few":
        return _("%(number)srd %(weekday)s of the month", number=week, weekday=weekday)
    return _("%(number)sth %(weekday)s of the month", number=week, weekday=weekday)


def days_text(days: Any, week: int | None, locale: str) -> str:
    if days == WEEKDAYS:
        return _("Weekdays")
    names = [_day_name(day, locale) for day in days]
    if week:
        return _nth_day(week, names[0])
    return _("Every %(days)s", days=_joined(names, locale))


def closures_text(closures: Iterable[str], locale: str) -> str:
    names = {PUBLIC_HOLIDAYS: _("public holidays"), YEAR_END: _("the New Year holidays")}
    return _joined([names[c] for c in closures], locale)


def hours_lines(block: Mapping[str, Any], locale: str) -> list[str]:
    """One line per opening time, then the days it is closed: what the hours block says, nothing more."""
    lines = []
    for times in block["times"]:
        line = _("%(days)s %(times)s", days=days_text(times["days"], times.get("week"), locale),
                 times=time_range(times["opens"], times["closes"], locale))
        if times.get("not_on"):
            line = _("%(hours)s, except %(days)s", hours=line, days=closures_text(times["not_on"], locale))
        lines.append(line)
    if block.get("closed"):
        lines.append(_("Closed on %(days)s", days=closures_text(block["closed"], locale)))
    return lines


def hours_for(hours: Sequence[Mapping[str, Any]] | None, procedure_ids: Iterable[str]) -> list[tuple[list[str], Mapping]]:
    """The hours blocks that apply to any of `procedure_ids`, each with the ones it applies to
    (a block naming no procedures is the counter's hours for everything it handles)."""
    wanted = list(procedure_ids)
    found = []
    for block in hours or ():
        covered = [p for p in wanted if not block.get("procedures") or p in block["procedures"]]
        if covered:
            found.append((covered, block))
    return found


def floor_text(floor: int | None, window: int | None = None) -> str:
    if floor is None:
        return ""
    where = _("Basement %(floor)s", floor=-floor) if floor < 0 else _("Floor %(floor)s", floor=floor)
    if window:
        where = _("%(where)s, window %(window)s", where=where, window=window)
    return where


def window_parts(window: Mapping[str, Any], locale: str) -> dict[str, Any]:
    """One window as the templates and the API show it: where (floor, window number) in the reader's
    language, the section's Japanese name, its gloss in the reader's language if the content has one."""
    section = window["section"]
    gloss = section.get(locale) if locale not in ("ja", EASY) else None
    who = window.get("who") or {}
    return {
        "where": floor_text(window.get("floor"), window.get("window")) or None,
        "floor": window.get("floor"),
        "window_number": window.get("window"),
        "section": section["ja"],
        "section_lang": "ja",
        "gloss": gloss or None,
        "who": who.get(locale) or None,
        "book_by_phone": _("Book by phone first") if window.get("book_by_phone") else None,
    }


def window_line(parts: Mapping[str, Any]) -> str:
    """The window as one plain line (the API's `window`, kept for older clients): mixed languages,
    the section's name in Japanese, as the page shows it."""
    text = parts["section"] if not parts["where"] else _("%(where)s, %(section)s", where=parts["where"],
                                                              section=parts["section"])
    extras = [part for part in (parts["gloss"], parts["who"], parts["book_by_phone"]) if part]
    return f"{text} ({'; '.join(extras)})" if extras else text
