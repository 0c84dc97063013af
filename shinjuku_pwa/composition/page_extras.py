"""What an information page shows from another domain's data, below its body.

The evacuation page lists the ward's wide-area evacuation sites (open data). Pages know nothing of
it: templates/pages/page.html calls `page_extra(slug, lang)`, which this module provides.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, render_template
from markupsafe import Markup

from ..open_data.loader import HAZARDS
from ..open_data.queries import get_dataset, list_evacuation_sites

EVACUATION_DATASET = "evacuation-sites"


def evacuation_sites(lang: str) -> str:
    sites = list_evacuation_sites()
    dataset = get_dataset(EVACUATION_DATASET)
    if not sites or dataset is None:
        return ""
    texts = dataset.get("locale_texts", {})
    return render_template("open_data/evacuation_sites.html", sites=sites, dataset=dataset, hazards=HAZARDS,
                           texts=texts.get(lang) or texts.get("en") or texts.get("ja") or {},
                           hidden_addresses=set(dataset.get("addresses_not_shown", [])))


EXTRAS: dict[str, Callable[[str], str]] = {"evacuation-sites": evacuation_sites}


def page_extra(slug: str, lang: str) -> Markup:
    extra = EXTRAS.get(slug)
    return Markup(extra(lang)) if extra else Markup("")  # noqa: S704 - rendered by an autoescaping template


def init_app(app: Flask) -> None:
    app.jinja_env.globals["page_extra"] = page_extra
