"""Text analysis for search: the same rules turn documents and residents' queries into terms.

Three kinds of terms come out of any text:

- **words**: Japanese runs go through Sudachi (split mode A, so 粗大ごみ stays 粗大 + ごみ instead
  of mode C's 粗大塵; the normalised form, so 引っ越し = 引越し = 引越), then katakana is folded
  to hiragana (Sudachi alone keeps ゴミ and ごみ apart). Latin-script words (English,
  Vietnamese, romaji) never reach Sudachi, which would turn them into katakana: they are
  lower-cased, stripped of accents (residents often type Vietnamese without them) and
  Porter2 (Snowball English) stemmed. Hangul, Devanagari and Myanmar runs are kept whole as words.
- **pairs**: each word joined with the next, so words typed together rank the pages that
  have them together first (a phrase match, without positions).
- **grams**: character bigrams of every run in a script written without spaces or with
  attached particles (kanji, kana, Chinese, Hangul, Devanagari, Myanmar): the recall fallback
  for words the dictionary splits badly, for Chinese, and for Korean or Nepali words with
  particles attached. Devanagari and Myanmar are cut into grapheme clusters first (a letter
  with its vowel signs), because Python's `\\w` does not match combining marks and would
  drop them.

Text is cleaned first (`clean_text`): lone surrogates (Sudachi raises on them), control and
invisible format characters are removed, and the rest is NFKC-normalised, so full-width
letters, half-width katakana and their ordinary forms are one and the same.

Nothing here holds state that Whoosh would pickle into the index schema: the Sudachi
tokenizer is created lazily, per thread (Sudachi tokenizers are not thread-safe), and the
Whoosh tokenizer classes below only call functions of this module.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any, cast

from whoosh.analysis import Token as WhooshToken
from whoosh.analysis import Tokenizer
from whoosh.lang.porter2 import stem

from ..japanese.tokenizer import MAX_CHARS as SUDACHI_MAX_CHARS
from ..japanese.tokenizer import fold_kana, japanese_tokenizer

# --- cleaning -------------------------------------------------------------------------------

_SURROGATES = re.compile("[\ud800-\udfff]")
# C0/C1 controls and DEL become spaces (a tab or newline separates words); invisible format
# characters (zero-width joiners, bidi controls, soft hyphen, BOM) and noncharacters vanish,
# so a word typed with or without them is the same word.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff0-\uffff]")
_SPACES = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Make any string safe for analysis: no surrogates, no controls, NFKC, single spaces."""
    text = _SURROGATES.sub("", text)
    text = _CONTROLS.sub(" ", text)
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    # NFKC can produce new format characters or controls from compatibility forms.
    text = _INVISIBLE.sub("", _CONTROLS.sub(" ", text))
    return _SPACES.sub(" ", text).strip()


def fold_for_match(text: str) -> str:
    """Lower case and hiragana, keeping the length when it can (for highlighting offsets)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters (İ) grow when lower-cased
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return fold_kana(lowered)


def strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # đ has no decomposition but Vietnamese readers type it as d.
    return unicodedata.normalize("NFC", stripped).replace("đ", "d")


# --- scripts ----------------------------------------------------------------------------------

_JAPANESE_CHARS = (
    "\u3005\u3006\u3007\u303b"  # 々 〆 〇 〻
    "\u3041-\u3096\u309d-\u309f"  # hiragana
    "\u30a1-\u30fa\u30fc-\u30ff"  # katakana and ー (not the ・ separator)
    "\u31f0-\u31ff\uff66-\uff9f"  # and half-width katakana, should any survive cleaning
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # kanji and hanzi
    "\U00020000-\U0003134f"
)
_HANGUL_CHARS = "\uac00-\ud7a3\u1100-\u11ff\u3131-\u318e\ua960-\ua97f\ud7b0-\ud7ff"
_DEVANAGARI_CHARS = "\u0900-\u0963\u0966-\u097f\ua8e0-\ua8ff"  # not the danda punctuation
_MYANMAR_CHARS = "\u1000-\u1049\u104c-\u109f\ua9e0-\ua9ff\uaa60-\uaa7f"  # not ၊ ။


def _ranges(codes) -> str:
    """A regex character class body for a sorted iterable of code points."""
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(f"{chr(a)}-{chr(b)}" if a != b else chr(a) for a, b in ranges)


_SPECIAL = re.compile(f"[{_JAPANESE_CHARS}{_HANGUL_CHARS}{_DEVANAGARI_CHARS}{_MYANMAR_CHARS}]")
# Every combining mark sits below U+20000 except the variation selectors supplement.
_MARKS = _ranges(
    [c for c in range(0x20000) if unicodedata.category(chr(c)) in ("Mn", "Mc", "Me")] + list(range(0xE0100, 0xE01F0))
)
# Letters and digits of every other script, with combining marks (Latin with Vietnamese
# accents, Cyrillic, Arabic...), so no script loses characters. Built once at import.
_OTHER_WORD_CHARS = _ranges(
    c for c in range(0x30000) if unicodedata.category(chr(c))[0] in "LNM" and not _SPECIAL.match(chr(c))
)
# One run per script.
_RUNS = re.compile(
    f"(?P<ja>[{_JAPANESE_CHARS}]+)"
    f"|(?P<ko>[{_HANGUL_CHARS}]+)"
    f"|(?P<ne>[{_DEVANAGARI_CHARS}]+)"
    f"|(?P<my>[{_MYANMAR_CHARS}]+)"
    f"|(?P<word>[{_OTHER_WORD_CHARS}]+)"
)
# A grapheme cluster, roughly: a base character and the marks that follow it.
_CLUSTER = re.compile(f"[^{_MARKS}][{_MARKS}]*|[{_MARKS}]+")


@dataclass(frozen=True, slots=True)
class Run:
    script: str  # ja | ko | ne | my | word
    text: str
    start: int


@lru_cache(maxsize=64)
def script_runs(text: str) -> tuple[Run, ...]:
    """Runs of one script each, in order (cached: one text feeds words, grams and pairs)."""
    # Every alternative of _RUNS is a named group: lastgroup is never None.
    return tuple(Run(cast(str, m.lastgroup), m.group(), m.start()) for m in _RUNS.finditer(text))


# --- Sudachi ----------------------------------------------------------------------------------

# Parts of speech that carry no meaning for search: particles, auxiliaries, symbols, spaces.
_SKIPPED_POS = {"助詞", "助動詞", "補助記号", "空白", "記号"}
# Normalised forms too common to tell pages apart ("する", "こと", the 方 of 出し方).
JAPANESE_STOPWORDS = frozenset(
    "する ある いる なる できる れる られる せる 下さる くださる こと もの ため よう とき ところ "
    "これ それ あれ この その どこ どう どの 何 方 いう 思う 知る 教える 良い いい たい ほしい".split()
)
ENGLISH_STOPWORDS = frozenset(
    "a an the of to in on at for and or is are be been was were do does did how what where when "
    "which who i me can could should would will with from by it its this that these those about "
    "get need want please my your our s t".split()  # s, t: what is left of it's and can't
)
@dataclass(frozen=True, slots=True)
class Term:
    text: str  # the indexed term
    pos: int  # word position, counting skipped particles so phrases keep their gaps
    start: int  # character offsets in the cleaned text
    end: int
    surface: str = ""  # folded text as written, for highlighting


def _japanese_words(run: Run, pos: int) -> tuple[list[Term], int]:
    """Terms of one Japanese run, and the position of its last morpheme."""
    terms = []
    for offset in range(0, len(run.text), SUDACHI_MAX_CHARS):
        chunk = run.text[offset:offset + SUDACHI_MAX_CHARS]
        for morpheme in japanese_tokenizer().tokenize(chunk):
            pos += 1
            if morpheme.part_of_speech()[0] in _SKIPPED_POS:
                continue
            normalized = fold_kana(morpheme.normalized_form())
            if normalized in JAPANESE_STOPWORDS:
                continue
            start = run.start + offset + morpheme.begin()
            end = run.start + offset + morpheme.end()
            terms.append(Term(normalized, pos, start, end, fold_kana(morpheme.surface())))
    return terms, pos


@lru_cache(maxsize=50_000)
def latin_term(word: str) -> str:
    """The indexed form of one Latin-script word: lower case, no accents, Porter2 stem."""
    return stem(strip_accents(word.lower()))


@lru_cache(maxsize=64)
def word_terms(text: str) -> tuple[Term, ...]:
    """Word terms of cleaned text, in order, with positions and offsets.

    Cached: while indexing, one document's text is analysed for several fields.
    """
    terms: list[Term] = []
    pos = -1
    for run in script_runs(text):
        if run.script == "ja":
            japanese, pos = _japanese_words(run, pos)
            terms.extend(japanese)
        elif run.script == "word":
            pos += 1
            word = run.text.lower()
            term = latin_term(word)
            if word not in ENGLISH_STOPWORDS and term:  # a lone combining accent leaves nothing
                terms.append(Term(term, pos, run.start, run.start + len(run.text), word))
        else:
            pos += 1
            folded = run.text.lower()
            terms.append(Term(fold_nasals(folded), pos, run.start, run.start + len(run.text), folded))
    return tuple(terms)


_NASAL_CONJUNCT = re.compile("[\u0919\u091e\u0923\u0928\u092e]\u094d(?=[\u0915-\u0939])")  # ङ् ञ् ण् न् म् + consonant


def fold_nasals(word: str) -> str:
    """Devanagari spells a nasal before a consonant either way (सङ्कलन = संकलन, कसिङ्गर = कसिंगर,
    and ँ for ं): index and search one form, the anusvara."""
    return _NASAL_CONJUNCT.sub("\u0902", word).replace("\u0901", "\u0902")


def word_pairs(words: list[str] | tuple[str, ...]) -> list[str]:
    """Each word joined with the next: a document holding the query's pairs holds its phrase.

    Pairs are indexed as terms instead of using Whoosh positions, which is faster and
    avoids a whoosh-ng 5.4.0 bug (a position gap of 46 is misread as a legacy pickle).
    """
    return [f"{a} {b}" for a, b in pairwise(words)]


def _units(run: Run) -> list[str]:
    if run.script in ("ne", "my"):
        return _CLUSTER.findall(run.text)
    return list(fold_kana(run.text))


def gram_terms(text: str) -> list[str]:
    """Character bigrams of the unspaced scripts in cleaned text; a one-character run is kept whole."""
    grams = []
    for run in script_runs(text):
        if run.script == "word":
            continue
        units = _units(run)
        if len(units) == 1:
            grams.append(units[0])
        grams.extend(units[i] + units[i + 1] for i in range(len(units) - 1))
    return grams


# --- Whoosh tokenizers: stateless, so the pickled schema holds only their class names --------

# A document's title, summary + tags and body go into one field each for words, pairs and
# grams, separated by SECTION_BREAK; each term's weight is the sum of its sections' weights
# (BM25F's weighted term frequency). One posting list per term instead of one per section
# makes a query touch a third of the postings, which is most of Whoosh's cost.
SECTION_BREAK = "\x1e"
SECTION_WEIGHTS = (4.0, 2.0, 1.0)  # title, summary + tags, body


def sectioned(title: str, head: str, body: str) -> str:
    return SECTION_BREAK.join((title, head, body))


class _SectionedTokenizer(Tokenizer):
    section_weights: tuple[float, ...] = SECTION_WEIGHTS

    def terms(self, text: str) -> list[str]:
        """The index terms of one cleaned section; each analyzer's tokenizer says how."""
        raise NotImplementedError

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, mode: str = "",
                 **kwargs: Any) -> Iterator[WhooshToken]:
        token = WhooshToken(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for weight, section in zip(self.section_weights, value.split(SECTION_BREAK), strict=False):
            for text in self.terms(clean_text(section)):
                token.text = text
                token.boost = weight
                token.stopped = False
                if keeporiginal:
                    token.original = text
                if positions:
                    token.pos = pos
                if chars:  # offsets are not kept; snippets find matches themselves
                    token.startchar = token.endchar = start_char
                pos += 1
                yield token


class WordTokenizer(_SectionedTokenizer):
    """Whoosh tokenizer for the words field (see `word_terms`)."""

    def terms(self, text: str) -> list[str]:
        return [term.text for term in word_terms(text)]


class PairTokenizer(_SectionedTokenizer):
    """Whoosh tokenizer for the word-pairs field (see `word_pairs`)."""

    def terms(self, text: str) -> list[str]:
        return word_pairs([term.text for term in word_terms(text)])


class GramTokenizer(_SectionedTokenizer):
    """Whoosh tokenizer for the bigrams field (see `gram_terms`): title, summary and tags only.

    Bigrams of bodies would double the index for little: they only serve the second, wider
    search when words find almost nothing, and a page is about what its title and summary say.
    """

    section_weights = SECTION_WEIGHTS[:2]

    def terms(self, text: str) -> list[str]:
        return gram_terms(text)


# --- completions ------------------------------------------------------------------------------

def completion_keys(title: str, limit: int = 12) -> list[str]:
    """Strings a title can be completed from: the folded title and its reading (hiragana),
    each also from every later word start, so 引っ越 and ひっこ both reach 転入届（…引っ越し…）."""
    text = clean_text(title)
    folded = fold_for_match(text)
    reading, starts = _reading_with_word_starts(text)
    keys = [folded, reading]
    keys.extend(folded[term.start:] for term in word_terms(text) if term.start > 0)
    keys.extend(reading[start:] for start in starts if start > 0)
    return list(dict.fromkeys(key.strip() for key in keys if key.strip()))[:limit]


def _reading_with_word_starts(text: str) -> tuple[str, list[int]]:
    parts: list[str] = []
    starts: list[int] = []
    length = 0
    cursor = 0
    for run in script_runs(text):
        if run.script != "ja":
            continue
        between = fold_for_match(text[cursor:run.start])
        parts.append(between)
        length += len(between)
        for morpheme in japanese_tokenizer().tokenize(run.text[:SUDACHI_MAX_CHARS]):
            pos = morpheme.part_of_speech()[0]
            piece = fold_kana(morpheme.surface() if pos in _SKIPPED_POS else morpheme.reading_form())
            if pos not in _SKIPPED_POS:
                starts.append(length)
            parts.append(piece)
            length += len(piece)
        cursor = run.start + len(run.text)
    parts.append(fold_for_match(text[cursor:]))
    return "".join(parts), starts
