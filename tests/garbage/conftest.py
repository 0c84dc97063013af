from __future__ import annotations

import pytest

from shinjuku_pwa.composition.content_import import import_content
from tests.content_factory import make_content
from tests.garbage.factory import make_garbage


@pytest.fixture
def garbage_content(tmp_path):
    """Content with a small garbage dictionary (the first 12 official rows); returns the content folder."""
    root = make_content(tmp_path / "content")
    make_garbage(root)
    return root


@pytest.fixture
def garbage_app(make_app, garbage_content):
    app = make_app(content_dir=garbage_content)
    with app.app_context():
        import_content(garbage_content)
    return app
