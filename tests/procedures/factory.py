"""Small content trees and definitions for the procedures tests: plain functions, no fixtures."""
from __future__ import annotations

from pathlib import Path

import yaml

from shinjuku_pwa.core.i18n import LOCALE_CODES
from shinjuku_pwa.procedures.definitions import Counter, LifeEvent, ProcedureFacts
from tests.content_factory import make_content


def names(text: str) -> dict[str, str]:
    return {code: f"{text} ({code})" for code in LOCALE_CODES}


def question(qid: str, qtype: str = "yes_no", **extra) -> dict:
    data = {"id": qid, "type": qtype, "label": names(qid)}
    data.update(extra)
    return data


def choices(*values: str) -> list[dict]:
    return [{"value": value, "label": names(value)} for value in values]


def event_dict(questions: list[dict], rules: list[dict], **extra) -> dict:
    data = {"title": names("Event"), "summary": names("Summary"), "questions": questions, "rules": rules}
    data.update(extra)
    return data


def event(questions: list[dict], rules: list[dict], event_id: str = "test-event") -> LifeEvent:
    return LifeEvent.from_dict(event_id, event_dict(questions, rules))


def facts(procedure_id: str, **data) -> ProcedureFacts:
    return ProcedureFacts.from_dict(procedure_id, data)


def counter(counter_id: str, position: int, *handles: str, kind: str = "branch_office") -> Counter:
    return Counter(counter_id, kind, position, frozenset(handles))


# ---------------------------------------------------------------- files under content/

def write_yaml(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_procedure(root: Path, procedure_id: str, locale: str = "ja", body: str = "## 説明\n\n本文です。\n", **meta) -> Path:
    front = {
        "title": f"{procedure_id} {locale}",
        "summary": f"Summary of {procedure_id} in {locale}",
        "reviewed": "2026-11-26",
        "source": "https://www.city.shinjuku.lg.jp/",
        "translation": "original" if locale in ("ja", "ja-easy", "en") else "machine",
    }
    front.update(meta)
    path = root / "procedures" / procedure_id / f"{locale}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "---\n" + yaml.safe_dump({k: v for k, v in front.items() if v is not None}, allow_unicode=True, sort_keys=False)
    path.write_text(text + "---\n" + body, encoding="utf-8")
    return path


def write_counter(root: Path, counter_id: str, handles: dict, kind: str = "branch_office", position: int = 10, **extra) -> Path:
    data = {
        "kind": kind, "position": position, "name": names(counter_id), "handles": handles,
        "source": "https://www.city.shinjuku.lg.jp/", "reviewed": "2026-11-26",
    }
    data.update(extra)
    return write_yaml(root / "counters" / f"{counter_id}.yaml", data)


def make_procedures_content(root: Path) -> Path:
    """A valid tree: the pages factory's department, two procedures, two counters, one event."""
    make_content(root, {"moving-in": ("ja",)})
    documents = {"ja": ["転出証明書", "在留カード"], "en": ["Moving-out certificate", "Residence card"]}
    write_procedure(root, "moving-in-notification", "ja", department="family-register-resident",
                    deadline={"days": 14, "after": "move_date", "kind": "legal"},
                    opens={"days": 0, "after": "move_date"}, fee=0, documents=documents["ja"],
                    lead_times=[{"document": 0, "days": 20}], deadline_text="14日以内")
    write_procedure(root, "moving-in-notification", "en", documents=documents["en"], deadline_text="Within 14 days")
    write_procedure(root, "child-allowance", "ja", deadline={"days": 15, "after": "move_date", "kind": "claim"},
                    online_url="https://myna.go.jp/", online_service="マイナポータル")
    write_counter(root, "main-office", {"moving-in-notification": {"floor": 1, "section": {"ja": "戸籍住民課", "en": "Resident Registration"}},
                                         "child-allowance": None},
                  kind="main_office", position=0, address={"ja": "歌舞伎町1-4-1", "en": "1-4-1 Kabukicho"})
    write_counter(root, "branch-a", {"moving-in-notification": None})
    write_yaml(root / "life-events" / "moving-in.yaml", event_dict(
        [question("move_date", "date"), question("from_abroad"), question("has_children")],
        [
            {"procedure": "moving-in-notification",
             "restrict": [{"when": {"question": "from_abroad", "equals": True}, "counters": ["main-office"]}]},
            {"procedure": "child-allowance", "when": {"question": "has_children", "equals": True}},
        ],
    ))
    return root
