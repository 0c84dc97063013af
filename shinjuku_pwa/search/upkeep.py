"""Keeping this host's index whole and current, without a resident ever waiting for a build.

- `refresh_index()` builds from every source now (content import, `search reindex`, the push
  worker and the keeper call it); each build records the state versions it was read at.
- `current_index()` is what a search uses: the live build, else the last good one, else None
  (then the search answers from the database, fallback.py); whenever the live build is missing
  or damaged it asks this process's keeper (keeper.py) for a build in the background.
- `follow_versions(app)` subscribes to the process's VersionWatcher (core/versions.py): when
  content or notices change on any host, the keeper rebuilds here, and a host that starts with an
  index older than the database rebuilds it too.
"""
from __future__ import annotations

import logging
from functools import lru_cache, partial
from pathlib import Path
from typing import Literal, overload

from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from ..core import versions as state
from ..core.extensions import db
from .curation import BEST_BETS_FILE, SYNONYMS_FILE, Curation, CurationInvalid, load_curation
from .fallback import PlainDocument, PlainSearch
from .index import (
    POINTER_FILE,
    BuildInput,
    BuildReport,
    LiveIndex,
    build_index,
    build_index_unless,
    built_versions,
    index_exists,
    mark_broken,
    usable_index,
)
from .keeper import IndexKeeper
from .sources import all_documents

log = logging.getLogger(__name__)

FOLLOWED = (state.CONTENT, state.NOTICES)  # the versions the index is built from


def index_root() -> Path:
    return _search_folder(current_app.instance_path)


@lru_cache(maxsize=64)
def _search_folder(instance_path: str) -> Path:
    return Path(instance_path) / "search"


def _content_dir(content_dir: Path | None) -> Path:
    return Path(content_dir or current_app.config["CONTENT_DIR"])


def _versions_now() -> dict[str, int]:
    try:
        return {name: version for name, version in state.read_versions().items() if name in FOLLOWED}
    except SQLAlchemyError:
        db.session.rollback()
        return {}


def _curation(documents: list, content_dir: Path, strict: bool) -> Curation:
    try:
        return load_curation(content_dir, known_items={doc.item for doc in documents})
    except CurationInvalid as exc:
        if strict:
            raise
        log.error("Search curation ignored until fixed:\n%s", exc)
        return Curation()


@overload
def refresh_index(strict: bool = True, content_dir: Path | None = None, unless_live: Literal[False] = False) -> BuildReport: ...
@overload
def refresh_index(strict: bool = True, content_dir: Path | None = None, *, unless_live: bool) -> BuildReport | None: ...
def refresh_index(strict: bool = True, content_dir: Path | None = None, unless_live: bool = False) -> BuildReport | None:
    """Rebuild the index from every source and swap it in.

    Synonyms and best bets come from content_dir/search (default: CONTENT_DIR).
    strict: invalid synonyms or best bets raise CurationInvalid (content import reports
    them); otherwise they are logged and the index is built without them, so a search is
    never refused because of a curation typo. unless_live: see index.build_index.
    """
    versions = _versions_now()  # before the documents: a change meanwhile makes this build look old, never new
    documents = list(all_documents())
    curation = _curation(documents, _content_dir(content_dir), strict)
    return build_index(index_root(), documents, curation, unless_live=unless_live, versions=versions)


def index_is_current(root: Path, versions: dict[str, int]) -> bool:
    """The live build opens cleanly and was built from these versions."""
    return not usable_index(root).needs_build and built_versions(root) == versions


def rebuild_if_needed(reason: str) -> str | None:
    """The keeper's build: skipped when, once the build lock is ours, the live build is current."""
    root = index_root()

    def read() -> BuildInput:
        versions = _versions_now()
        documents = list(all_documents())
        db.session.close()  # rows read: the connection goes back to the pool, not held through the long write
        return BuildInput(documents, _curation(documents, _content_dir(None), strict=False), versions)

    report = build_index_unless(root, lambda: index_is_current(root, _versions_now()), read)
    return None if report is None else f"{report.documents} documents ({report.items} items)"


def check_curation(content_dir: Path | None = None) -> Curation:
    """Validate synonyms and best bets against what is published now; raise CurationInvalid."""
    known = {doc.item for doc in all_documents()}
    return load_curation(_content_dir(content_dir), known_items=known)


def index_is_stale(content_dir: Path | None = None) -> bool:
    """True when there is no index, or the curation files changed after the live one was built."""
    root = index_root()
    if not index_exists(root):
        return True
    built = (root / POINTER_FILE).stat().st_mtime
    content_dir = _content_dir(content_dir)
    return any(
        path.exists() and path.stat().st_mtime > built
        for path in (content_dir / SYNONYMS_FILE, content_dir / BEST_BETS_FILE)
    )


# --- the keeper and what residents' searches use ---------------------------------------------

KEEPER = "search_keeper"
PLAIN = "search_plain"


def keeper_of(app: Flask) -> IndexKeeper:
    keeper: IndexKeeper = app.extensions[KEEPER]
    return keeper


def current_index() -> LiveIndex | None:
    """The build to search now, or None (search the database); asks for a build when needed."""
    found = usable_index(index_root())
    if found.needs_build:
        keeper_of(current_app).request(found.problem or "needed")
    return found.live


def give_up_on(live: LiveIndex, error: Exception) -> None:
    """A search on `live` failed: never offer it again, and rebuild in the background."""
    mark_broken(live)
    keeper_of(current_app).request(f"{type(error).__name__} while searching")


def ensure_index() -> LiveIndex:
    """The live index, built here and now if there is none: for the CLI and benchmarks, never a request."""
    live = usable_index(index_root()).live
    if live is None:
        refresh_index(strict=False)
        live = usable_index(index_root()).live
    if live is None:
        raise RuntimeError(f"no usable search index under {index_root()} after building one")
    return live


def plain_documents() -> list[PlainDocument]:
    """Every searchable document, folded, for the database search; read again when versions change."""
    plain: PlainSearch = current_app.extensions[PLAIN]
    return plain.documents(state.watcher_of().current(), all_documents)


def follow_versions(app: Flask) -> None:
    """Give the app its keeper and make it follow the state versions (see the module's docstring).

    The keeper's thread starts at the process's first request (a CLI command never starts it,
    and a server that forks its workers starts one in each worker, not in the parent).
    """
    watcher = state.watcher_of(app)
    keeper = IndexKeeper(app, rebuild_if_needed, poll=watcher.current,
                         follow_seconds=app.config.get("SEARCH_FOLLOW_SECONDS", 0.0))
    app.extensions[KEEPER] = keeper
    app.extensions[PLAIN] = PlainSearch()
    watcher.subscribe(partial(_on_versions_changed, app, keeper))


def _on_versions_changed(app: Flask, keeper: IndexKeeper, before: state.Versions, after: state.Versions) -> None:
    """Called by the watcher (in a request, or in the keeper's own poll): ask for a build when the
    index is older than the database. Only asks: the build runs in the keeper's thread."""
    if keeper.follow_seconds > 0:
        keeper.start()
    followed_after = {name: after[name] for name in FOLLOWED if name in after}
    if {name: before.get(name) for name in FOLLOWED} == {name: after.get(name) for name in FOLLOWED}:
        return
    root = Path(app.instance_path) / "search"
    if not index_exists(root):
        return  # nothing to refresh: the first search asks for a build
    if built_versions(root) == followed_after:
        return  # built from these versions already (by this host's content import or push worker)
    keeper.request("content or notices changed")
