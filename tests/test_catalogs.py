"""Every string a resident can see is in every language's catalog, translated.

The catalogs are compared with what Babel extracts from the code and templates right now (as
`make translations` does), so a new string that nobody translated fails here, not on a
resident's screen in English.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from shinjuku_pwa.composition.coverage import extracted_msgids
from shinjuku_pwa.core.config import PROJECT_ROOT

# Folders (under translations/) of the catalogs residents read; English is the source language.
RESIDENT_CATALOGS = ("ja", "ja_EASY", "zh_Hans", "zh_Hant", "ko", "vi", "ne", "my")


def resident_msgids() -> set[str]:
    """Every msgid extracted from a file a resident's request can render (staff-only code is
    composition.coverage.STAFF_ONLY, the rule `content coverage` counts by too)."""
    return set(extracted_msgids()[0])


def translated(folder: str) -> set[str]:
    with (Path(PROJECT_ROOT) / "translations" / folder / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle)
                if m.id and (m.string if isinstance(m.string, str) else all(m.string))}


@pytest.fixture(scope="module")
def wanted() -> set[str]:
    return resident_msgids()


def test_the_extraction_finds_the_strings_residents_see(wanted):
    assert {"Guides that help", "Search", "This field is required."} <= wanted


@pytest.mark.parametrize("folder", RESIDENT_CATALOGS)
def test_every_string_a_resident_sees_is_translated(wanted, folder):
    assert sorted(wanted - translated(folder)) == []
