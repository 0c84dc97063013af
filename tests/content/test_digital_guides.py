"""The digital-skills guides: in every language, sourced, and reachable from the pages they help with."""
from __future__ import annotations

import pytest

from shinjuku_pwa.content.loader import load_content
from shinjuku_pwa.core.i18n import LOCALE_CODES
from tests.conftest import BUNDLED_CONTENT

GUIDES = ["install-this-app", "guide-notifications", "guide-my-number-online", "guide-e-applications", "guide-scam-messages"]
# Existing pages and the guide each links to through `related`.
LINKED_FROM = {
    "my-number-card": "guide-my-number-online",
    "convenience-store-certificates": "guide-my-number-online",
    "online-services": "guide-e-applications",
    "moving-out": "guide-e-applications",
    "child-allowance": "guide-e-applications",
    "disaster-information": "guide-notifications",
    "multilingual-consultation": "guide-scam-messages",
}


@pytest.fixture(scope="module")
def bundle():
    return load_content(BUNDLED_CONTENT)


@pytest.mark.parametrize("slug", GUIDES)
def test_every_guide_is_in_all_nine_languages_in_the_digital_topic(bundle, slug):
    files = bundle.pages[slug]
    assert sorted(files) == sorted(LOCALE_CODES)
    assert {f.meta["category"] for f in files.values()} == {"digital"}
    assert {f.meta["department"] for f in files.values()} == {"information-policy"}
    assert {f.meta["translation"] for code, f in files.items() if code not in ("ja", "ja-easy", "en")} == {"machine"}


@pytest.mark.parametrize(("page", "guide"), LINKED_FROM.items())
def test_the_pages_a_guide_helps_with_link_to_it(bundle, page, guide):
    assert guide in bundle.pages[page]["ja"].meta["related"]


def test_the_scam_guide_says_what_the_ward_never_asks_for(bundle):
    body = bundle.pages["guide-scam-messages"]["en"].body_html
    assert "never ask for your account number or PIN" in body and "03-3209-1111" in body
