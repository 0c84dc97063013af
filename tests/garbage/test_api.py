"""GET /api/v1/garbage-items and /api/v1/garbage-items/<official_id>."""
from __future__ import annotations

import csv

import pytest

from tests.garbage.factory import BUNDLED, CSV_NAME


def _official_rows() -> dict[str, dict[str, str]]:
    with (BUNDLED / CSV_NAME).open(encoding="utf-8-sig", newline="") as handle:
        return {row["ID"]: row for row in csv.DictReader(handle)}


def test_an_item_comes_in_the_readers_language_with_the_wards_japanese_values_exactly(client):
    body = client.get("/api/v1/garbage-items/131041S00002?lang=en").get_json()
    official = _official_rows()["131041S00002"]
    assert body["official_name"] == official["ゴミの品目"] == "アイロン"
    assert body["official_category"] == official["分別区分"]
    assert body["name"] == "Iron (for clothes)"
    assert body["category"] == {"id": "metal-ceramic-glass", "name": "Metal, ceramic and glass garbage"}
    assert body["note"] == "If any side is longer than 30cm, it is oversized garbage."
    assert (body["lang"], body["fallback"], body["machine_translated"]) == ("en", False, True)


def test_every_item_keeps_the_official_values_in_every_language(client):
    official = _official_rows()
    for lang in ("ja", "ne", "my"):
        body = client.get(f"/api/v1/garbage-items?lang={lang}&per_page=100&page=2").get_json()
        assert body["total"] == 482 and len(body["items"]) == 100
        for item in body["items"]:
            row = official[item["official_id"]]
            assert (item["official_name"], item["official_category"]) == (row["ゴミの品目"], row["分別区分"])


def test_japanese_readers_get_the_official_name_and_note(client):
    body = client.get("/api/v1/garbage-items/131041S00001?lang=ja").get_json()
    assert (body["name"], body["note"], body["lang"], body["fallback"]) == (
        "アイスピック", "厚紙などで包み「危険」と表示してください。", "ja", False)


def test_search_finds_items_in_any_language_and_pages_through_them(client):
    body = client.get("/api/v1/garbage-items?q=battery&lang=en&per_page=2").get_json()
    assert body["total"] > 2 and len(body["items"]) == 2 and body["page"] == 1
    assert all("batter" in item["name"].lower() for item in body["items"])
    assert client.get("/api/v1/garbage-items?q=くつ&lang=ja").get_json()["items"][0]["official_name"] == "靴"


def test_items_filter_by_category(client):
    body = client.get("/api/v1/garbage-items?category=oversized&lang=vi&per_page=100").get_json()
    assert body["total"] > 10
    assert {item["category"]["id"] for item in body["items"]} == {"oversized"}
    assert {item["official_category"] for item in body["items"]} == {"粗大ごみ"}


def test_a_known_newer_rule_comes_with_the_item(client):
    body = client.get("/api/v1/garbage-items/131041S00144?lang=en").get_json()
    assert body["category"]["id"] == "not-collected"
    assert body["notices"] and "Since April 2025" in body["notices"][0]


@pytest.mark.parametrize("path", ["/api/v1/garbage-items/131041S99999", "/api/v1/garbage-items/nothing-here",
                                  "/api/v1/garbage-items?category=no-such-category"])
def test_an_unknown_id_or_category_is_a_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.is_json


@pytest.mark.parametrize(("query", "field"), [
    ("lang=fr", "lang"), ("page=0", "page"), ("per_page=500", "per_page"), ("page=abc", "page"),
    ("q=" + "x" * 101, "q"), ("category=" + "x" * 65, "category"), ("q=%00", "q"),
])
def test_bad_parameters_are_a_422_naming_the_field(client, query, field):
    response = client.get(f"/api/v1/garbage-items?{query}")
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["query"]


def test_an_empty_category_is_no_filter_as_a_forms_all_categories_sends_it(client):
    everything = client.get("/api/v1/garbage-items?per_page=1").get_json()
    assert client.get("/api/v1/garbage-items?per_page=1&category=").get_json()["total"] == everything["total"] > 0
    assert client.get("/api/v1/garbage-items?category=Bad%20Id").status_code == 404


def test_validation_messages_follow_the_readers_language(client):
    english = client.get("/api/v1/garbage-items?per_page=500", headers={"Accept-Language": "en"}).get_json()
    japanese = client.get("/api/v1/garbage-items?per_page=500", headers={"Accept-Language": "ja"}).get_json()
    assert english["errors"]["query"]["per_page"] != japanese["errors"]["query"]["per_page"]


def test_the_endpoints_are_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/garbage-items", "/api/v1/garbage-items/{official_id}"} <= set(spec["paths"])
    listed = spec["paths"]["/api/v1/garbage-items"]["get"]
    assert {p["name"] for p in listed["parameters"]} >= {"q", "lang", "category", "page", "per_page"}
