"""GET /api/v1/search and /api/v1/search/suggest."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def client(search_app):
    return search_app.test_client()


def test_search_answers_the_documented_shape(client):
    body = client.get("/api/v1/search?q=粗大ゴミ&lang=ja").get_json()
    assert {"query", "lang", "total", "page", "results", "facets", "suggestion"} <= set(body)
    first = body["results"][0]
    assert {"type", "id", "title", "url", "snippet", "category", "score"} <= set(first)
    assert (first["type"], first["id"], first["url"]) == ("page", "oversized-garbage", "/ja/pages/oversized-garbage")
    assert "<mark>" in first["snippet"]
    assert {"value": "garbage", "name": "Garbage (ja)", "count": body["facets"]["category"][0]["count"]} in body["facets"]["category"]


def test_search_filters_by_category_and_type_and_paginates(client):
    body = client.get("/api/v1/search?q=lantern&lang=en&category=moving&type=page&page=2&per_page=5").get_json()
    assert (body["total"], body["page"], len(body["results"])) == (13, 2, 5)
    assert client.get("/api/v1/search?q=lantern&lang=en&type=notice").get_json()["total"] == 0


def test_search_suggests_a_correction(client):
    assert client.get("/api/v1/search?q=garbege&lang=en").get_json()["suggestion"] == "garbage"


def test_snippets_in_json_are_escaped_html(client):
    for result in client.get("/api/v1/search?q=lantern&lang=en").get_json()["results"]:
        assert "<" not in result["snippet"].replace("<mark>", "").replace("</mark>", "")


@pytest.mark.parametrize("url", [
    "/api/v1/search?q=" + "x" * 201,
    "/api/v1/search/suggest?q=" + "x" * 201,
    "/api/v1/search?q=ごみ&lang=xx",
    "/api/v1/search?q=ごみ&per_page=500",
])
def test_invalid_parameters_get_a_422_with_a_message(client, url):
    response = client.get(url)
    assert response.status_code == 422
    assert response.get_json()["errors"]


def test_the_too_long_message_is_in_the_readers_language_catalog(client):
    english = client.get("/api/v1/search?lang=en&q=" + "x" * 201).get_json()
    japanese = client.get("/api/v1/search?lang=ja&q=" + "x" * 201).get_json()
    assert english["errors"]["query"]["q"] == ["Please use at most 200 characters to search."]
    assert japanese["errors"]["query"]["q"] != english["errors"]["query"]["q"]


def test_suggest_returns_at_most_eight_titles(client):
    body = client.get("/api/v1/search/suggest?q=lantern&lang=en").get_json()
    assert len(body["suggestions"]) == 8
    assert {"type", "id", "title", "url"} <= set(body["suggestions"][0])


def test_suggest_with_nothing_typed_returns_nothing(client):
    assert client.get("/api/v1/search/suggest?q=&lang=ja").get_json()["suggestions"] == []


def test_both_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/search" in paths and "/api/v1/search/suggest" in paths
