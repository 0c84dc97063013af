"""With the page cache on, a checklist reads procedures, counters and life events once per content
version: the next checklist runs no query but the version check, and a change (which bumps the
content version) shows on the very next request."""
from __future__ import annotations

import shutil

import pytest
from flask import url_for
from marshmallow import ValidationError
from sqlalchemy import event, select, update

from shinjuku_pwa.composition.content_import import import_content
from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.core.page_cache import version_store
from shinjuku_pwa.core.templating import encode_query
from shinjuku_pwa.core.versions import CONTENT, bump
from shinjuku_pwa.procedures import queries, services
from shinjuku_pwa.procedures.models import Procedure, ProcedureTranslation
from shinjuku_pwa.procedures.routes import AnswerLinks
from shinjuku_pwa.procedures.schemas import QUERY
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


def test_an_unpublished_procedure_leaves_the_next_checklist_once_the_content_version_moves(memo_app):
    client = memo_app.test_client()
    before, _ = _statements(memo_app, client, CHECKLIST)
    assert 'id="task-moving-in-notification"' in before
    with memo_app.app_context():
        db.session.execute(update(Procedure).where(Procedure.id == "moving-in-notification").values(published=False))
        bump(db.session, CONTENT)
        db.session.commit()
    after, _ = _statements(memo_app, client, CHECKLIST)
    assert 'id="task-moving-in-notification"' not in after and 'class="checklist-actions"' in after


def _kept_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _kept_strings(item)]
    return []


def test_a_checklist_keeps_no_answer_in_memory_only_what_the_content_decides(memo_app):
    client = memo_app.test_client()
    page = client.get(CHECKLIST.replace("2026-04-01", "2026-03-17")).get_data(as_text=True)  # a date of its own
    assert "March 17, 2026" in page and 'class="task"' in page
    with memo_app.test_request_context("/en/"):
        kept = _kept_strings(version_store(CONTENT))
    assert kept  # fragments of the page were kept...
    assert not [text for text in kept if "2026-03-17" in text or "March 17" in text or "move_date" in text]


def test_the_answers_schema_is_made_once_per_content_version_and_keeps_nothing_of_a_load(memo_app):
    with memo_app.test_request_context("/en/"):
        memo_app.preprocess_request()
        event = queries.get_life_event("moving-in")
        first, second = services.answers_schema_for(event, QUERY), services.answers_schema_for(event, QUERY)
        assert first is second
        before = dict(vars(first))
        partial = services.answers_schema_for(event, QUERY, complete=False)
        assert partial is not first and not partial.complete
        answers = dict(part.split("=") for part in CHECKLIST.split("?")[1].split("&"))
        assert first.load(answers)["move_date"].isoformat() == "2026-04-01"
        assert vars(first) == before  # nothing of those answers stays on the shared instance
        # A later load is judged on its own answers alone: a missing one is missing again.
        with pytest.raises(ValidationError) as refused:
            first.load({key: value for key, value in answers.items() if key != "has_dog"})
        assert "has_dog" in refused.value.messages
        bump(db.session, CONTENT)
        db.session.commit()
    with memo_app.test_request_context("/en/"):
        memo_app.preprocess_request()
        assert type(services.answers_schema_for(event, QUERY)) is not type(first)


def test_change_links_are_the_addresses_url_for_writes(memo_app):
    kept = {"move_date": "2026-04-01", "from_abroad": "not_sure", "note": "a b&c"}
    with memo_app.test_request_context("/en/"):
        memo_app.preprocess_request()
        links = AnswerLinks(url_for("procedures.life_event", event_id="moving-in"), encode_query(kept.items()))
        assert links.change("from_abroad") == url_for("procedures.life_event", event_id="moving-in", **kept, q="from_abroad")
        assert links.with_answers("/x") == url_for("procedures.life_event", event_id="moving-in", **kept).replace(links.path, "/x")
        empty = AnswerLinks(links.path, "")
        assert empty.change("move_date") == url_for("procedures.life_event", event_id="moving-in", q="move_date")
        assert empty.with_answers("/x") == "/x"


def test_a_counter_given_to_one_checklist_is_a_copy(memo_app):
    with memo_app.test_request_context("/en/"):
        memo_app.preprocess_request()
        row = queries.list_counters()[0]
        services.counter_ref(row, "en")["name"] = "changed by one reader's page"
        assert services.counter_ref(row, "en")["name"] != "changed by one reader's page"
