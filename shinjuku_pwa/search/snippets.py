"""Snippets: the part of a text around the query's words, as (text, is_match) segments.

Segments rather than HTML, so templates escape the text and add <mark> themselves and the
API can do the same; nothing a page author wrote can become markup here. Matching is done
on a folded copy of the text of the same length (lower case, hiragana), so offsets found
there cut the original text.
"""
from __future__ import annotations

from collections.abc import Iterable

from markupsafe import escape

from .analysis import fold_for_match

Segments = tuple[tuple[str, bool], ...]
MAX_MATCHES = 40
ELLIPSIS = "…"


def _find_spans(folded: str, needles: Iterable[str]) -> list[tuple[int, int]]:
    """Matches of the needles; one-character matches only next to a longer one, unless
    nothing longer was searched for (税 alone), so the 记 of 登记 is not marked everywhere."""
    needles = list(needles)
    spans = _raw_spans(folded, [n for n in needles if len(n) > 1])
    single = _raw_spans(folded, [n for n in needles if len(n) == 1])
    if spans:
        edges = {edge for span in spans for edge in span}
        single = [span for span in single if span[0] in edges or span[1] in edges]
    return _merge(spans + single)


def _raw_spans(folded: str, needles: list[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for needle in needles:
        if not needle:
            continue
        latin = needle.isascii() and needle.isalnum()
        start = 0
        while len(spans) < MAX_MATCHES:
            index = folded.find(needle, start)
            if index < 0:
                break
            end = index + len(needle)
            if latin:
                # A Latin stem (regist) must start a word, and marks the whole word (registering).
                if index > 0 and folded[index - 1].isalnum():
                    start = end
                    continue
                while end < len(folded) and folded[end].isalnum():
                    end += 1
            spans.append((index, end))
            start = end
    return spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _best_window(spans: list[tuple[int, int]], width: int, length: int) -> tuple[int, int]:
    best_start, best_count = spans[0][0], 0
    for index, (start, _end) in enumerate(spans):
        count = sum(1 for other_start, other_end in spans[index:] if other_end <= start + width)
        if count > best_count:
            best_start, best_count = start, count
    # Show a little of what comes before the first match.
    window_start = max(0, min(best_start - width // 5, length - width))
    return window_start, min(length, window_start + width)


def make_snippet(text: str, needles: Iterable[str], fallback_needles: Iterable[str] = (), width: int = 160) -> Segments:
    """The best `width`-character window of text, with matches marked.

    `fallback_needles` (bigrams) are only used when none of `needles` occurs.
    """
    if not text:
        return ()
    folded = fold_for_match(text)
    spans = _find_spans(folded, needles) or _find_spans(folded, fallback_needles)
    if not spans:
        cut = text[:width]
        return ((cut + (ELLIPSIS if len(text) > width else ""), False),)
    start, end = _best_window(spans, width, len(text))
    segments: list[tuple[str, bool]] = []
    if start > 0:
        segments.append((ELLIPSIS, False))
    cursor = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start > cursor:
            segments.append((text[cursor:span_start], False))
        segments.append((text[span_start:span_end], True))
        cursor = span_end
    if cursor < end:
        segments.append((text[cursor:end], False))
    if end < len(text):
        segments.append((ELLIPSIS, False))
    return tuple(segments)


def has_match(segments: Segments) -> bool:
    return any(is_match for _, is_match in segments)


def snippet_html(segments: Segments) -> str:
    """Segments as HTML: text escaped, matches in <mark> (for the JSON API)."""
    return "".join(f"<mark>{escape(text)}</mark>" if is_match else str(escape(text)) for text, is_match in segments)
