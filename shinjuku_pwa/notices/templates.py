"""Notice templates (issue 20): reviewed texts in nine locales with typed blanks, filled at send time.

Pure rules, no Flask and no database: reading a template's definition (`template_problems`,
`vocabulary_problems`, `places_problems` list what is wrong, keyed by where), the registry every
host builds the same way from the stored content (`TemplateRegistry.from_definitions`), checking
what a clerk chose (`clean_fields`) and filling a template (`render`). content/notice-templates/
README.md is the format.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..core.i18n import LOCALE_CODES

PLACEHOLDER_TYPES = ("time", "date", "datetime", "intensity", "areas", "shelter", "number")
INTENSITIES = ("0", "1", "2", "3", "4", "5-", "5+", "6-", "6+", "7")
TRANSLATION_KINDS = ("original", "human", "machine")
NUMBER_MAX = 99999
AREAS_MAX = 5  # towns one `areas` blank may hold at most (README: the size rules assume five)
TEMPLATE_KEYS = ("id", "topic", "urgency", "ttl", "quiet_hours_override", "source", "reviewed", "placeholders",
                 "title", "body", "translation")
# Size rules (README "Size"): a notification is never cut.
TITLE_CHARS, BODY_CHARS_ONE_TOWN, BODY_CHARS_LONGEST, PAYLOAD_BYTES_LONGEST = 60, 300, 500, 2000

BLANK = re.compile(r"\{([a-z_]+)\}")
OPTIONAL_PART = re.compile(r"\[\[(.*?)\]\]", re.S)
PATTERN_FIELD = re.compile(r"\{([A-Za-z]+)\}")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})$")
VALUE_PATTERNS = {  # vocabulary key -> the fields its patterns may use
    "time": {"H", "HH", "MM"},
    "date": {"D", "M", "W", "Mon"},
    "datetime": {"H", "HH", "MM", "D", "M", "W", "Mon"},
    "area": {"name", "kana", "romaji"},
    "shelter": {"name", "kana", "romaji"},
    "number": {"n"},
}


# What a template is made of


@dataclass(frozen=True)
class Place:
    """A town (町名) or an evacuation site: kept in Japanese, with its reading and romanisation."""

    id: str
    name: str
    kana: str
    romaji: str
    kind: str = "town"


@dataclass(frozen=True)
class Placeholder:
    name: str
    type: str
    required: bool = True
    max: int = 1  # areas only: how many towns at most


@dataclass(frozen=True)
class NoticeTemplate:
    id: str
    topic: str
    urgency: str
    ttl: int
    quiet_hours_override: bool
    placeholders: tuple[Placeholder, ...]
    title: Mapping[str, str]
    body: Mapping[str, str]
    translation: Mapping[str, str]
    source: tuple[str, ...]
    reviewed: str

    @property
    def machine_translated(self) -> tuple[str, ...]:
        return tuple(code for code in LOCALE_CODES if self.translation.get(code) == "machine")

    @property
    def urgencies(self) -> tuple[str, ...]:
        """The urgencies a notice from this template may have: never high without the override."""
        allowed = ("very-low", "low", "normal", "high") if self.quiet_hours_override else ("very-low", "low", "normal")
        return allowed


@dataclass(frozen=True)
class Vocabulary:
    patterns: Mapping[str, Mapping[str, str]]  # time/date/datetime/area/shelter/number -> locale -> pattern
    weekdays: Mapping[str, tuple[str, ...]]
    months: Mapping[str, tuple[str, ...]]
    intensity: Mapping[str, Mapping[str, str]]  # "5-" -> locale -> 震度5弱
    list_separator: Mapping[str, str]


@dataclass(frozen=True)
class TemplateRegistry:
    """Every template with the values its blanks are chosen from; the same on every host."""

    templates: Mapping[str, NoticeTemplate]
    vocabulary: Vocabulary
    towns: Mapping[str, Place]  # in the content's order
    shelters: Mapping[str, Place]

    @classmethod
    def from_definitions(cls, templates: Iterable[Mapping[str, Any]], vocabulary: Mapping[str, Any],
                         towns: Iterable[Mapping[str, Any]], shelters: Iterable[Mapping[str, Any]]) -> TemplateRegistry:
        """Build from definitions already checked (by the content import or the loader)."""
        built = [template_from(item) for item in templates]
        return cls(
            templates={t.id: t for t in sorted(built, key=lambda t: t.id)},
            vocabulary=vocabulary_from(vocabulary),
            towns={p["id"]: place_from(p, "town") for p in towns},
            shelters={p["id"]: place_from(p, p.get("kind", "")) for p in shelters},
        )

    def allowed_values(self, placeholder: Placeholder) -> list[str] | None:
        """The values a blank may take, when they are a list (areas, shelter, intensity)."""
        if placeholder.type == "areas":
            return list(self.towns)
        if placeholder.type == "shelter":
            return list(self.shelters)
        if placeholder.type == "intensity":
            return list(INTENSITIES)
        return None


def place_from(item: Mapping[str, Any], kind: str) -> Place:
    return Place(id=item["id"], name=item["name"], kana=item["kana"], romaji=item["romaji"], kind=kind)


def template_from(item: Mapping[str, Any]) -> NoticeTemplate:
    placeholders = tuple(
        Placeholder(name=name, type=spec["type"], required=spec.get("required", True), max=spec.get("max", 1))
        for name, spec in item["placeholders"].items()
    )
    return NoticeTemplate(
        id=item["id"], topic=item["topic"], urgency=item["urgency"], ttl=item["ttl"],
        quiet_hours_override=item["quiet_hours_override"], placeholders=placeholders,
        title=dict(item["title"]), body=dict(item["body"]), translation=dict(item["translation"]),
        source=tuple(item["source"]), reviewed=str(item["reviewed"]),
    )


def vocabulary_from(item: Mapping[str, Any]) -> Vocabulary:
    return Vocabulary(
        patterns={key: dict(item[key]) for key in VALUE_PATTERNS},
        weekdays={code: tuple(names) for code, names in item["weekdays"].items()},
        months={code: tuple(names) for code, names in (item.get("months") or {}).items()},
        intensity={str(key): dict(names) for key, names in item["intensity"].items()},
        list_separator=dict(item["list_separator"]),
    )


# Checking definitions: each problem is (top-level key, message), so the loader can point at a line


Problems = list[tuple[str, str]]


def _per_locale(value: Any, key: str, problems: Problems, texts: bool = True) -> bool:
    if not isinstance(value, dict):
        problems.append((key, "expected a mapping of the nine locales"))
        return False
    keys = [str(k) for k in value]
    missing = [code for code in LOCALE_CODES if code not in keys]
    extra = [k for k in keys if k not in LOCALE_CODES]
    if missing:
        problems.append((key, f"missing locales: {', '.join(missing)}"))
    if extra:
        problems.append((key, f"unknown locales: {', '.join(extra)}"))
    empty = [str(k) for k, text in value.items() if texts and (not isinstance(text, str) or not text.strip())]
    if empty:
        problems.append((key, f"empty or not text: {', '.join(empty)}"))
    return not (missing or extra or empty)


def _reviewed_and_source(data: Mapping[str, Any], problems: Problems) -> None:
    try:
        dt.date.fromisoformat(str(data.get("reviewed")))
    except ValueError:
        problems.append(("reviewed", "expected a date YYYY-MM-DD"))
    source = data.get("source")
    if not isinstance(source, list) or not source:
        problems.append(("source", "list at least one https URL"))
    elif not all(isinstance(url, str) and url.startswith("https://") for url in source):
        problems.append(("source", "every source is an https URL"))


def _translation(value: Any, problems: Problems) -> None:
    if _per_locale(value, "translation", problems):
        wrong = [code for code, kind in value.items() if kind not in TRANSLATION_KINDS]
        if wrong:
            problems.append(("translation", f"use original, human or machine: {', '.join(wrong)}"))


def _placeholders(value: Any, problems: Problems) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict):
        problems.append(("placeholders", "expected a mapping of blank names (may be {})"))
        return {}
    good = {}
    for name, spec in value.items():
        where = f"placeholder '{name}'"
        if not isinstance(name, str) or not re.fullmatch(r"[a-z_]+", name):
            problems.append(("placeholders", f"{where}: names are lower-case ASCII letters and _"))
            continue
        if not isinstance(spec, dict) or spec.get("type") not in PLACEHOLDER_TYPES:
            problems.append((f"placeholders.{name}", f"{where}: type is one of {', '.join(PLACEHOLDER_TYPES)}"))
            continue
        unknown = set(spec) - {"type", "required", "max"}
        if unknown:
            problems.append(("placeholders", f"{where}: unknown keys {', '.join(sorted(map(str, unknown)))}"))
        if not isinstance(spec.get("required", True), bool):
            problems.append(("placeholders", f"{where}: required is true or false"))
        if "max" in spec and (spec["type"] != "areas" or not isinstance(spec["max"], int) or isinstance(spec["max"], bool)
                              or not 1 <= spec["max"] <= AREAS_MAX):
            problems.append(("placeholders", f"{where}: max is for areas only, a whole number 1..{AREAS_MAX}"))
        good[name] = spec
    return good


def _text_problems(key: str, code: str, text: str, placeholders: dict[str, dict[str, Any]]) -> list[str]:
    """Blanks and optional parts of one text; empty when it is well formed."""
    found = []
    outside = OPTIONAL_PART.sub("", text)
    if "[[" in outside or "]]" in outside:
        found.append(f"{key}.{code}: unbalanced [[ ]]")
    for part in OPTIONAL_PART.findall(text):
        if "[[" in part:
            found.append(f"{key}.{code}: [[ ]] do not nest")
        names = BLANK.findall(part)
        if not names:
            found.append(f"{key}.{code}: a [[ ]] part holds no blank")
        for name in names:
            if placeholders.get(name, {}).get("required", True):
                found.append(f"{key}.{code}: only blanks with required: false go inside [[ ]] ({name})")
    for name in BLANK.findall(outside):
        if name in placeholders and not placeholders[name].get("required", True):
            found.append(f"{key}.{code}: optional blank {{{name}}} must be inside [[ ]]")
    for name in BLANK.findall(text):
        if name not in placeholders:
            found.append(f"{key}.{code}: blank {{{name}}} is not declared in placeholders")
    if "{" in BLANK.sub("", text) or "}" in BLANK.sub("", text):
        found.append(f"{key}.{code}: a {{ or }} that is not a blank")
    return found


def template_problems(data: Mapping[str, Any], file_id: str, topics: Iterable[str], urgencies: Iterable[str],
                      max_ttl: int) -> Problems:
    """What is wrong with one template's definition (README "Rules the loader checks")."""
    problems: Problems = []
    for key in TEMPLATE_KEYS:
        if key not in data:
            problems.append(("", f"missing key '{key}'"))
    for key in data:
        if key not in TEMPLATE_KEYS:
            problems.append((str(key), f"unknown key '{key}'"))
    if problems:
        return problems
    if data["id"] != file_id:
        problems.append(("id", f"id '{data['id']}' must equal the file name '{file_id}'"))
    if data["topic"] not in tuple(topics):
        problems.append(("topic", f"unknown topic '{data['topic']}'"))
    if data["urgency"] not in tuple(urgencies):
        problems.append(("urgency", f"unknown urgency '{data['urgency']}'"))
    ttl = data["ttl"]
    if not isinstance(ttl, int) or isinstance(ttl, bool) or not 60 <= ttl <= max_ttl:
        problems.append(("ttl", f"a whole number of seconds, 60..{max_ttl}"))
    if not isinstance(data["quiet_hours_override"], bool):
        problems.append(("quiet_hours_override", "true or false"))
    elif data["urgency"] == "high" and not data["quiet_hours_override"]:
        problems.append(("urgency", "urgency high requires quiet_hours_override: true"))
    _reviewed_and_source(data, problems)
    _translation(data["translation"], problems)
    placeholders = _placeholders(data["placeholders"], problems)
    for key in ("title", "body"):
        if not _per_locale(data[key], key, problems):
            continue
        for code, text in data[key].items():
            problems.extend((f"{key}.{code}", message) for message in _text_problems(key, code, text, placeholders))
            if key == "body":
                missing = [name for name in placeholders if f"{{{name}}}" not in text]
                if missing:
                    problems.append((f"body.{code}", f"body.{code}: declared blanks not used: {', '.join(missing)}"))
    return problems


def vocabulary_problems(data: Mapping[str, Any]) -> Problems:
    problems: Problems = []
    allowed = {"reviewed", "source", "translation", "weekdays", "months", "intensity", "list_separator", *VALUE_PATTERNS}
    for key in data:
        if key not in allowed:
            problems.append((str(key), f"unknown key '{key}'"))
    for key in allowed - {"months"}:
        if key not in data:
            problems.append(("", f"missing key '{key}'"))
    if problems:
        return problems
    _reviewed_and_source(data, problems)
    _translation(data["translation"], problems)
    uses_months = set()
    for key, fields in VALUE_PATTERNS.items():
        if not _per_locale(data[key], key, problems):
            continue
        for code, pattern in data[key].items():
            used = set(PATTERN_FIELD.findall(pattern))
            if used - fields:
                problems.append((key, f"{key}.{code}: unknown fields {', '.join(sorted(used - fields))}"))
            if "Mon" in used:
                uses_months.add(code)
    _per_locale(data["list_separator"], "list_separator", problems)
    if _per_locale(data["weekdays"], "weekdays", problems, texts=False):
        problems.extend(("weekdays", f"weekdays.{code}: seven names, Monday first")
                        for code, names in data["weekdays"].items() if not isinstance(names, list) or len(names) != 7)
    months = data.get("months") or {}
    for code in sorted(uses_months):
        if not isinstance(months.get(code), list) or len(months[code]) != 12:
            problems.append(("months", f"months.{code}: twelve names, January first (its patterns use {{Mon}})"))
    intensity = data["intensity"]
    if not isinstance(intensity, dict) or sorted(map(str, intensity)) != sorted(INTENSITIES):
        problems.append(("intensity", f"the ten JMA classes: {' '.join(INTENSITIES)}"))
    else:
        for names in intensity.values():
            _per_locale(names, "intensity", problems)
    return problems


def places_problems(data: Mapping[str, Any], list_key: str, kinds: tuple[str, ...] | None) -> Problems:
    """towns.yaml (kinds None) or shelters.yaml: ids unique, every name, reading and romanisation given."""
    problems: Problems = []
    item_keys = {"id", "name", "kana", "romaji"} | ({"kind", "official_id", "source"} if kinds else {"ward_pages"})
    for key in data:
        if key not in ("reviewed", "source", list_key):
            problems.append((str(key), f"unknown key '{key}'"))
    if list_key not in data or not isinstance(data[list_key], list) or not data[list_key]:
        problems.append((list_key, f"a list of {list_key}"))
        return problems
    _reviewed_and_source(data, problems)
    seen = set()
    for index, item in enumerate(data[list_key]):
        where = f"{list_key}[{index}]"
        if not isinstance(item, dict):
            problems.append((list_key, f"{where}: expected a mapping"))
            continue
        unknown = set(item) - item_keys
        if unknown:
            problems.append((list_key, f"{where}: unknown keys {', '.join(sorted(map(str, unknown)))}"))
        for key in ("id", "name", "kana", "romaji"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                problems.append((list_key, f"{where}: {key} is required"))
        if isinstance(item.get("id"), str):
            if not SLUG.match(item["id"]):
                problems.append((list_key, f"{where}: id is lower-case ASCII words joined by -"))
            if item["id"] in seen:
                problems.append((list_key, f"{where}: id '{item['id']}' listed twice"))
            seen.add(item["id"])
        if kinds and item.get("kind") not in kinds:
            problems.append((list_key, f"{where}: kind is one of {', '.join(kinds)}"))
    return problems


# What the clerk chose


class InvalidFields(Exception):
    """Blanks missing or invalid: {blank name: problem code} (codes below, worded by the caller)."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        super().__init__(", ".join(f"{name}: {code}" for name, code in problems.items()))


# Problem codes: missing, unknown (not a blank of this template), time, date, datetime, intensity,
# areas (a town not in the list), too_many_areas, duplicate_areas, shelter, number.


def _clean_one(placeholder: Placeholder, value: Any, registry: TemplateRegistry) -> Any:
    """The value in its stored form (a string, a list of town ids or an int); raises ValueError(code)."""
    kind = placeholder.type
    if kind == "time":
        if not isinstance(value, str) or not _TIME.match(value):
            raise ValueError("time")
        return value
    if kind in ("date", "datetime"):
        if not isinstance(value, str):
            raise ValueError(kind)
        match = _DATETIME.match(value) if kind == "datetime" else _DATE.match(value)
        try:
            if not match:
                raise ValueError(kind)
            dt.date.fromisoformat(value[:10])
            if kind == "datetime" and not _TIME.match(value[11:]):
                raise ValueError(kind)
        except ValueError:
            raise ValueError(kind) from None
        return value
    if kind == "intensity":
        if str(value) not in INTENSITIES or not isinstance(value, (str, int)) or isinstance(value, bool):
            raise ValueError("intensity")
        return str(value)
    if kind == "areas":
        towns = [value] if isinstance(value, str) else value
        if not isinstance(towns, list) or not towns or not all(isinstance(t, str) and t in registry.towns for t in towns):
            raise ValueError("areas")
        if len(set(towns)) != len(towns):
            raise ValueError("duplicate_areas")
        if len(towns) > placeholder.max:
            raise ValueError("too_many_areas")
        return list(towns)
    if kind == "shelter":
        if not isinstance(value, str) or value not in registry.shelters:
            raise ValueError("shelter")
        return value
    # number: a whole number 0..99999, as an int or its digits
    digits = isinstance(value, str) and value.isdigit() and value.isascii()
    if isinstance(value, bool) or not (isinstance(value, int) or digits):
        raise ValueError("number")
    if not 0 <= int(value) <= NUMBER_MAX:
        raise ValueError("number")
    return int(value)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def clean_fields(template: NoticeTemplate, fields: Mapping[str, Any], registry: TemplateRegistry) -> dict[str, Any]:
    """Check every blank; return the values to store (empty optional blanks left out)."""
    if not isinstance(fields, Mapping):
        raise InvalidFields({"fields": "unknown"})
    problems: dict[str, str] = {}
    clean: dict[str, Any] = {}
    declared = {p.name for p in template.placeholders}
    for name in fields:
        if name not in declared:
            problems[str(name)] = "unknown"
    for placeholder in template.placeholders:
        value = fields.get(placeholder.name)
        if _is_empty(value):
            if placeholder.required:
                problems[placeholder.name] = "missing"
            continue
        try:
            clean[placeholder.name] = _clean_one(placeholder, value, registry)
        except ValueError as exc:
            problems[placeholder.name] = str(exc)
    if problems:
        raise InvalidFields(problems)
    return clean


# Filling a template


def _fill_pattern(pattern: str, values: Mapping[str, str]) -> str:
    return PATTERN_FIELD.sub(lambda m: values[m.group(1)], pattern)


def _time_fields(hhmm: str) -> dict[str, str]:
    hours, minutes = hhmm.split(":")
    return {"H": str(int(hours)), "HH": hours, "MM": minutes}


def _date_fields(iso: str, locale: str, vocabulary: Vocabulary) -> dict[str, str]:
    day = dt.date.fromisoformat(iso)
    months = vocabulary.months.get(locale, ())
    return {"D": str(day.day), "M": str(day.month), "W": vocabulary.weekdays[locale][day.weekday()],
            "Mon": months[day.month - 1] if months else str(day.month)}


def _place_fields(place: Place) -> dict[str, str]:
    return {"name": place.name, "kana": place.kana, "romaji": place.romaji}


def word_value(placeholder: Placeholder, value: Any, locale: str, registry: TemplateRegistry) -> str:
    """One clean value as a reader of `locale` reads it (vocabulary.yaml)."""
    vocabulary = registry.vocabulary
    patterns = vocabulary.patterns
    kind = placeholder.type
    if kind == "time":
        return _fill_pattern(patterns["time"][locale], _time_fields(value))
    if kind == "date":
        return _fill_pattern(patterns["date"][locale], _date_fields(value, locale, vocabulary))
    if kind == "datetime":
        return _fill_pattern(patterns["datetime"][locale],
                             {**_date_fields(value[:10], locale, vocabulary), **_time_fields(value[11:])})
    if kind == "intensity":
        return vocabulary.intensity[value][locale]
    if kind == "areas":
        return vocabulary.list_separator[locale].join(
            _fill_pattern(patterns["area"][locale], _place_fields(registry.towns[town])) for town in value)
    if kind == "shelter":
        return _fill_pattern(patterns["shelter"][locale], _place_fields(registry.shelters[value]))
    return _fill_pattern(patterns["number"][locale], {"n": str(value)})


def fill_text(text: str, worded: Mapping[str, str]) -> str:
    """Drop [[ ]] parts with an empty blank, unwrap the others, put the worded values in."""
    def part(match: re.Match[str]) -> str:
        inner = match.group(1)
        return inner if all(name in worded for name in BLANK.findall(inner)) else ""

    return BLANK.sub(lambda m: worded[m.group(1)], OPTIONAL_PART.sub(part, text))


@dataclass(frozen=True)
class FilledNotice:
    title: dict[str, str]
    body: dict[str, str]
    fields: dict[str, Any]  # the values as stored (clean_fields)


def render(template: NoticeTemplate, fields: Mapping[str, Any], registry: TemplateRegistry,
           locales: Iterable[str] = LOCALE_CODES) -> FilledNotice:
    """Title and body in every locale; a missing or invalid blank raises InvalidFields naming it."""
    clean = clean_fields(template, fields, registry)
    by_name = {p.name: p for p in template.placeholders}
    titles, bodies = {}, {}
    for code in locales:
        worded = {name: word_value(by_name[name], value, code, registry) for name, value in clean.items()}
        titles[code] = fill_text(template.title[code], worded)
        bodies[code] = fill_text(template.body[code], worded)
    return FilledNotice(titles, bodies, clean)


# The longest values, for the size rules


def longest_fields(template: NoticeTemplate, registry: TemplateRegistry, locale: str, towns: int | None = None) -> dict[str, Any]:
    """Every blank at its longest wording in `locale`; `areas` with `towns` towns (default: its max)."""
    fields: dict[str, Any] = {}
    for placeholder in template.placeholders:
        if placeholder.type == "areas":
            count = placeholder.max if towns is None else min(towns, placeholder.max)
            ranked = sorted(registry.towns, key=lambda t: -len(word_value(placeholder, [t], locale, registry)))
            fields[placeholder.name] = ranked[:count]
            continue
        candidates = list(sample_values(placeholder, registry))
        fields[placeholder.name] = max(candidates, key=lambda v: len(word_value(placeholder, v, locale, registry)))
    return fields


def size_problems(template: NoticeTemplate, registry: TemplateRegistry) -> Problems:
    """README "Size": titles and bodies filled with the longest values stay short enough in every locale."""
    problems: Problems = []
    for code in LOCALE_CODES:
        one_town = render(template, longest_fields(template, registry, code, towns=1), registry, (code,))
        longest = render(template, longest_fields(template, registry, code), registry, (code,))
        for key, text, limit, case in (("title", longest.title[code], TITLE_CHARS, "at the longest"),
                                       ("body", one_town.body[code], BODY_CHARS_ONE_TOWN, "with one town"),
                                       ("body", longest.body[code], BODY_CHARS_LONGEST, "at the longest")):
            if len(text) > limit:
                problems.append((f"{key}.{code}", f"{key}.{code}: {len(text)} characters {case}, over {limit}"))
    return problems


def sample_values(placeholder: Placeholder, registry: TemplateRegistry) -> Iterable[Any]:
    """Values covering every wording of a blank: each allowed value, each weekday and month."""
    kind = placeholder.type
    if kind == "time":
        return ["00:00", "03:05", "09:00", "12:30", "23:59"]
    if kind in ("date", "datetime"):
        days = [dt.date(2026, month, 28 if month == 2 else 30 - (month == 12)) for month in range(1, 13)]
        days += [dt.date(2026, 12, 21) + dt.timedelta(days=n) for n in range(7)]
        isos = [d.isoformat() for d in days]
        return isos if kind == "date" else [f"{iso}T23:59" for iso in isos] + ["2026-12-06T03:05"]
    if kind == "intensity":
        return list(INTENSITIES)
    if kind == "areas":
        ids = list(registry.towns)
        return [[town] for town in ids] + [ids[:placeholder.max]]
    if kind == "shelter":
        return list(registry.shelters)
    return [0, 7, NUMBER_MAX]
