"""A small copy of the ward's garbage dictionary (some rows of the bundled CSV, their translations)."""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import yaml

from tests.conftest import BUNDLED_CONTENT

BUNDLED = BUNDLED_CONTENT / "open-data" / "garbage-sorting"
CSV_NAME = "000420404.csv"
HEADER = ["全国地方公共団体コード", "ID", "地方公共団体名", "ゴミの品目", "分別区分", "注意点", "料金種別", "料金", "料金備考", "備考"]


def bundled_rows() -> list[list[str]]:
    with (BUNDLED / CSV_NAME).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))[1:]


def row(official_id: str, name: str, category: str, note: str = "") -> list[str]:
    return ["131041", official_id, "新宿区", name, category, note, "", "", "", ""]


def write_csv(folder: Path, rows: list[list[str]], encoding: str = "utf-8-sig", header: list[str] | None = None) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header or HEADER)
    writer.writerows(rows)
    path = folder / CSV_NAME
    data = buffer.getvalue()
    if encoding == "utf-16":
        path.write_bytes(b"\xff\xfe" + data.encode("utf-16-le"))
    elif encoding == "utf-16-be":
        path.write_bytes(b"\xfe\xff" + data.encode("utf-16-be"))
    else:
        path.write_bytes(data.encode(encoding))
    return path


def make_garbage(content: Path, count: int = 12, rows: list[list[str]] | None = None, encoding: str = "utf-8-sig") -> Path:
    """content/open-data/garbage-sorting with the first `count` bundled rows (or `rows`) and their translations."""
    folder = content / "open-data" / "garbage-sorting"
    (folder / "translations").mkdir(parents=True, exist_ok=True)
    for name in ("dataset.yaml", "categories.yaml", "known-differences.yaml"):
        shutil.copy(BUNDLED / name, folder / name)
    rows = rows if rows is not None else bundled_rows()[:count]
    write_csv(folder, rows, encoding)
    ids = {r[1] for r in rows}
    for path in (BUNDLED / "translations").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["items"] = {key: value for key, value in data["items"].items() if key in ids}
        (folder / "translations" / path.name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                                         encoding="utf-8")
    return folder
