"""content/counters, content/procedures and content/life-events: read, validate, write.

`load_procedures` checks every file without touching the database and reports every
problem as `path:line: message`; `apply_procedures` writes rows inside the importer's
single transaction. content/importer.py lists the pair as the "procedures" section,
after "pages", whose departments procedures refer to.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import yaml
from marshmallow import ValidationError

from ..content.loader import (
    ContentError,
    ContentInvalid,
    parse_yaml,
    plain_values,
    read_locale_documents,
    relative_path,
    schema_errors,
)
from ..content.rendering import render_markdown
from ..content.schemas import SLUG
from ..content.sync import StoredKind, sync_rows, sync_translations
from ..core.clock import utcnow
from ..core.extensions import db
from .definitions import INHERIT, NO_DEADLINE, LifeEvent, ProcedureFacts
from .models import Procedure, ProcedureTranslation, StoredCounter, StoredLifeEvent
from .schemas import (
    PROCEDURE_LEVEL_KEYS,
    CounterSchema,
    LifeEventSchema,
    ProcedureFrontMatterSchema,
    ProcedureTextSchema,
)

COUNTERS_DIR, PROCEDURES_DIR, LIFE_EVENTS_DIR = "counters", "procedures", "life-events"


@dataclass
class ProcedureFile:
    procedure_id: str
    locale: str
    path: str
    meta: dict
    body_html: str
    content_hash: str


@dataclass
class ProceduresBundle:
    counters: dict[str, dict] = field(default_factory=dict)
    procedures: dict[str, dict[str, ProcedureFile]] = field(default_factory=dict)  # id -> locale -> file
    life_events: dict[str, dict] = field(default_factory=dict)


def load_procedures(root: Path, loaded: dict[str, Any]) -> ProceduresBundle:
    """Parse and validate the three folders; raise ContentInvalid listing every problem."""
    root = Path(root)
    errors: list[ContentError] = []
    bundle = ProceduresBundle()
    _load_counters(root, bundle, errors)
    _load_procedure_files(root, bundle, errors)
    _load_life_events(root, bundle, errors)
    pages = loaded.get("pages")
    departments = set(pages.departments) if pages is not None else None
    _check_references(root, bundle, departments, errors)
    if pages is not None:
        _check_guides(bundle, set(pages.pages), errors)
    if errors:
        raise ContentInvalid(errors)
    return bundle


def _read_yaml_files(folder: Path, root: Path,
                     errors: list[ContentError]) -> Iterator[tuple[Path, str, str, dict[str, Any], dict[str, int]]]:
    for path in sorted(folder.glob("*")):
        if path.is_dir() or path.name.startswith("."):
            continue
        rel = relative_path(path, root)
        if path.suffix != ".yaml":
            errors.append(ContentError(rel, 1, "files here are <id>.yaml"))
            continue
        if not SLUG.match(path.stem):
            errors.append(ContentError(rel, 1, "file name must be lower-case words joined by '-'"))
            continue
        text = path.read_text(encoding="utf-8")
        data, lines = parse_yaml(text, rel, 1, errors)
        if data is None:
            if not any(e.path == rel for e in errors):
                errors.append(ContentError(rel, 1, "empty file"))
            continue
        if not isinstance(data, dict):
            errors.append(ContentError(rel, 1, "expected a mapping"))
            continue
        yield path, rel, text, plain_values(data), lines


def _load_counters(root: Path, bundle: ProceduresBundle, errors: list[ContentError]) -> None:
    for path, rel, text, data, lines in _read_yaml_files(root / COUNTERS_DIR, root, errors):
        try:
            counter = CounterSchema().load(data)
        except ValidationError as exc:
            errors.extend(_nested_errors(exc, rel, text, lines, ("hours", "handles")))
            continue
        counter.update(_path=rel, _lines=lines, content_hash=hashlib.sha256(text.encode()).hexdigest())
        bundle.counters[path.stem] = counter


def _nested_errors(exc: ValidationError, rel: str, text: str, lines: dict[str, int],
                   nested: tuple[str, ...]) -> Iterator[ContentError]:
    """schema_errors, but a problem deep inside one of the `nested` keys points at its own line
    ("hours: 0: times: 1: opens: ..." at the line of that `opens`), not at the key's first line."""
    messages = exc.messages if isinstance(exc.messages, dict) else {}
    for key in nested:
        if key in messages:
            for path, problem in _leaves(messages.pop(key), (key,)):
                where = ": ".join(str(part) for part in path)
                yield ContentError(rel, _line_of(text, path) or lines.get(key, 1), f"{where}: {problem}")
    if messages or not isinstance(exc.messages, dict):
        yield from schema_errors(ValidationError(messages or exc.messages), rel, lines, 1)


def _leaves(problems: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(problems, dict):
        for key, inner in problems.items():
            # marshmallow nests a Dict value's problems under "value": the path reads better without it
            yield from _leaves(inner, path if key in ("_schema", "value") else (*path, key))
    elif isinstance(problems, list) and problems and all(isinstance(p, str) for p in problems):
        yield path, " ".join(problems)
    elif isinstance(problems, list):
        for inner in problems:
            yield from _leaves(inner, path)
    else:
        yield path, str(problems)


def _line_of(text: str, path: tuple) -> int | None:
    """The line of the deepest node of `path` (keys and list indexes) that the YAML has; None if none."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line = None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == part), None)
            if match is None:
                break
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _load_life_events(root: Path, bundle: ProceduresBundle, errors: list[ContentError]) -> None:
    for path, rel, text, data, lines in _read_yaml_files(root / LIFE_EVENTS_DIR, root, errors):
        try:
            event = LifeEventSchema().load(data)
        except ValidationError as exc:
            errors.extend(schema_errors(exc, rel, lines, 1))
            continue
        # Store what the author wrote (validated), not marshmallow's output: it is what definitions read.
        bundle.life_events[path.stem] = {"data": data, "_path": rel, "_lines": lines, "_rule_lines": _item_lines(text, "rules"),
                                         "position": event["position"],
                                         "content_hash": hashlib.sha256(text.encode()).hexdigest()}


def _item_lines(text: str, key: str) -> list[int]:
    """Line number of each item of a top-level list, so an error points at the rule itself."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    for key_node, value in node.value if isinstance(node, yaml.MappingNode) else ():
        if getattr(key_node, "value", None) == key and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _load_procedure_files(root: Path, bundle: ProceduresBundle, errors: list[ContentError]) -> None:
    for document in read_locale_documents(root, PROCEDURES_DIR, "procedure", errors):
        rel, lines, data, locale = document.path, document.lines, document.data, document.locale
        procedure_id = document.item_id
        if locale != "ja":
            misplaced = [key for key in PROCEDURE_LEVEL_KEYS if key in data]
            for key in misplaced:
                errors.append(ContentError(rel, lines.get(key, 2),
                                           f"'{key}' is the same in every language: write it in ja.md only"))
            if misplaced:
                continue
        schema = ProcedureFrontMatterSchema() if locale == "ja" else ProcedureTextSchema()
        try:
            meta = schema.load(data)
        except ValidationError as exc:
            errors.extend(schema_errors(exc, rel, lines, 1))
            continue
        meta["_lines"] = lines
        bundle.procedures.setdefault(procedure_id, {})[locale] = ProcedureFile(
            procedure_id, locale, rel, meta, render_markdown(document.body), hashlib.sha256(document.raw).hexdigest()
        )


def _check_guides(bundle: ProceduresBundle, page_slugs: set[str], errors: list[ContentError]) -> None:
    for files in bundle.procedures.values():
        original = files.get("ja")
        if original is None:
            continue
        for slug in original.meta.get("guides", []):
            if slug not in page_slugs:
                errors.append(ContentError(original.path, original.meta["_lines"].get("guides", 1),
                                           f"guide page '{slug}' does not exist"))


def _check_references(root: Path, bundle: ProceduresBundle, departments: set[str] | None,
                      errors: list[ContentError]) -> None:
    for procedure_id, files in bundle.procedures.items():
        original = files.get("ja")
        if original is None:
            if not (root / PROCEDURES_DIR / procedure_id / "ja.md").exists():
                some = next(iter(files.values()))
                errors.append(ContentError(some.path, 1, f"procedure '{procedure_id}' has no ja.md (Japanese is required)"))
            continue
        meta = original.meta
        department = meta.get("department")
        if department and departments is not None and department not in departments:
            errors.append(ContentError(original.path, meta["_lines"].get("department", 1), f"unknown department '{department}'"))
        count = len(meta["documents"])
        for lead in meta["lead_times"]:
            if lead["document"] >= count:
                errors.append(ContentError(original.path, meta["_lines"].get("lead_times", 1),
                                           f"lead_times: there is no document {lead['document']} (count from 0)"))
        for file in files.values():
            if len(file.meta["documents"]) != count:
                errors.append(ContentError(file.path, file.meta["_lines"].get("documents", 1),
                                           f"documents: {len(file.meta['documents'])} listed, ja.md lists {count} "
                                           "(keep them in the same order)"))
    for counter in bundle.counters.values():
        for procedure_id in counter["handles"]:
            if procedure_id not in bundle.procedures:
                errors.append(ContentError(counter["_path"], counter["_lines"].get("handles", 1),
                                           f"handles unknown procedure '{procedure_id}'"))
    for event_id, stored in bundle.life_events.items():
        errors.extend(_event_reference_errors(event_id, stored, bundle))


def _event_reference_errors(event_id: str, stored: dict, bundle: ProceduresBundle) -> Iterator[ContentError]:
    event = LifeEvent.from_dict(event_id, stored["data"])
    path, rule_lines = stored["_path"], stored["_rule_lines"]
    dates = {q.id for q in event.questions if q.type == "date"}
    for index, rule in enumerate(event.rules):
        where = f"rule {index + 1} ({rule.procedure})"
        line = rule_lines[index] if index < len(rule_lines) else stored["_lines"].get("rules", 1)
        files = bundle.procedures.get(rule.procedure)
        if files is None or "ja" not in files:
            yield ContentError(path, line, f"{where}: unknown procedure '{rule.procedure}'")
            continue
        facts = ProcedureFacts.from_dict(rule.procedure, files["ja"].meta)
        # `deadline: null` in a rule means "no dates from the procedure here", opening dates included.
        used = [] if rule.deadline_mode == NO_DEADLINE else [facts.opens, facts.online_opens]
        used += [facts.deadline] if rule.deadline_mode == INHERIT else []
        for deadline_rule in filter(None, used):
            if deadline_rule.anchor not in dates:
                yield ContentError(path, line, f"{where}: the procedure's dates count from '{deadline_rule.anchor}', "
                                               "which is not a date question of this event (override 'deadline' in the rule)")
        handlers = {cid for cid, counter in bundle.counters.items() if rule.procedure in counter["handles"]}
        named = list(rule.counters or ()) + [c for r in rule.restrictions for c in r.counters]
        for counter_id in named:
            if counter_id not in bundle.counters:
                yield ContentError(path, line, f"{where}: unknown counter '{counter_id}'")
            elif counter_id not in handlers:
                yield ContentError(path, line, f"{where}: counter '{counter_id}' does not handle '{rule.procedure}'")


# ---------------------------------------------------------------- writing

def apply_procedures(bundle: ProceduresBundle, report) -> None:
    _apply_counters(bundle, report)
    _apply_procedures(bundle, report)
    _apply_life_events(bundle, report)
    db.session.flush()


COUNTERS = StoredKind(StoredCounter, "counter", visible="listed")
PROCEDURES = StoredKind(Procedure, "procedure", stamped=True, file_per_item=False)
LIFE_EVENTS = StoredKind(StoredLifeEvent, "life-event", stamped=True)


def _apply_counters(bundle: ProceduresBundle, report) -> None:
    wanted = {
        counter_id: {
            "kind": item["kind"], "position": item["position"], "names": item["name"],
            "address": item.get("address") or {}, "handles": item["handles"], "hours": item["hours"],
            "note": item.get("note") or {},
            "source": item["source"], "reviewed": item["reviewed"], "content_hash": item["content_hash"],
        }
        for counter_id, item in bundle.counters.items()
    }
    sync_rows(COUNTERS, wanted, report, utcnow())


def procedure_facts(meta: dict) -> dict:
    """The language-independent part of ja.md's front matter, as stored in Procedure.facts."""
    return {key: meta[key] for key in PROCEDURE_LEVEL_KEYS if key != "department" and meta.get(key) not in (None, [])}


def _apply_procedures(bundle: ProceduresBundle, report) -> None:
    now = utcnow()
    wanted = {
        procedure_id: {"department_id": files["ja"].meta.get("department"), "facts": procedure_facts(files["ja"].meta)}
        for procedure_id, files in bundle.procedures.items()
    }
    procedures = sync_rows(PROCEDURES, wanted, report, now)
    for procedure_id, files in bundle.procedures.items():
        procedure = procedures[procedure_id]
        if sync_translations(procedure, files, ProcedureTranslation, _procedure_text, report, now,
                             removed_path=partial(_procedure_file, procedure_id)):
            procedure.updated_at = now


def _procedure_file(procedure_id: str, locale: str) -> str:
    return f"{PROCEDURES_DIR}/{procedure_id}/{locale}.md"


def _procedure_text(file: ProcedureFile) -> dict:
    meta = file.meta
    return {
        "title": meta["title"], "summary": meta["summary"], "who": meta["who"], "deadline_text": meta["deadline_text"],
        "documents": list(meta["documents"]), "fee_note": meta["fee_note"], "online_service": meta["online_service"],
        "where_text": meta["where"], "body_html": file.body_html, "source": meta["source"], "reviewed": meta["reviewed"],
        "translation": meta["translation"], "tags": list(meta["tags"]),
    }


def _apply_life_events(bundle: ProceduresBundle, report) -> None:
    wanted = {
        event_id: {"position": stored["position"], "definition": stored["data"], "content_hash": stored["content_hash"]}
        for event_id, stored in bundle.life_events.items()
    }
    sync_rows(LIFE_EVENTS, wanted, report, utcnow())
