"""With the page cache on, a checklist reads procedures, counters and life events once per content
version: the next checklist runs no query but the version check, and a change (which bumps the
content version) shows on the very next request."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import event, select, update

from shinjuku_pwa.composition.content_import import import_content
from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.core.versions import CONTENT, bump
from shinjuku_pwa.procedures.models import ProcedureTranslation
from tests.conftest import BUNDLED_CONTENT
from tests.procedures.conftest import COPIED

CHECKLIST = "/en/life-events/moving-in?" + (
    "move_date=2026-04-01&from_abroad=no&foreign_national=no&has_my_number_card=no&employer_health_insurance=yes"
    "&has_children=no&age_65_or_over=no&has_dog=no"
)


@pytest.fixture
def memo_app(make_app, tmp_path):
    root = tmp_path / "content"
    root.mkdir()
    shutil.copy(BUNDLED_CONTENT / "categories.yaml", root / "categories.yaml")
    for folder in COPIED:
        shutil.copytree(BUNDLED_CONTENT / folder, root / folder)
    app = make_app(content_dir=root, VERSION_POLL_SECONDS=0, PAGE_CACHE_MAX_BYTES=8 * 1024 * 1024)
    with app.app_context():
        import_content(root)
    return app


def _statements(app, client, url: str) -> tuple[str, list[str]]:
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def on_sql(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", on_sql)
    try:
        answer = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", on_sql)
    assert answer.status_code == 200, answer.status_code
    return answer.get_data(as_text=True), seen


def test_a_second_checklist_reads_nothing_but_the_versions(memo_app):
    client = memo_app.test_client()
    first, _ = _statements(memo_app, client, CHECKLIST)
    assert 'class="checklist-actions"' in first
    again, statements = _statements(memo_app, client, CHECKLIST)
    assert again == first
    assert all("state_versions" in s or s == "BEGIN" for s in statements), statements


def test_a_changed_procedure_shows_on_the_next_checklist_once_the_content_version_moves(memo_app):
    client = memo_app.test_client()
    before, _ = _statements(memo_app, client, CHECKLIST)
    with memo_app.app_context():
        row = db.session.scalars(select(ProcedureTranslation).where(ProcedureTranslation.locale == "en")
                                 .where(ProcedureTranslation.procedure_id == "moving-in-notification")).one()
        db.session.execute(update(ProcedureTranslation).where(ProcedureTranslation.id == row.id)
                           .values(title="Renamed by an import"))
        bump(db.session, CONTENT)  # as every content import does, in the same transaction
        db.session.commit()
    assert "Renamed by an import" not in before
    after, _ = _statements(memo_app, client, CHECKLIST)
    assert "Renamed by an import" in after
