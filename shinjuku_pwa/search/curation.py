"""What staff curate for search: synonyms and best bets, read from content/search/*.yaml.

Both files are validated with marshmallow when content is imported and when the index is
built; a bad entry is reported as `path:line: message`, like every other content error.

synonyms.yaml groups words residents use for the same thing, by kind, as GOV.UK does
(official terms, resident words, misspellings, foreign words):

    - kind: resident-words
      words: [転入, 引っ越してきた]        # two-way: each word finds the others
    - kind: misspellings
      from: [garbege, gabage]              # one-way: these find `to`, never the reverse
      to: [garbage]

best-bets.yaml pins an item to the top for exact queries (after analysis, so ゴミ = ごみ and
Garbage = garbage):

    - queries: [粗大ごみ, 大型ごみ, oversized garbage]
      page: oversized-garbage              # or `type: procedure` + `id: ...` for other items
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from .analysis import clean_text, word_terms

SYNONYM_KINDS = ("official-terms", "resident-words", "kana-variants", "misspellings", "foreign-words")
SYNONYMS_FILE = Path("search") / "synonyms.yaml"
BEST_BETS_FILE = Path("search") / "best-bets.yaml"

_phrase = fields.String(validate=validate.Length(min=1, max=100))


class SynonymGroupSchema(Schema):
    class Meta:
        unknown = RAISE

    kind = fields.String(required=True, validate=validate.OneOf(SYNONYM_KINDS))
    words = fields.List(_phrase, validate=validate.Length(min=2, max=30))
    from_ = fields.List(_phrase, data_key="from", validate=validate.Length(min=1, max=30))
    to = fields.List(_phrase, validate=validate.Length(min=1, max=5))
    note = fields.String()

    @validates_schema
    def two_way_or_one_way(self, data, **kwargs) -> None:
        if "words" in data and ("from_" in data or "to" in data):
            raise ValidationError("Use either `words` or `from` + `to`, not both.")
        if "words" not in data and not ("from_" in data and "to" in data):
            raise ValidationError("Give `words` (two-way) or both `from` and `to` (one-way).")


class BestBetSchema(Schema):
    class Meta:
        unknown = RAISE

    queries = fields.List(_phrase, required=True, validate=validate.Length(min=1, max=30))
    page = fields.String(validate=validate.Length(min=1, max=100))
    type = fields.String(validate=validate.Length(min=1, max=32))
    id = fields.String(validate=validate.Length(min=1, max=100))
    note = fields.String()

    @validates_schema
    def names_one_item(self, data, **kwargs) -> None:
        if "page" in data and ("type" in data or "id" in data):
            raise ValidationError("Use either `page` or `type` + `id`, not both.")
        if "page" not in data and not ("type" in data and "id" in data):
            raise ValidationError("Name the item with `page: <slug>` or with `type` and `id`.")


@dataclass(frozen=True)
class SynonymRule:
    """When a query contains `when` (analysed words, in order), also search for each of `add`."""

    when: tuple[str, ...]
    add: tuple[tuple[str, ...], ...]
    kind: str


@dataclass(frozen=True)
class BestBet:
    query: tuple[str, ...]  # analysed words
    type: str
    id: str
    line: int


@dataclass
class Curation:
    synonyms: list[SynonymRule] = field(default_factory=list)
    best_bets: list[BestBet] = field(default_factory=list)


class CurationInvalid(Exception):
    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


def index_synonyms(rules: list[SynonymRule]) -> dict[str, list[SynonymRule]]:
    """Rules by their first word, so a query only looks at the rules that can apply."""
    indexed: dict[str, list[SynonymRule]] = {}
    for rule in rules:
        indexed.setdefault(rule.when[0], []).append(rule)
    return indexed


def analysed(phrase: str) -> tuple[str, ...]:
    """The analysed words of a phrase: how a query and a curated entry are compared."""
    return tuple(term.text for term in word_terms(clean_text(phrase)))


def _item_lines(text: str) -> list[int]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    if not isinstance(node, yaml.SequenceNode):
        return []
    return [item.start_mark.line + 1 for item in node.value]


def _read_list(path: Path, label: str, errors: list[str]) -> list[tuple[int, Any]]:
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 1
        errors.append(f"{label}:{line}: not valid YAML: {getattr(exc, 'problem', exc)}")
        return []
    if data is None:
        return []
    if not isinstance(data, list):
        errors.append(f"{label}:1: expected a list of entries")
        return []
    lines = _item_lines(text) or [1] * len(data)
    return list(zip(lines, data, strict=False))  # line numbers only label errors: never fail over them


def _messages(error: ValidationError) -> str:
    flat = []
    messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
    for key, value in messages.items():
        text = "; ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        flat.append(text if key == "_schema" else f"{key}: {text}")
    return "; ".join(flat)


def load_curation(content_dir: Path, known_items: set[tuple[str, str]] | None = None) -> Curation:
    """Read and validate synonyms and best bets; raise CurationInvalid listing every problem.

    With `known_items` ({(type, id)}), a best bet that names an item not in it is an error.
    Missing files are fine: search works without curation.
    """
    errors: list[str] = []
    curation = Curation()
    synonyms_label = f"content/{SYNONYMS_FILE.as_posix()}"
    for line, entry in _read_list(Path(content_dir) / SYNONYMS_FILE, synonyms_label, errors):
        try:
            group = SynonymGroupSchema().load(entry)
        except ValidationError as exc:
            errors.append(f"{synonyms_label}:{line}: {_messages(exc)}")
            continue
        rule_errors = _add_synonym_rules(group, curation)
        errors.extend(f"{synonyms_label}:{line}: {message}" for message in rule_errors)
    bets_label = f"content/{BEST_BETS_FILE.as_posix()}"
    for line, entry in _read_list(Path(content_dir) / BEST_BETS_FILE, bets_label, errors):
        try:
            bet = BestBetSchema().load(entry)
        except ValidationError as exc:
            errors.append(f"{bets_label}:{line}: {_messages(exc)}")
            continue
        item = ("page", bet["page"]) if "page" in bet else (bet["type"], bet["id"])
        if known_items is not None and item not in known_items:
            errors.append(f"{bets_label}:{line}: {item[0]} {item[1]!r} is not published")
            continue
        for query in bet["queries"]:
            words = analysed(query)
            if not words:
                errors.append(f"{bets_label}:{line}: {query!r} has no searchable words")
                continue
            curation.best_bets.append(BestBet(words, item[0], item[1], line))
    if errors:
        raise CurationInvalid(errors)
    return curation


def _add_synonym_rules(group: dict, curation: Curation) -> list[str]:
    errors = []
    if "words" in group:
        sources = group["words"]
        targets = group["words"]
    else:
        sources = group["from_"]
        targets = group["to"]
    analysed_targets = {}
    for phrase in {*sources, *targets}:
        words = analysed(phrase)
        if not words:
            errors.append(f"{phrase!r} has no searchable words")
        analysed_targets[phrase] = words
    if errors:
        return errors
    for phrase in sources:
        when = analysed_targets[phrase]
        add = tuple(dict.fromkeys(
            analysed_targets[other] for other in targets if analysed_targets[other] != when
        ))
        if add:
            curation.synonyms.append(SynonymRule(when, add, group["kind"]))
    return errors
