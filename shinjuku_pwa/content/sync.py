"""Bring stored rows in line with the content files, for every kind of content.

One rule for pages, departments, categories, procedures, counters and life events:
a new item is added, a changed one is updated, an unchanged one is left alone (so its
timestamps and ETags stay stable), and one whose file is gone is unpublished, never
deleted, so links, feedback and saved pages keep their target.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..core.extensions import db


@dataclass(frozen=True)
class StoredKind:
    """How one kind of content is stored: its model, key column and visibility flag."""

    model: type[Any]
    label: str  # prefix in the import report, e.g. "counter:branch-a"
    key: str = "id"
    visible: str = "published"  # the flag cleared when the item's file is removed
    stamped: bool = False  # the model has updated_at
    file_per_item: bool = True  # counted in report.unchanged (files, not lines of a shared file)


def sync_rows(kind: StoredKind, wanted: Mapping[str, dict[str, Any]], report, now: datetime,
              on_removed: Callable[[Any], None] | None = None) -> dict[str, Any]:
    """Add, update or unpublish rows of `kind` so they match `wanted` (key → column values).

    Values with a `content_hash` are compared by that hash alone; others column by column.
    Returns the current row of every wanted key, for callers that sync children next.
    """
    existing: dict[str, Any] = {getattr(row, kind.key): row for row in db.session.scalars(select(kind.model))}
    rows: dict[str, Any] = {}
    for key, values in wanted.items():
        values = {**values, kind.visible: True}
        row = existing.pop(key, None)
        if row is None:
            row = kind.model(**{kind.key: key}, **values, **({"updated_at": now} if kind.stamped else {}))
            db.session.add(row)
            report.added.append(f"{kind.label}:{key}")
        elif _differs(row, values, kind.visible):
            for column, value in values.items():
                setattr(row, column, value)
            if kind.stamped:
                row.updated_at = now
            report.updated.append(f"{kind.label}:{key}")
        elif kind.file_per_item:
            report.unchanged += 1
        rows[key] = row
    for key, row in existing.items():
        if getattr(row, kind.visible):
            setattr(row, kind.visible, False)
            if kind.stamped:
                row.updated_at = now
            if on_removed is not None:
                on_removed(row)
            report.unpublished.append(f"{kind.label}:{key}")
    return rows


def _differs(row, values: dict[str, Any], visible: str) -> bool:
    if "content_hash" in values:
        return row.content_hash != values["content_hash"] or not getattr(row, visible)
    return any(getattr(row, column) != value for column, value in values.items())


def sync_translations(parent, files: Mapping[str, Any], translation_model: type,
                      text_of: Callable[[Any], dict[str, Any]], report, now: datetime,
                      removed_path: Callable[[str], str],
                      on_unchanged: Callable[[Any, Any], None] | None = None) -> bool:
    """Sync `parent.translations` with one file per locale; True when anything changed.

    `text_of(file)` gives a translation's columns; it is called only for new or changed
    files, so costly columns (furigana) are made once per edit, not once per import.
    """
    rows = {row.locale: row for row in parent.translations}
    changed = False
    for locale, file in files.items():
        row = rows.pop(locale, None)
        if row is None:
            parent.translations.append(translation_model(
                locale=locale, updated_at=now, content_hash=file.content_hash, published=True, **text_of(file)))
            report.added.append(file.path)
            changed = True
        elif row.content_hash != file.content_hash or not row.published:
            for column, value in text_of(file).items():
                setattr(row, column, value)
            row.content_hash, row.published, row.updated_at = file.content_hash, True, now
            report.updated.append(file.path)
            changed = True
        else:
            if on_unchanged is not None:
                on_unchanged(row, file)
            report.unchanged += 1
    for locale, row in rows.items():
        if row.published:
            row.published, row.updated_at = False, now
            report.unpublished.append(removed_path(locale))
            changed = True
    return changed
