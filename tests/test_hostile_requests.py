"""Whatever a stranger sends to any route, the answer is never a 500.

Every rule in the URL map is requested with awkward path values and junk query strings (GET),
and with junk bodies (POST, PUT, PATCH, DELETE). A 4xx is the right answer to nonsense; a 500
means some input reached code that did not expect it.
"""
from __future__ import annotations

import pytest

from tests.hostile import JUNK_BODIES, JUNK_HEADERS, JUNK_QUERY, rules, server_errors, urls_for


def test_no_get_route_answers_awkward_paths_or_junk_queries_with_a_server_error(content_app):
    client = content_app.test_client()
    failures = []
    for rule in rules(content_app, "GET"):
        urls = urls_for(rule)
        failures += server_errors(client, "GET", urls)
        failures += server_errors(client, "GET", [urls[0] + JUNK_QUERY])
        failures += server_errors(client, "GET", urls[:1], headers=JUNK_HEADERS)
    assert failures == []


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_no_route_answers_junk_bodies_with_a_server_error(content_app, method):
    # The shared content app: junk must be refused, so it changes nothing other tests read.
    client = content_app.test_client()
    failures = []
    for rule in rules(content_app, method):
        for body in JUNK_BODIES:
            failures += server_errors(client, method, urls_for(rule)[:2], **body)
    assert failures == []
