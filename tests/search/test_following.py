"""Every host's index follows the database: a notice published through host A is found by search on
host B (its own INSTANCE_PATH, the same database) within 15 s, rebuilt in B's background."""
from __future__ import annotations

import datetime as dt

import pytest

from shinjuku_pwa import create_app
from shinjuku_pwa.search import service
from shinjuku_pwa.search.index import built_versions
from tests.conftest import close_app
from tests.push.conftest import add_notice, one_pass
from tests.search.conftest import make_search_app, poll_until, write_search_content

NOW = dt.datetime.now(dt.UTC)
FOLLOW = {"SEARCH_FOLLOW_SECONDS": 5.0, "VERSION_POLL_SECONDS": 5.0}  # the defaults of a real host


@pytest.fixture
def two_hosts(tmp_path):
    """Host A (content imported and indexed there) and host B: another app on A's database, with its
    own instance folder and so its own index, built before the change."""
    factory, host_a = make_search_app(tmp_path / "a", write_search_content(tmp_path / "content"))
    host_a.config.update(FOLLOW)
    host_b = create_app({
        "TESTING": True, "SECRET_KEY": host_a.config["SECRET_KEY"], "CONTENT_DIR": host_a.config["CONTENT_DIR"],
        "INSTANCE_PATH": str(tmp_path / "b" / "instance"),
        "SQLALCHEMY_DATABASE_URI": host_a.config["SQLALCHEMY_DATABASE_URI"],
        "SQLALCHEMY_ENGINE_OPTIONS": host_a.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}), **FOLLOW,
    })
    with host_b.app_context():
        service.refresh_index()
    yield host_a, host_b
    close_app(host_b)  # not one of the factory's apps
    factory.close()


def publish_through(host, title: dict[str, str]) -> int:
    """A notice due now, published by host A's push worker (which bumps the notices version)."""
    notice_id = add_notice(host, publish_at=NOW - dt.timedelta(minutes=1), push=False, title=title,
                           body={"en": "Bring your own water.", "ja": "水を持ってきてください。"})
    one_pass(host, now=NOW)
    return notice_id


def notice_ids(client, text: str) -> set[str]:
    response = client.get("/api/v1/search", query_string={"q": text, "lang": "en"})
    assert response.status_code == 200
    return {r["id"] for r in response.get_json()["results"] if r["type"] == "notice"}


def test_a_notice_published_through_host_a_is_found_by_search_on_host_b_within_15_seconds(two_hosts):
    host_a, host_b = two_hosts
    client_b = host_b.test_client()
    assert notice_ids(client_b, "lantern drill") == set()
    notice_id = publish_through(host_a, {"en": "Lantern drill at the ward office", "ja": "区役所の提灯訓練"})
    assert str(notice_id) in notice_ids(host_a.test_client(), "lantern drill")  # A's own worker refreshed A
    poll_until(lambda: str(notice_id) in notice_ids(client_b, "lantern drill"), timeout=15)


def test_an_idle_host_rebuilds_its_index_in_the_background_when_the_versions_change(two_hosts):
    host_a, host_b = two_hosts
    host_b.test_client().get("/en/")  # B serves once (its keeper starts following), then nobody asks it anything
    with host_b.app_context():
        root_b = service.index_root()
    before = built_versions(root_b)
    publish_through(host_a, {"en": "Quiet host notice"})
    with host_a.app_context():
        versions_now = built_versions(service.index_root())
    assert versions_now != before
    poll_until(lambda: built_versions(root_b) == versions_now, timeout=15)
