"""Where a section sits (building and floor as data), worded in the reader's language."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext

from ..core.i18n import localized_place

BUILDING_NAMES = {
    "main-office": lazy_gettext("City Office Main Building"),
    "first-annex": lazy_gettext("City Office Annex 1"),
    "second-annex-bunkan": lazy_gettext("Second Annex Building, Bunkan"),
}


@dataclass(frozen=True)
class PlaceText:
    where: str  # building and floor, in the reader's language
    desk: str  # the desk's name, "" if none
    desk_lang: str  # the language the desk's name is written in


def place_text(location: dict[str, Any] | None, lang: str) -> PlaceText | None:
    """A department's location as the reader reads it; None for the older free-text form."""
    place = (location or {}).get("place")
    if not isinstance(place, dict):
        return None
    where = _("%(building)s, floor %(floor)s", building=BUILDING_NAMES[place["building"]], floor=place["floor"])
    desk, desk_lang = localized_place(place.get("desk"), lang)
    return PlaceText(where, desk, desk_lang)
