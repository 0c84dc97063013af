"""Furigana: readings over kanji only, right for the ward's words, authors' readings first, never in tags."""
from __future__ import annotations

import re

import pytest

from shinjuku_pwa.japanese.furigana import reading_mark_problems, with_furigana, without_reading_marks

RUBY = re.compile(r"<ruby>(.*?)<rt>(.*?)</rt></ruby>")
KATAKANA = re.compile("[\u30a1-\u30fa]")
KANJI = re.compile("[\u4e00-\u9fff\u3005]")


def reading_of(html: str) -> str:
    """What the page reads as: each ruby base replaced by its reading, tags removed."""
    return re.sub(r"<[^>]+>", "", RUBY.sub(lambda m: m.group(2), html))


@pytest.mark.parametrize(("word", "reading"), [
    ("転入届", "てんにゅうとどけ"),
    ("国民健康保険", "こくみんけんこうほけん"),
    ("特別出張所", "とくべつしゅっちょうじょ"),
    ("粗大ごみ", "そだいごみ"),
    ("住民票", "じゅうみんひょう"),
    ("在留カード", "ざいりゅうカード"),
    ("児童手当", "じどうてあて"),
    ("避難場所", "ひなんばしょ"),
    ("転出届", "てんしゅつとどけ"),
    ("戸籍住民課", "こせきじゅうみんか"),
    ("榎町特別出張所", "えのきちょうとくべつしゅっちょうじょ"),
    ("東新宿", "ひがししんじゅく"),
    ("市谷", "いちがや"),
    ("箪笥町", "たんすまち"),
    ("四谷", "よつや"),
])
def test_ward_words_get_the_readings_residents_use(word, reading):
    assert reading_of(with_furigana(word)) == reading


def test_readings_are_in_hiragana_even_though_sudachi_gives_katakana():
    html = with_furigana("転入届と国民健康保険と特別出張所と住民票")
    readings = [rt for _, rt in RUBY.findall(html)]
    assert readings and not any(KATAKANA.search(rt) for rt in readings)


def test_ruby_goes_over_kanji_only_never_over_kana_or_latin():
    html = with_furigana("在留カードと粗大ごみ、My Number、マイナポータル")
    assert [base for base, _ in RUBY.findall(html)] == ["在留", "粗大"]
    assert all(KANJI.search(base) for base, _ in RUBY.findall(html))
    assert with_furigana("ごみの だしかた、Chrome、アプリ") == "ごみの だしかた、Chrome、アプリ"


def test_okurigana_stay_outside_the_ruby():
    assert with_furigana("引っ越し") == "<ruby>引<rt>ひ</rt></ruby>っ<ruby>越<rt>こ</rt></ruby>し"
    assert with_furigana("申し込み") == "<ruby>申<rt>もう</rt></ruby>し<ruby>込<rt>こ</rt></ruby>み"


@pytest.mark.parametrize(("text", "expected"), [
    ("特別出張所", "<ruby>特別出張所<rt>とくべつしゅっちょうじょ</rt></ruby>"),
    ("外国人相談", "<ruby>外国人相談<rt>がいこくじんそうだん</rt></ruby>"),
    ("外国人住民の方は", "<ruby>外国人住民<rt>がいこくじんじゅうみん</rt></ruby>の<ruby>方<rt>かた</rt></ruby>は"),
])
def test_a_compound_gets_one_ruby_as_a_reader_sees_the_word_with_no_gap_inside(text, expected):
    assert with_furigana(text) == expected


def test_a_compound_read_differently_from_its_parts_keeps_its_whole_reading():
    assert with_furigana("本棚") == "<ruby>本棚<rt>ほんだな</rt></ruby>"


def test_days_of_the_month_and_counts_of_days_read_as_a_whole():
    assert reading_of(with_furigana("4月1日から")) == "4がつついたちから"
    assert reading_of(with_furigana("14日以内に")) == "じゅうよっかいないに"
    assert reading_of(with_furigana("毎月20日")) == "まいつきはつか"


def test_a_person_after_no_is_kata():
    assert reading_of(with_furigana("外国人住民の方は")) == "がいこくじんじゅうみんのかたは"
    assert reading_of(with_furigana("早く出した方がいい")) == "はやくだしたほうがいい"


def test_an_author_reading_overrides_sudachi():
    assert with_furigana("<p>{方|ほう}へ</p>") == "<p><ruby>方<rt>ほう</rt></ruby>へ</p>"
    assert with_furigana("{一時|いっとき}") == "<ruby>一時<rt>いっとき</rt></ruby>"


def test_pages_without_furigana_show_only_the_base_of_an_author_reading():
    assert without_reading_marks("<p>{角筈|つのはず}と{a|b}</p>") == "<p>角筈と{a|b}</p>"
    assert without_reading_marks("<p>ふつうの &amp; 文</p>") == "<p>ふつうの &amp; 文</p>"


def test_a_reading_already_written_in_brackets_goes_on_top_instead_of_twice():
    html = with_furigana("区役所の 戸籍住民課（こせき じゅうみん か）")
    assert "<ruby>戸籍住民課<rt>こせき じゅうみん か</rt></ruby>" in html and "（" not in html


def test_an_explanation_in_brackets_is_not_taken_for_a_reading():
    html = with_furigana("税金（ぜいきんの はなし）")
    assert html.endswith("（ぜいきんの はなし）")


def test_tags_attributes_and_hrefs_are_never_touched():
    html = '<p><a href="https://example.jp/漢字" title="案内&gt;地図">住民票</a></p>'
    result = with_furigana(html)
    assert '<a href="https://example.jp/漢字" title="案内&gt;地図">' in result
    assert "<ruby>住民票<rt>じゅうみんひょう</rt></ruby></a>" in result


def test_code_is_left_as_written():
    assert with_furigana("<p><code>{漢字|かんじ} 転入</code></p>") == "<p><code>{漢字|かんじ} 転入</code></p>"


def test_furigana_are_never_added_twice():
    once = with_furigana("<h2>転入届</h2><p>新宿区に引っ越してきた人は、14日以内に届け出てください。</p>")
    assert "<ruby>" in once and with_furigana(once) == once


def test_escaped_text_stays_escaped():
    assert with_furigana("<p>&lt;script&gt;転入&amp;</p>") == "<p>&lt;script&gt;<ruby>転入<rt>てんにゅう</rt></ruby>&amp;</p>"


def test_a_reading_that_is_not_kana_is_reported_with_its_line():
    problems = reading_mark_problems("## 見出し\n\n{角筈|tsunohazu}と{ok|fine}\n")
    assert problems == [(2, "reading mark '{角筈|tsunohazu}': the reading after '|' must be kana only")]
