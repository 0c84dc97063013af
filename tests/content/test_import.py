from __future__ import annotations

import pytest
import yaml
from sqlalchemy import func, select

from shinjuku_pwa.composition.content_import import import_content
from shinjuku_pwa.content.loader import ContentInvalid, load_content
from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.pages.models import Category, Page, PageTranslation
from tests.content_factory import CATEGORIES, make_content, write_page


def _errors(root) -> list[str]:
    with pytest.raises(ContentInvalid) as caught:
        load_content(root)
    return [str(e) for e in caught.value.errors]


def _snapshot():
    rows = db.session.execute(
        select(PageTranslation.page_slug, PageTranslation.locale, PageTranslation.updated_at,
               PageTranslation.published, PageTranslation.title)
    ).all()
    pages = db.session.execute(select(Page.slug, Page.updated_at, Page.published)).all()
    return sorted(map(tuple, rows)), sorted(map(tuple, pages))


def test_import_creates_pages_with_their_translations(app, tmp_path):
    root = make_content(tmp_path / "content")
    with app.app_context():
        report = import_content(root)
        page = db.session.get(Page, "moving-in")
        assert sorted(t.locale for t in page.translations) == ["en", "ja", "ja-easy"]
        assert page.category_id == "moving" and page.department.phone == "03-0000-0000"
    assert "page:moving-in" in report.added


def test_reimporting_unchanged_files_changes_nothing(app, tmp_path):
    root = make_content(tmp_path / "content")
    with app.app_context():
        import_content(root)
        before = _snapshot()
        report = import_content(root)
        db.session.expire_all()
        assert _snapshot() == before
    assert not report.changed and report.unchanged == 3


def test_an_edited_file_updates_its_page(app, tmp_path):
    root = make_content(tmp_path / "content")
    with app.app_context():
        import_content(root)
        write_page(root, "moving-in", "en", title="Moving in: the new title")
        report = import_content(root)
        db.session.expire_all()
        titles = {t.locale: t.title for t in db.session.get(Page, "moving-in").translations}
    assert titles["en"] == "Moving in: the new title"
    assert report.updated == ["content/pages/moving-in/en.md"]


def test_a_removed_file_unpublishes_its_translation_and_a_removed_page_is_unpublished(app, tmp_path):
    root = make_content(tmp_path / "content", {"moving-in": ("ja", "en"), "moving-out": ("ja",)})
    with app.app_context():
        import_content(root)
        (root / "pages" / "moving-in" / "en.md").unlink()
        (root / "pages" / "moving-out" / "ja.md").unlink()
        (root / "pages" / "moving-out").rmdir()
        import_content(root)
        db.session.expire_all()
        moving_in = {t.locale: t.published for t in db.session.get(Page, "moving-in").translations}
        moving_out = db.session.get(Page, "moving-out")
        assert moving_in == {"ja": True, "en": False}
        assert moving_out.published is False


def test_a_page_moved_to_another_category_is_updated_and_the_emptied_category_unlisted(app, tmp_path):
    root = make_content(tmp_path / "content")
    with app.app_context():
        import_content(root)
        first_stamp = db.session.get(Page, "moving-in").updated_at
        for locale in ("ja", "ja-easy", "en"):
            write_page(root, "moving-in", locale, title=f"moving-in {locale}",
                       summary=f"Summary of moving-in in {locale}", category="garbage")
        (root / "categories.yaml").write_text(
            yaml.safe_dump([c for c in CATEGORIES if c["id"] != "moving"], allow_unicode=True), encoding="utf-8")
        report = import_content(root)
        db.session.expire_all()
        page = db.session.get(Page, "moving-in")
        listed = dict(db.session.execute(select(Category.id, Category.listed)).all())
    assert page.category_id == "garbage" and page.updated_at > first_stamp
    assert "page:moving-in" in report.updated and "category:moving" in report.unpublished
    assert listed == {"moving": False, "garbage": True}


def test_a_bad_file_is_reported_with_path_and_line_and_nothing_changes(app, tmp_path):
    root = make_content(tmp_path / "content")
    with app.app_context():
        import_content(root)
        before = _snapshot()
        write_page(root, "moving-in", "en", title="Changed")
        bad = root / "pages" / "moving-out" / "ja.md"
        bad.parent.mkdir()
        bad.write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
        with pytest.raises(ContentInvalid) as caught:
            import_content(root)
        db.session.expire_all()
        assert _snapshot() == before
    assert str(caught.value.errors[0]).startswith("content/pages/moving-out/ja.md:")
    assert "invalid YAML" in str(caught.value.errors[0])


def test_bad_yaml_points_at_its_line(tmp_path):
    root = make_content(tmp_path / "content")
    (root / "pages" / "moving-in" / "ja.md").write_text(
        "---\ntitle: ok\nsummary: ok\ncategory: [moving\n---\nbody\n", encoding="utf-8"
    )
    errors = _errors(root)
    assert len(errors) == 1 and errors[0].startswith("content/pages/moving-in/ja.md:")
    line = int(errors[0].split(":")[1])
    assert line in (4, 5)  # the unclosed list, or the line where YAML notices it


def test_a_missing_key_is_named(tmp_path):
    root = make_content(tmp_path / "content")
    write_page(root, "moving-in", "ja", source=None)
    assert _errors(root) == ["content/pages/moving-in/ja.md:1: missing key 'source'"]


def test_an_unknown_category_is_reported_on_its_line(tmp_path):
    root = make_content(tmp_path / "content", {"moving-in": ("ja",)})
    write_page(root, "moving-in", "ja", category="shopping")
    assert _errors(root) == ["content/pages/moving-in/ja.md:4: unknown category 'shopping'"]


def test_a_broken_related_slug_is_reported(tmp_path):
    root = make_content(tmp_path / "content", {"moving-in": ("ja",)})
    write_page(root, "moving-in", "ja", related=["no-such-page"])
    assert _errors(root) == ["content/pages/moving-in/ja.md:11: related page 'no-such-page' does not exist"]


def test_an_unknown_department_is_reported(tmp_path):
    root = make_content(tmp_path / "content", {"moving-in": ("ja",)})
    write_page(root, "moving-in", "ja", department="nobody")
    assert _errors(root) == ["content/pages/moving-in/ja.md:5: unknown department 'nobody'"]


def test_a_translation_must_keep_the_page_category(tmp_path):
    root = make_content(tmp_path / "content", {"moving-in": ("ja", "en")})
    write_page(root, "moving-in", "en", category="garbage")
    assert _errors(root) == ["content/pages/moving-in/en.md:4: category differs from ja.md ('moving')"]


def test_a_page_without_japanese_is_refused(tmp_path):
    root = make_content(tmp_path / "content", {"moving-in": ("en",)})
    assert _errors(root) == ["content/pages/moving-in/en.md:1: page 'moving-in' has no ja.md (Japanese is required)"]


def test_an_unknown_locale_file_is_refused(tmp_path):
    root = make_content(tmp_path / "content", {"moving-in": ("ja",)})
    write_page(root, "moving-in", "fr")
    assert _errors(root) == ["content/pages/moving-in/fr.md:1: unknown locale 'fr' (one of ja, ja-easy, en, zh-Hans, zh-Hant, ko, vi, ne, my)"]


def test_an_unknown_key_is_refused(tmp_path):
    root = make_content(tmp_path / "content", {"moving-in": ("ja",)})
    write_page(root, "moving-in", "ja", autor="typo")
    assert _errors(root) == ["content/pages/moving-in/ja.md:12: unknown key 'autor'"]


def test_a_wrong_translation_kind_and_bad_date_are_refused(tmp_path):
    root = make_content(tmp_path / "content", {"moving-in": ("ja",)})
    write_page(root, "moving-in", "ja", translation="robot", reviewed="yesterday")
    errors = _errors(root)
    assert len(errors) == 2
    assert any(e.startswith("content/pages/moving-in/ja.md:8: translation:") for e in errors)
    assert any(e.startswith("content/pages/moving-in/ja.md:6: reviewed:") for e in errors)


def test_scripts_and_event_handlers_in_content_never_reach_the_page(app, tmp_path):
    root = make_content(tmp_path / "content", {"moving-in": ("ja",)})
    write_page(
        root, "moving-in", "ja",
        body='## 届出\n\n<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n'
             '[click](javascript:alert(3)) <a href="https://example.org" onclick="alert(4)">ok</a>\n',
    )
    with app.app_context():
        import_content(root)
        html = db.session.scalar(select(PageTranslation.body_html))
    for forbidden in ("<script", "alert(1)", "onerror", "onclick", "href=\"javascript", "<img"):
        assert forbidden not in html
    assert '<a href="https://example.org" rel="noopener noreferrer">ok</a>' in html
    assert "<h2>届出</h2>" in html


def test_content_import_command_exits_non_zero_on_errors(app, tmp_path):
    root = make_content(tmp_path / "content", {"moving-in": ("ja",)})
    write_page(root, "moving-in", "ja", category="nowhere")
    result = app.test_cli_runner().invoke(args=["content", "import", "--path", str(root)])
    assert result.exit_code == 1
    assert "content/pages/moving-in/ja.md:4: unknown category 'nowhere'" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Page)) == 0


def test_content_import_command_reports_what_changed(app, tmp_path):
    root = make_content(tmp_path / "content")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["content", "import", "--path", str(root)])
    second = runner.invoke(args=["content", "import", "--path", str(root)])
    assert first.exit_code == 0 and "0 unchanged" in first.output
    assert second.exit_code == 0 and "0 added, 0 updated, 0 unpublished, 3 unchanged" in second.output


def test_coverage_lists_every_locale(app, tmp_path):
    root = make_content(tmp_path / "content", {"moving-in": ("ja", "en"), "moving-out": ("ja",)})
    runner = app.test_cli_runner()
    runner.invoke(args=["content", "import", "--path", str(root)])
    result = runner.invoke(args=["content", "coverage"])
    lines = {line.split()[0]: line.split()[1:] for line in result.output.splitlines()[1:]}
    assert set(lines) == {"ja", "ja-easy", "en", "zh-Hans", "zh-Hant", "ko", "vi", "ne", "my"}
    assert lines["ja"][0] == "2/2" and lines["en"][0] == "1/2" and lines["ko"][0] == "0/2"


def test_coverage_counts_resident_strings_apart_from_the_staff_console(app, tmp_path):
    """The console is Japanese and English only by decision: resident languages read 100%."""
    runner = app.test_cli_runner()
    runner.invoke(args=["content", "import", "--path", str(make_content(tmp_path / "content"))])
    result = runner.invoke(args=["content", "coverage"])
    assert result.output.splitlines()[0].split() == ["locale", "pages", "resident", "UI", "staff", "UI"]
    lines = {line.split()[0]: line.split()[1:] for line in result.output.splitlines()[1:]}
    for locale, (_, resident, percent, staff) in lines.items():
        done, total = resident.split("/")
        assert done == total and int(total) > 100 and percent == "100%", locale
        assert (staff == "—") == (locale not in ("ja", "en")), locale
    ja_done, staff_total = map(int, lines["ja"][3].split("/"))
    assert ja_done == staff_total > 100
