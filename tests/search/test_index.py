"""The index on disk: complete builds swapped in atomically, writers one at a time, readers never failing."""
from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path

import pytest

from shinjuku_pwa.search.curation import Curation
from shinjuku_pwa.search.index import (
    BUILD_PREFIX,
    POINTER_FILE,
    DeadlineCollector,
    build_index,
    index_exists,
    live_index,
    usable_index,
)
from shinjuku_pwa.search.query import build_query, understand
from shinjuku_pwa.search.sources import SearchDocument


def documents(count: int = 30, word: str = "粗大ごみ") -> list[SearchDocument]:
    return [
        SearchDocument("page", f"page-{n}", "ja", f"{word} {n}", "要約", f"本文 {n} です。", "garbage", "/{lang}/pages/p")
        for n in range(count)
    ]


def found_ids(root: Path, text: str) -> list[str]:
    live = live_index(root)
    hits, _ = live.top_hits(build_query(understand(text)), 100, time.monotonic() + 5)
    return [live.catalog.items[docnum].id for _, docnum in hits]


def builds(root: Path) -> list[Path]:
    return [path for path in root.iterdir() if path.name.startswith(BUILD_PREFIX)]


def test_a_build_becomes_live_only_when_complete(tmp_path):
    assert live_index(tmp_path) is None and not index_exists(tmp_path)
    report = build_index(tmp_path, documents(), Curation())
    assert (tmp_path / POINTER_FILE).read_text() == report.directory.name
    assert len(found_ids(tmp_path, "粗大ごみ")) == 30


def test_a_rebuild_swaps_in_the_new_index_and_keeps_only_the_previous_build(tmp_path):
    for word in ("粗大ごみ", "燃やすごみ", "資源"):
        build_index(tmp_path, documents(word=word), Curation())
    assert len(builds(tmp_path)) == 2
    assert len(found_ids(tmp_path, "資源")) == 30 and found_ids(tmp_path, "粗大") == []


def test_a_searcher_is_reused_per_build_and_thread_and_dropped_when_a_new_build_goes_live(tmp_path):
    build_index(tmp_path, documents(), Curation())
    first = usable_index(tmp_path).live
    searcher = first.searcher()
    assert usable_index(tmp_path).live is first and first.searcher() is searcher  # no open per query
    other_thread: list = []
    worker = threading.Thread(target=lambda: other_thread.append(first.searcher()))
    worker.start()
    worker.join()
    assert other_thread[0] is not searcher  # Whoosh searchers are not shared between threads
    build_index(tmp_path, documents(word="資源"), Curation())
    second = usable_index(tmp_path).live
    assert second is not first and second.searcher() is not searcher
    assert len(found_ids(tmp_path, "資源")) == 30 and found_ids(tmp_path, "粗大") == []
    (tmp_path / POINTER_FILE).unlink()
    assert usable_index(tmp_path).live is None and usable_index(tmp_path).needs_build


def test_a_failed_build_leaves_the_live_index_alone(tmp_path):
    build_index(tmp_path, documents(), Curation())
    broken = documents() + [object()]
    with pytest.raises(AttributeError):
        build_index(tmp_path, broken, Curation())
    assert len(builds(tmp_path)) == 1 and len(found_ids(tmp_path, "粗大ごみ")) == 30


def test_concurrent_builds_in_threads_never_meet_a_lock_error(tmp_path):
    failures = []

    def rebuild():
        try:
            build_index(tmp_path, documents(), Curation())
        except Exception as exc:  # noqa: BLE001 - any failure fails the test
            failures.append(exc)

    threads = [threading.Thread(target=rebuild) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and len(found_ids(tmp_path, "粗大ごみ")) == 30


def _build_in_child(root: str) -> None:
    build_index(Path(root), documents(), Curation())


def test_concurrent_builds_in_processes_never_meet_a_lock_error(tmp_path):
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_build_in_child, args=(str(tmp_path),)) for _ in range(2)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [process.exitcode for process in processes] == [0, 0]
    assert len(found_ids(tmp_path, "粗大ごみ")) == 30


def test_searches_during_rebuilds_always_find_a_complete_index(tmp_path):
    build_index(tmp_path, documents(), Curation())
    results, errors, stop = [], [], threading.Event()

    def keep_searching():
        while not stop.is_set():
            try:
                results.append(len(found_ids(tmp_path, "粗大ごみ")))
            except Exception as exc:  # noqa: BLE001 - any failure fails the test
                errors.append(exc)

    reader = threading.Thread(target=keep_searching)
    reader.start()
    for _ in range(4):
        build_index(tmp_path, documents(), Curation())
    stop.set()
    reader.join()
    assert errors == [] and results and set(results) == {30}


def test_the_deadline_collector_stops_and_reports_it(tmp_path):
    build_index(tmp_path, documents(200), Curation())
    live = live_index(tmp_path)
    collector = DeadlineCollector(limit=10, deadline=time.monotonic() - 1)
    live.searcher().search_with_collector(build_query(understand("粗大ごみ")), collector)
    assert collector.timed_out and collector.results().top_n == []


def test_a_build_asked_for_only_when_none_is_live_happens_once(tmp_path):
    first = build_index(tmp_path, documents(), Curation(), unless_live=True)
    second = build_index(tmp_path, documents(), Curation(), unless_live=True)
    assert first is not None and second is None and len(builds(tmp_path)) == 1
