"""Text analysis: the rules that make residents' words meet the documents' words."""
from __future__ import annotations

import pickle

import pytest

from shinjuku_pwa.search.analysis import (
    GramTokenizer,
    WordTokenizer,
    clean_text,
    completion_keys,
    fold_kana,
    gram_terms,
    sectioned,
    word_pairs,
    word_terms,
)
from shinjuku_pwa.search.index import make_schema


def words(text: str) -> list[str]:
    return [term.text for term in word_terms(clean_text(text))]


def test_mode_a_keeps_sodai_gomi_as_two_words_and_never_makes_it_sodai_chiri():
    assert words("粗大ごみ") == ["粗大", "ごみ"]


@pytest.mark.parametrize("spelling", ["引っ越し", "引越し", "引越"])
def test_every_spelling_of_hikkoshi_becomes_the_same_word(spelling):
    assert words(spelling) == ["引っ越し"]


def test_katakana_and_hiragana_gomi_are_the_same_word():
    assert words("ゴミ") == words("ごみ") == ["ごみ"]


def test_half_width_and_full_width_forms_are_the_same_word():
    assert words("ﾏｲﾅﾝﾊﾞｰ") == words("マイナンバー")
    assert words("ＡＢＣ") == words("abc")


def test_a_single_kanji_is_a_word_and_a_gram():
    assert words("税") == ["税"]
    assert gram_terms("税") == ["税"]


def test_particles_and_auxiliaries_are_dropped_but_keep_their_place():
    terms = word_terms(clean_text("粗大ごみの出し方"))
    assert [t.text for t in terms] == ["粗大", "ごみ", "出す"]
    assert [t.pos for t in terms] == [0, 1, 3]


def test_english_is_not_turned_into_katakana_and_is_stemmed():
    assert words("Registering my address") == ["regist", "address"]


def test_vietnamese_is_searchable_with_or_without_accents():
    assert words("chuyển nhà đăng ký") == words("chuyen nha dang ky")


@pytest.mark.parametrize("text", ["नेपाली कार्यालयमा", "မြန်မာ ဘာသာ", "이사를 했어요"])
def test_devanagari_myanmar_and_hangul_words_keep_every_character(text):
    assert "".join(words(text)) == text.replace(" ", "").lower()


def test_devanagari_and_myanmar_grams_keep_vowel_signs_with_their_letters():
    assert "का" + "र्" in gram_terms("कार्यालय")
    assert all(not gram.startswith("\u103a") for gram in gram_terms("မြန်မာ"))


def test_chinese_text_gets_character_bigrams():
    assert {"垃圾", "圾分", "分类"} <= set(gram_terms("垃圾分类"))


def test_latin_words_make_no_grams():
    assert gram_terms("garbage day") == []


def test_cleaning_removes_surrogates_nul_and_controls_and_keeps_the_words():
    assert clean_text("ご\x00み\ud800 \u202egarbage\x07") == "ご み garbage"


def test_folding_keeps_the_length_so_offsets_still_cut_the_original():
    assert fold_kana("マイナンバーカード") == "まいなんばーかーど"


def test_folding_a_long_text_folds_every_katakana_run_and_nothing_else():
    # Texts from 64 characters on are folded run by run (snippets fold whole page bodies).
    text = "マイナンバーカードの申請。ゴミ袋ヽヾ and Ｇ café ヷヸヺ・ー " * 4
    folded = fold_kana(text)
    assert len(text) >= 64 and len(folded) == len(text)
    assert folded == "".join(chr(ord(ch) - 0x60) if "ァ" <= ch <= "ヶ" or ch in "ヽヾ" else ch for ch in text)
    assert "まいなんばーかーど" in folded and "ごみ袋ゝゞ" in folded and "ヷヸヺ・ー" in folded


def test_word_pairs_join_each_word_to_the_next():
    assert word_pairs(["粗大", "ごみ", "出す"]) == ["粗大 ごみ", "ごみ 出す"]


def test_completion_keys_include_the_reading_and_later_words():
    keys = completion_keys("転入届（新宿区に引っ越してきたとき）")
    assert any(key.startswith("てんにゅう") for key in keys)
    assert any(key.startswith("引っ越") for key in keys)


def test_the_pickled_index_schema_holds_no_sudachi_object():
    word_terms(clean_text("粗大ごみ"))  # Sudachi is loaded in this process by now
    pickled = pickle.dumps(make_schema())
    assert b"sudachi" not in pickled.lower()
    assert isinstance(pickle.loads(pickled)["words"].analyzer, WordTokenizer)
    assert isinstance(pickle.loads(pickled)["grams"].analyzer, GramTokenizer)


def test_title_words_weigh_more_than_summary_words_and_those_more_than_body_words():
    tokens = [(t.text, t.boost) for t in WordTokenizer()(sectioned("粗大ごみ", "燃やすごみ", "資源"))]
    assert tokens == [("粗大", 4.0), ("ごみ", 4.0), ("燃やす", 2.0), ("ごみ", 2.0), ("資源", 1.0)]
