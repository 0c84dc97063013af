"""content/counters, content/procedures and content/life-events: validation at import, and the rows written."""
from __future__ import annotations

from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from shinjuku_pwa.composition.content_import import import_content
from shinjuku_pwa.content.loader import ContentInvalid, load_content
from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.core.i18n import LOCALE_CODES
from shinjuku_pwa.procedures.loader import load_procedures
from shinjuku_pwa.procedures.models import Procedure, StoredCounter, StoredLifeEvent
from tests.procedures.bundled import bundle
from tests.procedures.factory import event_dict, make_procedures_content, question, write_counter, write_procedure, write_yaml


def errors_of(root) -> list[str]:
    with pytest.raises(ContentInvalid) as caught:
        load_procedures(root, {"pages": load_content(root)})
    return [str(e) for e in caught.value.errors]


def write_event(root, questions, rules, name="moving-in"):
    return write_yaml(root / "life-events" / f"{name}.yaml", event_dict(questions, rules))


def test_a_valid_tree_loads(tmp_path):
    loaded = load_procedures(make_procedures_content(tmp_path / "content"), {"pages": None})
    assert set(loaded.procedures) == {"moving-in-notification", "child-allowance"}
    assert set(loaded.counters) == {"main-office", "branch-a"} and set(loaded.life_events) == {"moving-in"}


def test_a_tree_without_these_folders_is_valid_and_empty(tmp_path):
    loaded = load_procedures(tmp_path, {"pages": None})
    assert (loaded.procedures, loaded.counters, loaded.life_events) == ({}, {}, {})


@pytest.mark.parametrize(("change", "expected"), [
    (lambda root: write_event(root, [question("move_date", "date")], [{"procedure": "no-such-procedure"}]),
     "content/life-events/moving-in.yaml:35: rule 1 (no-such-procedure): unknown procedure 'no-such-procedure'"),
    (lambda root: write_event(root, [question("move_date", "date")], [{"procedure": "child-allowance", "counters": ["branch-a"]}]),
     "counter 'branch-a' does not handle 'child-allowance'"),
    (lambda root: write_event(root, [question("move_date", "date")], [{"procedure": "child-allowance", "counters": ["nowhere"]}]),
     "unknown counter 'nowhere'"),
    (lambda root: write_event(root, [question("day", "date")], [{"procedure": "child-allowance"}]),
     "the procedure's dates count from 'move_date', which is not a date question of this event"),
    (lambda root: write_event(root, [question("move_date", "date")], [{"procedure": "child-allowance", "when": {"question": "x", "equals": True}}]),
     "rule 1 (child-allowance): unknown question 'x'"),
    (lambda root: write_event(root, [question("move_date", "date"), question("a")],
                              [{"procedure": "child-allowance", "when": {"question": "a", "equals": "yes"}}]),
     "'a' is yes/no: compare with true or false"),
    (lambda root: write_event(root, [question("move_date", "date")], [{"procedure": "child-allowance", "when": {"question": "move_date", "equals": "2026-01-01"}}]),
     "'move_date' is a date and cannot be compared"),
    (lambda root: write_event(root, [question("move_date", "date")], [{"procedure": "child-allowance", "when": {"eval": "__import__('os')"}}]),
     "unknown condition keys ['eval']"),
    (lambda root: write_event(root, [question("b", show_if={"question": "a", "equals": True}), question("a")], [{"procedure": "child-allowance", "deadline": None}]),
     "show_if of 'b' refers to 'a', which is not an earlier question"),
    (lambda root: write_event(root, [question("q")], [{"procedure": "child-allowance", "deadline": None}]),
     "this id is reserved by the questionnaire"),
    (lambda root: write_event(root, [question("move_date", "date", not_sure=True)], [{"procedure": "child-allowance"}]),
     "date questions cannot be answered 'not sure'"),
    (lambda root: write_yaml(root / "life-events" / "moving-in.yaml", {**event_dict([question("move_date", "date")], [{"procedure": "child-allowance"}]),
                                                                       "title": {"ja": "転入", "en": "Moving in"}}),
     "title: missing locales: ja-easy, zh-Hans, zh-Hant, ko, vi, ne, my"),
    (lambda root: write_procedure(root, "child-allowance", "en", fee=0),
     "content/procedures/child-allowance/en.md:7: 'fee' is the same in every language: write it in ja.md only"),
    (lambda root: write_procedure(root, "moving-in-notification", "en", documents=["only one"]),
     "documents: 1 listed, ja.md lists 2 (keep them in the same order)"),
    (lambda root: write_procedure(root, "child-allowance", "ja", department="nowhere"),
     "unknown department 'nowhere'"),
    (lambda root: write_procedure(root, "child-allowance", "ja", deadline={"days": 15, "months": 1, "after": "move_date", "kind": "claim"}),
     "give exactly one of 'days' or 'months'"),
    (lambda root: write_procedure(root, "child-allowance", "ja", lead_times=[{"document": 3, "days": 10}]),
     "lead_times: there is no document 3 (count from 0)"),
    (lambda root: write_procedure(root, "orphan", "en"),
     "procedure 'orphan' has no ja.md (Japanese is required)"),
    (lambda root: write_counter(root, "branch-b", {"no-such-procedure": None}),
     "handles unknown procedure 'no-such-procedure'"),
    (lambda root: write_counter(root, "branch-b", {}, kind="palace"),
     "kind: Must be one of"),
])
def test_invalid_content_is_reported_with_path_and_line(tmp_path, change, expected):
    root = make_procedures_content(tmp_path / "content")
    change(root)
    assert any(expected in error for error in errors_of(root)), errors_of(root)


def test_an_import_writes_rows_and_a_second_import_changes_nothing(app, tmp_path):
    root = make_procedures_content(tmp_path / "content")
    with app.app_context():
        first = import_content(root)
        second = import_content(root)
        procedure = db.session.get(Procedure, "moving-in-notification")
        assert procedure.facts["deadline"] == {"days": 14, "after": "move_date", "kind": "legal"}
        assert sorted(t.locale for t in procedure.translations) == ["en", "ja"]
        assert db.session.get(StoredCounter, "main-office").handles["child-allowance"] is None
        assert db.session.get(StoredLifeEvent, "moving-in").definition["questions"][0]["id"] == "move_date"
    assert {"procedure:moving-in-notification", "counter:branch-a", "life-event:moving-in"} <= set(first.added)
    assert not second.changed


def test_removed_files_unpublish_rather_than_delete(app, tmp_path):
    root = make_procedures_content(tmp_path / "content")
    with app.app_context():
        import_content(root)
        (root / "procedures" / "moving-in-notification" / "en.md").unlink()
        (root / "counters" / "branch-a.yaml").unlink()
        report = import_content(root)
        db.session.expire_all()
        translations = {t.locale: t.published for t in db.session.get(Procedure, "moving-in-notification").translations}
        assert translations == {"ja": True, "en": False}
        assert db.session.get(StoredCounter, "branch-a").listed is False
    assert "counter:branch-a" in report.unpublished


def test_a_bad_procedure_file_stops_the_whole_import(app, tmp_path):
    root = make_procedures_content(tmp_path / "content")
    write_procedure(root, "child-allowance", "ja", deadline={"days": 15, "after": "move_date", "kind": "eventually"})
    with app.app_context(), pytest.raises(ContentInvalid):
        import_content(root)
    with app.app_context():
        assert db.session.scalars(select(Procedure)).all() == []


# ---------------------------------------------------------------- the content we ship

ISSUE_MOVING_IN_QUESTIONS = {"move_date": "date", "from_abroad": "yes_no", "foreign_national": "yes_no", "has_my_number_card": "yes_no",
                             "employer_health_insurance": "yes_no", "has_children": "yes_no", "needs_nursery": "yes_no",
                             "age_65_or_over": "yes_no", "has_dog": "yes_no"}
ISSUE_MOVING_IN_PROCEDURES = {"moving-in-notification", "residence-card-address", "my-number-card-address", "national-health-insurance-join",
                              "national-pension-join", "child-allowance", "child-medical-subsidy", "school-transfer", "nursery-admission",
                              "long-term-care-insurance", "dog-registration-change"}
ISSUE_EVENTS = {"moving-in", "moving-out", "moving-within", "having-a-baby", "starting-elementary-school", "getting-married",
                "death-in-the-family", "leaving-a-job"}
OFFICIAL_HOSTS = ("city.shinjuku.lg.jp", "go.jp")


def test_the_shipped_content_has_every_event_the_issue_asks_for():
    assert set(bundle().life_events) == ISSUE_EVENTS


def test_moving_in_uses_the_question_and_procedure_ids_the_issue_fixes():
    data = bundle().life_events["moving-in"]["data"]
    assert {q["id"]: q["type"] for q in data["questions"]} == ISSUE_MOVING_IN_QUESTIONS
    assert {rule["procedure"] for rule in data["rules"]} == ISSUE_MOVING_IN_PROCEDURES


def test_every_shipped_procedure_is_in_all_nine_languages_with_machine_translations_marked():
    for procedure_id, files in bundle().procedures.items():
        assert set(files) == set(LOCALE_CODES), procedure_id
        for locale, file in files.items():
            expected = ("machine",) if locale not in ("ja", "ja-easy", "en") else ("original", "human")
            assert file.meta["translation"] in expected, file.path


def test_every_shipped_procedure_and_counter_rests_on_an_official_source():
    sources = [f.meta["source"] for files in bundle().procedures.values() for f in files.values()]
    sources += [c["source"] for c in bundle().counters.values()]
    assert [s for s in sources if not (urlparse(s).hostname or "").endswith(OFFICIAL_HOSTS)] == []


def test_the_ten_branch_offices_are_counters_that_never_claim_national_health_insurance():
    branches = {cid: c for cid, c in bundle().counters.items() if c["kind"] == "branch_office"}
    assert len(branches) == 10
    assert all("national-health-insurance-join" not in c["handles"] for c in branches.values())
