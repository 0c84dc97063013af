"""What goes into the search index: a registry of sources, one per kind of content.

The interface, for whoever adds a kind of content (procedures, life events, notices...):

1. Write a function that takes no arguments, runs inside an app context, and yields one
   `SearchDocument` per item and locale that residents may see now (published, not expired):

       SearchDocument(type="procedure", id=slug, locale="en", title=..., summary=...,
                      body=plain text (no HTML; use `text_from_html`), category=category id,
                      url=localized_url("procedures.detail", slug=slug), tags=(...))

   `url` holds `{lang}` where the reader's locale goes (`localized_url` builds it from an
   endpoint), so a result always links to the item in the reader's language.
2. Add it to `SOURCES` below with its type and the name residents read for that kind of item
   (`lazy_gettext`, translated in every resident catalog): that one line is all. `type` is what
   the API's `type` filter and each result's `type` say, so keep it a short stable word.
3. When the content changes outside `content import` (a notice published or withdrawn), bump
   its state version (core/versions.py) in the same transaction: every host's index follows
   it (search/upkeep.py). Indexing, the database fallback and facet names all read SOURCES.
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import unquote

from flask import current_app
from flask_babel import lazy_gettext
from sqlalchemy import select

from ..core.extensions import db
from ..notices.models import Notice, NoticeState
from ..pages.models import Page, PageTranslation
from ..procedures.models import Procedure, ProcedureTranslation, StoredLifeEvent


@dataclass(frozen=True)
class SearchDocument:
    type: str  # page | procedure | notice ...
    id: str  # unique within its type (a slug)
    locale: str  # one of i18n.LOCALE_CODES
    title: str
    summary: str
    body: str  # plain text
    category: str  # a category id, for facets
    url: str  # path with "{lang}" for the reader's locale
    tags: tuple[str, ...] = ()  # words residents might type, in this locale

    @property
    def item(self) -> tuple[str, str]:
        return (self.type, self.id)


LANG_SLOT = "{lang}"


def localized_url(endpoint: str, **values) -> str:
    """An endpoint's path with `{lang}` in place of the locale, buildable without a request."""
    path = current_app.url_map.bind("").build(endpoint, {"lang": LANG_SLOT, **values})
    return unquote(path)


def url_in(url: str, lang: str) -> str:
    return url.replace(LANG_SLOT, lang)


_RUBY_READING = re.compile(r"<rt>(.*?)</rt>", re.S)
_NOT_SHOWN = re.compile(r"<rp>.*?</rp>", re.S)
_BLOCK_TAGS = re.compile(r"</?(?:p|h[1-6]|li|ul|ol|tr|td|th|table|thead|tbody|br|hr|pre|blockquote)\b[^>]*>", re.I)
_TAGS = re.compile(r"<[^>]+>")
_BLANKS = re.compile(r"[ \t]*\n[\s]*")


def text_from_html(body_html: str) -> str:
    """Sanitised page HTML to plain text: blocks become lines, ruby readings stay in brackets."""
    text = _NOT_SHOWN.sub("", body_html)
    text = _RUBY_READING.sub(lambda m: "（" + m.group(1) + "）", text)
    text = _BLOCK_TAGS.sub("\n", text)
    text = html.unescape(_TAGS.sub("", text))
    return _BLANKS.sub("\n", text).strip()


def page_documents() -> Iterator[SearchDocument]:
    """Every published translation of every published page."""
    rows = db.session.scalars(
        select(PageTranslation)
        .join(Page)
        .where(Page.published, PageTranslation.published)
        .order_by(PageTranslation.page_slug, PageTranslation.locale)
    )
    for row in rows:
        page = row.page
        yield SearchDocument(
            type="page",
            id=page.slug,
            locale=row.locale,
            title=row.title,
            summary=row.summary,
            body=text_from_html(row.body_html),
            category=page.category_id,
            url=localized_url("pages.page", slug=page.slug),
            tags=tuple(row.tags or ()),
        )


def procedure_documents() -> Iterator[SearchDocument]:
    """Every published translation of every published procedure (its own page, not a topic)."""
    rows = db.session.scalars(
        select(ProcedureTranslation)
        .join(Procedure)
        .where(Procedure.published, ProcedureTranslation.published)
        .order_by(ProcedureTranslation.procedure_id, ProcedureTranslation.locale)
    )
    for row in rows:
        body = "\n".join(part for part in (row.who, row.deadline_text, row.where_text, text_from_html(row.body_html)) if part)
        yield SearchDocument(
            type="procedure", id=row.procedure_id, locale=row.locale, title=row.title, summary=row.summary,
            body=body, category="", url=localized_url("procedures.procedure", procedure_id=row.procedure_id),
            tags=tuple(row.tags or ()),
        )


def life_event_documents() -> Iterator[SearchDocument]:
    """Each life event's questionnaire, in every language it has a title in."""
    for event in db.session.scalars(select(StoredLifeEvent).where(StoredLifeEvent.published)):
        titles = event.definition.get("title", {})
        summaries = event.definition.get("summary", {})
        for locale, title in titles.items():
            yield SearchDocument(
                type="life_event", id=event.id, locale=locale, title=title, summary=summaries.get(locale, ""),
                body="", category="", url=localized_url("procedures.life_event", event_id=event.id),
            )


def notice_documents() -> Iterator[SearchDocument]:
    """Published notices residents can see now, in each language they were written in.

    Expired ones drop out at the next rebuild (each publish or withdrawal triggers one);
    results are also filtered by time when shown, so an expired notice is never offered.
    """
    for notice in db.session.scalars(select(Notice).where(Notice.state == NoticeState.PUBLISHED)):
        for locale, title in notice.title.items():
            yield SearchDocument(
                type="notice", id=str(notice.id), locale=locale, title=title, summary="",
                body=notice.body.get(locale, ""), category="",
                url=localized_url("notices.show_notice", notice_id=notice.id),
                tags=tuple(notice.topics or ()),
            )


@dataclass(frozen=True)
class Source:
    type: str  # the SearchDocument.type its documents carry
    name: object  # a lazy_gettext string: what residents read for this kind (facets, result labels)
    documents: Callable[[], Iterable[SearchDocument]]


# Every source of searchable items: one line per kind of content.
SOURCES: list[Source] = [
    Source("page", lazy_gettext("Information page"), page_documents),
    Source("procedure", lazy_gettext("Procedure"), procedure_documents),
    Source("life_event", lazy_gettext("Life event"), life_event_documents),
    Source("notice", lazy_gettext("Notice"), notice_documents),
]


def all_documents() -> Iterator[SearchDocument]:
    for source in SOURCES:
        yield from source.documents()


def type_names() -> dict[str, str]:
    """Each kind of item's name in the current request's language."""
    return {source.type: str(source.name) for source in SOURCES}
