"""Residents see published notices from publish_at until expires_at, in their language or with a note."""
from __future__ import annotations

import asyncio
import datetime as dt

from shinjuku_pwa.composition.publishing import publish_due, run_pass
from shinjuku_pwa.push.sender import PushSender
from shinjuku_pwa.push.vapid import signer_for
from shinjuku_pwa.search.service import search
from tests.push.conftest import add_notice

NOW = dt.datetime.now(dt.UTC)


def _publish(app, **kwargs) -> int:
    notice_id = add_notice(app, publish_at=NOW - dt.timedelta(minutes=5), push=False, **kwargs)
    with app.app_context():
        publish_due(NOW)
    return notice_id


def test_a_published_notice_is_listed_shown_and_on_the_home_page(content_app):
    notice_id = _publish(content_app, title={"ja": "防災訓練のお知らせ", "en": "Disaster drill"},
                         body={"ja": "本文", "en": "Join the drill.\n\nBring water."})
    client = content_app.test_client()
    listing = client.get("/en/notices").get_data(as_text=True)
    assert "Disaster drill" in listing and f'href="/en/notices/{notice_id}"' in listing
    page = client.get(f"/en/notices/{notice_id}").get_data(as_text=True)
    assert "<p>Join the drill.</p><p>Bring water.</p>" in page
    assert "Disaster drill" in client.get("/en/").get_data(as_text=True)


def test_a_notice_without_the_readers_language_shows_japanese_with_a_note(content_app):
    notice_id = _publish(content_app, title={"ja": "ごみ収集日の変更"}, body={"ja": "年末年始の収集日が変わります。"})
    html = content_app.test_client().get(f"/ko/notices/{notice_id}").get_data(as_text=True)
    assert "ごみ収集日の変更" in html
    assert '<article class="while-current" lang="ja">' in html
    assert 'class="note" lang="ko"' in html


def test_scheduled_future_and_draft_notices_are_not_shown(content_app):
    future = add_notice(content_app, publish_at=NOW + dt.timedelta(days=1), push=False, title={"ja": "未来のお知らせ"})
    draft = add_notice(content_app, state="draft", push=False, title={"ja": "下書き"})
    client = content_app.test_client()
    listing = client.get("/ja/notices").get_data(as_text=True)
    assert "未来のお知らせ" not in listing and "下書き" not in listing
    assert client.get(f"/ja/notices/{future}").status_code == 404
    assert client.get(f"/ja/notices/{draft}").status_code == 404


def test_an_expired_notice_leaves_the_list_and_its_page_says_it_has_ended(content_app):
    notice_id = _publish(content_app, title={"ja": "終わったお知らせ"}, expires_at=NOW - dt.timedelta(minutes=1))
    client = content_app.test_client()
    assert "終わったお知らせ" not in client.get("/ja/notices").get_data(as_text=True)
    page = client.get(f"/ja/notices/{notice_id}").get_data(as_text=True)
    assert '<p class="notice after-expiry">' in page and '<article class="while-current" hidden>' in page


def test_a_notice_that_will_expire_carries_its_end_for_the_offline_app(content_app):
    ends = NOW + dt.timedelta(hours=3)
    notice_id = _publish(content_app, title={"ja": "期限付き"}, expires_at=ends)
    html = content_app.test_client().get("/ja/notices").get_data(as_text=True)
    assert f'data-expires-at="{ends.isoformat()}"' in html
    assert f"/ja/notices/{notice_id}" in html


def test_a_published_notice_is_found_by_search_and_leaves_it_when_it_expires(content_app):
    notice_id = add_notice(content_app, publish_at=NOW - dt.timedelta(minutes=1), push=False,
                           title={"ja": "臨時の粗大ごみ受付窓口", "en": "Extra oversized garbage desk"},
                           expires_at=NOW + dt.timedelta(hours=1))

    def worker_pass(at):
        async def go():
            async with PushSender(signer_for(content_app), concurrency=4) as sender:
                return await run_pass(sender, clock=lambda: at)
        with content_app.app_context():
            return asyncio.run(go())

    worker_pass(NOW)
    with content_app.app_context():
        found = search("oversized garbage desk", "en")
        assert ("notice", str(notice_id)) in {(r.type, r.id) for r in found.results}
    worker_pass(NOW + dt.timedelta(hours=2))
    with content_app.app_context():
        found = search("oversized garbage desk", "en")
        assert ("notice", str(notice_id)) not in {(r.type, r.id) for r in found.results}


def test_an_easy_japanese_notice_is_shown_with_furigana_over_its_kanji(content_app):
    notice_id = _publish(content_app, title={"ja": "避難所の開設", "ja-easy": "ひなんじょ（避難所）を あけました"},
                         body={"ja": "避難所を開設しました。", "ja-easy": "ちかくの 学校に いって ください。"})
    page = content_app.test_client().get(f"/ja-easy/notices/{notice_id}").get_data(as_text=True)
    assert "<ruby>避難所<rt>ひなんじょ</rt></ruby>" in page.split("<h1", 1)[1].split("</h1>", 1)[0]
    assert "<ruby>学校<rt>がっこう</rt></ruby>" in page


def test_a_notice_only_in_japanese_gets_furigana_for_a_reader_of_easy_japanese(content_app):
    notice_id = _publish(content_app, title={"ja": "断水のお知らせ"}, body={"ja": "明日は給水車が来ます。"})
    client = content_app.test_client()
    easy = client.get(f"/ja-easy/notices/{notice_id}").get_data(as_text=True)
    plain = client.get(f"/ja/notices/{notice_id}").get_data(as_text=True)
    assert "<ruby>断水<rt>だんすい</rt></ruby>" in easy and "<ruby>" not in plain
