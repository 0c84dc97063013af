"""content/notice-templates/ and content/places/: read, validate, store.

`load_notice_templates` checks every file without touching the database and reports each problem
as `path:line: message` (a template is also filled with the longest values of every blank, in
every locale, against the size rules); `apply_notice_templates` writes the rows inside the
importer's single transaction. `stored_registry` builds the registry from those rows, so every
host fills templates from the same imported content.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from ..content.loader import ContentError, ContentInvalid, parse_yaml, plain_values, relative_path
from ..content.sync import StoredKind, sync_rows
from ..core.clock import utcnow
from ..core.errors import NotFound
from ..core.extensions import db
from .models import TOPICS, StoredNoticeTemplate, StoredTemplateValues, Urgency
from .schemas import MAX_TTL
from .templates import (
    SLUG,
    NoticeTemplate,
    Problems,
    TemplateRegistry,
    places_problems,
    size_problems,
    template_problems,
    vocabulary_problems,
)

TEMPLATES_DIR, PLACES_DIR = "notice-templates", "places"
VOCABULARY_FILE, TOWNS_FILE, SHELTERS_FILE = "vocabulary.yaml", "towns.yaml", "shelters.yaml"
SHELTER_KINDS = ("wide-area-evacuation-site", "evacuation-shelter")


@dataclass
class _Definition:
    definition: dict[str, Any]
    content_hash: str


@dataclass
class NoticeTemplatesBundle:
    templates: dict[str, _Definition] = field(default_factory=dict)
    values: dict[str, _Definition] = field(default_factory=dict)  # vocabulary, towns, shelters

    def registry(self) -> TemplateRegistry:
        values = {name: item.definition for name, item in self.values.items()}
        return TemplateRegistry.from_definitions(
            [item.definition for item in self.templates.values()], values["vocabulary"],
            values["towns"]["towns"], values["shelters"]["shelters"])


def _read(path: Path, root: Path, errors: list[ContentError]) -> tuple[str, dict[str, Any], dict[str, int], str] | None:
    rel = relative_path(path, root)
    if not path.is_file():
        errors.append(ContentError(rel, 1, "missing file"))
        return None
    text = path.read_text(encoding="utf-8")
    data, lines = parse_yaml(text, rel, 1, errors)
    if data is None:
        if not any(e.path == rel for e in errors):
            errors.append(ContentError(rel, 1, "empty file"))
        return None
    if not isinstance(data, dict):
        errors.append(ContentError(rel, 1, "expected a mapping"))
        return None
    return rel, plain_values(data), {**lines, **_nested_lines(text)}, hashlib.sha256(text.encode()).hexdigest()


def _nested_lines(text: str) -> dict[str, int]:
    """Line of each top-level key and of each key one level down ("title.ja"), 1-based."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[str, int] = {}
    for key, value in node.value if isinstance(node, yaml.MappingNode) else []:
        lines[str(key.value)] = key.start_mark.line + 1
        for sub, _ in value.value if isinstance(value, yaml.MappingNode) else []:
            lines[f"{key.value}.{sub.value}"] = sub.start_mark.line + 1
    return lines


def _report(rel: str, lines: dict[str, int], problems: Problems, errors: list[ContentError]) -> bool:
    errors.extend(ContentError(rel, lines.get(key, lines.get(key.split(".")[0], 1)), message) for key, message in problems)
    return not problems


def load_notice_templates(root: Path, loaded: dict[str, Any] | None = None) -> NoticeTemplatesBundle:
    """Parse and validate the templates and their value lists; raise ContentInvalid listing every problem.

    A content tree without notice-templates/ has no templates (test trees, other deployments).
    """
    root = Path(root)
    errors: list[ContentError] = []
    bundle = NoticeTemplatesBundle()
    folder = root / TEMPLATES_DIR
    if not folder.is_dir():
        return bundle
    value_files = {"vocabulary": (folder / VOCABULARY_FILE, vocabulary_problems),
                   "towns": (root / PLACES_DIR / TOWNS_FILE, lambda d: places_problems(d, "towns", None)),
                   "shelters": (root / PLACES_DIR / SHELTERS_FILE, lambda d: places_problems(d, "shelters", SHELTER_KINDS))}
    for name, (path, check) in value_files.items():
        read = _read(path, root, errors)
        if read and _report(read[0], read[2], check(read[1]), errors):
            bundle.values[name] = _Definition(read[1], read[3])
    urgencies = [u.value for u in Urgency]
    checked: list[tuple[str, dict[str, int], dict[str, Any]]] = []
    for path in sorted(folder.glob("*")):
        if path.is_dir() or path.name.startswith(".") or path.name in (VOCABULARY_FILE, "README.md"):
            continue
        rel = relative_path(path, root)
        if path.suffix != ".yaml" or not SLUG.match(path.stem):
            errors.append(ContentError(rel, 1, "files here are <id>.yaml, the id lower-case words joined by '-'"))
            continue
        read = _read(path, root, errors)
        if read and _report(rel, read[2], template_problems(read[1], path.stem, TOPICS, urgencies, MAX_TTL), errors):
            bundle.templates[path.stem] = _Definition(read[1], read[3])
            checked.append((rel, read[2], read[1]))
    if len(bundle.values) == len(value_files):
        registry = bundle.registry()
        for rel, lines, data in checked:
            _report(rel, lines, size_problems(registry.templates[data["id"]], registry), errors)
    if errors:
        raise ContentInvalid(errors)
    return bundle


TEMPLATES = StoredKind(StoredNoticeTemplate, "notice-template", stamped=True)
VALUES = StoredKind(StoredTemplateValues, "notice-values", key="name", stamped=True)


def apply_notice_templates(bundle: NoticeTemplatesBundle, report: Any) -> None:
    now = utcnow()
    sync_rows(VALUES, {name: {"definition": item.definition, "content_hash": item.content_hash}
                       for name, item in bundle.values.items()}, report, now)
    sync_rows(TEMPLATES, {key: {"definition": item.definition, "content_hash": item.content_hash}
                          for key, item in bundle.templates.items()}, report, now)
    db.session.flush()


class NoTemplates(NotFound):
    """No templates imported yet (`flask content import`)."""


class TemplateNotFound(NotFound):
    pass


def stored_registry() -> TemplateRegistry:
    """The registry from the imported rows: the same on every host that reads this database."""
    values = {row.name: row.definition for row in db.session.scalars(
        select(StoredTemplateValues).where(StoredTemplateValues.published))}
    if set(values) != {"vocabulary", "towns", "shelters"}:
        raise NoTemplates()
    templates = db.session.scalars(select(StoredNoticeTemplate).where(StoredNoticeTemplate.published))
    return TemplateRegistry.from_definitions([row.definition for row in templates], values["vocabulary"],
                                             values["towns"]["towns"], values["shelters"]["shelters"])


def get_template(registry: TemplateRegistry, template_id: str) -> NoticeTemplate:
    template = registry.templates.get(template_id)
    if template is None:
        raise TemplateNotFound(template_id)
    return template
