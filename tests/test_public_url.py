"""Absolute URLs come from PUBLIC_URL, never from the Host header: a poisoned Host (or a forged
X-Forwarded-Host behind a trusted proxy) must not reach links that a shared cache would keep."""
from __future__ import annotations

import re

import pytest
from icalendar import Calendar

from shinjuku_pwa.composition.content_import import import_content
from tests.conftest import BUNDLED_CONTENT, AppFactory

POISON = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
CHECKLIST_ICS = ("/en/life-events/moving-in/checklist.ics?move_date=2026-04-01&from_abroad=no&foreign_national=no"
                 "&has_my_number_card=no&employer_health_insurance=no&has_children=no&age_65_or_over=no&has_dog=no")


@pytest.fixture(scope="module")
def public_app(tmp_path_factory):
    """Behind one trusted proxy (so X-Forwarded-* are read), with its public URL configured."""
    factory = AppFactory(tmp_path_factory.mktemp("public-url"))
    app = factory(PUBLIC_URL="https://guide.city.example.jp", TRUSTED_PROXIES=1)
    with app.app_context():
        import_content(BUNDLED_CONTENT)
    yield app
    factory.close()


def alternate_links(html: str) -> list[str]:
    return re.findall(r'<link rel="alternate" hreflang="[^"]+" href="([^"]+)"', html)


@pytest.mark.parametrize("path", ["/ja/", "/en/pages/moving-in", "/vi/notices", "/en/life-events/moving-in", "/zz-not-found"])
def test_hreflang_links_use_the_public_url_whatever_host_the_request_names(public_app, path):
    html = public_app.test_client().get(path, headers=POISON).get_data(as_text=True)
    assert "evil.example" not in html
    if path != "/zz-not-found":
        links = alternate_links(html)
        assert len(links) == 10 and all(link.startswith("https://guide.city.example.jp/") for link in links)


def test_calendar_links_use_the_public_url_whatever_host_the_request_names(public_app):
    response = public_app.test_client().get(CHECKLIST_ICS, headers=POISON)
    urls = [str(event["url"]) for event in Calendar.from_ical(response.data).walk("VEVENT")]
    assert urls and all(url.startswith("https://guide.city.example.jp/en/procedures/") for url in urls)
    assert b"evil.example" not in response.data


def test_the_default_public_url_is_where_make_run_serves(client):
    html = client.get("/en/", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert 'hreflang="x-default" href="http://127.0.0.1:8000/ja/"' in html
    assert "evil.example" not in html
