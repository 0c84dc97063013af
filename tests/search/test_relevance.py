"""Search quality over the bundled content: real resident queries in every language.

relevance.yaml lists queries with the page that must be in the top 3. The test computes
the top-3 hit rate and the mean reciprocal rank (MRR) and fails below 0.85 top-3. Run it
before and after any change to analysis, ranking, synonyms or best bets.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from shinjuku_pwa.search import service

CASES = yaml.safe_load((Path(__file__).parent / "relevance.yaml").read_text(encoding="utf-8"))
MINIMUM_TOP3 = 0.85
MINIMUM_PER_LANGUAGE = {"ja": 10, "ja-easy": 10, "en": 10, "zh": 10, "ko": 10, "vi": 10, "ne": 3, "my": 3}


def rank_of(page: str, query: str, lang: str) -> int | None:
    ids = [result.id for result in service.search(query, lang, per_page=10, count_miss=False).results]
    return ids.index(page) + 1 if page in ids else None


def test_the_relevance_set_has_at_least_80_queries_in_every_required_language():
    counts = defaultdict(int)
    for case in CASES:
        counts[case["lang"].split("-")[0] if case["lang"].startswith("zh") else case["lang"]] += 1
    assert len(CASES) >= 80
    assert all(counts[lang] >= minimum for lang, minimum in MINIMUM_PER_LANGUAGE.items()), dict(counts)


@pytest.fixture(scope="module")
def indexed_content(content_app):
    with content_app.app_context():
        service.refresh_index()
        yield


def test_top3_hit_rate_is_at_least_085_over_the_bundled_content(indexed_content):
    ranks = [(case, rank_of(case["page"], case["q"], case["lang"])) for case in CASES]
    top3 = sum(1 for _, rank in ranks if rank and rank <= 3) / len(ranks)
    mrr = sum(1 / rank for _, rank in ranks if rank) / len(ranks)
    misses = [f"{c['lang']} {c['q']!r} -> {c['page']} (rank {rank})" for c, rank in ranks if not rank or rank > 3]
    print(f"\nrelevance: {len(ranks)} queries, top-3 {top3:.3f}, MRR {mrr:.3f}")
    assert top3 >= MINIMUM_TOP3, f"top-3 {top3:.3f}, MRR {mrr:.3f}; missed:\n" + "\n".join(misses)
