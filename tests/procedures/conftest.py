"""An app with the shipped procedures, counters and life events, and the pages they link to."""
from __future__ import annotations

import shutil

import pytest

from shinjuku_pwa.composition.content_import import import_content
from tests.conftest import BUNDLED_CONTENT, AppFactory

COPIED = ("departments", "pages", "counters", "procedures", "life-events")


@pytest.fixture(scope="session")
def guide_app(tmp_path_factory):
    root = tmp_path_factory.mktemp("guide-content") / "content"
    root.mkdir()
    shutil.copy(BUNDLED_CONTENT / "categories.yaml", root / "categories.yaml")
    for folder in COPIED:
        shutil.copytree(BUNDLED_CONTENT / folder, root / folder)
    factory = AppFactory(tmp_path_factory.mktemp("guide-app"))
    app = factory(content_dir=root)
    with app.app_context():
        import_content(root)
    yield app
    factory.close()


@pytest.fixture
def client(guide_app):
    return guide_app.test_client()
