"""Apps whose content has the bundled notice templates (and one small page tree, so importing is quick)."""
from __future__ import annotations

import shutil

import pytest

from shinjuku_pwa.composition.content_import import import_content
from tests.admin.conftest import FAST_HASHING, bearer, create_staff, create_token
from tests.conftest import BUNDLED_CONTENT
from tests.content_factory import make_content


def content_with_templates(root):
    """A small valid content tree plus the bundled notice templates and places."""
    make_content(root)
    shutil.copytree(BUNDLED_CONTENT / "notice-templates", root / "notice-templates")
    shutil.copytree(BUNDLED_CONTENT / "places", root / "places")
    return root


@pytest.fixture
def templates_app(make_app, tmp_path):
    """Templates imported; one account per role, each with an API token (`app.tokens[role]`, answers in English)."""
    root = content_with_templates(tmp_path / "content")
    app = make_app(content_dir=root, **FAST_HASHING)
    with app.app_context():
        import_content(root)
    app.tokens = {}
    for role in ("editor", "publisher", "admin"):
        create_staff(app, f"{role}@city.example.jp", role)
        app.tokens[role] = {**bearer(create_token(app, f"{role}@city.example.jp")), "Accept-Language": "en"}
    return app
