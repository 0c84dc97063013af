"""The content we ship: complete, sourced, and in the languages residents need most."""
from __future__ import annotations

from urllib.parse import urlparse

from shinjuku_pwa.content.loader import load_content
from shinjuku_pwa.core.i18n import LOCALE_CODES
from tests.conftest import BUNDLED_CONTENT

# The ward's sites, national and Tokyo government sites, and mykoho.jp, where the ward
# publishes its official newsletter 広報新宿 (each such page cites the issue).
OFFICIAL_HOSTS = ("city.shinjuku.lg.jp", "go.jp", "metro.tokyo.lg.jp", "mykoho.jp")
NEWCOMER_PAGES = [
    "moving-in", "residence-card", "national-health-insurance", "national-pension", "garbage-sorting",
    "oversized-garbage", "evacuation-sites", "disaster-information", "multilingual-consultation", "branch-offices",
]
REQUIRED_TOPICS = [
    "moving-in", "moving-out", "moving-within", "resident-certificate", "convenience-store-certificates",
    "my-number-card", "seal-registration", "birth-registration", "marriage-registration", "death-registration",
    "national-health-insurance", "national-pension", "long-term-care-insurance", "late-stage-elderly-medical-care",
    "pregnancy-maternal-child-handbook", "child-allowance", "child-medical-subsidy", "nursery-school-admission",
    "after-school-clubs", "school-entry", "garbage-sorting", "burnable-garbage", "metal-ceramic-glass-garbage",
    "recyclables", "oversized-garbage", "collection-day", "evacuation-sites", "disaster-information",
    "disaster-supplies", "residence-tax", "residence-card", "multilingual-consultation", "japanese-classes",
    "health-checkups", "vaccinations", "city-office", "branch-offices", "online-services", "install-this-app",
]


def test_the_bundled_content_imports_without_errors():
    bundle = load_content(BUNDLED_CONTENT)
    assert len(bundle.pages) >= 45


def test_every_required_topic_has_a_page():
    bundle = load_content(BUNDLED_CONTENT)
    assert [slug for slug in REQUIRED_TOPICS if slug not in bundle.pages] == []


def test_every_page_is_in_japanese_easy_japanese_and_english():
    bundle = load_content(BUNDLED_CONTENT)
    missing = {slug: sorted({"ja", "ja-easy", "en"} - set(files)) for slug, files in bundle.pages.items()}
    assert {slug: locales for slug, locales in missing.items() if locales} == {}


def test_the_pages_newcomers_need_most_are_in_all_nine_languages():
    bundle = load_content(BUNDLED_CONTENT)
    missing = {slug: sorted(set(LOCALE_CODES) - set(bundle.pages.get(slug, {}))) for slug in NEWCOMER_PAGES}
    assert {slug: locales for slug, locales in missing.items() if locales} == {}


def test_every_page_is_in_all_nine_languages():
    """Issue 16: all pages in all nine locales, not only the newcomers' ones."""
    bundle = load_content(BUNDLED_CONTENT)
    missing = {slug: sorted(set(LOCALE_CODES) - set(files)) for slug, files in bundle.pages.items()}
    assert len(bundle.pages) >= 49
    assert {slug: locales for slug, locales in missing.items() if locales} == {}


def test_every_page_rests_on_an_official_source_and_machine_translations_are_marked():
    bundle = load_content(BUNDLED_CONTENT)
    for files in bundle.pages.values():
        for locale, page in files.items():
            host = urlparse(page.meta["source"]).hostname or ""
            assert host.endswith(OFFICIAL_HOSTS), f"{page.path}: source {page.meta['source']}"
            if locale not in ("ja", "ja-easy", "en"):
                assert page.meta["translation"] in ("machine", "human"), page.path
