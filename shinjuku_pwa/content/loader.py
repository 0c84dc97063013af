"""Read and validate everything under content/ without touching the database.

Every problem is collected (not just the first) and reported as `path:line: message`,
so an author fixes a batch of files in one go.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml
from marshmallow import ValidationError

from ..core.i18n import LOCALE_CODES
from ..japanese.furigana import reading_mark_problems, without_reading_marks
from .emergency_calls import CALLS_FILE, EmergencyCallsInvalid, parse_emergency_calls
from .rendering import render_markdown
from .schemas import SLUG, CategorySchema, DepartmentSchema, PageFrontMatterSchema

PAGE_LEVEL_KEYS = ("category", "department", "related")


@dataclass(frozen=True)
class ContentError:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentInvalid(Exception):
    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.path, e.line, e.message))
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass
class PageFile:
    slug: str
    locale: str
    path: str
    meta: dict
    body_html: str  # as shown without furigana: authors' {漢字|かんじ} marks reduced to 漢字
    content_hash: str
    # Sanitised HTML still holding the authors' {漢字|かんじ} readings; furigana are made from it.
    body_marked_html: str = ""


@dataclass
class ContentBundle:
    categories: list[dict] = field(default_factory=list)
    departments: dict[str, dict] = field(default_factory=dict)
    pages: dict[str, dict[str, PageFile]] = field(default_factory=dict)  # slug -> locale -> file


def plain_values(value: Any) -> Any:
    """YAML turns 2026-11-26 into a date; the schemas read ISO strings."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: plain_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_values(item) for item in value]
    return value


def _key_lines(text: str, first_line: int) -> dict[str, int]:
    """Line number of each top-level key, for pointing errors at the right line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {key.value: key.start_mark.line + first_line for key, _ in node.value if hasattr(key, "value")}


def parse_yaml(text: str, path: str, first_line: int, errors: list[ContentError]) -> tuple[Any, dict[str, int]]:
    try:
        return yaml.safe_load(text), _key_lines(text, first_line)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + first_line if mark else first_line
        problem = getattr(exc, "problem", None) or str(exc)
        errors.append(ContentError(path, line, f"invalid YAML: {problem}"))
        return None, {}


def schema_errors(exc: ValidationError, path: str, lines: dict[str, int], default_line: int) -> Iterator[ContentError]:
    messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
    for key, problems in messages.items():
        line = lines.get(key, default_line)
        text = _flatten(problems)
        label = "file" if key == "_schema" else key
        if text == "Unknown field.":
            yield ContentError(path, line, f"unknown key '{key}'")
        elif text == "Missing data for required field.":
            yield ContentError(path, default_line, f"missing key '{key}'")
        else:
            yield ContentError(path, line, f"{label}: {text}")


def _flatten(problems: object) -> str:
    if isinstance(problems, dict):
        return "; ".join(f"{k}: {_flatten(v)}" for k, v in problems.items())
    if isinstance(problems, list):
        return " ".join(_flatten(p) for p in problems)
    return str(problems)


def relative_path(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Return (front matter, body, line number of the body's first line) or None."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "".join(lines[1:index]), "".join(lines[index + 1:]), index + 2
    return None


def load_content(root: Path) -> ContentBundle:
    """Parse and validate content/ into a bundle; raise ContentInvalid listing every problem."""
    root = Path(root)
    errors: list[ContentError] = []
    bundle = ContentBundle()
    _load_categories(root, bundle, errors)
    _load_departments(root, bundle, errors)
    _load_pages(root, bundle, errors)
    _check_references(root, bundle, errors)
    _check_emergency_calls(root, errors)
    if errors:
        raise ContentInvalid(errors)
    return bundle


def _check_emergency_calls(root: Path, errors: list[ContentError]) -> None:
    path = root / CALLS_FILE
    if path.exists():
        try:
            parse_emergency_calls(path.read_text(encoding="utf-8"))
        except EmergencyCallsInvalid as exc:
            errors.append(ContentError(relative_path(path, root), 1, str(exc)))


def _load_categories(root: Path, bundle: ContentBundle, errors: list[ContentError]) -> None:
    path = root / "categories.yaml"
    rel = relative_path(path, root)
    if not path.exists():
        errors.append(ContentError(rel, 1, "missing file: categories are required"))
        return
    data, _ = parse_yaml(path.read_text(encoding="utf-8"), rel, 1, errors)
    if data is None:
        return
    if not isinstance(data, list):
        errors.append(ContentError(rel, 1, "expected a list of categories"))
        return
    # The same text parsed to a list above, so it composes to a sequence node.
    node = cast(yaml.SequenceNode, yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader))
    seen = set()
    for index, item in enumerate(data):
        line = node.value[index].start_mark.line + 1
        try:
            category = CategorySchema().load(plain_values(item) if isinstance(item, dict) else {})
        except ValidationError as exc:
            errors.extend(schema_errors(exc, rel, {}, line))
            continue
        if category["id"] in seen:
            errors.append(ContentError(rel, line, f"category '{category['id']}' defined twice"))
        seen.add(category["id"])
        category["position"] = index
        bundle.categories.append(category)


def _load_departments(root: Path, bundle: ContentBundle, errors: list[ContentError]) -> None:
    for path in sorted((root / "departments").glob("*.yaml")):
        rel = relative_path(path, root)
        if not SLUG.match(path.stem):
            errors.append(ContentError(rel, 1, "file name must be lower-case words joined by '-'"))
            continue
        text = path.read_text(encoding="utf-8")
        data, lines = parse_yaml(text, rel, 1, errors)
        if data is None and not errors:
            errors.append(ContentError(rel, 1, "empty file"))
        if not isinstance(data, dict):
            if data is not None:
                errors.append(ContentError(rel, 1, "expected a mapping"))
            continue
        try:
            department = DepartmentSchema().load(plain_values(data))
        except ValidationError as exc:
            errors.extend(schema_errors(exc, rel, lines, 1))
            continue
        department["content_hash"] = hashlib.sha256(text.encode()).hexdigest()
        bundle.departments[path.stem] = department


@dataclass(frozen=True)
class LocaleDocument:
    """One `<folder>/<id>/<locale>.md` file whose front matter parsed to a mapping."""

    item_id: str
    locale: str
    path: str  # relative, for messages
    raw: bytes
    data: dict
    lines: dict[str, int]
    body: str
    body_line: int


def read_locale_documents(root: Path, folder: str, noun: str, errors: list[ContentError]) -> Iterator[LocaleDocument]:
    """Yield each well-formed `<folder>/<id>/<locale>.md`; report every malformed one in `errors`.

    Pages and procedures share this layout; what their front matter means is up to each loader.
    """
    for path in sorted((root / folder).glob("*/*")):
        if path.is_dir() or path.name.startswith("."):
            continue
        rel = relative_path(path, root)
        item_id = path.parent.name
        if path.suffix != ".md":
            errors.append(ContentError(rel, 1, f"{noun} files are <locale>.md"))
            continue
        if not SLUG.match(item_id):
            errors.append(ContentError(rel, 1, f"{noun} folder '{item_id}' must be lower-case words joined by '-'"))
            continue
        if path.stem not in LOCALE_CODES:
            errors.append(ContentError(rel, 1, f"unknown locale '{path.stem}' (one of {', '.join(LOCALE_CODES)})"))
            continue
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            errors.append(ContentError(rel, 1, "not UTF-8 text"))
            continue
        parts = split_front_matter(text)
        if parts is None:
            errors.append(ContentError(rel, 1, "missing front matter between '---' lines"))
            continue
        front, body, body_line = parts
        data, lines = parse_yaml(front, rel, 2, errors)
        if data is None:
            if not any(e.path == rel for e in errors):
                errors.append(ContentError(rel, 1, "empty front matter"))
            continue
        if not isinstance(data, dict):
            errors.append(ContentError(rel, 2, "front matter must be a mapping"))
            continue
        yield LocaleDocument(item_id, path.stem, rel, raw, plain_values(data), lines, body, body_line)


def _load_pages(root: Path, bundle: ContentBundle, errors: list[ContentError]) -> None:
    for document in read_locale_documents(root, "pages", "page", errors):
        rel, lines, body, body_line, raw = document.path, document.lines, document.body, document.body_line, document.raw
        slug, data = document.item_id, document.data
        try:
            meta = PageFrontMatterSchema().load(data)
        except ValidationError as exc:
            errors.extend(schema_errors(exc, rel, lines, 1))
            continue
        meta["_lines"] = lines
        errors.extend(ContentError(rel, body_line + index, message) for index, message in reading_mark_problems(body))
        body_html = render_markdown(body)
        bundle.pages.setdefault(slug, {})[document.locale] = PageFile(
            slug=slug,
            locale=document.locale,
            path=rel,
            meta=meta,
            body_html=without_reading_marks(body_html),
            content_hash=hashlib.sha256(raw).hexdigest(),
            body_marked_html=body_html,
        )


def _check_references(root: Path, bundle: ContentBundle, errors: list[ContentError]) -> None:
    category_ids = {c["id"] for c in bundle.categories}
    for slug, files in bundle.pages.items():
        original = files.get("ja")
        if original is None and not (root / "pages" / slug / "ja.md").exists():
            some = next(iter(files.values()))
            errors.append(ContentError(some.path, 1, f"page '{slug}' has no ja.md (Japanese is required)"))
        for locale, page in files.items():
            meta, lines = page.meta, page.meta["_lines"]
            if meta["category"] not in category_ids:
                errors.append(ContentError(page.path, lines.get("category", 1), f"unknown category '{meta['category']}'"))
            if meta["department"] not in bundle.departments:
                errors.append(
                    ContentError(page.path, lines.get("department", 1), f"unknown department '{meta['department']}'")
                )
            # related is a page-level key: check it once, on ja.md (other files must equal it).
            for related in meta["related"] if (locale == "ja" or original is None) else ():
                if related == slug:
                    errors.append(ContentError(page.path, lines.get("related", 1), "a page cannot be related to itself"))
                elif related not in bundle.pages:
                    errors.append(ContentError(page.path, lines.get("related", 1), f"related page '{related}' does not exist"))
            if original is not None and locale != "ja":
                for key in PAGE_LEVEL_KEYS:
                    if meta[key] != original.meta[key]:
                        errors.append(
                            ContentError(page.path, lines.get(key, 1), f"{key} differs from ja.md ({original.meta[key]!r})")
                        )
