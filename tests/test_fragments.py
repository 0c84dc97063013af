"""`{% fragment %}`: a part of a page rendered once per content version, locale, reader variant and
key, then served from memory; the language links and query encoding built once per request."""
from __future__ import annotations

from urllib.parse import urlencode

import pytest
from flask import request, url_for

from shinjuku_pwa.composition.content_import import import_content
from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.core.page_cache import version_store
from shinjuku_pwa.core.templating import encode_query, language_links
from shinjuku_pwa.core.versions import CONTENT, bump
from shinjuku_pwa.reader_settings.routes import settings_url as reader_settings_url
from tests.content_factory import make_content

TEMPLATE = '{% fragment "greeting", key %}{{ built() }}{{ _("Home")|ruby(lang) }} 新宿区|{{ "新宿区"|ruby("ja") }}{% endfragment %}'


@pytest.fixture
def memo_app(make_app, tmp_path):
    root = make_content(tmp_path / "content")
    app = make_app(content_dir=root, VERSION_POLL_SECONDS=0, PAGE_CACHE_MAX_BYTES=8 * 1024 * 1024)
    with app.app_context():
        import_content(root)
    return app


def render(app, path: str, source: str = TEMPLATE, cookie: str | None = None, **values) -> str:
    """`source` rendered as a page of `path` renders it: the request's hooks, then the context processors."""
    headers = {"Cookie": f"reader={cookie}"} if cookie else {}
    with app.test_request_context(path, headers=headers):
        assert app.preprocess_request() is None
        context = dict(values)
        app.update_template_context(context)
        return app.jinja_env.from_string(source).render(context)


def counter() -> tuple[list[int], object]:
    calls: list[int] = []

    def built() -> str:
        calls.append(1)
        return ""
    return calls, built


def test_a_fragment_is_rendered_once_per_content_version(memo_app):
    calls, built = counter()
    first = render(memo_app, "/en/", built=built, key=1)
    assert render(memo_app, "/en/", built=built, key=1) == first
    assert len(calls) == 1
    with memo_app.app_context():
        bump(db.session, CONTENT)  # as a content import does
        db.session.commit()
    assert render(memo_app, "/en/", built=built, key=1) == first
    assert len(calls) == 2


def test_fragments_are_kept_apart_by_locale_reader_variant_and_key(memo_app):
    calls, built = counter()
    english = render(memo_app, "/en/", built=built, key=1)
    japanese = render(memo_app, "/ja/", built=built, key=1)
    furigana = render(memo_app, "/ja/", cookie="furigana=all", built=built, key=1)
    other_key = render(memo_app, "/en/", built=built, key=2)
    assert len(calls) == 4
    assert english.startswith("Home") and not japanese.startswith("Home")
    assert "<ruby>" in furigana and "<ruby>" not in japanese
    assert other_key == english
    # Each is kept: asked again, none is rendered again.
    for path, cookie, key in (("/en/", None, 1), ("/ja/", None, 1), ("/ja/", "furigana=all", 1), ("/en/", None, 2)):
        render(memo_app, path, cookie=cookie, built=built, key=key)
    assert len(calls) == 4


def test_with_the_page_cache_off_every_fragment_is_rendered(make_app, tmp_path):
    root = make_content(tmp_path / "content")
    app = make_app(content_dir=root)  # PAGE_CACHE_MAX_BYTES = 0, as in most tests
    with app.app_context():
        import_content(root)
    calls, built = counter()
    assert render(app, "/en/", built=built, key=1) == render(app, "/en/", built=built, key=1)
    assert len(calls) == 2


def test_a_fragment_outside_any_request_is_rendered(memo_app):
    calls, built = counter()
    with memo_app.app_context():
        text = memo_app.jinja_env.from_string('{% fragment "x" %}{{ built() }}kept?{% endfragment %}').render(built=built)
    assert text == "kept?" and len(calls) == 1


def test_the_query_is_encoded_as_url_for_encodes_it(memo_app):
    values = {"a": "x y", "b": "é&=/?:", "c": "", "d": "!$'()*,;@"}
    with memo_app.test_request_context("/en/"):
        built = url_for("home.home", lang="en", **values)
    assert built == "/en/?" + encode_query(values.items())


def test_language_links_keep_every_parameter_of_the_page_but_its_language(memo_app):
    path = "/en/pages/moving-in?b=x y&a=é&lang=zz"
    with memo_app.test_request_context(path):
        assert memo_app.preprocess_request() is None
        links = {code: url for code, _, url in language_links()}
        expected = {code: url_for("pages.page", lang=code, slug="moving-in", b="x y", a="é") for code in links}
    assert links == expected
    assert links["ja"] == "/ja/pages/moving-in?b=x+y&a=%C3%A9"


BIG = '{% fragment "big", key %}{{ built() }}{{ "x" * 3000 }}{% endfragment %}'  # about 3.2 KB kept


@pytest.fixture
def small_shelf_app(make_app, tmp_path):
    """Room for two kept fragments of BIG."""
    root = make_content(tmp_path / "content")
    app = make_app(content_dir=root, VERSION_POLL_SECONDS=0, PAGE_CACHE_MAX_BYTES=8 * 1024 * 1024,
                   FRAGMENT_CACHE_MAX_BYTES=7000)
    with app.app_context():
        import_content(root)
    return app


def kept_bytes(app) -> int:
    with app.test_request_context("/en/"):
        return sum(len(text) for group in version_store(CONTENT)["fragments"].values() for text in group.values())


def test_kept_fragments_stay_within_their_bound_the_least_recently_used_language_going_first(small_shelf_app):
    calls, built = counter()
    for path in ("/en/", "/ja/", "/en/"):  # English used last
        render(small_shelf_app, path, BIG, built=built, key=1)
    assert len(calls) == 2
    render(small_shelf_app, "/ko/", BIG, built=built, key=1)  # no room for a third: Japanese goes
    assert len(calls) == 3 and kept_bytes(small_shelf_app) <= 7000
    render(small_shelf_app, "/en/", BIG, built=built, key=1)
    assert len(calls) == 3  # English was kept
    render(small_shelf_app, "/ja/", BIG, built=built, key=1)
    assert len(calls) == 4  # Japanese was not


def test_a_language_that_alone_outgrows_the_bound_drops_its_oldest_fragments(small_shelf_app):
    calls, built = counter()
    for key in (1, 2, 3):
        render(small_shelf_app, "/en/", BIG, built=built, key=key)
    assert kept_bytes(small_shelf_app) <= 7000
    render(small_shelf_app, "/en/", BIG, built=built, key=3)
    assert len(calls) == 3
    render(small_shelf_app, "/en/", BIG, built=built, key=1)
    assert len(calls) == 4


def test_with_no_room_for_fragments_every_fragment_is_rendered(make_app, tmp_path):
    root = make_content(tmp_path / "content")
    app = make_app(content_dir=root, PAGE_CACHE_MAX_BYTES=8 * 1024 * 1024, FRAGMENT_CACHE_MAX_BYTES=0)
    with app.app_context():
        import_content(root)
    calls, built = counter()
    assert render(app, "/en/", built=built, key=1) == render(app, "/en/", built=built, key=1)
    assert len(calls) == 2


def test_queries_are_encoded_as_urlencode_encodes_them_character_by_character():
    characters = [chr(code) for code in range(0x250)] + ["新", "宿", "😀", "\u3000", "\ufeff"]
    for character in characters:
        pair = [(character, f"{character}x {character}")]
        assert encode_query(pair) == urlencode(pair, safe="!$'()*,/:;?@"), repr(character)
    assert encode_query([("a", "1"), ("b", 2)]) == "a=1&b=2"  # not text: urlencode's own way


def test_a_checklist_links_its_settings_and_languages_as_url_for_writes_them(memo_app):
    path = "/en/life-events/moving-in?move_date=2026-04-01&note=a b%26c&q=from_abroad"
    with memo_app.test_request_context(path):
        assert memo_app.preprocess_request() is None
        settings = reader_settings_url("en")
        links = {code: url for code, _, url in language_links()}
        assert settings == url_for("reader_settings.settings", lang="en", next=request.full_path)
        assert links == {code: url_for("procedures.life_event", lang=code, event_id="moving-in", move_date="2026-04-01",
                                       note="a b&c", q="from_abroad") for code in links}
