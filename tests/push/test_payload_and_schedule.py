from __future__ import annotations

import datetime as dt
import json
import random

from hypothesis import given
from hypothesis import strategies as st

from shinjuku_pwa.core.i18n import pick_text
from shinjuku_pwa.push import schedule
from shinjuku_pwa.push.payload import MAX_PAYLOAD_BYTES, build_payload, cut_at_word_boundary

UTC = dt.UTC


def tokyo(hour, minute=0, day=26):
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=schedule.TOKYO)


def test_the_subscribers_language_is_used_then_easy_japanese_then_japanese():
    texts = {"ja": "日本語", "ja-easy": "やさしい", "en": "English"}
    assert pick_text(texts, "en") == ("en", "English")
    assert pick_text(texts, "ne") == ("ja-easy", "やさしい")
    assert pick_text({"ja": "日本語"}, "ne") == ("ja", "日本語")


def test_a_long_body_is_cut_at_a_word_boundary_and_the_title_never():
    title = "Evacuation order for the whole of Shinjuku City"
    body = "Leave now for your evacuation site. " * 200
    data = json.loads(build_payload(7, {"en": title}, {"en": body}, "en", "/en/notices/7"))
    assert data["title"] == title
    kept = data["body"][:-1]
    assert data["body"].endswith("…") and body.startswith(kept)
    assert body[len(kept)] == " "  # the cut falls between words
    assert len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()) <= MAX_PAYLOAD_BYTES


def test_japanese_is_cut_after_punctuation():
    text = "避難所を開設しました。" * 400
    cut = cut_at_word_boundary(text, 600)
    assert cut.endswith("。…") and len(cut.encode()) <= 600


@given(title=st.text(max_size=120), body=st.text(max_size=6000), lang=st.sampled_from(["ja", "en", "ne", "my"]))
def test_any_notice_fits_in_a_push_message(title, body, lang):
    encoded = build_payload(1, {"ja": title, lang: title}, {"ja": body, lang: body}, lang, "/ja/notices/1")
    assert len(encoded) <= MAX_PAYLOAD_BYTES
    assert json.loads(encoded)["title"] == title


def test_quiet_hours_hold_everything_but_high_urgency_until_seven():
    late = tokyo(23, 30)
    assert schedule.deliverable_at(late, "normal") == tokyo(7, 0, day=27).astimezone(UTC)
    assert schedule.deliverable_at(tokyo(6, 59), "low") == tokyo(7, 0).astimezone(UTC)
    assert schedule.deliverable_at(late, "high") == late
    assert schedule.deliverable_at(tokyo(7, 0), "very-low") == tokyo(7, 0)
    assert schedule.deliverable_at(tokyo(21, 59), "normal") == tokyo(21, 59)
    assert schedule.deliverable_at(tokyo(22, 0), "normal") == tokyo(7, 0, day=27).astimezone(UTC)


def test_retry_after_is_read_as_seconds_or_a_date():
    now = dt.datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
    assert schedule.retry_after_seconds("120", now) == 120
    assert schedule.retry_after_seconds("Thu, 26 Nov 2026 00:05:00 GMT", now) == 300
    assert schedule.retry_after_seconds("soon", now) is None
    assert schedule.retry_after_seconds(None, now) is None


def test_backoff_grows_has_jitter_and_honours_retry_after():
    now = dt.datetime(2026, 11, 26, tzinfo=UTC)
    rng = random.Random(1)
    delays = [(schedule.next_retry(now, attempt, None, rng) - now).total_seconds() for attempt in (1, 2, 3, 4)]
    assert 5 <= delays[0] <= 10 and 10 <= delays[1] <= 20 and 20 <= delays[2] <= 40 and 40 <= delays[3] <= 80
    assert (schedule.next_retry(now, 1, 600, rng) - now).total_seconds() >= 600
    assert (schedule.next_retry(now, 50, None, rng) - now).total_seconds() <= schedule.MAX_RETRY_SECONDS
