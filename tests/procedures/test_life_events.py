"""Table-driven: every shipped life event, each of its rules and deadlines (month ends and leap days too).

Each row: answers in JSON form → {procedure: (status, deadline, deadline kind, counter)} for the
whole checklist, so a procedure appearing where it should not fails the row as well.
"""
from __future__ import annotations

import datetime as dt

import pytest

from shinjuku_pwa.procedures.checklist import APPLIES, MAY_APPLY
from tests.procedures.bundled import checklist_for

D = dt.date
A, M = APPLIES, MAY_APPLY
BRANCHES = {f"{name}-branch" for name in ("yotsuya", "tansumachi", "enokicho", "wakamatsucho", "okubo", "totsuka",
                                          "ochiai-daiichi", "ochiai-daini", "kashiwagi", "tsunohazu")}


def summary(checklist) -> dict:
    return {i.procedure_id: (i.status, i.deadline, i.deadline_kind, i.counter_id) for i in checklist.items}


MOVING_IN_NO = {"from_abroad": False, "foreign_national": False, "has_my_number_card": False, "employer_health_insurance": True,
                "has_children": False, "age_65_or_over": False, "has_dog": False}


@pytest.mark.parametrize(("answers", "expected"), [
    pytest.param({"move_date": "2026-04-01"}, {
        "moving-in-notification": (A, D(2026, 4, 15), "legal", "main-office"),
    }, id="from-elsewhere-in-japan-with-nothing-else"),
    pytest.param({"move_date": "2026-04-01", "from_abroad": True, "foreign_national": True, "employer_health_insurance": False}, {
        "moving-in-notification": (A, D(2026, 4, 15), "legal", "main-office"),
        "residence-card-address": (A, D(2026, 4, 15), "legal", "main-office"),
        "national-health-insurance-join": (A, D(2026, 4, 15), "legal", "main-office"),
        "national-pension-join": (A, D(2026, 4, 15), "legal", "main-office"),
    }, id="from-abroad-foreign-without-employer-insurance"),
    pytest.param({"move_date": "2026-04-01", "foreign_national": True, "has_my_number_card": True}, {
        "moving-in-notification": (A, D(2026, 4, 15), "legal", "main-office"),
        "residence-card-address": (A, D(2026, 4, 15), "legal", "main-office"),
        "my-number-card-address": (A, D(2026, 4, 15), "legal", "main-office"),
    }, id="foreign-resident-from-elsewhere-in-japan-with-card"),
    pytest.param({"move_date": "2026-04-01", "has_children": True, "needs_nursery": True}, {
        "moving-in-notification": (A, D(2026, 4, 15), "legal", "main-office"),
        "child-allowance": (A, D(2026, 4, 16), "claim", "main-office"),
        "child-medical-subsidy": (A, None, None, "main-office"),
        "school-transfer": (A, None, None, "main-office"),
        "nursery-admission": (A, None, None, "main-office"),
    }, id="children-and-nursery"),
    pytest.param({"move_date": "2026-04-01", "has_children": False, "needs_nursery": True}, {
        "moving-in-notification": (A, D(2026, 4, 15), "legal", "main-office"),
    }, id="nursery-answer-ignored-when-show-if-hides-it"),
    pytest.param({"move_date": "2026-04-01", "foreign_national": True, "has_children": True, "needs_nursery": False}, {
        "moving-in-notification": (A, D(2026, 4, 15), "legal", "main-office"),
        "residence-card-address": (A, D(2026, 4, 15), "legal", "main-office"),
        "child-allowance": (A, D(2026, 4, 16), "claim", "main-office"),
        "child-medical-subsidy": (A, None, None, "main-office"),
        "school-transfer": (A, None, None, "first-annex"),
    }, id="foreign-children-apply-for-school-at-annex-1"),
    pytest.param({"move_date": "2026-04-01", "age_65_or_over": True, "has_dog": True}, {
        "moving-in-notification": (A, D(2026, 4, 15), "legal", "main-office"),
        "long-term-care-insurance": (A, D(2026, 4, 15), "claim", "main-office"),
        "dog-registration-change": (A, D(2026, 5, 1), "legal", "health-center"),
    }, id="aged-65-with-a-dog"),
    pytest.param({"move_date": "2026-04-01", "has_dog": True}, {
        "moving-in-notification": (A, D(2026, 4, 15), "legal", "yotsuya-branch"),
        "dog-registration-change": (A, D(2026, 5, 1), "legal", "yotsuya-branch"),
    }, id="one-branch-trip-covers-the-move-and-the-dog"),
    pytest.param({"move_date": "2026-04-01", "employer_health_insurance": "not_sure", "from_abroad": True}, {
        "moving-in-notification": (A, D(2026, 4, 15), "legal", "main-office"),
        "national-health-insurance-join": (M, D(2026, 4, 15), "legal", "main-office"),
        "national-pension-join": (M, D(2026, 4, 15), "legal", "main-office"),
    }, id="not-sure-about-insurance-makes-it-may-apply"),
    pytest.param({"move_date": "2028-02-20", "has_dog": True}, {
        "moving-in-notification": (A, D(2028, 3, 5), "legal", "yotsuya-branch"),
        "dog-registration-change": (A, D(2028, 3, 21), "legal", "yotsuya-branch"),
    }, id="leap-february"),
    pytest.param({"move_date": "2026-12-25", "has_children": True, "needs_nursery": False}, {
        "moving-in-notification": (A, D(2027, 1, 8), "legal", "main-office"),
        "child-allowance": (A, D(2027, 1, 9), "claim", "main-office"),
        "child-medical-subsidy": (A, None, None, "main-office"),
        "school-transfer": (A, None, None, "main-office"),
    }, id="across-the-year-end"),
])
def test_moving_in(answers, expected):
    assert summary(checklist_for("moving-in", {**MOVING_IN_NO, **answers})) == expected


def test_moving_in_from_elsewhere_in_japan_can_be_done_at_any_branch_but_not_from_abroad():
    [item] = checklist_for("moving-in", {**MOVING_IN_NO, "move_date": "2026-04-01"}).items
    assert set(item.also_at) == BRANCHES
    items = checklist_for("moving-in", {**MOVING_IN_NO, "move_date": "2026-04-01", "from_abroad": "not_sure"}).items
    assert items[0].also_at == ()


def test_moving_in_filed_before_the_move_date_is_announced_as_not_open_yet():
    checklist = checklist_for("moving-in", {**MOVING_IN_NO, "move_date": "2026-03-01"}, today=D(2026, 2, 1))
    assert [(w.code, w.date) for w in checklist.warnings] == [("not_open_yet", D(2026, 3, 1))]


MOVING_OUT_NO = {"moving_abroad": False, "foreign_national": False, "national_health_insurance": False,
                 "receives_child_allowance": False, "has_dog": False}


@pytest.mark.parametrize(("answers", "expected"), [
    pytest.param({"move_date": "2026-05-31"}, {
        "moving-out-notification": (A, D(2026, 5, 31), "legal", "main-office"),
    }, id="within-japan"),
    pytest.param({"move_date": "2026-05-31", "national_health_insurance": True, "receives_child_allowance": True, "has_dog": True}, {
        "moving-out-notification": (A, D(2026, 5, 31), "legal", "main-office"),
        "national-health-insurance-leave": (A, D(2026, 6, 14), "legal", "main-office"),
        "child-allowance": (A, D(2026, 6, 15), "claim", None),
        "dog-registration-change": (A, D(2026, 6, 30), "legal", None),
    }, id="insurance-allowance-and-dog"),
    pytest.param({"move_date": "2026-05-31", "moving_abroad": True, "foreign_national": True, "has_dog": True}, {
        "moving-out-notification": (A, D(2026, 5, 31), "legal", "main-office"),
        "pension-lump-sum-withdrawal": (A, D(2028, 5, 30), "claim", None),
    }, id="abroad-hides-the-dog-question"),
    pytest.param({"move_date": "2028-02-29", "moving_abroad": True, "foreign_national": True}, {
        "moving-out-notification": (A, D(2028, 2, 29), "legal", "main-office"),
        "pension-lump-sum-withdrawal": (A, D(2030, 2, 28), "claim", None),
    }, id="two-years-from-a-leap-day"),
    pytest.param({"move_date": "2026-05-31", "moving_abroad": "not_sure", "foreign_national": True}, {
        "moving-out-notification": (A, D(2026, 5, 31), "legal", "main-office"),
        "pension-lump-sum-withdrawal": (M, D(2028, 5, 30), "claim", None),
    }, id="not-sure-about-going-abroad"),
])
def test_moving_out(answers, expected):
    assert summary(checklist_for("moving-out", {**MOVING_OUT_NO, **answers})) == expected


def test_moving_out_online_opens_thirty_days_before_the_move():
    items = {i.procedure_id: i for i in checklist_for("moving-out", {**MOVING_OUT_NO, "move_date": "2026-05-31"}).items}
    assert items["moving-out-notification"].online_opens == D(2026, 5, 1)


MOVING_WITHIN_NO = {"foreign_national": False, "has_my_number_card": False, "household_changes": False, "has_dog": False}


@pytest.mark.parametrize(("answers", "expected"), [
    pytest.param({"move_date": "2026-01-31"}, {
        "change-of-address-notification": (A, D(2026, 2, 14), "legal", "main-office"),
    }, id="nothing-else"),
    pytest.param({"move_date": "2026-01-31", "foreign_national": True, "has_my_number_card": True, "has_dog": True}, {
        "change-of-address-notification": (A, D(2026, 2, 14), "legal", "yotsuya-branch"),
        "residence-card-address": (A, D(2026, 2, 14), "legal", "yotsuya-branch"),
        "my-number-card-address": (A, D(2026, 2, 14), "legal", "yotsuya-branch"),
        "dog-registration-change": (A, D(2026, 3, 2), "legal", "yotsuya-branch"),
    }, id="everything-a-branch-can-do-in-one-trip"),
    pytest.param({"move_date": "2026-01-31", "household_changes": True, "has_dog": True}, {
        "change-of-address-notification": (A, D(2026, 2, 14), "legal", "main-office"),
        "household-head-change": (A, D(2026, 2, 14), "legal", "main-office"),
        "dog-registration-change": (A, D(2026, 3, 2), "legal", "health-center"),
    }, id="household-change-needs-the-main-office"),
])
def test_moving_within(answers, expected):
    assert summary(checklist_for("moving-within", {**MOVING_WITHIN_NO, **answers})) == expected


BABY_NO = {"foreign_national": False, "parents_national_health_insurance": False, "needs_nursery": False}


@pytest.mark.parametrize(("answers", "expected"), [
    pytest.param({"birth_date": "2026-03-31"}, {
        "birth-registration": (A, D(2026, 4, 13), "legal", "main-office"),
        "child-allowance": (A, D(2026, 4, 15), "claim", "main-office"),
        "child-medical-subsidy": (A, None, None, "main-office"),
    }, id="births-count-the-day-of-birth"),
    pytest.param({"birth_date": "2026-03-31", "parents_national_health_insurance": True, "foreign_national": True, "needs_nursery": True}, {
        "birth-registration": (A, D(2026, 4, 13), "legal", "main-office"),
        "national-health-insurance-join": (A, D(2026, 4, 14), "legal", "main-office"),
        "child-allowance": (A, D(2026, 4, 15), "claim", "main-office"),
        "newborn-residence-status": (A, D(2026, 4, 30), "legal", "immigration-bureau"),
        "childbirth-lump-sum": (A, D(2028, 3, 31), "claim", "main-office"),
        "child-medical-subsidy": (A, None, None, "main-office"),
        "nursery-admission": (A, None, None, "main-office"),
    }, id="national-health-insurance-and-foreign-baby"),
    pytest.param({"birth_date": "2026-02-28", "parents_national_health_insurance": True}, {
        "birth-registration": (A, D(2026, 3, 13), "legal", "main-office"),
        "national-health-insurance-join": (A, D(2026, 3, 14), "legal", "main-office"),
        "child-allowance": (A, D(2026, 3, 15), "claim", "main-office"),
        "childbirth-lump-sum": (A, D(2028, 2, 29), "claim", "main-office"),
        "child-medical-subsidy": (A, None, None, "main-office"),
    }, id="two-years-ending-on-a-leap-day"),
    pytest.param({"birth_date": "2026-03-31", "foreign_national": "not_sure"}, {
        "birth-registration": (A, D(2026, 4, 13), "legal", "main-office"),
        "child-allowance": (A, D(2026, 4, 15), "claim", "main-office"),
        "newborn-residence-status": (M, D(2026, 4, 30), "legal", "immigration-bureau"),
        "child-medical-subsidy": (A, None, None, "main-office"),
    }, id="not-sure-about-nationality"),
])
def test_having_a_baby(answers, expected):
    assert summary(checklist_for("having-a-baby", {**BABY_NO, **answers})) == expected


@pytest.mark.parametrize(("answers", "expected"), [
    pytest.param({"foreign_national": False, "parents_work": False, "special_support": False}, {
        "school-entry": (A, None, None, None),
    }, id="japanese-child-gets-the-notice-by-post"),
    pytest.param({"foreign_national": True, "parents_work": True, "special_support": "not_sure"}, {
        "school-entry": (A, None, None, "first-annex"),
        "after-school-club": (A, None, None, None),
        "special-support-consultation": (M, None, None, None),
    }, id="foreign-child-applies-at-annex-1"),
])
def test_starting_elementary_school(answers, expected):
    assert summary(checklist_for("starting-elementary-school", answers)) == expected


MARRIAGE_NO = {"name_change": False, "joining_spouse_insurance": False, "moving_within_shinjuku": False}


@pytest.mark.parametrize(("answers", "expected"), [
    pytest.param({"marriage_date": "2026-01-31"}, {
        "marriage-registration": (A, None, None, "main-office"),
    }, id="only-the-registration"),
    pytest.param({"marriage_date": "2026-01-31", "name_change": True, "has_my_number_card": True, "joining_spouse_insurance": True,
                  "moving_within_shinjuku": True}, {
        "my-number-card-name-change": (A, D(2026, 2, 14), "legal", "main-office"),
        "marriage-registration": (A, None, None, "main-office"),
        "national-health-insurance-leave": (A, None, None, "main-office"),
        "change-of-address-notification": (A, None, None, "main-office"),
    }, id="name-insurance-and-move"),
    pytest.param({"marriage_date": "2028-02-15", "name_change": True, "has_my_number_card": "not_sure"}, {
        "my-number-card-name-change": (M, D(2028, 2, 29), "legal", "main-office"),
        "marriage-registration": (A, None, None, "main-office"),
    }, id="leap-day-deadline"),
    pytest.param({"marriage_date": "2026-01-31", "name_change": False, "has_my_number_card": True}, {
        "marriage-registration": (A, None, None, "main-office"),
    }, id="card-answer-ignored-without-a-name-change"),
])
def test_getting_married(answers, expected):
    assert summary(checklist_for("getting-married", {**MARRIAGE_NO, **answers})) == expected


DEATH_NO = {"died_abroad": False, "deceased_household_head": False, "deceased_national_health_insurance": False,
            "deceased_75_or_over": False, "deceased_65_or_over": False, "deceased_received_pension": False}


@pytest.mark.parametrize(("answers", "expected"), [
    pytest.param({"death_date": "2026-01-31"}, {
        "death-registration": (A, D(2026, 2, 6), "legal", "main-office"),
    }, id="seven-days-counting-the-day"),
    pytest.param({"death_date": "2026-01-31", "died_abroad": True}, {
        "death-registration": (A, D(2026, 4, 30), "legal", "main-office"),
    }, id="three-months-abroad-ending-on-a-month-end"),
    pytest.param({"death_date": "2027-11-30", "died_abroad": True}, {
        "death-registration": (A, D(2028, 2, 29), "legal", "main-office"),
    }, id="three-months-abroad-ending-on-a-leap-day"),
    pytest.param({"death_date": "2026-01-31", "died_abroad": "not_sure"}, {
        "death-registration": (A, D(2026, 2, 6), "legal", "main-office"),
    }, id="undecided-abroad-warns-by-the-earlier-date"),
    pytest.param({"death_date": "2026-01-31", "deceased_household_head": True, "deceased_national_health_insurance": True,
                  "deceased_received_pension": True, "deceased_65_or_over": True}, {
        "death-registration": (A, D(2026, 2, 6), "legal", "main-office"),
        "pension-death-notification": (A, D(2026, 2, 10), "legal", "shinjuku-pension-office"),
        "household-head-change": (A, D(2026, 2, 14), "legal", "main-office"),
        "national-health-insurance-leave": (A, None, None, "main-office"),
        "funeral-expenses": (A, None, None, "main-office"),
        "long-term-care-card-return": (A, None, None, "main-office"),
    }, id="head-of-household-in-nhi-with-a-pension"),
    pytest.param({"death_date": "2026-01-31", "deceased_75_or_over": True, "deceased_65_or_over": False}, {
        "death-registration": (A, D(2026, 2, 6), "legal", "main-office"),
        "funeral-expenses": (A, None, None, "main-office"),
        "late-stage-medical-card-return": (A, None, None, "main-office"),
        "long-term-care-card-return": (A, None, None, "main-office"),
    }, id="aged-75-the-65-question-is-hidden"),
])
def test_death_in_the_family(answers, expected):
    assert summary(checklist_for("death-in-the-family", {**DEATH_NO, **answers})) == expected


def test_after_a_death_one_trip_to_the_main_office_covers_every_ward_procedure():
    answers = {**DEATH_NO, "death_date": "2026-01-31", "deceased_75_or_over": True}
    checklist = checklist_for("death-in-the-family", answers)
    # Funeral expenses are main office only; the branch offices could take the rest but not everything.
    assert [(v.counter_id, len(v.procedure_ids)) for v in checklist.visits] == [("main-office", 4)]


JOB_NO = {"age_20_to_59": False, "dependent_spouse": False, "involuntary": False}


@pytest.mark.parametrize(("answers", "expected"), [
    pytest.param({"insurance_end_date": "2026-03-31", "next_insurance": "national_health_insurance", "age_20_to_59": True}, {
        "national-health-insurance-join": (A, D(2026, 4, 13), "legal", "main-office"),
        "national-pension-join": (A, D(2026, 4, 13), "legal", "main-office"),
    }, id="switch-to-nhi-and-pension"),
    pytest.param({"insurance_end_date": "2026-03-31", "next_insurance": "national_health_insurance", "age_20_to_59": True,
                  "involuntary": True}, {
        "national-health-insurance-join": (A, D(2026, 4, 13), "legal", "main-office"),
        "national-pension-join": (A, D(2026, 4, 13), "legal", "main-office"),
        "nhi-premium-reduction": (A, None, None, "main-office"),
        "pension-exemption": (A, None, None, "main-office"),
    }, id="dismissed"),
    pytest.param({"insurance_end_date": "2026-03-31", "next_insurance": "continue_employer_insurance", "dependent_spouse": True}, {
        "national-pension-join": (A, D(2026, 4, 13), "legal", "main-office"),
    }, id="voluntary-continuation-but-spouse-needs-pension"),
    pytest.param({"insurance_end_date": "2026-03-31", "next_insurance": "new_job", "age_20_to_59": True}, {},
                 id="straight-into-a-new-job-needs-nothing-here"),
    pytest.param({"insurance_end_date": "2028-02-16", "next_insurance": "not_sure", "age_20_to_59": True}, {
        "national-health-insurance-join": (M, D(2028, 2, 29), "legal", "main-office"),
        "national-pension-join": (M, D(2028, 2, 29), "legal", "main-office"),
    }, id="undecided-insurance-on-a-leap-year"),
])
def test_leaving_a_job(answers, expected):
    assert summary(checklist_for("leaving-a-job", {**JOB_NO, **answers})) == expected


def test_leaving_a_job_undecided_items_name_the_deciding_question():
    items = checklist_for("leaving-a-job", {**JOB_NO, "insurance_end_date": "2026-03-31", "next_insurance": "not_sure",
                                            "age_20_to_59": True}).items
    assert {i.procedure_id: i.decided_by for i in items} == {
        "national-health-insurance-join": ("next_insurance",), "national-pension-join": ("next_insurance",)}
