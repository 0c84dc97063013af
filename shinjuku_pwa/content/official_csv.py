"""The ward's open-data CSV files, read as the ward publishes them (content/open-data/README.md).

Encoding by byte-order mark (UTF-8, UTF-16LE, UTF-16BE; none: UTF-8), CRLF or LF, RFC 4180
quoting, columns by header name (extra ones ignored), values stripped, an empty cell is None.
Every problem is a ContentError pointing at the line where the record starts.
"""
from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .loader import ContentError, relative_path

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


@dataclass(frozen=True)
class CsvRecord:
    line: int  # where the record starts in the file (the header is line 1)
    values: dict[str, str | None]  # column name -> stripped text, None when empty


def decode_official_text(raw: bytes) -> tuple[str, str]:
    """(text, encoding name) by BOM; raises UnicodeDecodeError for bytes that are not that encoding."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom):].decode(encoding), encoding
    return raw.decode("utf-8"), "utf-8"


def _line_of_offset(raw: bytes, offset: int, encoding: str) -> int:
    if encoding.startswith("utf-16"):
        newline = "\n".encode(encoding)
        return raw[:offset].count(newline) + 1
    return raw[:offset].count(b"\n") + 1


def read_official_csv(path: Path, root: Path, required: Sequence[str], errors: list[ContentError]) -> list[CsvRecord]:
    """Every record of one ward CSV file; problems are appended to `errors` (nothing is raised)."""
    rel = relative_path(path, root)
    raw = path.read_bytes()
    try:
        text, _ = decode_official_text(raw)
    except UnicodeDecodeError as exc:
        encoding = exc.encoding or "utf-8"
        errors.append(ContentError(rel, _line_of_offset(raw, exc.start, encoding),
                                   f"not valid {encoding.upper()} text (the ward's files are UTF-8 or UTF-16 with a BOM)"))
        return []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        errors.append(ContentError(rel, 1, "empty file: expected a header row"))
        return []
    except csv.Error as exc:
        errors.append(ContentError(rel, 1, f"unreadable header row: {exc}"))
        return []
    missing = [name for name in required if name not in header]
    if missing:
        errors.append(ContentError(rel, 1, "missing column(s): " + ", ".join(missing)))
        return []
    records: list[CsvRecord] = []
    last_line = reader.line_num
    while True:
        start = last_line + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(ContentError(rel, start, f"unreadable CSV record: {exc}"))
            break
        last_line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        if len(row) != len(header):
            errors.append(ContentError(rel, start, f"expected {len(header)} fields, found {len(row)}"))
            continue
        records.append(CsvRecord(start, {name: (cell.strip() or None) for name, cell in zip(header, row, strict=True)}))
    return records
