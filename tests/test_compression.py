"""Answers built per request are compressed as the request allows (core/compression.py)."""
from __future__ import annotations

import gzip

import brotli

from tests.test_http import PERSONAL_CHECKLIST


def test_a_checklist_goes_out_in_gzip_when_brotli_is_refused_or_not_offered(client):
    plain = client.get(PERSONAL_CHECKLIST, headers={"Accept-Encoding": "identity"})
    for offered in ("gzip", "br;q=0, gzip"):
        answer = client.get(PERSONAL_CHECKLIST, headers={"Accept-Encoding": offered})
        assert answer.headers["Content-Encoding"] == "gzip", offered
        assert gzip.decompress(answer.data) == plain.data
        assert answer.headers["Content-Length"] == str(len(answer.data))


def test_an_answer_sent_uncompressed_still_says_it_varies_by_accept_encoding(client):
    for offered in ("identity", "br;q=0, gzip;q=0", ""):
        answer = client.get(PERSONAL_CHECKLIST, headers={"Accept-Encoding": offered})
        assert "Content-Encoding" not in answer.headers, offered
        assert "Accept-Encoding" in answer.headers["Vary"]
        assert answer.data.startswith(b"<!doctype html>")


def test_each_encoding_of_a_page_has_its_own_validator_and_revalidates_with_it(client):
    br = client.get("/en/pages/moving-in", headers={"Accept-Encoding": "br"})
    gz = client.get("/en/pages/moving-in", headers={"Accept-Encoding": "gzip"})
    assert brotli.decompress(br.data) == gzip.decompress(gz.data)
    assert br.headers["ETag"] != gz.headers["ETag"]
    assert client.get("/en/pages/moving-in", headers={"Accept-Encoding": "gzip",
                                                      "If-None-Match": gz.headers["ETag"]}).status_code == 304
    # The brotli body's validator does not stand for the gzip body.
    assert client.get("/en/pages/moving-in", headers={"Accept-Encoding": "gzip",
                                                      "If-None-Match": br.headers["ETag"]}).status_code == 200


def test_answers_too_small_to_gain_and_error_answers_are_not_compressed(client):
    missing = client.get("/en/pages/no-such-page", headers={"Accept-Encoding": "br, gzip"})
    assert missing.status_code == 404 and "Content-Encoding" not in missing.headers
    small = client.get("/healthz", headers={"Accept-Encoding": "br, gzip"})
    assert small.status_code == 200 and len(small.data) < 500
    assert "Content-Encoding" not in small.headers
