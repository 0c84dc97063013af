"""The database going away and coming back, with real processes: a server starts without it,
says it is alive but not ready, answers 503 (JSON with Retry-After under /api, the error page in
the reader's language elsewhere), and is ready again by itself once the database returns. The
database "goes away" through a loopback TCP proxy the test cuts (tests/tcp_proxy.py)."""
from __future__ import annotations

import uuid

import pytest
from babel.support import Translations
from sqlalchemy.engine import make_url

from shinjuku_pwa.core.config import PROJECT_ROOT
from tests.content_factory import make_content
from tests.serving import Browser, Deployment, Host, free_port, wait_for
from tests.tcp_proxy import TcpProxy

SERVER_ERROR = "Something went wrong on our side. Please try again later."


def translated(locale: str, message: str) -> str:
    return Translations.load(str(PROJECT_ROOT / "translations"), [locale]).gettext(message)




def assert_database_is_away(host: Host) -> None:
    browser = Browser()
    assert browser.request(host.url + "/healthz").status == 200
    ready = browser.request(host.url + "/readyz")
    assert ready.status == 503 and "database" in ready.json()["failed"], ready.body
    # Addresses no one asked for before the outage: an answer already in the page cache is still
    # served from memory while the database is away, which is the point of the cache.
    api = browser.request(host.url + f"/api/v1/categories?lang=ko&outage={uuid.uuid4().hex}")
    assert api.status == 503 and api.headers["Content-Type"].startswith("application/json"), api.body
    assert int(api.headers["Retry-After"]) > 0
    assert api.json()["code"] == 503
    page = browser.request(host.url + f"/ko/?outage={uuid.uuid4().hex}")
    assert page.status == 503 and page.headers["Content-Type"].startswith("text/html")
    assert int(page.headers["Retry-After"]) > 0
    assert 'lang="ko"' in page.body and translated("ko", SERVER_ERROR) in page.body


@pytest.fixture
def deployment(tmp_path):
    deployment = Deployment(tmp_path / "deployment")
    yield deployment
    deployment.stop()


def test_a_server_started_without_its_database_is_alive_not_ready_and_answers_503(deployment):
    closed = free_port()  # nothing listens there
    host = deployment.start_host("a", wait_path="/healthz",
                                 DATABASE_URL=f"postgresql+psycopg://root@127.0.0.1:{closed}/nowhere")
    assert_database_is_away(host)


@pytest.mark.postgres  # cuts a PostgreSQL connection: runs in the PostgreSQL pass
def test_a_server_becomes_ready_when_its_database_comes_back_and_recovers_after_an_outage(deployment, tmp_path):
    deployment.migrate()
    deployment.import_content(make_content(tmp_path / "content"))
    direct = make_url(deployment.database_url)
    proxy = TcpProxy(direct.host or "127.0.0.1", direct.port or 5432, free_port())
    through_proxy = direct.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    instance = deployment.folder / "instance-a"
    deployment.build_search_index(instance)
    host = deployment.start_host("a", instance=instance, wait_path="/healthz", DATABASE_URL=through_proxy)
    try:
        assert_database_is_away(host)  # started while the database was away
        proxy.open()
        browser = Browser()
        wait_for(lambda: browser.request(host.url + "/readyz").status == 200, 15, "ready once the database is up")
        assert browser.request(host.url + "/api/v1/categories").status == 200

        proxy.close()  # every pooled connection is now dead
        assert_database_is_away(host)

        proxy.open()
        wait_for(lambda: browser.request(host.url + "/readyz").status == 200, 15, "ready again after the outage")
        assert browser.request(host.url + "/api/v1/categories").status == 200
        assert browser.request(host.url + "/en/").status == 200
    finally:
        proxy.close()
