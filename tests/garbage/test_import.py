"""content import loads the ward's garbage CSV and our translations; newer CSVs re-import cleanly."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shinjuku_pwa.composition.content_import import import_content
from shinjuku_pwa.content.loader import ContentInvalid
from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.garbage import queries
from shinjuku_pwa.garbage.models import GarbageItem, GarbageItemTranslation
from tests.content_factory import make_content
from tests.garbage.factory import bundled_rows, make_garbage, row, write_csv


def _snapshot() -> list[tuple]:
    items = db.session.execute(select(GarbageItem.official_id, GarbageItem.official_name, GarbageItem.official_category,
                                      GarbageItem.listed)).all()
    translations = db.session.execute(select(GarbageItemTranslation.official_id, GarbageItemTranslation.locale,
                                             GarbageItemTranslation.name)).all()
    return sorted(map(tuple, items)) + sorted(map(tuple, translations))


def test_the_bundled_dictionary_imports_all_482_official_items_with_their_translations(content_app):
    with content_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(GarbageItem)) == 482
        item = db.session.get(GarbageItem, "131041S00001")
        assert (item.official_name, item.official_category, item.category_id) == ("アイスピック", "金属・陶器・ガラスごみ",
                                                                                   "metal-ceramic-glass")
        for locale in ("ja-easy", "en", "zh-Hans", "zh-Hant", "ko", "vi", "ne", "my"):
            assert queries.get_item("131041S00001", locale).fallback is False, locale
        assert queries.get_item("131041S00001", "en").name == "Ice pick"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "utf-16", "utf-16-be"])
def test_the_csv_imports_the_same_in_every_encoding_the_ward_uses(make_app, garbage_content, encoding):
    folder = garbage_content / "open-data" / "garbage-sorting"
    write_csv(folder, bundled_rows()[:12], encoding)
    app = make_app(content_dir=garbage_content)
    with app.app_context():
        import_content(garbage_content)
        names = db.session.scalars(select(GarbageItem.official_name).order_by(GarbageItem.position)).all()
        assert names == [r[3] for r in bundled_rows()[:12]]


def test_a_newer_official_csv_reimports_keeping_translations_and_new_items_show_in_japanese(garbage_app, garbage_content):
    folder = garbage_content / "open-data" / "garbage-sorting"
    rows = bundled_rows()[:12]
    kept, dropped = rows[1:], rows[0]
    newer = [*kept, row("131041S09999", "新しい品目", "燃やすごみ", "新しい注意点です。")]
    newer[0] = [*newer[0][:4], "粗大ごみ", *newer[0][5:]]  # the ward moved an item to another category
    write_csv(folder, newer, "utf-16")
    with garbage_app.app_context():
        before = {r.official_id: r.name for r in db.session.scalars(select(GarbageItemTranslation))
                  if r.locale == "en" and r.official_id != dropped[1]}
        report = import_content(garbage_content)
        assert "garbage-item:131041S09999" in report.added
        assert f"garbage-item:{dropped[1]}" in report.unpublished
        after = {r.official_id: r.name for r in db.session.scalars(select(GarbageItemTranslation)) if r.locale == "en"}
        assert {k: v for k, v in after.items() if k != dropped[1]} == before
        moved = queries.get_item(newer[0][1], "en")
        assert moved.item.official_category == "粗大ごみ" and moved.category.id == "oversized" and not moved.fallback
        new = queries.get_item("131041S09999", "vi")
        assert (new.name, new.lang, new.fallback, new.note) == ("新しい品目", "ja", True, "新しい注意点です。")
        with pytest.raises(queries.GarbageItemNotFound):
            queries.get_item(dropped[1], "en")
        assert any("not translated yet" in note and "131041S09999" in note for note in report.notes)
        assert not import_content(garbage_content).changed  # and again: nothing to do


@pytest.mark.parametrize(("bad_row", "message"), [
    (["131041", "131041S00002", "新宿区", "アイロン", "燃やすごみ", "", "", "", "", ""], "duplicate ID 131041S00002 (first on line 3)"),
    (["131041", "131041S00100", "新宿区", "", "燃やすごみ", "", "", "", "", ""], "ゴミの品目 is empty"),
    (["131041", "131041S00100", "新宿区", "かさ"], "expected 10 fields, found 4"),
])
def test_a_bad_row_stops_the_import_with_its_line_and_changes_nothing(garbage_app, garbage_content, bad_row, message):
    folder = garbage_content / "open-data" / "garbage-sorting"
    rows = bundled_rows()[:12]
    write_csv(folder, [*rows[:5], bad_row, *rows[5:]])
    with garbage_app.app_context():
        before = _snapshot()
        with pytest.raises(ContentInvalid) as caught:
            import_content(garbage_content)
        assert [str(e) for e in caught.value.errors] == [f"content/open-data/garbage-sorting/000420404.csv:7: {message}"]
        assert _snapshot() == before


def test_a_csv_without_a_required_column_or_not_in_utf_stops_the_import(make_app, garbage_content):
    folder = garbage_content / "open-data" / "garbage-sorting"
    (folder / "000420404.csv").write_bytes("ID,ゴミの品目\r\n1,かさ\r\n".encode("shift_jis"))
    with pytest.raises(ContentInvalid) as caught:
        import_content(garbage_content)
    assert "content/open-data/garbage-sorting/000420404.csv:1: not valid UTF-8 text" in str(caught.value)
    write_csv(folder, [["131041", "X1", "新宿区", "かさ"]], header=["全国地方公共団体コード", "ID", "地方公共団体名", "ゴミの品目"])
    with pytest.raises(ContentInvalid) as caught:
        import_content(garbage_content)
    assert str(caught.value) == "content/open-data/garbage-sorting/000420404.csv:1: missing column(s): 分別区分, 注意点"


def test_a_translation_entry_without_a_name_points_at_its_line(garbage_content):
    path = garbage_content / "open-data" / "garbage-sorting" / "translations" / "en.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("name: Ice pick", "nome: Ice pick"), encoding="utf-8")
    line = next(number for number, content in enumerate(text.splitlines(), 1) if "131041S00001:" in content)
    with pytest.raises(ContentInvalid) as caught:
        import_content(garbage_content)
    assert f"content/open-data/garbage-sorting/translations/en.yaml:{line}: unknown key 'nome'" in str(caught.value)


def test_an_unknown_sorting_value_is_reported_and_the_item_shown_as_written(garbage_app, garbage_content):
    folder = garbage_content / "open-data" / "garbage-sorting"
    write_csv(folder, [*bundled_rows()[:12], row("131041S00500", "なにか", "新しい区分")])
    with garbage_app.app_context():
        report = import_content(garbage_content)
        assert any("'新しい区分' is in no category" in note for note in report.notes)
        item = queries.get_item("131041S00500", "en")
        assert item.category is None and item.item.official_category == "新しい区分"


def test_content_without_the_dictionary_imports_as_before(make_app, tmp_path):
    root = make_content(tmp_path / "content")
    app = make_app(content_dir=root)
    with app.app_context():
        import_content(root)
        assert db.session.scalar(select(func.count()).select_from(GarbageItem)) == 0


def test_the_cli_prints_a_bad_row_as_path_line_message(garbage_app, garbage_content):
    folder = garbage_content / "open-data" / "garbage-sorting"
    write_csv(folder, [row("131041S00001", "", "燃やすごみ")])
    result = garbage_app.test_cli_runner().invoke(args=["content", "import", "--path", str(garbage_content)])
    assert result.exit_code == 1
    assert "content/open-data/garbage-sorting/000420404.csv:2: ゴミの品目 is empty" in result.output


def test_make_garbage_can_hold_any_rows(tmp_path):
    folder = make_garbage(tmp_path, rows=[row("131041S00001", "かさ", "燃やすごみ")])
    assert (folder / "000420404.csv").read_bytes().startswith(b"\xef\xbb\xbf")
