"""Search misses: queries that found nothing, counted so staff can see what residents miss.

Deliberately only the query text, the locale and a count: no time, no address, no session,
nothing that could tell who searched or when.
"""
from __future__ import annotations

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.extensions import Model

MISS_QUERY_LENGTH = 200


class SearchMiss(Model):
    __tablename__ = "search_misses"
    __table_args__ = (UniqueConstraint("query", "locale", name="uq_search_miss_query_locale"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    query: Mapped[str] = mapped_column(String(MISS_QUERY_LENGTH))
    locale: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(Integer, default=0)
