"""The search index on disk: built beside the live one, swapped in atomically, read by many.

Layout under instance/search/:

    current                 name of the live build; replaced with os.replace (atomic)
    build.lock              held (flock) by the one process building
    index-<time>-<random>/  Whoosh files and catalog.json of one build

Why builds never touch the live index: a reader keeps searching the old build while a new
one is written into its own folder; only when the new build is complete and on disk does
`current` point to it. Each build writes to a fresh folder, so two writers can never meet
on one Whoosh index (its LockError); the process lock plus the file lock make builds from
threads and processes run one after the other, the later one reading the newer data.
Readers notice a new `current` with one stat() per search and open the new build. The
build before the live one is kept, so a search that began on it can finish.

Queries are scored by scorer.py over this index's postings; Whoosh's own searcher (with a
deadline) only runs query shapes the scorer does not know.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, overload

from whoosh import index as whoosh_index
from whoosh.collectors import TopCollector
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.searching import Searcher

from .analysis import GramTokenizer, PairTokenizer, WordTokenizer, clean_text, sectioned
from .catalog import Catalog, CatalogBuilder, load_catalog, save_catalog
from .curation import Curation
from .scorer import PostingsCache, PostingsScorer, UnsupportedQuery
from .sources import SearchDocument

POINTER_FILE = "current"
LOCK_FILE = "build.lock"
BUILD_PREFIX = "index-"
KEEP_PREVIOUS_BUILDS = 1


def make_schema() -> Schema:
    """Words, word pairs (for phrases) and bigrams, each over title, summary + tags and body,
    and the title's words once more on their own, so a title match counts beyond BM25's
    saturation of repeated words.

    No field keeps positions: phrases are matched as word pairs (see analysis.word_pairs).
    """
    return Schema(
        key=ID(unique=True, stored=True),  # type:id:locale
        type=ID,
        locale=ID,
        category=ID,
        title=TEXT(analyzer=WordTokenizer(), phrase=False),  # also in words; a title match adds
        words=TEXT(analyzer=WordTokenizer(), phrase=False),
        pairs=TEXT(analyzer=PairTokenizer(), phrase=False),
        grams=TEXT(analyzer=GramTokenizer(), phrase=False),
        summary=STORED,
        text=STORED,  # the cleaned body, for snippets
    )


def cleaned_sections(doc: SearchDocument) -> tuple[str, str, str]:
    """Title, summary + tags, and body, cleaned: what every field is made of."""
    return clean_text(doc.title), clean_text(doc.summary + "\n" + " ".join(doc.tags)), clean_text(doc.body)


def document_fields(doc: SearchDocument, sections: tuple[str, str, str]) -> dict:
    title, _head, body = sections
    text = sectioned(*sections)
    return {
        "key": f"{doc.type}:{doc.id}:{doc.locale}",
        "type": doc.type,
        "locale": doc.locale,
        "category": doc.category,
        "title": title,
        "words": text,
        "pairs": text,
        "grams": text,
        "summary": clean_text(doc.summary),
        "text": body,
    }


@dataclass(frozen=True)
class BuildReport:
    directory: Path
    documents: int
    items: int
    seconds: float


_build_lock = threading.Lock()


@contextmanager
def exclusive_build(root: Path) -> Iterator[None]:
    """One build at a time: a lock for threads of this process, flock for other processes."""
    root.mkdir(parents=True, exist_ok=True)
    with _build_lock, open(root / LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@overload
def build_index(root: Path, documents: list[SearchDocument], curation: Curation,
                unless_live: Literal[False] = False) -> BuildReport: ...
@overload
def build_index(root: Path, documents: list[SearchDocument], curation: Curation,
                unless_live: bool) -> BuildReport | None: ...
def build_index(root: Path, documents: list[SearchDocument], curation: Curation,
                unless_live: bool = False) -> BuildReport | None:
    """Write a complete new index for `documents`, then make it the live one.

    unless_live: do nothing (and return None) if, once the lock is ours, an index is live:
    processes that all find no index at start-up build it once, not once each.
    """
    started = time.monotonic()
    root = Path(root)
    with exclusive_build(root):
        if unless_live and index_exists(root):
            return None
        name = f"{BUILD_PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        directory = root / name
        directory.mkdir()
        try:
            catalog = CatalogBuilder(curation, time.strftime("%Y-%m-%dT%H:%M:%S%z"))
            _write_whoosh_index(directory, documents, catalog)
            save_catalog(catalog.finish(), directory)
            _sync_folder(directory)
            _point_to(root, name)
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        _remove_old_builds(root, name)
    items = len({doc.item for doc in documents})
    return BuildReport(directory, len(documents), items, time.monotonic() - started)


def _write_whoosh_index(directory: Path, documents: list[SearchDocument], catalog: CatalogBuilder) -> None:
    built = whoosh_index.create_in(str(directory), make_schema())
    try:
        writer = built.writer(limitmb=128)
        try:
            for doc in documents:
                sections = cleaned_sections(doc)
                writer.add_document(**document_fields(doc, sections))
                catalog.add(doc, sections)  # now, while the analysis of these texts is cached
        except BaseException:
            writer.cancel()  # closes its temporary files
            raise
        writer.commit()
        _check_document_order(built, documents)
    finally:
        built.close()


def _check_document_order(built, documents: list[SearchDocument]) -> None:
    # The catalog relies on document numbers following the order of add_document(),
    # which holds for one writer on a fresh index; check it rather than trust it.
    if not documents:
        return
    with built.searcher() as searcher:
        last = documents[-1]
        stored = searcher.stored_fields(len(documents) - 1)
        if searcher.doc_count_all() != len(documents) or stored["key"] != f"{last.type}:{last.id}:{last.locale}":
            raise RuntimeError("Whoosh document numbers do not follow insertion order")


def _sync_folder(directory: Path) -> None:
    for path in directory.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _point_to(root: Path, name: str) -> None:
    temporary = root / f"{POINTER_FILE}.{uuid.uuid4().hex[:8]}.tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(name)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, root / POINTER_FILE)
    descriptor = os.open(root, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove_old_builds(root: Path, live: str) -> None:
    builds = sorted(
        (path for path in root.iterdir() if path.is_dir() and path.name.startswith(BUILD_PREFIX) and path.name != live),
        key=lambda path: path.stat().st_mtime_ns,
    )
    for path in builds[:-KEEP_PREVIOUS_BUILDS] if KEEP_PREVIOUS_BUILDS else builds:
        shutil.rmtree(path, ignore_errors=True)
    for leftover in root.glob(f"{POINTER_FILE}.*.tmp"):
        leftover.unlink(missing_ok=True)


def index_exists(root: Path) -> bool:
    pointer = Path(root) / POINTER_FILE
    return pointer.exists() and (Path(root) / pointer.read_text(encoding="utf-8").strip()).is_dir()


def index_size(directory: Path) -> int:
    return sum(path.stat().st_size for path in Path(directory).iterdir() if path.is_file())


class DeadlineCollector(TopCollector):
    """Top-N collector that stops at a deadline and keeps what it found so far.

    Whoosh's own TimeLimitCollector uses SIGALRM and a timer thread per search, which
    only works in a main thread; a clock check every 64 matches works in any worker.
    """

    CHECK_EVERY = 64

    def __init__(self, limit: int, deadline: float) -> None:
        super().__init__(limit=limit)
        self.deadline = deadline
        self.timed_out = False

    def collect_matches(self) -> None:
        if time.monotonic() > self.deadline:
            self.timed_out = True
            return
        collect = self.collect
        count = 0
        for sub_docnum in self.matches():
            collect(sub_docnum)
            count += 1
            if count % self.CHECK_EVERY == 0 and time.monotonic() > self.deadline:
                self.timed_out = True
                return


class LiveIndex:
    """One opened build: Whoosh index, its catalog, a postings cache, and a searcher per thread."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.index = whoosh_index.open_dir(str(directory), readonly=True)
        self.catalog: Catalog = load_catalog(directory)
        self.postings_cache = PostingsCache()
        self._local = threading.local()

    def searcher(self) -> Searcher:
        # Whoosh searchers and readers are not meant to be shared between threads.
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self._local.searcher = self.index.searcher()
        return searcher

    def _scorer(self) -> PostingsScorer | None:
        if not hasattr(self._local, "scorer"):
            try:
                self._local.scorer = PostingsScorer(self.searcher().reader(), self.postings_cache)
            except UnsupportedQuery:
                self._local.scorer = None
        return self._local.scorer

    def top_hits(self, query, limit: int, deadline: float) -> tuple[list[tuple[float, int]], bool]:
        """(score, docnum) pairs, best first, and whether the deadline cut the search short."""
        scorer = self._scorer()
        if scorer is not None:
            try:
                return scorer.top(query, limit, deadline)
            except UnsupportedQuery:
                pass
        collector = DeadlineCollector(limit, deadline)
        self.searcher().search_with_collector(query, collector)
        return collector.results().top_n, collector.timed_out

    def stored(self, docnum: int) -> dict:
        return self.searcher().stored_fields(docnum)


_live_lock = threading.Lock()
_live: dict[Path, tuple[tuple[int, int, int], LiveIndex]] = {}


def live_index(root: Path) -> LiveIndex | None:
    """The live build under root, reopened when `current` changed; None when none was built."""
    root = Path(root)
    pointer = root / POINTER_FILE
    try:
        status = os.stat(pointer)
    except FileNotFoundError:
        return None
    stamp = (status.st_ino, status.st_mtime_ns, status.st_size)
    cached = _live.get(root)
    if cached and cached[0] == stamp:
        return cached[1]
    with _live_lock:
        cached = _live.get(root)
        if cached and cached[0] == stamp:
            return cached[1]
        name = pointer.read_text(encoding="utf-8").strip()
        opened = LiveIndex(root / name)
        _live[root] = (stamp, opened)
        return opened


def forget_live_index(root: Path) -> None:
    """Drop the cached build (after a read error), so the next search reopens `current`."""
    with _live_lock:
        _live.pop(Path(root), None)
