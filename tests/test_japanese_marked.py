"""Issue 16: Japanese names inside pages in other languages are marked lang="ja", so screen readers read
them as Japanese and browsers draw them with a Japanese font."""
from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from shinjuku_pwa.core.config import PROJECT_ROOT
from shinjuku_pwa.core.i18n import LOCALE_CODES
from shinjuku_pwa.japanese.script_runs import mark_japanese


def test_japanese_names_inside_nepali_text_are_marked():
    marked = mark_japanese("फोन しんじゅくコール (戸籍住民課 住民記録係) 新宿区内藤町87", "ne")
    assert marked == ('फोन <span lang="ja">しんじゅくコール</span> (<span lang="ja">戸籍住民課</span> '
                      '<span lang="ja">住民記録係</span>) <span lang="ja">新宿区内藤町87</span>')


def test_plain_text_is_escaped_and_markup_keeps_its_tags_and_attributes():
    assert mark_japanese("a <b> 新宿", "en") == 'a &lt;b&gt; <span lang="ja">新宿</span>'
    html = Markup('<a href="https://example.jp/新宿" hreflang="ja">新宿区役所</a>')
    assert mark_japanese(html, "en") == '<a href="https://example.jp/新宿" hreflang="ja"><span lang="ja">新宿区役所</span></a>'


def test_text_already_marked_japanese_is_not_marked_twice():
    html = Markup('<span lang="ja">（特別出張所）</span> 特別出張所')
    assert mark_japanese(html, "my") == '<span lang="ja">（特別出張所）</span> <span lang="ja">特別出張所</span>'


def test_a_figure_after_a_closing_bracket_is_not_part_of_the_name():
    assert mark_japanese("전화 「しんじゅくコール」03-3209-9999", "ko") == '전화 <span lang="ja">「しんじゅくコール」</span>03-3209-9999'


def test_marks_other_scripts_borrow_are_not_marked_alone():
    assert mark_japanese("जन्म・विवाह ・ ー 8:30〜17:00", "ne") == "जन्म・विवाह ・ ー 8:30〜17:00"


def test_in_chinese_only_kana_is_marked_and_japanese_text_is_left_alone():
    assert mark_japanese("新宿区呼叫中心「しんじゅくコール」", "zh-Hans") == '新宿区呼叫中心「<span lang="ja">しんじゅくコール</span>」'
    assert mark_japanese("新宿区役所", "ja") == "新宿区役所"
    assert mark_japanese("しんじゅくく", "ja-easy") == "しんじゅくく"


@pytest.mark.parametrize("lang", ["en", "ko", "vi", "ne", "my"])
def test_the_branch_offices_names_and_addresses_are_marked_japanese_in_other_languages(client, lang):
    html = client.get(f"/{lang}/pages/branch-offices").get_data(as_text=True)
    assert '<span lang="ja">四谷特別出張所</span>' in html and '<span lang="ja">新宿区内藤町87</span>' in html
    assert re.search(r'<span lang="ja">「?しんじゅくコール」?</span>', html)


@pytest.mark.parametrize("lang", [code for code in LOCALE_CODES if code not in ("ja", "ja-easy", "zh-Hans", "zh-Hant")])
def test_no_kana_outside_a_japanese_element_on_a_page_in_another_language(client, lang):
    html = client.get(f"/{lang}/pages/branch-offices").get_data(as_text=True)
    main = re.search(r"<main.*?</main>", html, re.S).group(0)
    main = re.sub(r'<span lang="ja">[^<]*</span>', "", main)
    main = re.sub(r'<(?:a|article)[^>]*\blang="ja"[^>]*>.*?</(?:a|article)>', "", main, flags=re.S)
    assert re.findall(r"[\u3041-\u30fa]+", re.sub(r"<[^>]+>", " ", main)) == []


def test_the_stylesheet_names_devanagari_myanmar_and_japanese_fonts():
    css = (PROJECT_ROOT / "static" / "css" / "app.css").read_text(encoding="utf-8")
    nepali = re.search(r"html:lang\(ne\) body \{([^}]*)\}", css).group(1)
    burmese = re.search(r"html:lang\(my\) body \{([^}]*)\}", css).group(1)
    japanese = re.search(r'html:not\(:lang\(ja\)\) body \[lang="ja"\] \{([^}]*)\}', css).group(1)
    assert "Noto Sans Devanagari" in nepali and "Noto Sans Myanmar" in burmese
    assert nepali.index("system-ui") < nepali.index("Noto Sans Devanagari")  # the phone's own fonts first
    assert japanese.index("Noto Sans JP") < japanese.index("system-ui")


@pytest.mark.parametrize("lang", ["en", "ne", "my"])
def test_each_branch_office_keeps_its_japanese_name_marked_lang_ja_on_a_procedure_page(client, lang):
    html = client.get(f"/{lang}/procedures/death-registration").get_data(as_text=True)
    assert '<span lang="ja">（四谷特別出張所）</span>' in html and '<span lang="ja">（角筈特別出張所）</span>' in html


def test_japanese_readers_get_the_branch_office_names_once(client):
    html = client.get("/ja/procedures/death-registration").get_data(as_text=True)
    assert "四谷特別出張所" in html and "（四谷特別出張所）" not in html
