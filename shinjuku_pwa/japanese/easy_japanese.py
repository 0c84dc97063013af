"""Checks for やさしい日本語: short sentences and plain words.

Pure: text in, problems out (content/easy_pages.py applies them to page files). One sentence per line is the style of
our easy pages, so sentences are counted line by line, after Markdown and URLs are removed.
Spaces between words do not count towards the length, nor do readings in brackets after
kanji (戸籍住民課（こせき じゅうみん か）), which are there to help, not to read through.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml
from sudachipy import SplitMode

from .furigana import KANA, KANJI
from .tokenizer import MAX_CHARS, japanese_tokenizer

MAX_SENTENCE_LENGTH = 40


_SENTENCE_END = re.compile(r"(?<=[。！？!?])")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"<?https?://[^\s>)]+>?|<?mailto:[^\s>]+>?")
_CODE = re.compile(r"`[^`]*`")
_READING_MARK = re.compile(r"\{([^{}|\n]+)\\?\|[^{}|\n]+\}")
_BLOCK_MARKERS = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)*")
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)[*_]|[*_](?!\w)")
_BRACKETED_READING = re.compile(f"(?<=[{KANJI}])[（(][{KANA}][{KANA} \u3000]*[）)]")
# Quoted or bracketed text may hold a hard word on purpose: a label as it appears on a screen
# or form (「ホーム画面に追加」), or the official name after the plain one (とどけ（転入届）).
_EXEMPT_SPANS = re.compile(r"（[^（）]*）|\([^()]*\)|「[^「」]*」|『[^『』]*』")


def load_hard_words(path: Path) -> dict[str, str]:
    """The hard-word list: {hard word: plain replacement}."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise ValueError(f"{path}: expected a mapping of hard word to plain replacement")
    return data


def readable_text(line: str) -> str:
    """What a reader reads on one Markdown line: no markers, link targets, URLs or code."""
    text = _CODE.sub("", line)
    text = _LINK.sub(r"\1", text)
    text = _URL.sub("", text)
    text = _READING_MARK.sub(r"\1", text)
    text = _BLOCK_MARKERS.sub("", text)
    return _EMPHASIS.sub("", text)


def sentences(text: str) -> list[str]:
    """The sentences of one line of text (a table row gives one per cell)."""
    cells = [cell for cell in re.split(r"(?<!\\)\|", text)] if "|" in text else [text]
    found: list[str] = []
    for cell in cells:
        found.extend(part.strip() for part in _SENTENCE_END.split(cell) if part.strip())
    return found


def sentence_length(sentence: str) -> int:
    """Characters a reader reads: spaces and bracketed readings after kanji left out."""
    return len(re.sub(r"\s", "", _BRACKETED_READING.sub("", sentence)))


def _word_boundaries(text: str) -> set[int]:
    """Offsets where Sudachi's shortest words start or end: 本人 is not a word of 日本人."""
    boundaries = {0, len(text)}
    for morpheme in japanese_tokenizer().tokenize(text, SplitMode.A):
        boundaries.update((morpheme.begin(), morpheme.end()))
    return boundaries


def hard_words_in(text: str, hard_words: dict[str, str]) -> list[str]:
    """Hard words used as words in the text, outside brackets and quotes, longest first, each once."""
    masked = _EXEMPT_SPANS.sub(lambda m: " " * len(m.group()), text)
    candidates = [word for word in sorted(hard_words, key=len, reverse=True) if word in masked]
    if not candidates:
        return []
    boundaries = _word_boundaries(text[:MAX_CHARS])
    found = []
    for word in candidates:
        starts = [m.start() for m in re.finditer(re.escape(word), masked)]
        whole = [start for start in starts if start in boundaries and start + len(word) in boundaries]
        if whole:
            found.append(word)
            for start in whole:  # 転入届 is reported, not also 届 inside it
                masked = masked[:start] + " " * len(word) + masked[start + len(word):]
    return found


def line_problems(text: str, hard_words: dict[str, str]) -> list[str]:
    """What is wrong with one line of easy Japanese: long sentences, hard words."""
    problems = []
    for sentence in sentences(text):
        length = sentence_length(sentence)
        if length > MAX_SENTENCE_LENGTH:
            shown = sentence if len(sentence) <= 24 else sentence[:24] + "…"
            problems.append(f"sentence of {length} characters (at most {MAX_SENTENCE_LENGTH}): {shown}")
    for word in hard_words_in(text, hard_words):
        problems.append(f"hard word '{word}': write '{hard_words[word]}'")
    return problems
