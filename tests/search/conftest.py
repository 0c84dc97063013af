"""Search test apps: a small content tree with an index, built once per module."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from shinjuku_pwa.composition.content_import import import_content
from shinjuku_pwa.search.service import refresh_index
from tests.conftest import AppFactory
from tests.content_factory import make_content, write_page

# slug -> category, {locale: (title, summary, body, tags)}
SEARCH_PAGES = {
    "oversized-garbage": ("garbage", {
        "ja": ("粗大ごみの出し方", "大きな家具は粗大ごみとして出します。", "## 申込み\n\n粗大ゴミは事前に申し込みます。", ["粗大ごみ"]),
        "ja-easy": ("そだい ごみ", "おおきい ごみの だしかた", "## だしかた\n\nもうしこみを します。", ["そだいごみ"]),
        "en": ("Oversized garbage", "Large furniture is oversized garbage.", "## Apply\n\nApply before you put it out.", ["bulky waste"]),
        "ko": ("대형 쓰레기", "큰 가구는 대형 쓰레기입니다.", "## 신청\n\n미리 신청합니다.", ["대형 쓰레기"]),
    }),
    "moving-in": ("moving", {
        "ja": ("転入届", "引っ越してきたら14日以内に届け出ます。", "## 届出\n\n住民票が作られます。", ["転入", "引越し"]),
        "ja-easy": ("ひっこして きたとき", "14日までに とどけを だします。", "## とどけ\n\nくやくしょで だします。", ["ひっこし"]),
        "en": ("Moving in", "Register within 14 days of moving in.", "## Notification\n\nRegistering creates your residence record.", ["moving in"]),
        "ko": ("전입신고", "이사 온 날부터 14일 이내에 신고합니다.", "## 신고\n\n구청에서 신고합니다.", ["전입신고", "이사"]),
        "ne": ("बसाइँ सराइ आगमन सूचना", "शिन्जुकुमा सरेर आएको १४ दिनभित्र सूचना दिनुहोस्।", "## सूचना\n\nवडा कार्यालयमा जानुहोस्।", ["बसाइँ सराइ"]),
        "my": ("ပြောင်းရွှေ့ဝင်ရောက်ခြင်း", "ရက် ၁၄ ရက်အတွင်း အကြောင်းကြားပါ။", "## အကြောင်းကြားစာ\n\nရပ်ကွက်ရုံးသို့ သွားပါ။", ["အိမ်ပြောင်း"]),
    }),
    "residence-tax": ("moving", {
        "ja": ("住民税", "住民税は1月1日の住所で決まります。", "## 納付\n\n特別区民税と都民税を納めます。", []),
        "ja-easy": ("じゅうみんぜい", "ぜいきんの はなし", "## はらいかた\n\nのうふしょで はらいます。", []),
        "en": ("Resident tax", "Resident tax depends on your address on January 1.", "## Paying\n\nPay with the payment slip.", []),
    }),
    # Two pages for ranking: the same words, once next to each other, once apart; and once
    # in a title, once in a body.
    "farm-adjacent": ("garbage", {
        "ja": ("区の農園", "区の施設の案内です。", "## 案内\n\n区民農園の利用は抽選です。ほかの施設もあります。", []),
        "ja-easy": ("のうえん", "のうえんの はなし", "## あんない\n\nちゅうせんです。", []),
        "en": ("Farm plots", "About the farm plots.", "## About\n\nPlots are given by lottery.", []),
    }),
    "farm-apart": ("garbage", {
        "ja": ("区の施設", "区の施設の案内です。", "## 案内\n\n区民の声を聞いて、新しい農園をつくりました。", []),
        "ja-easy": ("しせつ", "しせつの はなし", "## あんない\n\nあたらしい しせつです。", []),
        "en": ("City facilities", "About city facilities.", "## About\n\nWe opened a new facility.", []),
    }),
    "sunflower-title": ("garbage", {
        "ja": ("ひまわり畑", "夏の花の案内です。", "## 場所\n\n公園にあります。", []),
        "ja-easy": ("はな", "なつの はな", "## ばしょ\n\nこうえん", []),
        "en": ("Sunflower field", "Summer flowers.", "## Where\n\nIn the park.", []),
    }),
    "sunflower-body": ("garbage", {
        "ja": ("夏の公園", "夏の公園の案内です。", "## 花\n\n公園にはひまわりが咲きます。", []),
        "ja-easy": ("こうえん", "なつの こうえん", "## はな\n\nはなが さきます。", []),
        "en": ("Summer parks", "Parks in summer.", "## Flowers\n\nFlowers bloom in the park.", []),
    }),
}
# Many pages with one shared word, for pagination.
LANTERN_PAGES = 13


def write_search_content(root: Path) -> Path:
    make_content(root, pages={})
    for slug, (category, texts) in SEARCH_PAGES.items():
        for locale, (title, summary, body, tags) in texts.items():
            write_page(root, slug, locale, body=body, title=title, summary=summary, category=category, tags=tags)
    for number in range(1, LANTERN_PAGES + 1):
        slug = f"lantern-{number}"
        for locale in ("ja", "ja-easy", "en"):
            write_page(root, slug, locale, body=f"## Lantern\n\nLantern festival note number {number}.",
                       title=f"Lantern note {number}", summary="Lantern festival notes.", category="moving", tags=[])
    return root


def make_search_app(base: Path, content_root: Path):
    """A migrated app with `content_root` imported and indexed; returns (factory, app)."""
    factory = AppFactory(base)
    app = factory(content_dir=content_root)
    with app.app_context():
        import_content(content_root)
        refresh_index()
    return factory, app


@pytest.fixture(scope="module")
def search_app(tmp_path_factory):
    """An app with the small search content tree, indexed; shared by a module's read-only tests."""
    content_root = write_search_content(tmp_path_factory.mktemp("search-content") / "content")
    factory, app = make_search_app(tmp_path_factory.mktemp("search-app"), content_root)
    yield app
    factory.close()


def poll_until(check, timeout: float = 60.0, every: float = 0.2):
    """check()'s first truthy value, asked every `every` seconds; fails after `timeout` (a bound, not a timing)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"not true within {timeout} s: {check.__doc__ or check}"
        time.sleep(every)
