"""Issue 16: a department's free-text location (address, building, floor, hours) is read in every locale,
keeps the figures of its Japanese original, and says which texts are machine translations."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from marshmallow import ValidationError

from shinjuku_pwa.content.schemas import DepartmentSchema
from shinjuku_pwa.core.i18n import LOCALE_CODES
from tests.conftest import BUNDLED_CONTENT
from tests.content.test_translations_keep_facts import facts

DEPARTMENTS = sorted((BUNDLED_CONTENT / "departments").glob("*.yaml"))


def _read(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


WITH_LOCATION = [path for path in DEPARTMENTS if _read(path).get("location")]


def test_some_departments_give_their_location_as_text():
    assert len(WITH_LOCATION) >= 5


@pytest.mark.parametrize("path", WITH_LOCATION, ids=lambda p: p.stem)
def test_every_department_location_is_written_in_all_nine_locales(path):
    location = _read(path)["location"]
    assert [code for code in LOCALE_CODES if not location.get(code)] == []


@pytest.mark.parametrize("path", WITH_LOCATION, ids=lambda p: p.stem)
def test_a_department_location_keeps_the_numbers_phones_and_urls_of_its_japanese(path):
    location = _read(path)["location"]
    original = facts(location["ja"])
    for code, text in location.items():
        translated = facts(text)
        if code == "ja-easy":  # plain words: it may leave a figure out, never change one
            assert all(translated[kind] <= original[kind] for kind in original), code
        else:
            assert translated == original, code


@pytest.mark.parametrize("path", WITH_LOCATION, ids=lambda p: p.stem)
def test_a_translated_location_is_marked_as_a_machine_translation(path):
    data = _read(path)
    translated = set(data["location"]) - {"ja", "en"}
    assert translated <= set(data.get("machine_translated", []))


def test_machine_translated_must_name_locales_that_have_a_location_text():
    base = {"name": {"ja": "課", "en": "Section"}, "source": "https://www.city.shinjuku.lg.jp/", "reviewed": "2026-12-06"}
    loaded = DepartmentSchema().load({**base, "location": {"ja": "本庁舎1階", "ko": "본청사 1층"},
                                      "machine_translated": ["ko"]})
    assert loaded["location_machine_translated"] == ["ko"]  # pages tell readers
    with pytest.raises(ValidationError, match="without a location text: vi"):
        DepartmentSchema().load({**base, "location": {"ja": "本庁舎1階"}, "machine_translated": ["vi"]})
