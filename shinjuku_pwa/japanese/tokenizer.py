"""SudachiPy, shared: one dictionary per process, one tokenizer per thread (they are not
thread-safe), split mode A (the shortest words: 粗大ごみ stays 粗大 + ごみ, never 粗大塵).

Search, furigana and the easy-Japanese checks all read Japanese through here.
"""
from __future__ import annotations

import re
import threading

from sudachipy import Dictionary, SplitMode
from sudachipy import Tokenizer as SudachiTokenizer

# Sudachi's input limit is about 49 KB; callers cut long text into pieces of this many characters.
MAX_CHARS = 4000

_dictionary_lock = threading.Lock()
_dictionary: Dictionary | None = None
_local = threading.local()

_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}
_KATAKANA_TO_HIRAGANA.update({0x30FD: 0x309D, 0x30FE: 0x309E})


def japanese_tokenizer() -> SudachiTokenizer:
    """This thread's Sudachi tokenizer (split mode A), sharing the process's dictionary."""
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        global _dictionary
        with _dictionary_lock:
            if _dictionary is None:
                _dictionary = Dictionary(dict="core")
        tokenizer = _local.tokenizer = _dictionary.tokenizer(mode=SplitMode.A)
    return tokenizer


_KATAKANA_RUN = re.compile("[\u30a1-\u30f6\u30fd\u30fe]+")
_SHORT = 64  # below this many characters one translate() is cheaper than finding runs first


def _fold_run(match: re.Match[str]) -> str:
    return match.group().translate(_KATAKANA_TO_HIRAGANA)


def fold_kana(text: str) -> str:
    """Katakana to hiragana, one character for one (so offsets stay valid): ゴミ → ごみ.

    str.translate with a dict looks every character up in Python: on a page's text (snippets
    fold whole bodies) translating only the katakana runs is several times faster."""
    if len(text) < _SHORT:
        return text.translate(_KATAKANA_TO_HIRAGANA)
    return _KATAKANA_RUN.sub(_fold_run, text)
