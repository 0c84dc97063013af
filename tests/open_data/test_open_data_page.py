"""The "Open data" page: official datasets with licence, attribution and date; our own data as downloads."""
from __future__ import annotations

import csv
import io

import pytest

from shinjuku_pwa.core.i18n import LOCALE_CODES


@pytest.mark.parametrize("lang", LOCALE_CODES)
def test_the_footer_links_the_open_data_page_in_every_locale(client, lang):
    assert f'href="/{lang}/open-data"' in client.get(f"/{lang}/").get_data(as_text=True)
    assert client.get(f"/{lang}/open-data").status_code == 200


def test_each_official_dataset_is_listed_with_licence_attribution_and_retrieval_date(client):
    html = client.get("/en/open-data").get_data(as_text=True)
    for dataset_url, retrieved in (("t131041d0000000129", "2026-08-22"), ("t131041d0000000115", "2026-08-14")):
        assert f"https://catalog.data.metro.tokyo.lg.jp/dataset/{dataset_url}" in html
        assert f'<time datetime="{retrieved}">' in html
    assert html.count('rel="license noopener">CC BY 4.0</a>') >= 2
    assert "Based on &#34;新宿区のゴミの分別方法一覧&#34;" in html or "Based on \"新宿区のゴミの分別方法一覧\"" in html


@pytest.mark.parametrize("name", ["procedures", "counters", "life-events"])
def test_our_data_downloads_as_json_and_csv_under_a_stated_licence(client, name):
    html = client.get("/ja/open-data").get_data(as_text=True)
    assert f'href="/open-data/{name}.json"' in html and f'href="/open-data/{name}.csv"' in html
    as_json = client.get(f"/open-data/{name}.json")
    assert as_json.mimetype == "application/json" and "creativecommons.org/licenses/by/4.0" in as_json.headers["Link"]
    records = as_json.get_json()
    assert records and all(record["id"] for record in records)
    as_csv = client.get(f"/open-data/{name}.csv")
    assert as_csv.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(as_csv.get_data(as_text=True).lstrip("\ufeff"))))
    assert {row["id"] for row in rows} == {record["id"] for record in records}


def test_the_procedures_download_has_every_language_of_a_procedure(client):
    records = client.get("/open-data/procedures.json").get_json()
    moving = next(record for record in records if record["translations"].get("en"))
    assert {"ja", "en"} <= set(moving["translations"])
    assert moving["translations"]["ja"]["source"].startswith("https://")


@pytest.mark.parametrize("path", ["/open-data/nothing.json", "/open-data/procedures.xml"])
def test_unknown_downloads_are_a_404(client, path):
    assert client.get(path).status_code == 404
