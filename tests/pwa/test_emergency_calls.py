"""119 and 110 as large tap-to-call buttons with the official wording, wherever a resident may need them (issue 16)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from shinjuku_pwa.content.emergency_calls import EmergencyCallsInvalid, get_emergency_calls, parse_emergency_calls
from shinjuku_pwa.content.loader import ContentInvalid, load_content
from shinjuku_pwa.core.i18n import LOCALE_CODES
from tests.conftest import BUNDLED_CONTENT
from tests.content_factory import make_content

CALLS = yaml.safe_load((BUNDLED_CONTENT / "emergency" / "calls.yaml").read_text(encoding="utf-8"))
DISASTER_PAGES = sorted(p.parent.name for p in (BUNDLED_CONTENT / "pages").glob("*/ja.md")
                        if re.search(r"^category: disaster$", p.read_text(encoding="utf-8"), re.M))


def _when(call_id: str, lang: str) -> str:
    return next(c for c in CALLS["calls"] if c["id"] == call_id)["when"][lang]


def _assert_call_buttons(html: str, lang: str) -> None:
    assert 'class="emergency-calls"' in html
    for number, call_id in (("119", "fire-ambulance"), ("110", "police")):
        assert re.search(rf'<a class="call-button urgent" href="tel:{number}"', html), number
        # the official wording on when to call, in the reader's language (furigana may split the text)
        plain = re.sub(r"<rt>.*?</rt>|<[^>]+>", "", html)
        assert _when(call_id, lang)[:12] in plain
    assert 'href="tel:%237119"' in html


def test_the_bundled_calls_file_is_valid_and_starts_with_119_and_110():
    _, calls = parse_emergency_calls((BUNDLED_CONTENT / "emergency" / "calls.yaml").read_text(encoding="utf-8"))
    assert [c.number for c in calls][:2] == ["119", "110"]
    assert all(set(c.label) == set(LOCALE_CODES) and set(c.when) == set(LOCALE_CODES) for c in calls)


def test_a_translation_that_drops_the_number_is_refused():
    text = (BUNDLED_CONTENT / "emergency" / "calls.yaml").read_text(encoding="utf-8")
    broken = text.replace("dial 119 (no area code", "dial the fire service (no area code")
    with pytest.raises(EmergencyCallsInvalid, match="en does not give 119"):
        parse_emergency_calls(broken)


def test_a_call_missing_a_locale_is_refused():
    data = yaml.safe_load((BUNDLED_CONTENT / "emergency" / "calls.yaml").read_text(encoding="utf-8"))
    del data["calls"][1]["when"]["my"]
    with pytest.raises(EmergencyCallsInvalid, match="missing locales: my"):
        parse_emergency_calls(yaml.safe_dump(data, allow_unicode=True))


def test_a_missing_calls_file_gives_no_buttons_rather_than_an_error(tmp_path: Path):
    assert get_emergency_calls(tmp_path) == ()


def test_there_are_disaster_pages_to_check():
    assert {"evacuation-sites", "earthquake-safety", "disaster-supplies", "disaster-information"} <= set(DISASTER_PAGES)


@pytest.mark.parametrize("lang", LOCALE_CODES)
def test_the_emergency_hub_has_the_call_buttons_in_every_locale(client, lang):
    response = client.get(f"/{lang}/emergency")
    assert response.status_code == 200
    _assert_call_buttons(response.get_data(as_text=True), lang)


@pytest.mark.parametrize("lang", LOCALE_CODES)
def test_the_offline_page_has_the_call_buttons_and_links_to_the_hub_in_every_locale(client, lang):
    html = client.get(f"/{lang}/offline").get_data(as_text=True)
    _assert_call_buttons(html, lang)
    assert f'href="/{lang}/emergency"' in html


@pytest.mark.parametrize("lang", LOCALE_CODES)
@pytest.mark.parametrize("slug", DISASTER_PAGES)
def test_every_disaster_page_has_the_call_buttons_in_every_locale(client, lang, slug):
    _assert_call_buttons(client.get(f"/{lang}/pages/{slug}").get_data(as_text=True), lang)


def test_other_pages_have_no_call_buttons(client):
    assert 'class="emergency-calls"' not in client.get("/en/pages/moving-in").get_data(as_text=True)


def test_the_service_worker_precaches_the_emergency_hub_in_every_locale(client):
    body = client.get("/sw.js").get_data(as_text=True)
    hubs = re.search(r"const HUBS = (\{.*?\});", body).group(1)
    for lang in LOCALE_CODES:
        assert f'"{lang}": "/{lang}/emergency"' in hubs


def test_the_content_import_refuses_a_broken_calls_file(tmp_path: Path):
    root = make_content(tmp_path / "content")
    (root / "emergency").mkdir(exist_ok=True)
    (root / "emergency" / "calls.yaml").write_text("reviewed: 2026-12-06\ncalls: []\n", encoding="utf-8")
    with pytest.raises(ContentInvalid, match="emergency/calls.yaml:1"):
        load_content(root)
