"""Snippets: the text around the matches, as segments the templates mark up safely."""
from __future__ import annotations

from shinjuku_pwa.search.snippets import make_snippet, snippet_html


def marked(segments) -> list[str]:
    return [text for text, is_match in segments if is_match]


def test_japanese_matches_are_marked_whatever_the_kana():
    assert marked(make_snippet("粗大ゴミは申し込みが必要です。", ["ごみ", "粗大"])) == ["粗大ゴミ"]


def test_a_latin_stem_marks_the_whole_word_but_only_from_a_word_start():
    segments = make_snippet("Registering is easy; preregistration differs.", ["regist"])
    assert marked(segments) == ["Registering"]


def test_the_window_moves_to_the_matches_in_a_long_text():
    text = "前置き。" * 100 + "ここに粗大ごみ。" + "後書き。" * 100
    segments = make_snippet(text, ["粗大"], width=60)
    assert segments[0] == ("…", False) and segments[-1] == ("…", False)
    assert marked(segments) == ["粗大"]


def test_grams_are_used_only_when_no_word_matches():
    assert marked(make_snippet("住民票の写し", ["住民表"], ["住民", "民表"])) == ["住民"]


def test_no_match_gives_the_start_of_the_text():
    assert make_snippet("あいうえお", ["か"], width=3) == (("あいう…", False),)


def test_html_snippets_escape_the_text_and_mark_matches():
    html = snippet_html(make_snippet("<b>ごみ</b>", ["ごみ"]))
    assert html == "&lt;b&gt;<mark>ごみ</mark>&lt;/b&gt;"


def test_a_single_character_is_marked_next_to_a_longer_match_or_when_it_is_all_there_is():
    assert marked(make_snippet("住民票の写しと戸籍の記録", ["住民", "票", "記"])) == ["住民票"]
    assert marked(make_snippet("住民税と固定資産税", ["税"])) == ["税", "税"]
