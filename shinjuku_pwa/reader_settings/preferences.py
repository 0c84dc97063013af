"""What a reader chose (text size, contrast, furigana) and how it is kept in their cookie.

No Flask here: the cookie value in, settings out, and back. Nothing about the person is kept,
only these three choices, and only on their device.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, urlencode, urlsplit

from ..japanese.furigana import FURIGANA_LOCALES

COOKIE_NAME = "reader"
# Long-lived, so the choice survives until the reader changes it (browsers cap cookies at 400 days).
COOKIE_MAX_AGE = 365 * 24 * 3600

TEXT_SIZES = ("standard", "large", "largest")
CONTRASTS = ("standard", "high")
# easy: on easy-Japanese pages only (the default: they are written for readers learning kanji);
# all: on every Japanese page; off: nowhere.
FURIGANA_CHOICES = ("easy", "all", "off")


@dataclass(frozen=True)
class ReaderSettings:
    text_size: str = "standard"
    contrast: str = "standard"
    furigana: str = "easy"

    @property
    def html_classes(self) -> str:
        """Classes for <html>: text-large, text-largest, contrast-high (none for the defaults)."""
        classes = []
        if self.text_size != "standard":
            classes.append(f"text-{self.text_size}")
        if self.contrast != "standard":
            classes.append(f"contrast-{self.contrast}")
        return " ".join(classes)

    def shows_furigana(self, text_locale: str, reading_in: str | None = None) -> bool:
        """Whether text in `text_locale` is shown with furigana to a reader of the `reading_in` site.

        A reader of the easy-Japanese site who is shown plain Japanese (nothing easier exists
        yet, a notice written in haste) needs readings most, so "easy" covers that text too.
        """
        if text_locale not in FURIGANA_LOCALES or self.furigana == "off":
            return False
        return self.furigana == "all" or "ja-easy" in (text_locale, reading_in)

    def updated(self, **choices: str | None) -> ReaderSettings:
        return replace(self, **{key: value for key, value in choices.items() if value is not None})


_ALLOWED = {"text_size": TEXT_SIZES, "contrast": CONTRASTS, "furigana": FURIGANA_CHOICES}


def settings_from_cookie(value: str | None) -> ReaderSettings:
    """Read the cookie; anything unknown or malformed falls back to the default for that choice."""
    if not value:
        return ReaderSettings()
    try:
        pairs = parse_qsl(value, max_num_fields=len(_ALLOWED) + 2)
    except ValueError:
        return ReaderSettings()
    known = {key: choice for key, choice in pairs if choice in _ALLOWED.get(key, ())}
    return ReaderSettings(**known)


def cookie_value(settings: ReaderSettings) -> str:
    """text_size=large&contrast=high&furigana=all: readable, and safe in a cookie unquoted."""
    return urlencode({"text_size": settings.text_size, "contrast": settings.contrast, "furigana": settings.furigana})


def safe_return_path(value: str | None) -> str | None:
    """A path on this site to send the reader back to, or None; never another site (open redirect)."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return None
    if any(ord(ch) < 0x20 or ch == "\\" for ch in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value
