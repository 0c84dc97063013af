"""The pages API against its OpenAPI schemas, its fallbacks and its refusals."""
from __future__ import annotations

import pytest

from shinjuku_pwa.core.i18n import LOCALE_CODES
from shinjuku_pwa.pages.schemas import PageListSchema, PageSchema


def _validate(schema, payload: dict) -> None:
    """Every field the documented schema declares is present, and nothing else."""
    assert set(payload) == set(schema.fields)
    for name, field in schema.fields.items():
        nested = getattr(getattr(field, "inner", None), "schema", None)
        if nested is not None:
            for item in payload[name]:
                _validate(nested, item)


def test_categories_are_listed_with_translated_names(client):
    response = client.get("/api/v1/categories?lang=ko")
    assert response.status_code == 200
    items = response.get_json()
    assert {"moving", "garbage", "disaster"} <= {c["id"] for c in items}
    moving = next(c for c in items if c["id"] == "moving")
    assert moving["name"] == "이사・주소" and moving["page_count"] >= 3 and moving["url"] == "/ko/topics/moving"


def test_pages_are_paginated(client):
    first = client.get("/api/v1/pages?lang=en&per_page=10&page=1").get_json()
    second = client.get("/api/v1/pages?lang=en&per_page=10&page=2").get_json()
    assert set(first) == {"items", "total", "page", "per_page"}
    assert first["total"] >= 45 and len(first["items"]) == 10 and first["page"] == 1
    assert not {i["slug"] for i in first["items"]} & {i["slug"] for i in second["items"]}
    _validate(PageListSchema(), first)


def test_pages_filter_by_category(client):
    body = client.get("/api/v1/pages?lang=ja&category=garbage&per_page=100").get_json()
    assert body["total"] >= 4
    assert {i["category"] for i in body["items"]} == {"garbage"}


def test_a_page_in_the_readers_language_is_not_a_fallback(client):
    body = client.get("/api/v1/pages/moving-in?lang=vi").get_json()
    assert (body["lang"], body["requested_lang"], body["fallback"]) == ("vi", "vi", False)
    assert body["translation"] == "machine"
    _validate(PageSchema(), body)
    assert body["department"]["name_ja"]
    assert body["source"].startswith("https://")


def test_a_missing_translation_serves_easy_japanese_and_says_so(partly_translated_app):
    client = partly_translated_app.test_client()
    [page] = client.get("/api/v1/pages?lang=ne&per_page=100").get_json()["items"]
    assert page["slug"] == "moving-in" and page["fallback"] is True
    body = client.get("/api/v1/pages/moving-in?lang=ne").get_json()
    assert body["requested_lang"] == "ne" and body["fallback"] is True
    assert body["lang"] == "ja-easy"


@pytest.mark.parametrize("lang", LOCALE_CODES)
def test_every_locale_is_accepted(client, lang):
    assert client.get(f"/api/v1/pages/moving-in?lang={lang}").status_code == 200


def test_an_unknown_slug_is_a_json_404(client):
    response = client.get("/api/v1/pages/no-such-page?lang=en")
    assert response.status_code == 404
    assert response.get_json()["code"] == 404


@pytest.mark.parametrize(
    "query, field",
    [("lang=fr", "lang"), ("page=0", "page"), ("per_page=500", "per_page"), ("page=abc", "page")],
)
def test_bad_parameters_are_a_422_naming_the_field(client, query, field):
    response = client.get(f"/api/v1/pages?{query}")
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["query"]


def test_validation_messages_follow_the_readers_language(client):
    english = client.get("/api/v1/pages?page=abc", headers={"Accept-Language": "en"}).get_json()
    japanese = client.get("/api/v1/pages?page=abc", headers={"Accept-Language": "ja"}).get_json()
    assert english["errors"]["query"]["page"] != japanese["errors"]["query"]["page"]
    assert english["message"] != japanese["message"]


def test_without_lang_a_page_is_in_the_language_accept_language_asks_for(content_app):
    client = content_app.test_client(use_cookies=False)  # the Cookie header as sent

    def read(headers):
        response = client.get("/api/v1/pages/moving-in", headers=headers)
        assert "Accept-Language" in response.headers["Vary"]
        return response.get_json()["requested_lang"]

    assert read({"Accept-Language": "ko"}) == "ko"
    assert read({"Accept-Language": "fr, en-GB;q=0.9, ja;q=0.5"}) == "en"
    assert read({"Accept-Language": "zh-TW"}) == "zh-Hant"
    assert read({"Accept-Language": "fr"}) == read({}) == "ja"
    assert read({"Accept-Language": "en", "Cookie": "lang=vi"}) == "vi"  # as the HTML pages choose


def test_lang_wins_over_accept_language_and_the_cookie(content_app):
    response = content_app.test_client(use_cookies=False).get("/api/v1/pages/moving-in?lang=vi", headers={"Accept-Language": "en", "Cookie": "lang=ko"})
    assert response.get_json()["requested_lang"] == "vi"
    assert "Accept-Language" not in response.headers.get("Vary", "")


@pytest.mark.parametrize("url", ["/api/v1/categories", "/api/v1/pages?per_page=5", "/api/v1/pages/moving-in",
                                 "/api/v1/procedures", "/api/v1/life-events", "/api/v1/garbage-items?q=%E3%81%94%E3%81%BF",
                                 "/api/v1/search?q=%E3%81%94%E3%81%BF", "/api/v1/search/suggest?q=%E3%81%94"])
def test_every_api_read_without_lang_answers_as_with_the_negotiated_lang(client, url):
    separator = "&" if "?" in url else "?"
    for accept, lang in (("en-US,en;q=0.9", "en"), ("ko", "ko")):
        negotiated = client.get(url, headers={"Accept-Language": accept})
        assert negotiated.status_code == 200
        assert negotiated.get_json() == client.get(f"{url}{separator}lang={lang}").get_json()


def test_the_openapi_document_says_accept_language_chooses_when_lang_is_left_out(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    parameters = {(p["in"], p["name"]): p for p in spec["paths"]["/api/v1/pages/{slug}"]["get"]["parameters"]}
    assert ("header", "Accept-Language") in parameters
    lang = parameters[("query", "lang")]
    assert "default" not in lang["schema"] and "Accept-Language" in lang["description"]


def test_an_unknown_category_is_a_404(client):
    assert client.get("/api/v1/pages?category=shopping").status_code == 404


def test_the_openapi_document_describes_every_endpoint(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/categories", "/api/v1/pages", "/api/v1/pages/{slug}"):
        assert path in spec["paths"]
