"""A search asked again on the same build is answered from that build's memory, the same outcome
without running the engine; a miss is still counted every time; a new build starts empty."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.search import service
from shinjuku_pwa.search.index import AnswerMemo
from shinjuku_pwa.search.models import SearchMiss


@pytest.fixture(scope="module")
def context(search_app):
    with search_app.app_context():
        yield


def test_a_repeated_search_gives_the_same_outcome_from_memory(context):
    live = service.current_index()
    first = service.search("ひまわり", "ja", count_miss=False)
    assert live.answers.get(("ひまわり", "ja", None, None, 1, 10)) is not None
    again = service.search("ひまわり", "ja", count_miss=False)
    assert again is first
    assert service.search("ひまわり", "ja", page=2, count_miss=False) is not first


def test_a_remembered_miss_is_still_counted_each_time(context):
    for _ in range(2):
        assert service.search("zzzqqqxxx never there", "en").total == 0
    count = db.session.scalar(select(SearchMiss.count).where(SearchMiss.query == "zzzqqqxxx never there"))
    assert count == 2


def test_the_memory_keeps_at_most_its_size_and_drops_the_least_recently_used():
    memo = AnswerMemo(2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.get("a") == 1  # "b" is now the least recently used
    memo.put("c", 3)
    assert (memo.get("a"), memo.get("b"), memo.get("c"), len(memo)) == (1, None, 3, 2)
