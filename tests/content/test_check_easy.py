"""`flask content check-easy`: long sentences and hard words on easy-Japanese pages."""
from __future__ import annotations

import re

import pytest

from shinjuku_pwa.content.easy_pages import check_easy_page
from shinjuku_pwa.japanese.easy_japanese import (
    MAX_SENTENCE_LENGTH,
    hard_words_in,
    load_hard_words,
    readable_text,
    sentence_length,
)
from tests.conftest import BUNDLED_CONTENT
from tests.content_factory import make_content, write_page

HARD_WORDS = {"申請": "もうしこみ", "転入届": "ひっこしの とどけ", "届": "とどけ"}
PROBLEM_LINE = re.compile(r"^\S+\.md:\d+: .+$")


def _page(body: str, **front) -> str:
    title = front.get("title", "ごみの だしかた")
    summary = front.get("summary", "ごみは きめられた 日に だします。")
    return f"---\ntitle: {title}\nsummary: {summary}\ncategory: garbage\n---\n{body}"


def test_a_sentence_over_forty_characters_is_flagged_with_its_line():
    long_sentence = "あ" * MAX_SENTENCE_LENGTH + "。"  # the full stop counts too
    problems = check_easy_page("p/ja-easy.md", _page(f"## みだし\n\nみじかい ぶん です。{long_sentence}\n"), {})
    assert [(p.line, p.message.split(":")[0]) for p in problems] == [(8, "sentence of 41 characters (at most 40)")]


def test_spaces_between_words_and_readings_in_brackets_do_not_count():
    assert sentence_length("区役所の 戸籍住民課（こせき じゅうみん か）に きて ください。") == len("区役所の戸籍住民課にきてください。")


def test_markdown_and_urls_are_not_read_as_text():
    assert readable_text("- [くの ページ](https://www.city.shinjuku.lg.jp/very/long/path) を みて **ください**") == "くの ページ を みて ください"


def test_a_hard_word_is_flagged_with_its_plain_replacement():
    problems = check_easy_page("p/ja-easy.md", _page("かならず 申請 して ください。\n"), HARD_WORDS)
    assert [str(p) for p in problems] == ["p/ja-easy.md:6: hard word '申請': write 'もうしこみ'"]


def test_the_title_and_summary_are_checked_too():
    problems = check_easy_page("p/ja-easy.md", _page("", title="転入届の 申請"), HARD_WORDS)
    assert {(p.line, p.message.split("'")[1]) for p in problems} == {(2, "転入届"), (2, "申請")}


def test_a_hard_word_in_brackets_or_quotes_is_allowed():
    assert hard_words_in("ひっこしの とどけ（転入届）を だします。「申請」を おします。", HARD_WORDS) == []


def test_a_longer_hard_word_is_reported_alone():
    assert hard_words_in("転入届を だします", HARD_WORDS) == ["転入届"]


def test_the_hard_word_list_has_real_entries():
    words = load_hard_words(BUNDLED_CONTENT / "easy-japanese" / "hard-words.yaml")
    assert len(words) >= 40
    assert words["転入届"] == "ひっこしの とどけ" and words["申請"] == "もうしこみ" and words["提出"] == "だす"


def test_the_command_prints_path_line_messages_and_fails_when_something_is_flagged(app, tmp_path):
    root = make_content(tmp_path / "content")
    write_page(root, "moving-in", "ja-easy", body="## いつ\n\n14日いないに 申請 します。\n")
    words = tmp_path / "hard-words.yaml"
    words.write_text("申請: もうしこみ\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["content", "check-easy", "--path", str(root), "--words", str(words)])
    assert result.exit_code == 1
    assert "content/pages/moving-in/ja-easy.md:15: hard word '申請': write 'もうしこみ'" in result.output


def test_the_command_passes_clean_pages(app, tmp_path):
    root = make_content(tmp_path / "content")
    words = tmp_path / "hard-words.yaml"
    words.write_text("申請: もうしこみ\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["content", "check-easy", "--path", str(root), "--words", str(words)])
    assert result.exit_code == 0 and "Checked 1 easy-Japanese pages: 0 problems." in result.output


@pytest.mark.parametrize("missing", ["path", "words"])
def test_the_command_says_what_is_missing(app, tmp_path, missing):
    root = make_content(tmp_path / "content")
    args = ["content", "check-easy", "--path", str(root if missing != "path" else tmp_path / "nowhere"),
            "--words", str(tmp_path / "no-such.yaml")]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 1 and "no such" in result.output


def test_the_command_reports_on_the_bundled_easy_pages(app):
    result = app.test_cli_runner().invoke(args=["content", "check-easy", "--path", str(BUNDLED_CONTENT)])
    lines = [line for line in result.output.splitlines() if not line.startswith("Checked ")]
    assert result.exit_code == (1 if lines else 0)
    assert all(PROBLEM_LINE.match(line) for line in lines), lines
