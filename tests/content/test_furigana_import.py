"""Furigana are made once, at import, for Japanese pages; authors' readings are checked there."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from shinjuku_pwa.composition.content_import import import_content
from shinjuku_pwa.content.loader import ContentInvalid, load_content
from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.pages.models import PageTranslation
from tests.content_factory import make_content, write_page

BODY = "## 届出\n\n{角筈|つのはず}の住民票を出します。\n"


def _rows() -> dict[str, PageTranslation]:
    return {row.locale: row for row in db.session.scalars(select(PageTranslation))}


def test_japanese_pages_get_a_body_with_furigana_and_other_languages_do_not(app, tmp_path):
    root = make_content(tmp_path / "content")
    for locale in ("ja", "ja-easy", "en"):
        write_page(root, "moving-in", locale, body=BODY)
    with app.app_context():
        import_content(root)
        rows = _rows()
        assert "<ruby>角筈<rt>つのはず</rt></ruby>" in rows["ja"].body_ruby_html
        assert "<ruby>住民票<rt>じゅうみんひょう</rt></ruby>" in rows["ja-easy"].body_ruby_html
        assert rows["en"].body_ruby_html is None


def test_the_body_shown_without_furigana_keeps_only_the_base_of_an_author_reading(app, tmp_path):
    root = make_content(tmp_path / "content")
    write_page(root, "moving-in", "ja", body=BODY)
    with app.app_context():
        import_content(root)
        body = _rows()["ja"].body_html
        assert "角筈の住民票" in body and "{" not in body and "<ruby>" not in body


def test_a_page_imported_before_furigana_existed_gets_them_at_the_next_import(app, tmp_path):
    root = make_content(tmp_path / "content")
    with app.app_context():
        import_content(root)
        db.session.execute(update(PageTranslation).values(body_ruby_html=None))
        db.session.commit()
        report = import_content(root)
        rows = _rows()
        assert not report.changed and rows["ja"].body_ruby_html and rows["en"].body_ruby_html is None


def test_a_reading_that_is_not_kana_stops_the_import_at_its_line(tmp_path):
    root = make_content(tmp_path / "content")
    write_page(root, "moving-in", "ja", body="## 届出\n\n{角筈|tsunohazu}\n")
    with pytest.raises(ContentInvalid) as caught:
        load_content(root)
    assert [str(e) for e in caught.value.errors] == [
        "content/pages/moving-in/ja.md:15: reading mark '{角筈|tsunohazu}': the reading after '|' must be kana only"
    ]
