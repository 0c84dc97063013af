"""/healthz and /readyz for load balancers: JSON, never cached, readiness naming what failed."""
from __future__ import annotations

import pytest
from flask_migrate import downgrade

from shinjuku_pwa.composition.content_import import import_content
from shinjuku_pwa.search.service import refresh_index
from tests.conftest import MIGRATIONS
from tests.content_factory import make_content


@pytest.fixture
def ready_app(make_app, tmp_path):
    """A small site, imported and indexed, as `content import` leaves it."""
    content = make_content(tmp_path / "content")
    app = make_app(content_dir=content)
    with app.app_context():
        import_content(content)
        refresh_index()
    return app


def test_healthz_answers_200_json_and_is_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_200_when_the_database_schema_and_search_index_are_ready(ready_app):
    response = ready_app.test_client().get("/readyz")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == "ok" and body["failed"] == []
    assert body["checks"] == {"database": "ok", "migrations": "ok", "search_index": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_503_naming_the_missing_search_index(app):
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failed"] == ["search_index"] and body["checks"]["search_index"].startswith("not built")
    assert int(response.headers["Retry-After"]) > 0


def test_readyz_is_503_when_the_schema_is_behind_the_code(app):
    with app.app_context():
        downgrade(directory=MIGRATIONS, revision="-1")
    body = app.test_client().get("/readyz").get_json()
    assert "migrations" in body["failed"] and "flask db upgrade" in body["checks"]["migrations"]
