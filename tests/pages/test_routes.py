"""Every resident-facing route, in every locale, over the bundled content."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.core.i18n import LOCALE_CODES, LOCALES
from shinjuku_pwa.pages import queries
from shinjuku_pwa.pages.models import PageFeedback

SAMPLE_PAGE = "moving-in"
SAME_SITE = {"Sec-Fetch-Site": "same-origin"}


def _html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


@pytest.mark.parametrize("lang", LOCALE_CODES)
def test_home_answers_in_every_locale_with_the_right_html_lang(client, lang):
    response = client.get(f"/{lang}/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _html_lang(html) == LOCALES[lang].html_lang
    assert f'href="/{lang}/topics/' in html


@pytest.mark.parametrize("lang", LOCALE_CODES)
def test_every_topic_lists_its_pages_in_every_locale(client, content_app, lang):

    with content_app.app_context():
        counts = queries.count_pages_by_category()
    assert counts
    for category_id in counts:
        response = client.get(f"/{lang}/topics/{category_id}")
        assert response.status_code == 200
        assert _html_lang(response.get_data(as_text=True)) == LOCALES[lang].html_lang


@pytest.mark.parametrize("lang", LOCALE_CODES)
def test_every_page_opens_in_every_locale_and_never_404s_for_a_missing_translation(client, content_app, lang):

    with content_app.app_context():
        items, total = queries.list_pages("ja", per_page=1000)
    assert total >= 45
    for item in items:
        response = client.get(f"/{lang}/pages/{item.page.slug}")
        assert response.status_code == 200, item.page.slug
        assert _html_lang(response.get_data(as_text=True)) == LOCALES[lang].html_lang


def test_root_redirects_by_cookie_then_accept_language_then_japanese(content_app):
    client = content_app.test_client()
    assert client.get("/").headers["Location"].endswith("/ja/")
    assert client.get("/", headers={"Accept-Language": "zh-TW,zh;q=0.8"}).headers["Location"].endswith("/zh-Hant/")
    assert client.get("/", headers={"Accept-Language": "my-MM"}).headers["Location"].endswith("/my/")
    client.set_cookie("lang", "vi")
    assert client.get("/", headers={"Accept-Language": "en"}).headers["Location"].endswith("/vi/")


def test_reading_a_page_remembers_the_language_for_next_time(content_app):
    client = content_app.test_client()
    client.get("/ne/")
    assert client.get("/", headers={"Accept-Language": "en"}).headers["Location"].endswith("/ne/")


def test_a_page_missing_in_the_readers_language_is_served_in_easy_japanese_with_a_notice(partly_translated_app):
    html = partly_translated_app.test_client().get("/ne/pages/moving-in").get_data(as_text=True)
    assert _html_lang(html) == "ne"
    assert '<article lang="ja">' in html
    assert 'class="notice" role="note" lang="ne"' in html
    assert 'href="/en/pages/moving-in"' in html


def test_language_switcher_and_hreflang_stay_on_the_same_page(client):
    html = client.get(f"/en/pages/{SAMPLE_PAGE}").get_data(as_text=True)
    for code in LOCALE_CODES:
        assert f'href="/{code}/pages/{SAMPLE_PAGE}"' in html
        assert re.search(rf'<link rel="alternate" hreflang="[^"]+" href="http://127.0.0.1:8000/{code}/pages/{SAMPLE_PAGE}">', html)
    assert 'hreflang="x-default"' in html


def test_a_page_shows_its_section_contact_source_and_review_date(client, content_app):

    with content_app.app_context():
        shown = queries.get_page(SAMPLE_PAGE, "en")
        source = shown.text.source
        reviewed = shown.text.reviewed.isoformat()
    html = client.get(f"/en/pages/{SAMPLE_PAGE}").get_data(as_text=True)
    assert f'href="{source}"' in html
    assert f'<time datetime="{reviewed}">' in html
    assert 'id="contact-heading"' in html


def test_a_phone_number_is_a_tap_to_call_link(client, content_app):

    with content_app.app_context():
        items, _ = queries.list_pages("ja", per_page=1000)
        with_phone = next(i for i in items if i.page.department.phone)
        phone = with_phone.page.department.phone
    html = client.get(f"/ja/pages/{with_phone.page.slug}").get_data(as_text=True)
    digits = "".join(ch for ch in phone if ch.isdigit())
    assert f'href="tel:+81{digits[1:]}"' in html


def test_machine_translations_say_so_in_the_readers_language(client, content_app):

    with content_app.app_context():
        items, _ = queries.list_pages("vi", per_page=1000)
        machine = next(i for i in items if not i.fallback and i.text.translation == "machine")
    html = client.get(f"/vi/pages/{machine.page.slug}").get_data(as_text=True)
    assert f'href="/ja/pages/{machine.page.slug}"' in html
    assert html.count('class="notice" role="note" lang="vi"') == 1


def test_unknown_pages_get_a_404_page_in_the_readers_language(client):
    response = client.get("/ko/pages/no-such-page")
    assert response.status_code == 404
    assert _html_lang(response.get_data(as_text=True)) == "ko"
    assert client.get("/ko/topics/no-such-topic").status_code == 404
    assert client.get("/xx/pages/moving-in").status_code == 404


def test_feedback_is_stored_without_personal_data_and_thanks_the_reader(content_app):
    client = content_app.test_client()
    response = client.post(f"/en/pages/{SAMPLE_PAGE}/feedback", data={"helpful": "yes"}, headers=SAME_SITE)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/en/pages/{SAMPLE_PAGE}?thanks=1#feedback")
    with content_app.app_context():
        row = db.session.scalars(select(PageFeedback).order_by(PageFeedback.id.desc())).first()
        assert (row.page_slug, row.locale, row.helpful) == (SAMPLE_PAGE, "en", True)
        assert set(PageFeedback.__table__.columns.keys()) == {"id", "page_slug", "locale", "helpful", "created_on"}
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'role="status"' in thanks


def test_bad_feedback_gets_a_422_page_and_stores_nothing(content_app):
    client = content_app.test_client()
    with content_app.app_context():
        before = db.session.scalar(select(func.count()).select_from(PageFeedback))
    assert client.post(f"/en/pages/{SAMPLE_PAGE}/feedback", data={"helpful": "maybe"}, headers=SAME_SITE).status_code == 422
    assert client.post("/en/pages/no-such-page/feedback", data={"helpful": "yes"}, headers=SAME_SITE).status_code == 404
    cross_site = {"Sec-Fetch-Site": "cross-site"}
    assert client.post(f"/en/pages/{SAMPLE_PAGE}/feedback", data={"helpful": "yes"}, headers=cross_site).status_code == 400
    with content_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PageFeedback)) == before


def _contact_box(html: str) -> str:
    return re.search(r'<aside class="contact".*?</aside>', html, re.S).group(0)


@pytest.mark.parametrize("lang", LOCALE_CODES)
def test_every_page_is_in_the_readers_language_and_ends_with_a_contact_to_call(client, content_app, lang):
    """Issue 16: every page in all nine languages, and every contact box with a tap-to-call phone (the
    section's own, else the ward's call centre)."""
    with content_app.app_context():
        items, total = queries.list_pages(lang, per_page=1000)
    assert total >= 49
    for item in items:
        assert not item.fallback, item.page.slug
        html = client.get(f"/{lang}/pages/{item.page.slug}").get_data(as_text=True)
        assert 'href="tel:+81' in _contact_box(html), item.page.slug


def test_a_section_without_a_published_phone_points_to_the_wards_call_centre(client, content_app):
    with content_app.app_context():
        items, _ = queries.list_pages("ne", per_page=1000)
        without = next(i for i in items if not i.page.department.phone)
        with_phone = next(i for i in items if i.page.department.phone)
    box = _contact_box(client.get(f"/ne/pages/{without.page.slug}").get_data(as_text=True))
    assert 'href="tel:+81332099999"' in box
    assert 'class="contact-fallback"' in box and "कल सेन्टर" in box  # the reason, in Nepali
    assert '<span lang="ja">（新宿区コールセンター「しんじゅくコール」）</span>' in box
    box = _contact_box(client.get(f"/ne/pages/{with_phone.page.slug}").get_data(as_text=True))
    assert "contact-fallback" not in box and "+81332099999" not in box


def test_a_procedure_whose_section_has_no_phone_points_to_the_wards_call_centre(client):
    box = _contact_box(client.get("/my/procedures/national-health-insurance-join").get_data(as_text=True))
    assert 'class="contact-fallback"' in box and 'href="tel:+81332099999"' in box
