"""Every life-event question answers a mistake with an error summary and an inline message (GOV.UK
pattern), in the reader's language: nothing chosen, an empty date, a malformed or impossible date,
a date more than a year ahead (issue 18)."""
from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest

from shinjuku_pwa.procedures.schemas import latest_sensible_date
from tests.clock import days_from_today, tokyo_today

EVENT = "/{lang}/life-events/moving-in"


def _page(client, lang: str, query: str):
    response = client.get(EVENT.format(lang=lang) + "?" + query)
    return response, unescape(re.sub(r"<rt>.*?</rt>|</?ruby>|</?rb>", "", response.get_data(as_text=True)))


def _summary_and_inline(html: str) -> tuple[str, str]:
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    inline = re.search(r'<p class="error-message" id="([a-z_-]+)-error">(.*?)</p>', html, re.S)
    assert summary and inline, "no error summary or inline message"
    return summary.group(0), re.sub(r"<[^>]+>", "", inline.group(2))


CASES = {
    "empty date": ("move_date=&step=move_date", "Enter a date: year, month and day.", "日付（年・月・日）を入れてください。"),
    "malformed date": ("move_date=1-4-2026&step=move_date", "Give a date as YYYY-MM-DD.", None),
    "31 February": ("move_date=2026-02-31&step=move_date", "This date does not exist. Check the day and the month.",
                    "この日付はありません。日と月を確かめてください。"),
    "a year ahead": (f"move_date={days_from_today(400).isoformat()}&step=move_date",
                     "This date is more than a year from today. Check the year.", "この日付は今日から1年より先です。年を確かめてください。"),
    "no radio chosen": (f"move_date={days_from_today(-3).isoformat()}&step=from_abroad", "Please answer this question.", None),
}


@pytest.mark.parametrize("case", CASES)
def test_a_mistake_gets_an_error_summary_linking_to_the_field_and_an_inline_message(client, case):
    query, english, _japanese = CASES[case]
    response, html = _page(client, "en", query)
    summary, inline = _summary_and_inline(html)
    assert english in summary and english in inline
    field = "from_abroad-yes" if case == "no radio chosen" else "move_date"
    assert f'href="#{field}"' in summary
    assert re.search(rf'id="{field}"', html)
    assert "<title>Error: " in html
    assert 'role="alert"' in summary


@pytest.mark.parametrize("case", [name for name, (_, _, ja) in CASES.items() if ja])
def test_the_messages_are_in_the_readers_language(client, case):
    query, english, japanese = CASES[case]
    _, html = _page(client, "ja", query)
    summary, inline = _summary_and_inline(html)
    assert japanese in summary and japanese in inline and english not in html
    assert "入力に問題があります" in summary


@pytest.mark.parametrize("lang", ["ne", "my", "ja-easy", "zh-Hant"])
def test_an_empty_date_never_reloads_silently_in_any_language(client, lang):
    _, html = _page(client, lang, "move_date=&step=move_date")
    summary, inline = _summary_and_inline(html)
    assert "Enter a date" not in inline  # translated
    assert 'aria-describedby="move_date-error"' in html or 'move_date-error"' in html


def test_a_date_within_a_year_is_accepted(client):
    response, html = _page(client, "en", f"move_date={days_from_today(300).isoformat()}&step=move_date")
    assert "error-summary" not in html and "Question 2 of" in html


def test_the_first_question_without_a_submission_shows_no_error(client):
    _, html = _page(client, "en", "")
    assert "error-summary" not in html and "<title>Error" not in html


def test_a_year_from_a_leap_day_is_the_28th_of_february():
    assert latest_sensible_date(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    assert latest_sensible_date(tokyo_today()) > tokyo_today()


def test_the_api_refuses_an_impossible_date_with_the_field_message(client):
    response = client.post("/api/v1/life-events/moving-in/checklist", json={"answers": {"move_date": "2026-02-31"}, "lang": "en"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"]["answers"]["move_date"] == ["This date does not exist. Check the day and the month."]
