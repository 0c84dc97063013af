"""Search heals itself: a damaged or missing index on disk is noticed, residents keep getting answers
(from the last good build, else from the database), and the index is rebuilt in the background."""
from __future__ import annotations

import logging
import shutil
import threading

import pytest
from sqlalchemy import event

from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.search import service
from shinjuku_pwa.search.index import BUILD_PREFIX, POINTER_FILE, forget_live_index, usable_index
from shinjuku_pwa.search.upkeep import keeper_of
from tests.search.conftest import make_search_app, poll_until, write_search_content

KEEPER_THREAD = "search-index-keeper"


@pytest.fixture
def healing_app(tmp_path):
    """An indexed app of its own: these tests break its index on disk."""
    factory, app = make_search_app(tmp_path / "app", write_search_content(tmp_path / "content"))
    yield app
    factory.close()


def live_build(app):
    with app.app_context():
        return (service.index_root() / (service.index_root() / POINTER_FILE).read_text()).resolve()


def searched_ids(client, text: str = "Oversized garbage") -> list[str]:
    response = client.get("/api/v1/search", query_string={"q": text, "lang": "en"})
    assert response.status_code == 200
    return [result["id"] for result in response.get_json()["results"]]


def healed(app, broken_build):
    """A new build is live, opens cleanly and is not the broken one."""
    def check():
        with app.app_context():
            state = usable_index(service.index_root())
            return not state.needs_build and state.live is not None and state.live.directory.resolve() != broken_build
    return check


def rebuilt_in_background(caplog) -> bool:
    return any("rebuilt in the background" in r.getMessage() and r.threadName == KEEPER_THREAD for r in caplog.records)


def test_a_pointer_file_naming_nothing_is_detected_and_search_keeps_answering_while_it_is_rebuilt(healing_app, caplog):
    caplog.set_level(logging.WARNING)
    client = healing_app.test_client()
    assert searched_ids(client)[0] == "oversized-garbage"
    broken = live_build(healing_app)
    with healing_app.app_context():
        (service.index_root() / POINTER_FILE).write_text("garbage\x00 that names no build")
    assert searched_ids(client)[0] == "oversized-garbage"  # from the last good build
    assert any("Search index unusable" in r.getMessage() for r in caplog.records)
    poll_until(healed(healing_app, broken))
    poll_until(lambda: rebuilt_in_background(caplog))
    assert searched_ids(client)[0] == "oversized-garbage"


def test_a_missing_segment_file_is_detected_and_the_database_answers_until_the_index_is_rebuilt(healing_app, caplog):
    caplog.set_level(logging.WARNING)
    broken = live_build(healing_app)
    for segment in broken.glob("*.seg"):
        segment.unlink()
    shutil.rmtree(broken.parent / "not-there", ignore_errors=True)
    with healing_app.app_context():
        forget_live_index(service.index_root())  # as a process starting after the damage
        outcome = service.search("Oversized garbage", "en", count_miss=False)
    assert outcome.from_database and outcome.results[0].id == "oversized-garbage"
    assert outcome.results[0].lang == "en" and outcome.results[0].url == "/en/pages/oversized-garbage"
    poll_until(healed(healing_app, broken))
    with healing_app.app_context():
        outcome = service.search("Oversized garbage", "en", count_miss=False)
    assert not outcome.from_database and outcome.results[0].id == "oversized-garbage"
    assert rebuilt_in_background(caplog)


def test_a_damaged_table_of_contents_is_detected_and_rebuilt(healing_app, caplog):
    caplog.set_level(logging.WARNING)
    broken = live_build(healing_app)
    for toc in broken.glob("*.toc"):
        toc.write_bytes(b"\x00not a whoosh toc" * 8)
    client = healing_app.test_client()
    with healing_app.app_context():
        forget_live_index(service.index_root())
    assert searched_ids(client, "粗大ごみ")[0] == "oversized-garbage"
    poll_until(healed(healing_app, broken))
    assert searched_ids(client, "粗大ごみ")[0] == "oversized-garbage"


def test_a_missing_index_is_built_in_the_background_never_inside_the_residents_request(healing_app, caplog):
    caplog.set_level(logging.WARNING)
    with healing_app.app_context():
        root = service.index_root()
        forget_live_index(root)
    shutil.rmtree(root)
    page = healing_app.test_client().get("/ne/search", query_string={"q": "Oversized garbage"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "/en/pages/oversized-garbage" in html
    assert "खोज फेरि तयार हुँदैछ" in html  # the reader is told the results come from a simpler search
    poll_until(lambda: rebuilt_in_background(caplog))
    builds = [r for r in caplog.records if "rebuilt" in r.getMessage()]
    assert builds and all(r.threadName == KEEPER_THREAD for r in builds)
    with healing_app.app_context():
        assert not service.search("Oversized garbage", "en", count_miss=False).from_database


def test_a_background_build_gives_its_database_connection_back_before_it_writes_the_index(healing_app):
    """Held through the write, the connection would sit idle in a transaction on PostgreSQL for the whole
    build, and an engine disposed meanwhile (a test app closed) would leave it to the garbage collector."""
    with healing_app.app_context():
        root, engine = service.index_root(), db.engine
        (root / POINTER_FILE).write_text("names no build")  # a build is needed
    builds_before = sorted(root.glob(BUILD_PREFIX + "*"))
    builds_at_checkin = []

    def checked_in(dbapi_connection, record) -> None:
        if threading.current_thread().name == KEEPER_THREAD:
            builds_at_checkin.append(sorted(root.glob(BUILD_PREFIX + "*")))

    event.listen(engine, "checkin", checked_in)
    try:
        keeper_of(healing_app).request("needed")
        poll_until(lambda: keeper_of(healing_app).builds == 1)
    finally:
        event.remove(engine, "checkin", checked_in)
    assert builds_at_checkin and all(builds == builds_before for builds in builds_at_checkin)
    assert sorted(root.glob(BUILD_PREFIX + "*")) != builds_before  # and the build was written after
