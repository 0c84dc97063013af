"""What a stranger sends over the wire to `make run`'s server (gunicorn.conf.py) gets the app's own
answer: overlong URLs, deep or endless JSON and junk headers meet a 4xx in the reader's language,
never gunicorn's plain-text page and never a 5xx."""
from __future__ import annotations

import http.client
import json

import pytest

from tests.test_slow_clients import MakeRunServer


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = MakeRunServer(tmp_path_factory.mktemp("served-hostile"))
    yield running
    running.stop()


def send(server, method: str, target: str, body: bytes | None = None, headers: dict[str, str] | None = None,
         chunks: list[bytes] | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    if chunks is None:
        connection.request(method, target, body=body, headers=headers or {})
    else:
        connection.putrequest(method, target)
        for name, value in {**(headers or {}), "Transfer-Encoding": "chunked"}.items():
            connection.putheader(name, value)
        connection.endheaders()
        try:
            for chunk in chunks:
                connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            connection.send(b"0\r\n\r\n")
        except OSError:
            pass  # the server may answer and close before the whole body is sent
    response = connection.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    connection.close()
    return response


SIX_KB_QUERY = "?q=" + "%E3%81%94" * 680  # ご, percent-encoded as a browser sends it


def test_a_six_kilobyte_api_url_gets_the_apps_json_414_not_gunicorns_page(server):
    response = send(server, "GET", "/api/v1/pages" + SIX_KB_QUERY, headers={"Accept-Language": "en"})
    assert response.status == 414
    assert response.getheader("Content-Type") == "application/json"
    assert json.loads(response.body) == {"code": 414, "message": "That address is too long."}


def test_a_six_kilobyte_page_url_gets_the_friendly_page_in_the_readers_language(server):
    response = send(server, "GET", "/ja/search" + SIX_KB_QUERY)
    assert response.status == 414
    assert response.getheader("Content-Type").startswith("text/html")
    assert "アドレス（URL）が長すぎます。" in response.body.decode()


def test_json_nested_a_thousand_deep_over_the_wire_is_a_json_400(server):
    body = ('{"answers": ' + '{"a": ' * 1000 + "1" + "}" * 1001).encode()
    response = send(server, "POST", "/api/v1/life-events/moving-in/checklist", body,
                    {"Content-Type": "application/json", "Accept-Language": "ja"})
    assert response.status == 400 and json.loads(response.body)["message"] == "リクエストを理解できませんでした。"


def test_a_chunked_json_body_without_end_is_cut_at_the_size_limit_with_a_json_413(server):
    # No Content-Length to refuse up front: the limit applies while the body is read.
    chunks = [b'{"topics": [' + b'"disaster", ' * 10_000] * 20  # about 2.4 MB
    response = send(server, "POST", "/api/v1/push/subscriptions", headers={"Content-Type": "application/json"},
                    chunks=chunks)
    assert response.status == 413 and json.loads(response.body)["code"] == 413


@pytest.mark.parametrize("headers", [
    {"Host": "evil.example:99999", "X-Forwarded-For": "not-an-ip", "X-Forwarded-Proto": "gopher"},
    {"Host": "[::1", "Authorization": "Bearer " + "x" * 4000, "Accept-Language": "x-" * 1000},
    {"Cookie": "session=" + "A" * 3000 + "; lang=%F0%9F%92%A9", "Accept-Encoding": "br;q=2, gzip;q=-1"},
])
@pytest.mark.parametrize("target", ["/", "/ja/", "/en/pages/moving-in", "/api/v1/pages", "/api/v1/admin/me", "/admin/"])
def test_junk_headers_over_the_wire_never_get_a_server_error(server, headers, target):
    assert send(server, "GET", target, headers=headers).status < 500


@pytest.mark.parametrize("target", ["/en/pages/moving-in", "/api/v1/pages/moving-in?lang=en", "/en/no-such-page"])
def test_every_answer_on_the_wire_has_exactly_one_date(server, target):
    # The app writes a Date (core/http_caching.py, core/fast_path.py) and so does gunicorn: the wire
    # must carry one. The first answer comes through Flask, later ones from the fast path, the last as a 304.
    answers = [send(server, "GET", target) for _ in range(3)]
    etag = answers[-1].getheader("ETag")
    if etag:
        answers.append(send(server, "GET", target, headers={"If-None-Match": etag}))
        assert answers[-1].status == 304
    for answer in answers:
        assert len(answer.headers.get_all("Date")) == 1, (target, answer.status)
