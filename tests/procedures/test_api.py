"""JSON API: the procedure catalogue, questionnaires for clients, and checklists (404 and each 422)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect

from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.procedures.services import today_in_tokyo

CHECKLIST = "/api/v1/life-events/moving-in/checklist"
MOVING_IN = {"move_date": "2026-04-01", "from_abroad": False, "foreign_national": True, "has_my_number_card": False,
             "employer_health_insurance": False, "has_children": False, "age_65_or_over": False, "has_dog": False}


def test_procedures_are_listed_in_the_language_asked_for(client):
    items = client.get("/api/v1/procedures?lang=en").get_json()
    by_id = {item["id"]: item for item in items}
    assert len(items) >= 30
    assert by_id["moving-in-notification"]["title"].startswith("Moving-in notification")
    assert by_id["moving-in-notification"]["deadline"] == {"kind": "legal", "after": "move_date", "days": 14}
    assert by_id["moving-in-notification"]["url"] == "/en/procedures/moving-in-notification"


def test_one_procedure_has_its_counters_documents_fee_and_source(client):
    body = client.get("/api/v1/procedures/moving-in-notification?lang=en").get_json()
    assert body["fee"] == 0 and body["online"] is None
    assert len(body["documents"]) == 6
    counters = {c["id"]: c for c in body["counters"]}
    assert counters["main-office"]["window"].startswith("Floor 1, 戸籍住民課")
    assert sum(1 for c in counters.values() if c["kind"] == "branch_office") == 10
    assert body["source"].startswith("https://www.city.shinjuku.lg.jp/")
    assert body["department"]["id"] == "family-register-resident"


def test_a_machine_translated_procedure_says_so(client):
    body = client.get("/api/v1/procedures/child-allowance?lang=vi").get_json()
    assert (body["lang"], body["translation"], body["online"]["url"]) == ("vi", "machine", "https://myna.go.jp/")


@pytest.mark.parametrize("url", ["/api/v1/procedures/nope", "/api/v1/life-events/nope", "/api/v1/life-events/nope/checklist"])
def test_unknown_ids_are_404(client, url):
    response = client.post(url, json={"answers": {}}) if url.endswith("checklist") else client.get(url)
    assert response.status_code == 404


def test_life_events_describe_their_questions_for_clients(client):
    events = client.get("/api/v1/life-events?lang=en").get_json()
    assert [e["id"] for e in events][:3] == ["moving-in", "moving-out", "moving-within"]
    body = client.get("/api/v1/life-events/moving-in?lang=ko").get_json()
    questions = {q["id"]: q for q in body["questions"]}
    assert questions["move_date"] == {**questions["move_date"], "type": "date", "allowed_values": [], "not_sure": False, "format": "YYYY-MM-DD"}
    assert questions["from_abroad"]["allowed_values"] == [True, False, "not_sure"]
    assert questions["needs_nursery"]["show_if"] == {"question": "has_children", "equals": True}
    assert questions["has_dog"]["label"] == "개를 키우고 있습니까?"
    assert "dog-registration-change" in body["procedures"]


def test_a_choice_question_lists_its_values_and_labels(client):
    body = client.get("/api/v1/life-events/leaving-a-job?lang=en").get_json()
    question = next(q for q in body["questions"] if q["id"] == "next_insurance")
    assert question["allowed_values"][-1] == "not_sure"
    assert [c["value"] for c in question["choices"]] == question["allowed_values"][:-1]


def test_a_checklist_has_items_visits_and_warnings(client):
    body = client.post(CHECKLIST, json={"answers": {**MOVING_IN, "employer_health_insurance": "not_sure"}, "lang": "en"}).get_json()
    items = {i["procedure_id"]: i for i in body["items"]}
    assert set(items) == {"moving-in-notification", "residence-card-address", "national-health-insurance-join"}
    nhi = items["national-health-insurance-join"]
    assert (nhi["status"], nhi["decided_by"], nhi["deadline"], nhi["deadline_kind"]) == (
        "may_apply", ["employer_health_insurance"], "2026-04-15", "legal")
    assert nhi["counter"]["id"] == "main-office" and nhi["counter"]["address"].startswith("1-4-1 Kabuki-cho")
    assert items["moving-in-notification"]["fee"] == 0
    assert items["moving-in-notification"]["documents"][0] == {
        "name": "The moving-out certificate from your previous municipality (if you moved from elsewhere in Japan)",
        "takes_days": None, "lead_time_trap": False}
    assert [v["counter"]["id"] for v in body["visits"]] == ["main-office"]
    assert body["visits"][0]["items"][0] == "moving-in-notification"
    assert body["today"] == today_in_tokyo().isoformat()


def test_a_deadline_already_past_is_a_warning_not_an_error(client):
    response = client.post(CHECKLIST, json={"answers": {**MOVING_IN, "move_date": "2020-01-31"}, "lang": "en"})
    assert response.status_code == 200
    warnings = response.get_json()["warnings"]
    assert {(w["code"], w["procedure_id"], w["date"]) for w in warnings} >= {("deadline_passed", "moving-in-notification", "2020-02-14")}
    assert "February 14, 2020" in warnings[0]["message"]


def test_a_far_future_move_has_no_passed_deadline(client):
    future = (today_in_tokyo() + dt.timedelta(days=300)).isoformat()  # within the year an answer may be ahead
    warnings = client.post(CHECKLIST, json={"answers": {**MOVING_IN, "move_date": future}}).get_json()["warnings"]
    assert {w["code"] for w in warnings} == {"not_open_yet"}


@pytest.mark.parametrize(("body", "errors"), [
    ({"answers": {k: v for k, v in MOVING_IN.items() if k != "has_dog"}}, {"answers": {"has_dog": ["Please answer this question."]}}),
    ({"answers": {**MOVING_IN, "pets": True}}, {"answers": {"pets": ["There is no such question."]}}),
    ({"answers": {**MOVING_IN, "has_dog": "yes"}}, {"answers": {"has_dog": ['Answer true, false or "not_sure".']}}),
    ({"answers": {**MOVING_IN, "move_date": "2026/04/01"}}, {"answers": {"move_date": ["Give a date as YYYY-MM-DD."]}}),
    ({"answers": {**MOVING_IN, "move_date": "not_sure"}}, {"answers": {"move_date": ["This question needs an answer; not sure is not possible."]}}),
    ({"answers": {**MOVING_IN, "has_children": True}}, {"answers": {"needs_nursery": ["Please answer this question."]}}),
])
def test_each_bad_answer_is_a_422_naming_the_question(client, body, errors):
    response = client.post(CHECKLIST, json={**body, "lang": "en"}, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"] == errors


@pytest.mark.parametrize("body", [{}, {"answers": []}, {"answers": {}, "lang": "xx"}, {"answers": {}, "extra": 1}])
def test_a_malformed_request_body_is_a_422(client, body):
    assert client.post(CHECKLIST, json=body).status_code == 422


def test_nothing_about_the_person_is_stored(guide_app):
    with guide_app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert not {t for t in tables if "answer" in t or "checklist" in t}


def test_the_openapi_document_describes_the_life_event_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/procedures", "/api/v1/procedures/{procedure_id}", "/api/v1/life-events",
            "/api/v1/life-events/{event_id}", "/api/v1/life-events/{event_id}/checklist"} <= set(spec["paths"])
    assert "post" in spec["paths"]["/api/v1/life-events/{event_id}/checklist"]
