"""The JSON a phone receives, in the subscriber's language and small enough for any push service."""
from __future__ import annotations

import json
import re

from ..core.i18n import pick_text

# RFC 8291 allows 3,993 bytes of plaintext in a 4,096-byte record; we keep a margin.
MAX_PAYLOAD_BYTES = 3000
_BREAK = re.compile(r"[\s、。，．,.!?！？）)]")


def _encoded(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def cut_at_word_boundary(text: str, max_bytes: int) -> str:
    """Shorten text to at most max_bytes of UTF-8, ending at a space or punctuation when one is near."""
    if len(text.encode("utf-8")) <= max_bytes:
        return text
    ellipsis = "…"
    budget = max_bytes - len(ellipsis.encode("utf-8"))
    cut = text.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    # Prefer a break in the last fifth (Japanese has no spaces: punctuation counts as a break).
    window_start = int(len(cut) * 0.8)
    breaks = [m.end() for m in _BREAK.finditer(cut) if m.end() >= window_start]
    if breaks:
        cut = cut[: breaks[-1]]
    return cut.rstrip() + ellipsis


def build_payload(notice_id: int, titles: dict, bodies: dict, lang: str, url: str) -> bytes:
    """Encode the notification; the title is never cut, the body is cut to fit."""
    served, title = pick_text(titles, lang)
    _, body = pick_text(bodies, served)
    data = {"id": notice_id, "title": title, "body": body, "url": url, "lang": served}
    encoded = _encoded(data)
    if len(encoded) <= MAX_PAYLOAD_BYTES:
        return encoded
    overhead = len(_encoded({**data, "body": ""}))
    # JSON escaping can only grow the text, so shrink until the whole document fits.
    allowance = MAX_PAYLOAD_BYTES - overhead
    while allowance > 0:
        data["body"] = cut_at_word_boundary(body, allowance)
        encoded = _encoded(data)
        if len(encoded) <= MAX_PAYLOAD_BYTES:
            return encoded
        allowance -= len(encoded) - MAX_PAYLOAD_BYTES
    data["body"] = ""
    return _encoded(data)
