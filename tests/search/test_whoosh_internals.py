"""The scorer reads whoosh-ng's block matcher through private members (scorer.BLOCK_MATCHER_MEMBERS).

whoosh-ng is pinned to one version; if an upgrade moves or changes those members, these tests fail
loudly instead of search quietly falling back to the slow public path (or reading wrong postings).
"""
from __future__ import annotations

import re
from importlib.metadata import version

import pytest

from shinjuku_pwa.core.config import PROJECT_ROOT
from shinjuku_pwa.search.curation import Curation
from shinjuku_pwa.search.index import build_index, live_index
from shinjuku_pwa.search.scorer import block_postings, public_postings, reads_blocks
from shinjuku_pwa.search.sources import SearchDocument


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    root = tmp_path_factory.mktemp("internals")
    # Enough documents for several posting blocks (whoosh-ng writes 128 postings a block).
    documents = [SearchDocument("page", f"page-{n}", "ja", f"粗大ごみ {n}", "ごみの出し方", "ごみ " * (n % 7 + 1),
                                "garbage", "/{lang}/pages/p") for n in range(400)]
    build_index(root, documents, Curation())
    searcher = live_index(root).searcher()
    yield searcher.reader()
    searcher.close()


def test_whoosh_ng_is_the_pinned_version():
    pinned = re.search(r'"whoosh-ng==([^"]+)"', (PROJECT_ROOT / "pyproject.toml").read_text()).group(1)
    assert version("whoosh-ng") == pinned


def frequent_terms(reader) -> list[bytes]:
    """Terms in every document: whoosh-ng keeps their postings in blocks (rare ones inline, in a list)."""
    return [term for term in reader.lexicon("words") if reader.doc_frequency("words", term) == reader.doc_count()]


def test_the_block_matcher_still_has_the_members_the_scorer_reads(reader):
    terms = frequent_terms(reader)
    assert terms, "the test index holds terms with block postings"
    assert all(reads_blocks(reader.postings("words", term)) for term in terms)


def test_reading_a_block_at_a_time_gives_exactly_the_public_postings(reader):
    for term in frequent_terms(reader):
        fast = block_postings(reader.postings("words", term))
        slow = public_postings(reader.postings("words", term))
        assert len(slow[0]) == reader.doc_count() > 128  # more than one block
        assert (list(fast[0]), list(fast[1])) == (list(slow[0]), list(slow[1])), term
