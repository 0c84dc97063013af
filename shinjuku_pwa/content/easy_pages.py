"""The easy-Japanese checks (japanese/easy_japanese.py) over content/pages/*/ja-easy.md files."""
from __future__ import annotations

import re
from pathlib import Path

from ..japanese.easy_japanese import line_problems, readable_text
from .loader import ContentError, split_front_matter

# Front matter keys whose text residents read as sentences (tags are search words).
_READ_KEYS = ("title", "summary")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")


def check_text_line(path: str, line_number: int, text: str, hard_words: dict[str, str]) -> list[ContentError]:
    return [ContentError(path, line_number, problem) for problem in line_problems(text, hard_words)]


def check_easy_page(path: str, source: str, hard_words: dict[str, str]) -> list[ContentError]:
    """Problems of one ja-easy page file (its title, summary and body)."""
    parts = split_front_matter(source)
    if parts is None:
        return [ContentError(path, 1, "missing front matter between '---' lines")]
    front, body, body_line = parts
    problems = []
    for index, line in enumerate(front.splitlines()):
        key, _, value = line.partition(":")
        if key.strip() in _READ_KEYS:
            problems.extend(check_text_line(path, index + 2, value.strip().strip("'\""), hard_words))
    in_code_block = False
    for index, line in enumerate(body.splitlines()):
        if line.lstrip().startswith(("```", "~~~")):
            in_code_block = not in_code_block
            continue
        if in_code_block or _TABLE_RULE.match(line):
            continue
        problems.extend(check_text_line(path, body_line + index, readable_text(line), hard_words))
    return problems


def check_easy_pages(root: Path, hard_words: dict[str, str]) -> tuple[int, list[ContentError]]:
    """(pages checked, problems) for every content/pages/*/ja-easy.md under root."""
    root = Path(root)
    files = sorted((root / "pages").glob("*/ja-easy.md"))
    problems = []
    for file in files:
        label = str(file.relative_to(root.parent)) if file.is_relative_to(root.parent) else str(file)
        problems.extend(check_easy_page(label, file.read_text(encoding="utf-8"), hard_words))
    return len(files), problems
