"""Compression, caching and security headers: the cheap-phone-on-a-train concerns."""
from __future__ import annotations

import datetime as dt
import gzip
import re
import threading

import brotli
import pytest

from shinjuku_pwa.core.assets import hashed_name
from shinjuku_pwa.core.clock import tokyo_today
from shinjuku_pwa.core.security import limiter


def _asset(client, pattern: str) -> str:
    return re.search(pattern, client.get("/en/").get_data(as_text=True)).group(0)


def test_html_is_compressed_with_brotli_or_gzip(client):
    br = client.get("/en/", headers={"Accept-Encoding": "br"})
    gz = client.get("/en/", headers={"Accept-Encoding": "gzip"})
    plain = client.get("/en/", headers={"Accept-Encoding": "identity"})
    assert br.headers["Content-Encoding"] == "br" and gz.headers["Content-Encoding"] == "gzip"
    assert brotli.decompress(br.data) == gzip.decompress(gz.data) == plain.data


def test_a_revisit_with_the_etag_gets_304(client):
    first = client.get("/en/pages/moving-in", headers={"Accept-Encoding": "br"})
    again = client.get("/en/pages/moving-in", headers={"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert first.headers["Last-Modified"]
    since = client.get("/en/pages/moving-in", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


# A move a month ago, counted from today in Tokyo, so the answers stay valid whatever the day.
MOVE_DATE = (tokyo_today() - dt.timedelta(days=30)).isoformat()
PERSONAL_CHECKLIST = (f"/en/life-events/moving-in?move_date={MOVE_DATE}&from_abroad=no&foreign_national=no"
                      "&has_my_number_card=no&employer_health_insurance=yes&has_children=no&age_65_or_over=no&has_dog=no")


def test_a_personal_checklist_is_never_kept_so_it_carries_no_validator_and_names_no_language_versions(client):
    answer = client.get(PERSONAL_CHECKLIST)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in answer.headers
    assert '<link rel="alternate"' not in html
    # The reader can still switch language, answers kept.
    assert f'href="/ja/life-events/moving-in?move_date={MOVE_DATE}' in html


def _brotli_window_bits(stream: bytes) -> int:
    # RFC 7932 section 9.1: the stream opens with WBITS (1 bit 0: 16; else 3 bits n: 17 + n, for n > 0).
    if not stream[0] & 1:
        return 16
    n = (stream[0] >> 1) & 7
    assert n, "an old-style or large window"
    return 17 + n


def test_answers_compressed_per_request_use_a_small_brotli_window_and_decompress_whole(client):
    compressed = client.get(PERSONAL_CHECKLIST, headers={"Accept-Encoding": "br"})
    plain = client.get(PERSONAL_CHECKLIST, headers={"Accept-Encoding": "identity"})
    assert compressed.headers["Content-Encoding"] == "br"
    # A 4 MB ring buffer per answer (brotli's default window) cost three times the compression itself.
    assert _brotli_window_bits(compressed.data) <= 18
    assert brotli.decompress(compressed.data) == plain.data


def test_static_files_have_hashed_names_and_long_cache_headers(client):
    url = _asset(client, r"/static/css/app\.[0-9a-f]{10}\.css")
    with client.get(url) as response:
        assert response.status_code == 200
        assert "max-age=31536000" in response.headers["Cache-Control"] and "immutable" in response.headers["Cache-Control"]
    stale = re.sub(r"\.[0-9a-f]{10}\.", ".0000000000.", url)
    assert client.get(stale).status_code == 404


@pytest.mark.parametrize("url", ["/en/", "/api/v1/pages", "/static/css/app.css", "/en/pages/no-such-page"])
def test_security_headers_are_on_html_json_static_and_error_responses(client, url):
    with client.get(url) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Permissions-Policy" in headers


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/en/").headers
    assert "Strict-Transport-Security" in client.get("/en/", base_url="https://localhost").headers


@pytest.mark.parametrize("url", ["/ja/", "/en/", "/ja/pages/moving-in", "/ne/pages/branch-offices"])
def test_home_and_page_views_fit_the_30_kb_budget_with_no_outside_requests(client, url):
    view = client.get(url, headers={"Accept-Encoding": "br"})
    html = brotli.decompress(view.data).decode()
    total = len(view.data)
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html):
        with client.get(asset, headers={"Accept-Encoding": "br"}) as response:
            total += len(response.data)
    assert total < 30 * 1024
    # Everything the browser loads comes from us: no CDN fonts, scripts or analytics.
    loaded = re.findall(r'src="([^"]+)"', html) + re.findall(r'<link rel="(?:stylesheet|icon|apple-touch-icon|manifest|preload)"[^>]* href="([^"]+)"', html)
    assert loaded and all(url.startswith("/") and not url.startswith("//") for url in loaded), loaded


def test_bodies_over_one_megabyte_are_refused(client):
    response = client.post("/en/pages/moving-in/feedback", data={"helpful": "yes" + "x" * (1024 * 1024)})
    assert response.status_code == 413


def test_threads_asking_for_asset_names_at_once_on_a_fresh_app_all_get_them(make_app, tmp_path):
    """gthread workers: the first requests of a process arrive together; none may see half the names."""
    static = tmp_path / "static"
    for n in range(3000):  # hashed before css/ and js/: a long window for a thread to look in too soon
        (static / "a" / f"{n:04}.txt").parent.mkdir(parents=True, exist_ok=True)
        (static / "a" / f"{n:04}.txt").write_text(str(n))
    for name in ("css/app.css", "js/app.js"):
        (static / name).parent.mkdir(parents=True, exist_ok=True)
        (static / name).write_text(name)
    app = make_app(STATIC_DIR=str(static))
    barrier = threading.Barrier(16)
    failures = []

    def ask():
        with app.test_request_context("/ja/"):
            barrier.wait()
            try:
                hashed_name("css/app.css")
                hashed_name("js/app.js")
            except KeyError as exc:
                failures.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


PUBLIC = "public, max-age=30, stale-while-revalidate=300"
PUBLIC_PAGE = "public, max-age=0, s-maxage=30"


@pytest.mark.parametrize("url", ["/api/v1/pages/moving-in?lang=en", "/api/v1/search?q=ごみ&lang=ja", "/ja/manifest.webmanifest"])
def test_anonymous_api_reads_may_be_kept_briefly_by_any_cache(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response.headers["Cache-Control"] == PUBLIC


@pytest.mark.parametrize("url", ["/en/", "/ja/pages/moving-in", "/en/notices", "/en/life-events/moving-in"])
def test_anonymous_pages_are_kept_by_shared_caches_and_revalidated_by_browsers(client, url):
    """The service worker's network-first fetch must reach the network (or fail offline and show the
    saved copy, marked as saved): the browser's own cache revalidates, shared caches keep them."""
    response = client.get(url)
    assert response.status_code == 200 and response.headers["Cache-Control"] == PUBLIC_PAGE
    assert response.headers["CDN-Cache-Control"] == "max-age=30, stale-while-revalidate=300"


def test_the_first_visit_that_sets_the_language_cookie_is_still_shareable(content_app):
    response = content_app.test_client().get("/ko/")
    assert response.headers["Set-Cookie"].startswith("lang=ko") and response.headers["Cache-Control"] == PUBLIC_PAGE


def test_shared_cache_lifetimes_come_from_the_configuration(make_app):
    app = make_app(HTTP_MAX_AGE_SECONDS=5, HTTP_STALE_WHILE_REVALIDATE_SECONDS=60)
    assert app.test_client().get("/api/v1/categories").headers["Cache-Control"] == "public, max-age=5, stale-while-revalidate=60"


def test_a_checklist_with_the_readers_answers_and_its_calendar_are_private_and_not_stored(client):
    answered = client.get("/en/life-events/moving-in?move_date=2026-04-01")
    assert answered.status_code == 200 and answered.headers["Cache-Control"] == "private, no-store"


def test_errors_are_never_kept_stale(client):
    assert client.get("/en/pages/no-such-page").headers["Cache-Control"] == "no-cache"
    assert client.get("/api/v1/pages/no-such-page?lang=en").headers["Cache-Control"] == "no-cache"


def test_any_request_with_a_session_or_a_token_gets_private_no_store_even_on_public_pages(content_app):
    with_session = content_app.test_client()
    with_session.set_cookie("session", "anything")
    for url in ("/en/", "/api/v1/pages/moving-in?lang=en"):
        assert with_session.get(url).headers["Cache-Control"] == "private, no-store", url
        token = {"Authorization": "Bearer shs_not_a_token"}
        assert content_app.test_client().get(url, headers=token).headers["Cache-Control"] == "private, no-store", url


def test_an_api_read_without_a_language_says_it_depends_on_the_readers_headers(client):
    assert {"Accept-Language", "Cookie"} <= set(client.get("/api/v1/categories").vary)
    assert "Accept-Language" not in client.get("/api/v1/pages/moving-in?lang=en").vary


def test_every_answer_has_a_date_and_the_request_conditions_still_decide(client):
    for encoding in ("br", "identity"):
        answer = client.get("/en/pages/moving-in", headers={"Accept-Encoding": encoding})
        assert answer.status_code == 200 and answer.headers["Date"].endswith(" GMT")
    assert client.get("/en/pages/moving-in", headers={"If-Match": '"another"'}).status_code == 412
    assert client.get("/en/pages/moving-in", headers={"Range": "bytes=0-9"}).status_code == 200  # no ranges offered


def test_a_limit_set_for_every_view_still_applies(make_app):
    try:
        client = make_app(RATELIMIT_DEFAULT="2 per minute").test_client()
        assert [client.get("/api/v1/categories").status_code for _ in range(3)] == [200, 200, 429]
    finally:
        limiter.limit_manager.set_default_limits([])  # the limiter is shared by every app of the process
