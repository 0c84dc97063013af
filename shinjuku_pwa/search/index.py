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

An index can break on disk (a truncated `current`, a deleted segment, a damaged TOC): a build
is checked when it is opened (`IndexUnusable`), a build that fails is remembered as broken, and
`usable_index` then answers with the last good build (the one already open, else the previous
build on disk) or None. Rebuilding is the caller's business (keeper.py, in the background).
Each build records the state versions (core/versions.py) it was made from in `state.json`, so a
process can tell whether the live build is current without opening it.
"""
from __future__ import annotations

import fcntl
import gc
import json
import logging
import os
import shutil
import threading
import time
import uuid
import warnings
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, overload

from whoosh import index as whoosh_index
from whoosh.collectors import TopCollector
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.searching import Searcher

from .analysis import GramTokenizer, PairTokenizer, WordTokenizer, clean_text, sectioned
from .catalog import Catalog, CatalogBuilder, load_catalog, save_catalog
from .curation import Curation
from .scorer import PostingsCache, PostingsScorer, UnsupportedQuery
from .sources import SearchDocument

log = logging.getLogger(__name__)

POINTER_FILE = "current"
STATE_FILE = "state.json"  # in each build: the state versions its documents were read at
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


@dataclass(frozen=True)
class BuildInput:
    documents: list[SearchDocument]
    curation: Curation
    versions: Mapping[str, int]  # the state versions the documents were read at (state.json)


@overload
def build_index(root: Path, documents: list[SearchDocument], curation: Curation,
                unless_live: Literal[False] = False, versions: Mapping[str, int] | None = None) -> BuildReport: ...
@overload
def build_index(root: Path, documents: list[SearchDocument], curation: Curation,
                unless_live: bool, versions: Mapping[str, int] | None = None) -> BuildReport | None: ...
def build_index(root: Path, documents: list[SearchDocument], curation: Curation,
                unless_live: bool = False, versions: Mapping[str, int] | None = None) -> BuildReport | None:
    """Write a complete new index for `documents`, then make it the live one.

    unless_live: do nothing (and return None) if, once the lock is ours, an index is live:
    processes that all find no index at start-up build it once, not once each.
    versions: the state versions the documents were read at, kept in the build's state.json.
    """
    return build_index_unless(root, lambda: unless_live and index_exists(root),
                              lambda: BuildInput(documents, curation, versions or {}))


def build_index_unless(root: Path, skip: Callable[[], bool], read: Callable[[], BuildInput]) -> BuildReport | None:
    """Once the build lock is ours: nothing if skip() (another process on this host just built what
    was wanted), else read() the input (the newest rows, as the lock may have been waited for) and build."""
    started = time.monotonic()
    root = Path(root)
    with exclusive_build(root):
        if skip():
            return None
        given = read()
        name = f"{BUILD_PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        directory = root / name
        directory.mkdir()
        try:
            catalog = CatalogBuilder(given.curation, time.strftime("%Y-%m-%dT%H:%M:%S%z"))
            _write_whoosh_index(directory, given.documents, catalog)
            save_catalog(catalog.finish(), directory)
            (directory / STATE_FILE).write_text(json.dumps({"versions": dict(given.versions)}), encoding="utf-8")
            _sync_folder(directory)
            _point_to(root, name)
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        _remove_old_builds(root, name)
    items = len({doc.item for doc in given.documents})
    return BuildReport(directory, len(given.documents), items, time.monotonic() - started)


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
    """Whether `current` names a build folder (it may still be broken inside: see usable_index)."""
    name = _pointed_name(Path(root))
    return name is not None and (Path(root) / name).is_dir()


def _pointed_name(root: Path) -> str | None:
    """The build `current` names, or None when it is missing or not a build's name."""
    try:
        name = (root / POINTER_FILE).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    return name if name.startswith(BUILD_PREFIX) and "/" not in name and name not in (".", "..") else None


def built_versions(root: Path) -> dict[str, int] | None:
    """The state versions the live build was made from; None without a readable build."""
    name = _pointed_name(Path(root))
    if name is None:
        return None
    try:
        data = json.loads((Path(root) / name / STATE_FILE).read_text(encoding="utf-8"))
        return {str(key): int(value) for key, value in data["versions"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


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


class AnswerMemo:
    """The answers last computed on one build (a search's outcome per its arguments), at most `size`,
    least recently used dropped first. A new build starts with an empty one."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._answers: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def put(self, key: Hashable, answer: Any) -> None:
        with self._lock:
            self._answers[key] = answer
            self._answers.move_to_end(key)
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)

    def __len__(self) -> int:
        return len(self._answers)


ANSWERS_KEPT = 2000  # searches remembered per build and process (a few KB each)


class LiveIndex:
    """One opened build: Whoosh index, its catalog, a postings cache, and a searcher per thread."""

    def __init__(self, directory: Path) -> None:
        """Open and check a build; IndexUnusable when any part of it is missing or damaged."""
        self.directory = directory
        self.broken = False  # set when a search on it failed: usable_index stops offering it
        problem = self._open(directory)
        if problem is not None:
            raise IndexUnusable(problem)

    def _open(self, directory: Path) -> str | None:
        # Whoosh leaves a file open when a damaged TOC or segment stops it; it is closed (and
        # would warn) as the error is dropped, so quietly here, with the cycles collected too.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                self.index = whoosh_index.open_dir(str(directory), readonly=True)
                self.catalog: Catalog = load_catalog(directory)
                self.postings_cache = PostingsCache()
                self.answers = AnswerMemo(ANSWERS_KEPT)
                self._local = threading.local()
                self._check()
                return None
            except IndexUnusable as exc:
                problem = str(exc)
            except Exception as exc:  # noqa: BLE001 (whatever a damaged file makes Whoosh or json raise)
                problem = f"{directory}: {type(exc).__name__}: {exc}"
            gc.collect()
        return problem

    def _check(self) -> None:
        """Read every segment once: a missing or truncated file fails here, not in a resident's search."""
        with self.index.searcher() as searcher:
            count = searcher.doc_count_all()
            if count != len(self.catalog.items):
                raise IndexUnusable(f"{self.directory}: {count} documents but {len(self.catalog.items)} in the catalog")
            if count:
                searcher.stored_fields(count - 1)
            reader = searcher.reader()
            for fieldname in ("title", "words"):
                for _term in zip(range(1), reader.lexicon(fieldname), strict=False):
                    pass

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


class IndexUnusable(Exception):
    """A build that cannot be searched: a bad pointer, a missing or damaged file."""


Stamp = tuple[int, int, int]
_live_lock = threading.Lock()
_live: dict[Path, tuple[Stamp, LiveIndex]] = {}  # root -> (stamp of `current`, its opened build)
_last_good: dict[Path, LiveIndex] = {}  # root -> the last build that opened and searched well
_broken: dict[Path, Stamp] = {}  # root -> stamp of a `current` whose build failed to open


def _stamp(pointer: Path) -> Stamp | None:
    try:
        status = os.stat(pointer)
    except FileNotFoundError:
        return None
    return (status.st_ino, status.st_mtime_ns, status.st_size)


def live_index(root: Path, stamp: Stamp | None = None) -> LiveIndex | None:
    """The live build under root, reopened when `current` changed; None when none was built.

    stamp: of `current`, when the caller has just taken it (one stat() per search, not two).
    Raises IndexUnusable when `current` names no build or the build is damaged.
    """
    root = Path(root)
    if stamp is None:
        stamp = _stamp(root / POINTER_FILE)
    if stamp is None:
        return None
    cached = _live.get(root)
    if cached and cached[0] == stamp:
        return cached[1]
    with _live_lock:
        cached = _live.get(root)
        if cached and cached[0] == stamp:
            return cached[1]
        name = _pointed_name(root)
        if name is None:
            raise IndexUnusable(f"{root / POINTER_FILE} does not name a build")
        opened = LiveIndex(root / name)
        _live[root] = (stamp, opened)
        _last_good[root] = opened
        _broken.pop(root, None)
        return opened


@dataclass(frozen=True)
class IndexState:
    """What usable_index found: the build to search (or None) and whether a rebuild is needed."""
    live: LiveIndex | None
    needs_build: bool
    problem: str | None = None  # why, for the log


@lru_cache(maxsize=64)
def _pointer_of(root: Path) -> Path:
    return root / POINTER_FILE  # once per root, not per search (pathlib joins cost a few µs each)


def usable_index(root: Path) -> IndexState:
    """The build to search now: the live one, else the last good one, else None; never raises.

    A damaged live build is logged once per `current` and not opened again until `current`
    changes (a rebuild), so a broken index costs one failed open, not one per search.
    """
    root = root if isinstance(root, Path) else Path(root)
    stamp = _stamp(_pointer_of(root))
    if stamp is not None and _broken.get(root) == stamp:
        return IndexState(_fallback_build(root), True, "damaged")
    try:
        live = live_index(root, stamp) if stamp is not None else None
    except IndexUnusable as exc:
        if stamp is not None:
            _broken[root] = stamp
        log.error("Search index unusable, answering from the last good build or the database "
                  "while it is rebuilt: %s", exc)
        return IndexState(_fallback_build(root), True, str(exc))
    if live is None:
        return IndexState(None, True, "missing")
    if live.broken:
        return IndexState(_fallback_build(root), True, "failed in a search")
    return IndexState(live, False)


def _fallback_build(root: Path) -> LiveIndex | None:
    """The build already open and not seen failing, else the newest other build that opens cleanly."""
    good = _last_good.get(root)
    if good is not None and not good.broken and good.directory.is_dir():
        return good
    live_name = _pointed_name(root)
    try:
        folders = sorted((path for path in root.iterdir() if path.is_dir() and path.name.startswith(BUILD_PREFIX)
                          and path.name != live_name), key=lambda path: path.stat().st_mtime_ns, reverse=True)
    except OSError:
        return None
    for folder in folders:
        try:
            opened = LiveIndex(folder)
        except IndexUnusable:
            continue
        with _live_lock:
            _last_good[root] = opened
        return opened
    return None


def mark_broken(live: LiveIndex) -> None:
    """A search on this build failed: offer it no more (usable_index falls back and asks for a rebuild)."""
    live.broken = True
    log.error("Search index %s failed while searching; answering from a fallback until it is rebuilt", live.directory)


def forget_live_index(root: Path) -> None:
    """Drop the cached build, so the next search reopens `current`."""
    with _live_lock:
        _live.pop(Path(root), None)
        _last_good.pop(Path(root), None)
        _broken.pop(Path(root), None)
