"""A checklist reads the same whether its fragments come from memory or are rendered afresh."""
from __future__ import annotations

import datetime as dt
import gc
from urllib.parse import urlencode

import pytest

from shinjuku_pwa.composition.content_import import import_content
from shinjuku_pwa.core.clock import tokyo_today
from tests.conftest import BUNDLED_CONTENT, AppFactory


@pytest.fixture(scope="module")
def kept_app(tmp_path_factory):
    factory = AppFactory(tmp_path_factory.mktemp("kept-fragments"))
    app = factory(PAGE_CACHE_MAX_BYTES=8 * 1024 * 1024)
    with app.app_context():
        import_content(BUNDLED_CONTENT)
    yield app
    factory.close()


def _answers(questions: list[dict], yes: bool) -> str:
    # A date a month ago, counted from today in Tokyo, so the answers stay valid whatever the day.
    day = (tokyo_today() - dt.timedelta(days=30)).isoformat()
    answers = {}
    for question in questions:
        if question["type"] == "date":
            answers[question["id"]] = day
        elif question["type"] == "yes_no":
            answers[question["id"]] = "yes" if yes else "no"
        else:
            answers[question["id"]] = question["allowed_values"][0 if yes else -1]
    return urlencode(answers)


@pytest.mark.parametrize("lang", ["ja", "ja-easy", "en", "ne"])
def test_every_checklist_reads_the_same_with_kept_fragments_as_rendered_afresh(kept_app, content_app, lang):
    kept, fresh = kept_app.test_client(), content_app.test_client()  # the shared app keeps nothing
    events = [event["id"] for event in fresh.get("/api/v1/life-events").get_json()]
    assert events
    for event in events:
        questions = fresh.get(f"/api/v1/life-events/{event}").get_json()["questions"]
        for yes in (True, False):
            url = f"/{lang}/life-events/{event}?{_answers(questions, yes)}"
            kept.get(url)  # the first render keeps its fragments
            again = kept.get(url, headers={"Accept-Encoding": "identity"})
            afresh = fresh.get(url, headers={"Accept-Encoding": "identity"})
            assert again.status_code == afresh.status_code == 200, url
            assert 'class="checklist-actions"' in afresh.get_data(as_text=True), url
            assert again.get_data(as_text=True) == afresh.get_data(as_text=True), url


def test_a_checklist_leaves_almost_nothing_for_the_garbage_collector(kept_app):
    client = kept_app.test_client()
    questions = client.get("/api/v1/life-events/moving-in").get_json()["questions"]
    checklist = f"/en/life-events/moving-in?{_answers(questions, yes=True)}"
    assert client.get(checklist).status_code == 200  # first render: templates compiled, values kept
    gc.collect()
    gc.disable()
    try:
        response = client.get(checklist)
        assert response.status_code == 200 and b'class="checklist-actions"' in response.data
        del response
        unreachable = gc.collect()
    finally:
        gc.enable()
    # About 150 objects a checklist when its template context stayed in a reference cycle with its
    # macros; a few now (werkzeug's URL matcher makes one small cycle per
    # request; core/templating.py, LeanTemplate).
    assert unreachable < 40
