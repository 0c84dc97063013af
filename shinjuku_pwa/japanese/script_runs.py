"""Japanese inside text in another language, marked lang="ja" (issue 16).

Names of sections, offices and addresses stay in Japanese inside every translation (they are what a
resident shows at a counter or reads on a sign). Marked lang="ja", a screen reader reads them as Japanese
and the browser draws them with a Japanese font instead of the page language's.

In Chinese text a run of Han characters may be Chinese: there only runs of kana are marked.
Japanese and easy-Japanese text is left alone.
"""
from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

# Kana letters: not ・ (U+30FB) nor ー (U+30FC), marks other scripts borrow; they only continue a run.
_KANA = "\u3041-\u30fa\u30fd-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005\u3006"
# A run starts with kana, a kanji or an opening bracket, and goes on through the marks Japanese writes
# between words (・, 〜, brackets) and figures (新宿区内藤町87, 第2分庁舎分館1階).
_RUN = re.compile(
    rf"[{_KANA}{_HAN}「『（](?:[{_KANA}{_HAN}・ー「」『』（）〜]|(?<=[{_KANA}{_HAN}0-9０-９\-－])[0-9０-９\-－])*"
)  # figures only right after a kanji, kana or figure: "「しんじゅくコール」03-3209-9999" keeps its phone out
# In Chinese text: kana only (しんじゅくコール), the Han characters around it being Chinese as well as not.
_KANA_RUN = re.compile(rf"[{_KANA}][{_KANA}・ー]*")
_HAS_JAPANESE = re.compile(rf"[{_KANA}{_HAN}]")
_TAG = re.compile(r"(<[^>]*>)")
_LANG_JA = re.compile(r'\slang="ja"')  # not hreflang="ja"
_JAPANESE_LOCALES = ("ja", "ja-easy")
_CHINESE_LOCALES = ("zh-Hans", "zh-Hant")


def _balanced(run: str) -> tuple[str, str]:
    """The run without a trailing opening bracket (it belongs to what follows)."""
    stripped = run.rstrip("「『（")
    return stripped, run[len(stripped):]


def _mark_text(text: str, locale: str) -> str:
    def wrap(match: re.Match[str]) -> str:
        run, rest = _balanced(match.group(0))
        if not run or not _HAS_JAPANESE.search(run):
            return match.group(0)
        return f'<span lang="ja">{run}</span>{rest}'
    return (_KANA_RUN if locale in _CHINESE_LOCALES else _RUN).sub(wrap, text)


@lru_cache(maxsize=4096)
def _marked_html(html: str, locale: str) -> str:
    parts = _TAG.split(html)
    inside_ja = 0  # depth of elements already marked lang="ja" (left as they are)
    stack: list[bool] = []
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            if part.startswith("</"):
                if stack and stack.pop():
                    inside_ja -= 1
            elif not part.endswith("/>") and not re.match(r"<(?:br|hr|img|wbr)\b", part):
                marked = bool(_LANG_JA.search(part))
                stack.append(marked)
                inside_ja += marked
        elif part and not inside_ja:
            parts[index] = _mark_text(part, locale)
    return "".join(parts)


def mark_japanese(text: str | None, locale: str) -> Markup | str | None:
    """`text` (plain text, escaped here, or Markup kept as HTML) with its Japanese runs in
    <span lang="ja">, for text in `locale`; unchanged for Japanese locales."""
    if not text or locale in _JAPANESE_LOCALES:
        return text
    html = str(text if isinstance(text, Markup) else escape(text))
    if not _HAS_JAPANESE.search(html):
        return Markup(html)
    return Markup(_marked_html(html, locale))
