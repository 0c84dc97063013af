"""`search reindex`, `search misses`, and the index refresh that `content import` runs."""
from __future__ import annotations

from pathlib import Path

from shinjuku_pwa.search import service
from shinjuku_pwa.search.index import POINTER_FILE
from tests.content_factory import make_content, write_page


def pointer(app) -> str:
    return (Path(app.instance_path) / "search" / POINTER_FILE).read_text()


def test_content_import_builds_the_index_when_there_is_none(make_app, tmp_path):
    app = make_app(content_dir=make_content(tmp_path / "content"))
    result = app.test_cli_runner().invoke(args=["content", "import"])
    assert result.exit_code == 0, result.output
    assert "Search index: 3 documents (1 items)" in result.output
    with app.app_context():
        assert service.search("moving-in", "en", count_miss=False).total == 1


def test_content_import_rebuilds_only_when_something_changed(make_app, tmp_path):
    root = make_content(tmp_path / "content")
    app = make_app(content_dir=root)
    runner = app.test_cli_runner()
    runner.invoke(args=["content", "import"])
    before = pointer(app)
    assert "Search index" not in runner.invoke(args=["content", "import"]).output
    assert pointer(app) == before
    write_page(root, "moving-in", "en", title="Moving in: a new title")
    assert "Search index" in runner.invoke(args=["content", "import"]).output
    assert pointer(app) != before


def test_content_import_reports_bad_curation_and_keeps_the_previous_index(make_app, tmp_path):
    root = make_content(tmp_path / "content")
    app = make_app(content_dir=root)
    runner = app.test_cli_runner()
    runner.invoke(args=["content", "import"])
    before = pointer(app)
    (root / "search").mkdir()
    (root / "search" / "best-bets.yaml").write_text("- queries: [ごみ]\n  page: no-such-page\n", encoding="utf-8")
    result = runner.invoke(args=["content", "import"])
    assert result.exit_code == 1
    assert "content/search/best-bets.yaml:1: page 'no-such-page' is not published" in result.output
    assert pointer(app) == before


def test_reindex_builds_a_new_index(make_app, tmp_path):
    app = make_app(content_dir=make_content(tmp_path / "content"))
    runner = app.test_cli_runner()
    runner.invoke(args=["content", "import"])
    before = pointer(app)
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "Search index: 3 documents" in result.output
    assert pointer(app) != before


def test_misses_lists_the_most_frequent_queries_without_results(make_app, tmp_path):
    app = make_app(content_dir=make_content(tmp_path / "content"))
    runner = app.test_cli_runner()
    assert "No searches without results" in runner.invoke(args=["search", "misses"]).output
    with app.app_context():
        for text, lang in [("zyzzyva", "en"), ("zyzzyva", "en"), ("ぬえ", "ja")]:
            service.record_miss(text, lang)
    lines = runner.invoke(args=["search", "misses"]).output.splitlines()
    assert lines[1].split() == ["2", "en", "zyzzyva"] and lines[2].split() == ["1", "ja", "ぬえ"]
    assert len(runner.invoke(args=["search", "misses", "--locale", "ja"]).output.splitlines()) == 2
