"""Builds small content/ trees for tests: plain functions, each test says what it needs."""
from __future__ import annotations

from pathlib import Path

import yaml

from shinjuku_pwa.core.i18n import LOCALE_CODES

CATEGORIES = [
    {"id": "moving", "icon": "moving", "name": {code: f"Moving ({code})" for code in LOCALE_CODES}},
    {"id": "garbage", "icon": "garbage", "name": {code: f"Garbage ({code})" for code in LOCALE_CODES}},
]
DEPARTMENT = {
    "name": {"ja": "戸籍住民課", "en": "Family Register and Resident Records Section"},
    "phone": "03-0000-0000",
    "source": "https://www.city.shinjuku.lg.jp/",
    "reviewed": "2026-11-26",
}


def front_matter(**overrides) -> dict:
    meta = {
        "title": "転入届",
        "summary": "引っ越してきたら14日以内に届け出ます。",
        "category": "moving",
        "department": "family-register-resident",
        "reviewed": "2026-11-26",
        "source": "https://www.city.shinjuku.lg.jp/",
        "translation": "original",
        "tags": ["転入"],
        "related": [],
    }
    meta.update(overrides)
    return {k: v for k, v in meta.items() if v is not None}


def page_text(meta: dict, body: str = "## 届出\n\n本文です。\n") -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n" + body


def write_page(root: Path, slug: str, locale: str, body: str = "## 届出\n\n本文です。\n", **overrides) -> Path:
    path = root / "pages" / slug / f"{locale}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page_text(front_matter(**overrides), body), encoding="utf-8")
    return path


def make_content(root: Path, pages: dict[str, tuple[str, ...]] | None = None) -> Path:
    """A valid tree: two categories, one department, and pages {slug: locales}."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "categories.yaml").write_text(yaml.safe_dump(CATEGORIES, allow_unicode=True), encoding="utf-8")
    (root / "departments").mkdir(exist_ok=True)
    (root / "departments" / "family-register-resident.yaml").write_text(
        yaml.safe_dump(DEPARTMENT, allow_unicode=True), encoding="utf-8"
    )
    for slug, locales in (pages or {"moving-in": ("ja", "ja-easy", "en")}).items():
        for locale in locales:
            write_page(root, slug, locale, title=f"{slug} {locale}", summary=f"Summary of {slug} in {locale}")
    return root
