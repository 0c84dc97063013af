"""Reading (issue 18): reader settings and languages in the header, notice times without seconds,
one app name everywhere, related pages in another language marked as such."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml
from marshmallow import ValidationError

from shinjuku_pwa.composition.content_import import import_content
from shinjuku_pwa.content.schemas import DepartmentSchema
from shinjuku_pwa.core.i18n import LOCALE_CODES, reader_datetime
from tests.content_factory import DEPARTMENT, make_content, write_page

PAGES = ["/", "/pages/evacuation-sites", "/emergency", "/offline", "/life-events/moving-in", "/notices", "/settings"]
NINE_AM_TOKYO = dt.datetime(2026, 4, 1, 0, 0, tzinfo=dt.UTC)


def _header(html: str) -> str:
    return re.search(r'<header class="site-header">.*?</header>', html, re.S).group(0)


@pytest.mark.parametrize("lang", ["ne", "my", "ja-easy", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_the_header_has_the_reader_settings_and_the_language_switch_on_every_page(client, lang, path):
    header = _header(client.get(f"/{lang}{path}").get_data(as_text=True))
    assert f'class="reader-link" href="/{lang}/settings' in header
    assert 'class="lang-switch"' in header


def test_the_header_settings_link_comes_back_to_the_page(client):
    header = _header(client.get("/ne/pages/evacuation-sites").get_data(as_text=True))
    assert 'href="/ne/settings?next=/ne/pages/evacuation-sites"' in header


@pytest.mark.parametrize(("lang", "expected"), [
    ("ja", "2026年4月1日 9:00"),
    ("ja-easy", "2026ねん 4がつ 1にち 9:00"),
    ("en", "April 1, 2026, 9:00\u202fAM"),
    ("ne", "2026 अप्रिल 1, 09:00"),
])
def test_notice_times_read_as_residents_write_them_without_seconds(content_app, lang, expected):
    with content_app.test_request_context(f"/{lang}/notices"):
        content_app.preprocess_request()
        shown = reader_datetime(NINE_AM_TOKYO)
    assert shown.replace("\u202f", " ") == expected.replace("\u202f", " ")


@pytest.mark.parametrize("lang", LOCALE_CODES)
def test_no_locale_shows_seconds_in_a_notice_time(content_app, lang):
    with content_app.test_request_context(f"/{lang}/notices"):
        content_app.preprocess_request()
        shown = reader_datetime(NINE_AM_TOKYO)
    assert "9:00" in shown or "09:00" in shown
    assert not re.search(r"\d:\d\d:\d\d", shown)


@pytest.mark.parametrize("lang", LOCALE_CODES)
def test_the_app_has_one_name_in_the_manifest_and_the_title(client, lang):
    manifest = client.get(f"/{lang}/manifest.webmanifest").get_json()
    assert manifest["short_name"] == manifest["name"]
    title = re.search(r"<title>(.*?)</title>", client.get(f"/{lang}/").get_data(as_text=True)).group(1)
    assert title.endswith(" | " + manifest["name"])


def test_japanese_and_easy_japanese_call_the_app_the_same(client):
    assert client.get("/ja/manifest.webmanifest").get_json()["name"] == client.get("/ja-easy/manifest.webmanifest").get_json()["name"]


def test_a_related_page_shown_in_japanese_says_so_and_is_marked_lang_ja(make_app, tmp_path):
    root = make_content(tmp_path / "content", {"moving-in": ("ja", "ja-easy", "en", "ne"), "moving-out": ("ja",)})
    for locale in ("ja", "ja-easy", "en", "ne"):
        write_page(root, "moving-in", locale, title=f"moving-in {locale}", summary="…", related=["moving-out"])
    app = make_app(content_dir=root)
    with app.app_context():
        import_content(root)
    html = app.test_client().get("/ne/pages/moving-in").get_data(as_text=True)
    related = re.search(r'<section aria-labelledby="related-heading">.*?</section>', html, re.S).group(0)
    assert 'href="/ne/pages/moving-out" lang="ja">' in related
    assert "(जापानी" in related or "(日本語" in related


def test_the_emergency_hub_marks_pages_shown_in_another_language(client):
    html = client.get("/ne/emergency").get_data(as_text=True)
    for link in re.findall(r'<li class="card"><a href="[^"]+"( lang="[^"]+")?>', html):
        assert link in ("", ' lang="ja"')


@pytest.mark.parametrize("lang", ["ne", "my", "vi", "ko"])
def test_addresses_floors_and_hours_never_show_english_inside_another_language(client, lang):
    procedure = client.get(f"/{lang}/procedures/moving-in-notification").get_data(as_text=True)
    assert "Kabuki-cho" not in procedure and "Weekdays" not in procedure
    assert re.search(r'<span class="address" lang="ja">[^<]*(<ruby>)?[^<]*歌舞伎町', procedure) or "歌舞伎町" in procedure
    page = client.get(f"/{lang}/pages/national-health-insurance").get_data(as_text=True)
    contact = re.search(r'<aside class="contact".*?</aside>', page, re.S).group(0)
    assert "floor" not in contact and "Main Building" not in contact


def test_english_readers_still_get_the_english_address(client):
    assert "Kabuki-cho" in client.get("/en/procedures/moving-in-notification").get_data(as_text=True)


@pytest.mark.parametrize(("lang", "expected"), [
    ("ja", "区役所本庁舎4階"),
    ("ja-easy", "くやくしょ ほんちょうしゃ 4かい"),
    ("ne", "वडा कार्यालय मुख्य भवन, 4 तल्ला"),
    ("my", "ရပ်ကွက်ရုံး ပင်မအဆောက်အဦ၊ 4 ထပ်"),
    ("en", "City Office Main Building, floor 4"),
])
def test_a_sections_building_and_floor_are_worded_in_the_readers_language(client, lang, expected):
    html = client.get(f"/{lang}/pages/national-health-insurance").get_data(as_text=True)
    contact = re.search(r'<aside class="contact".*?</aside>', html, re.S).group(0)
    assert expected in re.sub(r"<rt>.*?</rt>|</?ruby>", "", contact)


def test_a_desk_name_not_translated_is_kept_in_japanese_with_lang_ja(client):
    html = client.get("/ne/pages/nursery-school-admission").get_data(as_text=True)
    contact = re.search(r'<aside class="contact".*?</aside>', html, re.S).group(0)
    assert "वडा कार्यालय मुख्य भवन, 2 तल्ला" in contact and '<span lang="ja">入園・認定係</span>' in contact


def test_a_department_gives_either_a_place_or_a_free_text_location():
    base = {"name": {"ja": "税務課", "en": "Tax"}, "source": "https://www.city.shinjuku.lg.jp/", "reviewed": "2026-12-06"}
    assert DepartmentSchema().load({**base, "place": {"building": "main-office", "floor": 6}})["location"] == {
        "place": {"building": "main-office", "floor": 6, "desk": None}}
    with pytest.raises(ValidationError):
        DepartmentSchema().load({**base, "place": {"building": "main-office", "floor": 6}, "location": {"ja": "本庁舎"}})
    with pytest.raises(ValidationError):
        DepartmentSchema().load({**base, "place": {"building": "town-hall", "floor": 6}})


def test_a_machine_translated_section_location_says_so_in_the_readers_language(make_app, tmp_path):
    root = make_content(tmp_path / "content")
    department = {**DEPARTMENT, "location": {"ja": "本庁舎1階", "en": "Main building, 1st floor", "ko": "본청사 1층"},
                  "machine_translated": ["ko"]}
    (root / "departments" / "family-register-resident.yaml").write_text(yaml.safe_dump(department, allow_unicode=True),
                                                                       encoding="utf-8")
    app = make_app(content_dir=root)
    with app.app_context():
        import_content(root)
    client = app.test_client()

    def contact(lang: str) -> str:
        html = client.get(f"/{lang}/pages/moving-in").get_data(as_text=True)
        return re.search(r'<aside class="contact".*?</aside>', html, re.S).group(0)

    assert '<p><span>본청사 1층</span> <span class="note">(기계 번역)</span></p>' in contact("ko")
    assert "本庁舎1階" in contact("ja") and 'class="note"' not in contact("ja")
    assert "Main building, 1st floor" in contact("en") and 'class="note"' not in contact("en")
    # A reader whose language has no text reads the Japanese original, marked as Japanese, no note.
    assert '<p><span lang="ja">本庁舎1階</span></p>' in contact("vi")


def test_a_counter_keeps_its_japanese_name_beside_the_translation_marked_lang_ja(client):
    html = client.get("/ne/procedures/moving-in-notification").get_data(as_text=True)
    assert '<span lang="ja">（新宿区役所 本庁舎）</span>' in html
    assert '<span lang="ja">（新宿区役所 本庁舎）' not in client.get("/ja/procedures/moving-in-notification").get_data(as_text=True)


@pytest.mark.parametrize(("lang", "slug", "expected"), [
    ("ne", "moving-in", 'सिन्जुकु वडा कार्यालय मुख्य भवन, 1 तल्ला (<span lang="ja">住民記録係</span>'),
    ("my", "oversized-garbage", "2-1-1 Shimo-Ochiai, Shinjuku-ku (ရုံးချိန်"),
    ("vi", "health-checkups", "tầng 4 tòa nhà Shinjuku Hokusei, 5-18-14 Shinjuku"),
])
def test_a_sections_address_written_as_text_is_read_in_the_readers_language(client, lang, slug, expected):
    html = client.get(f"/{lang}/pages/{slug}").get_data(as_text=True)
    contact = re.search(r'<aside class="contact".*?</aside>', html, re.S).group(0)
    assert expected in contact
    assert '<p><span lang="ja">' not in contact  # no longer the Japanese fallback


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "ko", "vi", "ne", "my"])
@pytest.mark.parametrize("path", ["pages/evacuation-sites", "garbage"])
def test_a_datasets_attribution_is_worded_in_the_readers_language_with_its_japanese_title(client, lang, path):
    html = client.get(f"/{lang}/{path}").get_data(as_text=True)
    assert "Based on" not in html and "designated emergency evacuation sites" not in html
    assert '<span lang="ja">「新宿区の' in html and "CC BY 4.0" in html


def test_english_readers_keep_the_english_attribution(client):
    assert "Based on &#34;新宿区の指定緊急避難場所一覧&#34;" in client.get("/en/pages/evacuation-sites").get_data(as_text=True)
