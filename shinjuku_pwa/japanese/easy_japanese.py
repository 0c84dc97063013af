"""Checks for やさしい日本語 pages: short sentences and plain words.

Pure: files in, `path:line: message` problems out. One sentence per line is the style of
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
from ..search.analysis import _sudachi as sudachi_tokenizer  # one Sudachi dictionary per process
from ..content.loader import ContentError, split_front_matter

MAX_SENTENCE_LENGTH = 40
_SUDACHI_LIMIT = 4000  # characters of one line given to Sudachi (its input limit is about 49 KB)
# Front matter keys whose text residents read as sentences (tags are search words).
_READ_KEYS = ("title", "summary")

_SENTENCE_END = re.compile(r"(?<=[。！？!?])")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"<?https?://[^\s>)]+>?|<?mailto:[^\s>]+>?")
_CODE = re.compile(r"`[^`]*`")
_READING_MARK = re.compile(r"\{([^{}|\n]+)\\?\|[^{}|\n]+\}")
_BLOCK_MARKERS = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)*")
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)[*_]|[*_](?!\w)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
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
    found = []
    for cell in cells:
        found.extend(part.strip() for part in _SENTENCE_END.split(cell) if part.strip())
    return found


def sentence_length(sentence: str) -> int:
    """Characters a reader reads: spaces and bracketed readings after kanji left out."""
    return len(re.sub(r"\s", "", _BRACKETED_READING.sub("", sentence)))


def _word_boundaries(text: str) -> set[int]:
    """Offsets where Sudachi's shortest words start or end: 本人 is not a word of 日本人."""
    boundaries = {0, len(text)}
    for morpheme in sudachi_tokenizer().tokenize(text, SplitMode.A):
        boundaries.update((morpheme.begin(), morpheme.end()))
    return boundaries


def hard_words_in(text: str, hard_words: dict[str, str]) -> list[str]:
    """Hard words used as words in the text, outside brackets and quotes, longest first, each once."""
    masked = _EXEMPT_SPANS.sub(lambda m: " " * len(m.group()), text)
    candidates = [word for word in sorted(hard_words, key=len, reverse=True) if word in masked]
    if not candidates:
        return []
    boundaries = _word_boundaries(text[:_SUDACHI_LIMIT])
    found = []
    for word in candidates:
        starts = [m.start() for m in re.finditer(re.escape(word), masked)]
        whole = [start for start in starts if start in boundaries and start + len(word) in boundaries]
        if whole:
            found.append(word)
            for start in whole:  # 転入届 is reported, not also 届 inside it
                masked = masked[:start] + " " * len(word) + masked[start + len(word):]
    return found


def check_text_line(path: str, line_number: int, text: str, hard_words: dict[str, str]) -> list[ContentError]:
    problems = []
    for sentence in sentences(text):
        length = sentence_length(sentence)
        if length > MAX_SENTENCE_LENGTH:
            shown = sentence if len(sentence) <= 24 else sentence[:24] + "…"
            problems.append(ContentError(
                path, line_number, f"sentence of {length} characters (at most {MAX_SENTENCE_LENGTH}): {shown}"
            ))
    for word in hard_words_in(text, hard_words):
        problems.append(ContentError(path, line_number, f"hard word '{word}': write '{hard_words[word]}'"))
    return problems


def check_easy_page(path: str, source: str, hard_words: dict[str, str]) -> list[ContentError]:
    """Problems of one ja-easy page file (its title, summary and body)."""
    parts = split_front_matter(source)
    if parts is None:
        return [ContentError(path, 1, "missing front matter between '---' lines")]
    front, body, body_line = parts
    problems = []
    for index, line in enumerate(front.splitlines()):
        key, _, value = line.partition(":")
        if key.strip() in _READ_KEYS:
            problems.extend(check_text_line(path, index + 2, value.strip().strip("'\""), hard_words))
    in_code_block = False
    for index, line in enumerate(body.splitlines()):
        if line.lstrip().startswith(("```", "~~~")):
            in_code_block = not in_code_block
            continue
        if in_code_block or _TABLE_RULE.match(line):
            continue
        problems.extend(check_text_line(path, body_line + index, readable_text(line), hard_words))
    return problems


def check_easy_pages(root: Path, hard_words: dict[str, str]) -> tuple[int, list[ContentError]]:
    """(pages checked, problems) for every content/pages/*/ja-easy.md under root."""
    root = Path(root)
    files = sorted((root / "pages").glob("*/ja-easy.md"))
    problems = []
    for file in files:
        label = str(file.relative_to(root.parent)) if file.is_relative_to(root.parent) else str(file)
        problems.extend(check_easy_page(label, file.read_text(encoding="utf-8"), hard_words))
    return len(files), problems
