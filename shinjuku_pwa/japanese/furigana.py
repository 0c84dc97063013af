"""Furigana: readings in <ruby> over the kanji of sanitised page HTML, from SudachiPy.

Only text between tags is touched, never a tag, an attribute or a link's href, and never
text already inside <ruby>, <code> or <pre>, so running it twice changes nothing.

Words are read with Sudachi's longest split (mode C), whose readings know compounds
(本棚 is ほんだな, not ほんたな); a compound is read word by word (国民|健康|保険) only when its
shorter words' readings add up to the compound's, and shown whole: neighbouring words written
only in kanji share one ruby (特別出張所, 外国人相談), so no gap opens inside a compound. Okurigana stay outside the ruby
(<ruby>引<rt>ひ</rt></ruby>っ<ruby>越<rt>こ</rt></ruby>し) when the kana of the word can be
matched in its reading one way only; otherwise the whole word carries the reading.

Authors override a reading in Markdown with `{漢字|かんじ}`: `with_furigana` shows it as
written, `without_reading_marks` leaves only the base (for pages shown without furigana).
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from sudachipy import SplitMode

from .tokenizer import fold_kana, japanese_tokenizer

# Content locales written in Japanese: their pages get a copy of the body with furigana.
FURIGANA_LOCALES = frozenset({"ja", "ja-easy"})

KANJI = "\u3005\u3007\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"  # with 々 〇 〻
KANA = "\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff"
_HAS_KANJI = re.compile(f"[{KANJI}]")
_KANJI_RUNS = re.compile(f"([{KANJI}]+)")
_ALL_KANA = re.compile(f"[{KANA}]+")
_INLINE_READING = re.compile(f"([{KANJI}]+)[（(]([{KANA}]+)[）)]")
# Kanji followed by their reading in brackets, as easy-Japanese pages write them; spaces allowed.
_BRACKETED_READING = re.compile(f"([{KANJI}]+)[（(]([{KANA}][{KANA} \u3000]*)[）)]")
# An author's reading: {base|reading}; the base has a kanji, the reading is kana (checked at import).
READING_MARK = re.compile(r"\{([^{}|\n]+)\|([^{}|\n]+)\}")

# A tag of sanitised HTML (nh3 always double-quotes attribute values, which may hold ">").
_TAG = re.compile(r'<(?:[^>"]|"[^"]*")*>')
_TAG_NAME = re.compile(r"</?([a-zA-Z0-9]+)")
# Text inside these is left alone: already read, a reading itself, or code.
_SKIPPED_ELEMENTS = {"ruby", "rt", "rp", "code", "pre"}
# Sudachi refuses input over about 49 KB; a text node is cut into pieces well below that.
_CHUNK = 4000

# Days of the month (and numbers of days) whose reading is not number + にち.
_DAY_READINGS = {
    "1": "ついたち", "2": "ふつか", "3": "みっか", "4": "よっか", "5": "いつか", "6": "むいか", "7": "なのか",
    "8": "ようか", "9": "ここのか", "10": "とおか", "14": "じゅうよっか", "20": "はつか", "24": "にじゅうよっか",
}
_SMALL_KE = {"ヶ": "[かがけ]", "ヵ": "[かが]", "ケ": "[かがけ]"}  # 3ヶ月 is さんかげつ


def has_kanji(text: str) -> bool:
    return bool(_HAS_KANJI.search(text))


def is_reading(text: str) -> bool:
    """True for text an author may give as a reading: kana (and long-vowel marks) only."""
    return bool(_ALL_KANA.fullmatch(text))


def ruby(base: str, reading: str) -> str:
    return f"<ruby>{html.escape(base, quote=False)}<rt>{html.escape(reading, quote=False)}</rt></ruby>"


# --- one word ----------------------------------------------------------------------------------

def _split_okurigana(surface: str, reading: str) -> list[tuple[str, str | None]] | None:
    """Pair each kanji run of a word with its part of the reading; None if that is unsure.

    The kana of the word must be found in its reading; a lazy and a greedy match must
    agree, or the split is ambiguous (the same kana could belong to a kanji's reading).
    """
    parts = _KANJI_RUNS.split(surface)  # kana and other text at even indexes, kanji runs at odd ones

    def pattern(group: str) -> str:
        return "".join(
            group if index % 2 else "".join(_SMALL_KE.get(ch) or re.escape(fold_kana(ch)) for ch in part)
            for index, part in enumerate(parts)
        )

    lazy = re.fullmatch(pattern("(.+?)"), reading)
    greedy = re.fullmatch(pattern("(.+)"), reading)
    if not lazy or not greedy or lazy.groups() != greedy.groups():
        return None
    readings = iter(lazy.groups())
    return [(part, next(readings) if index % 2 else None) for index, part in enumerate(parts) if part]


def word_ruby(surface: str, reading: str) -> str:
    """HTML for one word: ruby over its kanji only, okurigana outside where the split is sure."""
    inline = _INLINE_READING.fullmatch(surface)
    if inline:  # Sudachi keeps 四谷（よつや） as one word: the author's reading goes on top instead
        return ruby(*inline.groups())
    reading = fold_kana(reading)
    if not has_kanji(surface) or not is_reading(reading):
        return html.escape(surface, quote=False)
    pieces = _split_okurigana(surface, reading)
    if pieces is None:
        return ruby(surface, reading)
    return "".join(ruby(text, part) if part else html.escape(text, quote=False) for text, part in pieces)


# --- running text ------------------------------------------------------------------------------

# Words Sudachi reads otherwise than residents of the ward do: place names, 日本 (にほん, not
# にっぽん) and 園 (a nursery, えん, not その).
WARD_READINGS = {
    "東新宿": "ひがししんじゅく",
    "榎町": "えのきちょう",
    "市谷": "いちがや",
    "日本": "にほん",
    "園": "えん",
    "避難所": "ひなんじょ",  # the ward's own reading (Sudachi: ひなんしょ)
}
# 方 after の or a verb is a person (かた: 住民の方, 該当する方) in ward pages, except before
# these (した方がいい is ほう). Authors write {方|ほう} where that guess is wrong.
_HOU_AFTER = re.compile("^が(?:いい|よい|良い|よく|良く|安心|安全|便利|早い|確実)")


@dataclass(frozen=True, slots=True)
class Word:
    surface: str  # exactly as in the text
    reading: str  # katakana from Sudachi (or hiragana from our fixes); "" if none
    pos: str = ""  # Sudachi's first part-of-speech level


def _words(text: str) -> list[Word]:
    """Every word of a text, in order; their surfaces add up to the text."""
    words: list[Word] = []
    tokenizer = japanese_tokenizer()
    for offset in range(0, len(text), _CHUNK):
        chunk = text[offset:offset + _CHUNK]
        for morpheme in tokenizer.tokenize(chunk, SplitMode.C):
            surface = chunk[morpheme.begin():morpheme.end()]
            pos = morpheme.part_of_speech()[0]
            if not has_kanji(surface):
                words.append(Word(surface, "", pos))
                continue
            if surface in WARD_READINGS:
                words.append(Word(surface, WARD_READINGS[surface], pos))
                continue
            shorter = morpheme.split(SplitMode.A)
            if len(shorter) > 1 and "".join(m.reading_form() for m in shorter) == morpheme.reading_form():
                words.extend(Word(chunk[m.begin():m.end()], m.reading_form(), m.part_of_speech()[0]) for m in shorter)
            else:
                words.append(Word(surface, morpheme.reading_form(), pos))
    words = [Word(w.surface, WARD_READINGS.get(w.surface, w.reading), w.pos) for w in words]
    return _read_person_as_kata(_fix_day_counts(_join_ward_words(words)))


def _join_ward_words(words: list[Word]) -> list[Word]:
    """Two words that make a ward word Sudachi splits (避難|所) become it, with the ward's reading."""
    joined: list[Word] = []
    for word in words:
        if joined and joined[-1].surface + word.surface in WARD_READINGS:
            surface = joined[-1].surface + word.surface
            joined[-1] = Word(surface, WARD_READINGS[surface], joined[-1].pos)
        else:
            joined.append(word)
    return joined


def _fix_day_counts(words: list[Word]) -> list[Word]:
    """Sudachi reads 日 after a number as にち or か; 4日 is よっか and 20日 はつか.

    The number and 日 become one word read as a whole. 1日 is ついたち only as a date
    (after 月); otherwise it is いちにち, which number + にち already gives.
    """
    fixed: list[Word] = []
    for word in words:
        previous = fixed[-1].surface if fixed else ""
        if word.surface == "日" and previous.isascii() and previous.isdigit():
            number = previous.lstrip("0") or "0"
            is_date = len(fixed) > 1 and fixed[-2].surface.endswith("月")
            if number in _DAY_READINGS and (number != "1" or is_date):
                fixed[-1] = Word(previous + word.surface, _DAY_READINGS[number], word.pos)
                continue
            word = Word(word.surface, "ニチ", word.pos)
        fixed.append(word)
    return fixed


def _read_person_as_kata(words: list[Word]) -> list[Word]:
    """方 is ほう to Sudachi; after の or a verb, ward pages mean a person: 住民の方 (かた)."""
    fixed = list(words)
    for index, word in enumerate(words):
        if word.surface != "方" or index == 0:
            continue
        previous = words[index - 1]
        following = "".join(w.surface for w in words[index + 1:index + 4])
        if (previous.surface == "の" or previous.pos in ("動詞", "助動詞", "形容詞")) and not _HOU_AFTER.match(following):
            fixed[index] = Word(word.surface, "かた", word.pos)
    return fixed


def _text_with_furigana(text: str) -> str:
    """Plain (unescaped) text to HTML with ruby over its kanji; author readings win."""
    out = []
    cursor = 0
    for mark in READING_MARK.finditer(text):
        out.append(_with_inline_readings(text[cursor:mark.start()]))
        base, reading = mark.groups()
        out.append(ruby(base, reading) if has_kanji(base) and is_reading(reading) else html.escape(mark.group(), quote=False))
        cursor = mark.end()
    out.append(_with_inline_readings(text[cursor:]))
    return "".join(out)


def _with_inline_readings(text: str) -> str:
    """Text where an author already wrote a reading in brackets, 戸籍住民課（こせき じゅうみん か）:
    the reading goes on top of the kanji and the brackets go, so it is not shown twice.

    Only when the bracketed kana read the same as our reading of the kanji just before
    (or of its last few kanji), so an explanation in brackets is never taken for a reading.
    """
    out = []
    cursor = 0
    for found in _BRACKETED_READING.finditer(text):
        run, given = found.groups()
        wanted = fold_kana(given.replace(" ", "").replace("\u3000", ""))
        for start in range(len(run)):
            if _plain_reading(run[start:]) == wanted:
                out.append(_auto_ruby(text[cursor:found.start()] + run[:start]))
                out.append(ruby(run[start:], given))
                break
        else:  # not a reading we recognise: kept as written, beside our own reading
            out.append(_auto_ruby(text[cursor:found.start(2) - 1]))
            out.append(html.escape(text[found.start(2) - 1:found.end()], quote=False))
        cursor = found.end()
    out.append(_auto_ruby(text[cursor:]))
    return "".join(out)


def _plain_reading(text: str) -> str:
    return "".join(fold_kana(word.reading) for word in _words(text))


_ALL_KANJI = re.compile(f"[{KANJI}]+")


def _whole_compounds(words: list[Word]) -> list[Word]:
    """Neighbouring words written only in kanji become one word with one reading, as a reader sees
    them: 特別出張所 and 外国人相談 get one ruby each, so the readings never open gaps inside a
    compound nor hang 人 on the wrong word. Their readings were found in context and just add up."""
    merged: list[Word] = []
    for word in words:
        previous = merged[-1] if merged else None
        if (previous is not None and _ALL_KANJI.fullmatch(word.surface) and _ALL_KANJI.fullmatch(previous.surface)
                and is_reading(fold_kana(word.reading)) and is_reading(fold_kana(previous.reading))):
            reading = fold_kana(previous.reading) + fold_kana(word.reading)
            merged[-1] = Word(previous.surface + word.surface, reading, previous.pos)
        else:
            merged.append(word)
    return merged


def _auto_ruby(text: str) -> str:
    if not has_kanji(text):
        return html.escape(text, quote=False)
    return "".join(word_ruby(word.surface, word.reading) for word in _whole_compounds(_words(text)))


def reading_mark_problems(markdown: str) -> list[tuple[int, str]]:
    """(line index, message) for each `{base|reading}` an author got wrong, for the content checks."""
    problems = []
    for index, line in enumerate(markdown.splitlines()):
        for mark in READING_MARK.finditer(line.replace("\\|", "|")):  # `\|` inside a table cell
            base, reading = mark.groups()
            if has_kanji(base) and not is_reading(reading):  # without kanji it is not a reading mark
                problems.append((index, f"reading mark '{mark.group()}': the reading after '|' must be kana only"))
    return problems


def _strip_marks(text: str) -> str:
    return READING_MARK.sub(lambda m: m.group(1) if has_kanji(m.group(1)) and is_reading(m.group(2)) else m.group(), text)


# --- HTML --------------------------------------------------------------------------------------

def _map_text_nodes(fragment: str, change) -> str:
    """Apply `change` to the unescaped text of every text node outside the skipped elements."""
    out = []
    skipped_depth = 0
    cursor = 0
    for tag in _TAG.finditer(fragment):
        out.append(_changed(fragment[cursor:tag.start()], change, skipped_depth))
        out.append(tag.group())
        name = _TAG_NAME.match(tag.group())
        if name and name.group(1).lower() in _SKIPPED_ELEMENTS and not tag.group().endswith("/>"):
            skipped_depth += -1 if tag.group().startswith("</") else 1
            skipped_depth = max(skipped_depth, 0)
        cursor = tag.end()
    out.append(_changed(fragment[cursor:], change, skipped_depth))
    return "".join(out)


def _changed(escaped_text: str, change, skipped_depth: int) -> str:
    if not escaped_text or skipped_depth:
        return escaped_text
    changed = change(html.unescape(escaped_text))
    return escaped_text if changed is None else changed  # unchanged text stays byte for byte


def with_furigana(fragment: str) -> str:
    """Sanitised HTML with <ruby> readings over every kanji word of its text."""
    return _map_text_nodes(fragment, lambda text: _text_with_furigana(text) if has_kanji(text) or "{" in text else None)


def without_reading_marks(fragment: str) -> str:
    """Sanitised HTML with each `{漢字|かんじ}` replaced by its base, for pages shown without furigana."""
    return _map_text_nodes(
        fragment, lambda text: html.escape(_strip_marks(text), quote=False) if READING_MARK.search(text) else None
    )
