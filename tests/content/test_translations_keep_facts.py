"""The content check of issue 16: every translation of a page keeps its Japanese original's numbers,
phone numbers and URLs; every disaster page in every locale has the 119 and 110 links; no English
sentence inside a page in another language, except names."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import BUNDLED_CONTENT

PAGES = BUNDLED_CONTENT / "pages"
PHONE = re.compile(r"(?<![\d-])(?:0\d{1,4}-\d{1,4}-\d{3,4}|\d{4}-\d{4}|#\d{4})(?![\d-])")
URL = re.compile(r"https?://[^\s)\]>\"'」）]+")
NUMBER = re.compile(r"\d+")
# Front matter that differs by language on purpose: each locale links the official page in its own language.
PER_LOCALE_KEYS = re.compile(r"^(?:tags|translation|reviewed|related|category|department|source):.*$", re.M)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
# The ward's foreign-resident site and the My Number site serve one page per language under these paths.
LANGUAGE_PATHS = re.compile(r"(foreign\.city\.shinjuku\.lg\.jp)/[a-z]{2}/|(kojinbango-card\.go\.jp)/[a-z]{2}/")
# English words a page in another language may keep: what the phone's own menus say.
ENGLISH_NAMES = ("Add to Home screen", "Add to Home Screen")
ENGLISH_SENTENCE = re.compile(r"\b[A-Za-z][a-z']+(?:[ ,]+[A-Za-z][a-z']+){3,}")

# Translations known to differ from the Japanese in a number, as strict xfails (a fixed page fails here, so
# its line must go). None today: fix the page (figures in digits, era years as in the Japanese) rather than list it.
KNOWN_GAPS: dict[tuple[str, str], str] = {}


def _normalised(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = "".join(str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text)  # १४, ၁၄
    text = PER_LOCALE_KEYS.sub("", text)
    text = re.sub(r"(\d),(\d{3})", r"\1\2", text)  # 180,000
    text = re.sub(r"(\d+) ?(?:万|萬|만|まん)", lambda m: str(int(m.group(1)) * 10000), text)  # 18万 = 180000
    text = LANGUAGE_PATHS.sub(lambda m: (m.group(1) or m.group(2)) + "/", text)
    for number, month in enumerate(MONTHS, start=1):
        text = re.sub(rf"\b{month}\b", str(number), text)
    return text


def facts(text: str) -> dict[str, set[str]]:
    text = _normalised(text)
    urls = {u.rstrip(".,;:") for u in URL.findall(text)}
    rest = URL.sub(" ", text)
    rest = re.sub(r"\(tel:[^)]*\)", " ", rest)
    phones = set(PHONE.findall(rest))
    return {"urls": urls, "phones": phones, "numbers": set(NUMBER.findall(PHONE.sub(" ", rest)))}


def _translations() -> list[tuple[str, str]]:
    return [(folder.name, path.stem) for folder in sorted(PAGES.iterdir()) for path in sorted(folder.glob("*.md"))
            if path.stem != "ja"]


def _disaster_pages() -> list[Path]:
    return [path for path in sorted(PAGES.glob("*/*.md"))
            if re.search(r"^category: disaster$", (path.parent / "ja.md").read_text(encoding="utf-8"), re.M)]


@pytest.mark.parametrize(("slug", "locale"), [
    pytest.param(slug, locale, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[(slug, locale)]))
    if (slug, locale) in KNOWN_GAPS else (slug, locale)
    for slug, locale in _translations()
])
def test_a_translation_keeps_the_numbers_phones_and_urls_of_its_japanese_original(slug, locale):
    original = facts((PAGES / slug / "ja.md").read_text(encoding="utf-8"))
    translated = facts((PAGES / slug / f"{locale}.md").read_text(encoding="utf-8"))
    if locale == "ja-easy":  # a rewrite in plain words: it may leave a figure out, never change one
        assert translated["phones"] <= original["phones"] and translated["urls"] <= original["urls"]
        assert translated["numbers"] <= original["numbers"]
    else:
        assert translated == original


@pytest.mark.parametrize("path", _disaster_pages(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_disaster_page_in_every_locale_links_119_and_110(path):
    text = path.read_text(encoding="utf-8")
    assert "(tel:119)" in text and "(tel:110)" in text


def test_there_are_four_disaster_pages_in_nine_locales():
    assert len(_disaster_pages()) == 4 * 9


@pytest.mark.parametrize(("slug", "locale"), [(s, loc) for s, loc in _translations() if loc not in ("en", "vi")])
def test_no_english_sentence_inside_a_page_in_another_language(slug, locale):
    text = (PAGES / slug / f"{locale}.md").read_text(encoding="utf-8")
    text = re.sub(r"https?://\S+", "", text)
    text = re.sub(r"^(?:source|tags):.*$", "", text, flags=re.M)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    for name in ENGLISH_NAMES:
        text = text.replace(name, "")
    assert ENGLISH_SENTENCE.findall(text) == []


def _shape(text: str) -> dict[str, int]:
    body = text.split("\n---\n", 1)[1]
    return {"sections": len(re.findall(r"^## ", body, re.M)), "subheads": len(re.findall(r"^\*\*", body, re.M)),
            "list items": len(re.findall(r"^ *- ", body, re.M)), "table rows": len(re.findall(r"^\|", body, re.M))}


@pytest.mark.parametrize("path", [p for p in _disaster_pages() if p.stem != "ja"], ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_disaster_page_says_what_its_japanese_says_no_more_and_no_less(path):
    """Issue 16: a translation of a disaster page has the sections, sub-headings, list items and table rows of
    its Japanese original (easy Japanese, a rewrite in short sentences, its sections and sub-headings)."""
    original = _shape((path.parent / "ja.md").read_text(encoding="utf-8"))
    shape = _shape(path.read_text(encoding="utf-8"))
    if path.stem == "ja-easy":
        assert (shape["sections"], shape["subheads"]) == (original["sections"], original["subheads"])
    else:
        assert shape == original


@pytest.mark.parametrize(("locale", "inside"), [("ja", "ドアの内側"), ("ja-easy", "ドアの うちがわ"), ("en", "inside of the door")])
@pytest.mark.parametrize("slug", ["evacuation-sites", "earthquake-safety"])
def test_the_note_left_when_evacuating_goes_inside_the_home_as_tokyo_advises(slug, locale, inside):
    """Issue 16: the Tokyo disaster book says 室内等 (inside), not on the outside of the door."""
    assert inside in (PAGES / slug / f"{locale}.md").read_text(encoding="utf-8")
