"""The URL map remembers the paths it builds: the same path as werkzeug builds, once per process."""
from __future__ import annotations

from flask import url_for
from werkzeug.datastructures import MultiDict
from werkzeug.routing import Map

from shinjuku_pwa.core import routing


def test_a_path_is_built_once_and_is_the_path_werkzeug_builds(app):
    with app.test_request_context("/en/"):
        first = url_for("procedures.life_event", lang="en", event_id="moving-in", from_abroad="yes")
        kept = dict(app.url_map.built_paths)
        again = url_for("procedures.life_event", lang="en", event_id="moving-in", from_abroad="yes")
    plain = Map([rule.empty() for rule in app.url_map.iter_rules()], converters=app.url_map.converters,
                strict_slashes=False).bind("localhost")
    assert first == again == plain.build("procedures.life_event",
                                         {"lang": "en", "event_id": "moving-in", "from_abroad": "yes"})
    assert first in kept.values()
    assert app.url_map.built_paths == kept  # the second call built nothing new


def test_a_path_under_another_mount_point_is_built_for_it(app):
    with app.test_request_context("/en/"):
        at_root = url_for("pages.page", lang="en", slug="garbage")
    with app.test_request_context("/en/", base_url="http://localhost/guide"):
        mounted = url_for("pages.page", lang="en", slug="garbage")
    assert at_root == "/en/pages/garbage"
    assert mounted == "/guide/en/pages/garbage"


def test_absolute_urls_are_never_remembered(app):
    # An absolute URL names the host, which is the client's to choose.
    for host in ("one.example", "two.example"):
        adapter = app.url_map.bind(host)
        assert adapter.build("pages.page", {"lang": "en", "slug": "garbage"}, force_external=True) == \
            f"http://{host}/en/pages/garbage"
    assert not any("//" in path for path in app.url_map.built_paths.values())


def test_repeated_query_values_are_built_every_time_and_all_kept(app):
    adapter = app.url_map.bind("localhost")
    values = MultiDict([("lang", "en"), ("q", "ごみ"), ("q", "粗大")])
    assert adapter.build("search.results", values) == "/en/search?q=%E3%81%94%E3%81%BF&q=%E7%B2%97%E5%A4%A7"
    assert app.url_map.built_paths == {}


def test_what_the_map_remembers_stays_bounded(app, monkeypatch):
    monkeypatch.setattr(routing, "BUILT_PATHS_MAX", 5)
    adapter = app.url_map.bind("localhost")
    for number in range(12):  # a query from a reader can make every path different
        assert adapter.build("search.results", {"lang": "en", "q": str(number)}) == f"/en/search?q={number}"
    assert 0 < len(app.url_map.built_paths) <= 5
