"""The questionnaire without JavaScript, the checklist page, its .ics, and procedure pages."""
from __future__ import annotations

import datetime as dt
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from icalendar import Calendar

from shinjuku_pwa.composition.content_import import import_content
from shinjuku_pwa.procedures.services import today_in_tokyo
from tests.procedures.factory import event_dict, make_procedures_content, question, write_yaml

EVENT_URL = "/en/life-events/moving-in"
ALL_NO = "move_date=2026-04-01&from_abroad=no&foreign_national=no&has_my_number_card=no&employer_health_insurance=yes" \
         "&has_children=no&age_65_or_over=no&has_dog=no"


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def hidden_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))


def back_link(html: str) -> str:
    return unescape(re.search(r'class="back-link" href="([^"]+)"', html).group(1))


def test_the_first_screen_asks_the_first_question_with_progress_and_a_way_back(client):
    html = text(client.get(EVENT_URL))
    assert "Question 1 of 9" in html  # the nursery question counts until "no children" hides it
    assert '<input type="date" id="move_date" name="move_date"' in html
    assert back_link(html) == "/en/life-events"
    assert '<form method="get"' in html and "<script>" not in html


def test_each_answer_moves_to_the_next_question_and_is_carried_in_the_form(client):
    html = text(client.get(EVENT_URL + "?move_date=2026-04-01&from_abroad=no&step=from_abroad"))
    assert 'name="foreign_national"' in html and "Question 3 of" in html
    assert hidden_fields(html) == {"move_date": "2026-04-01", "from_abroad": "no", "step": "foreign_national"}
    back = urlsplit(back_link(html))
    assert parse_qs(back.query) == {"move_date": ["2026-04-01"], "from_abroad": ["no"], "q": ["from_abroad"]}


def test_going_back_shows_the_earlier_question_with_its_answer_selected(client):
    html = text(client.get(EVENT_URL + "?move_date=2026-04-01&from_abroad=yes&q=from_abroad"))
    assert 'value="yes" checked' in html and "Question 2 of" in html


def test_submitting_without_choosing_asks_again_with_a_message(client):
    response = client.get(EVENT_URL + "?move_date=2026-04-01&step=from_abroad")
    assert response.status_code == 200
    assert "Please answer this question." in text(response) and 'name="from_abroad"' in text(response)


def test_an_invalid_answer_in_the_address_is_asked_again_with_the_reason(client):
    response = client.get(EVENT_URL + "?move_date=2026-13-01")
    assert response.status_code == 422
    assert "This date does not exist. Check the day and the month." in text(response) and 'aria-invalid="true"' in text(response)


def test_saying_no_children_skips_the_nursery_question(client):
    answered = "move_date=2026-04-01&from_abroad=no&foreign_national=no&has_my_number_card=no&employer_health_insurance=yes&has_children=no"
    html = text(client.get(f"{EVENT_URL}?{answered}"))
    assert 'name="age_65_or_over"' in html and "Question 7 of 8" in html


def test_all_answers_give_the_checklist_with_visits_and_change_links(client):
    response = client.get(f"{EVENT_URL}?{ALL_NO}")
    html = text(response)
    assert "Your checklist" in html and "Moving-in notification (when you move to Shinjuku)" in html
    assert "Visit 1: Shinjuku City Office, main building" in html and "You can also go to:" in html
    assert "Yotsuya Branch Office" in html
    assert f"{EVENT_URL}?move_date=2026-04-01&from_abroad=no" in html.replace("&amp;", "&") and "q=has_dog" in html
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert "private" in response.headers["Cache-Control"]
    assert 'data-checklist="moving-in:2026-04-01"' in html
    assert re.search(r'<script src="/static/js/checklist\.[0-9a-f]{10}\.js" defer></script>', html)


def test_a_may_apply_item_links_to_the_question_that_decides_it(client):
    html = text(client.get(f"{EVENT_URL}?{ALL_NO.replace('employer_health_insurance=yes', 'employer_health_insurance=not_sure')}"))
    assert "May apply" in html and "Depends on your answer to:" in html
    assert "q=employer_health_insurance" in html


def test_a_past_deadline_is_announced_once_for_the_whole_list_of_warnings(client):
    html = text(client.get(f"{EVENT_URL}?{ALL_NO.replace('2026-04-01', '2020-01-31')}"))
    warnings = html.split('<section class="warnings"', 1)[1].split("</section>", 1)[0]
    assert warnings.count('role="alert"') == 1 and warnings.startswith(' aria-labelledby="warnings-heading" role="alert">')
    assert '<li class="warning warning-deadline-passed">The legal deadline for Moving-in notification' in warnings


def test_warnings_that_are_not_urgent_are_not_announced(client):
    not_yet_moved = (today_in_tokyo() + dt.timedelta(days=30)).isoformat()
    html = text(client.get(f"{EVENT_URL}?{ALL_NO.replace('2026-04-01', not_yet_moved)}"))
    assert '<li class="warning warning-not-open-yet">' in html and 'role="alert"' not in html


def test_the_checklist_reads_in_every_language(client):
    for lang, words in (("ja", "転入届"), ("vi", "Thông báo chuyển đến"), ("my", "ပြောင်းရွှေ့လာကြောင်း")):
        html = text(client.get(f"/{lang}/life-events/moving-in?{ALL_NO}"))
        assert words in html, lang


def test_the_ics_has_one_all_day_event_per_deadline(client):
    response = client.get(f"{EVENT_URL}/checklist.ics?{ALL_NO.replace('employer_health_insurance=yes', 'employer_health_insurance=no')}")
    assert response.mimetype == "text/calendar"
    assert 'filename="moving-in-checklist.ics"' in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.data)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Legal deadline: Moving-in notification (when you move to Shinjuku)",
                           "Legal deadline: National Health Insurance: joining"}
    event = events["Legal deadline: National Health Insurance: joining"]
    assert event.decoded("dtstart") == dt.date(2026, 4, 15) and event.decoded("dtend") == dt.date(2026, 4, 16)
    assert str(event["url"]).endswith("/en/procedures/national-health-insurance-join")
    assert event.walk("VALARM")[0].decoded("trigger") == -dt.timedelta(days=3)
    assert len({str(e["uid"]) for e in events.values()}) == 2


def test_the_ics_uid_is_stable_across_downloads(client):
    url = f"{EVENT_URL}/checklist.ics?{ALL_NO}"
    uids = [[str(e["uid"]) for e in Calendar.from_ical(client.get(url).data).walk("VEVENT")] for _ in range(2)]
    assert uids[0] == uids[1]


def test_an_incomplete_answer_set_has_no_calendar(client):
    assert client.get(f"{EVENT_URL}/checklist.ics?move_date=2026-04-01").status_code == 422


def test_an_event_without_dates_gives_an_empty_calendar(client):
    url = "/en/life-events/starting-elementary-school/checklist.ics?foreign_national=no&parents_work=yes&special_support=no"
    assert Calendar.from_ical(client.get(url).data).walk("VEVENT") == []


@pytest.mark.parametrize("url", ["/en/life-events/nope", "/en/life-events/nope/checklist.ics", "/en/procedures/nope"])
def test_unknown_pages_are_404(client, url):
    assert client.get(url).status_code == 404


def test_the_life_events_list_links_every_event(client):
    html = text(client.get("/en/life-events"))
    for event_id in ("moving-in", "moving-out", "having-a-baby", "death-in-the-family", "leaving-a-job"):
        assert f'href="/en/life-events/{event_id}"' in html


def test_a_procedure_page_shows_where_what_to_bring_and_the_source(client):
    html = text(client.get("/en/procedures/dog-registration-change"))
    assert "Within 30 days of the change (Rabies Prevention Act, Article 4)" in html
    assert "10 branch offices" in html and "Shinjuku City Public Health Center, Sanitation Division" in html
    assert "https://www.city.shinjuku.lg.jp/seikatsu/file08_01_00001.html" in html


def test_a_machine_translated_procedure_page_says_so_and_links_the_japanese_original(client):
    japanese_link = 'href="/ja/procedures/birth-registration" hreflang="ja"'
    assert japanese_link in text(client.get("/ne/procedures/birth-registration"))
    assert japanese_link not in text(client.get("/en/procedures/birth-registration"))


def test_the_home_page_links_to_the_life_events(client):
    html = text(client.get("/en/"))
    assert 'href="/en/life-events/moving-in"' in html


def test_the_tick_off_script_is_served_and_needs_no_inline_code(client):
    html = text(client.get(f"{EVENT_URL}?{ALL_NO}"))
    script = re.search(r'src="(/static/js/checklist\.[0-9a-f]{10}\.js)"', html).group(1)
    body = client.get(script).get_data(as_text=True)
    assert "localStorage" in body and "window.print" in body
    assert "script-src 'self'" in client.get(EVENT_URL).headers["Content-Security-Policy"]


def test_today_is_the_date_in_tokyo():
    assert abs((today_in_tokyo() - dt.date.today()).days) <= 1


def test_an_optional_question_left_blank_is_not_asked_again(make_app, tmp_path):
    root = make_procedures_content(tmp_path / "content")
    write_yaml(root / "life-events" / "moving-in.yaml", event_dict(
        [question("move_date", "date"), question("has_children", optional=True), question("from_abroad")],
        [{"procedure": "moving-in-notification"}, {"procedure": "child-allowance", "when": {"question": "has_children", "equals": True}}]))
    app = make_app(content_dir=root)
    with app.app_context():
        import_content(root)
    client = app.test_client()
    html = text(client.get("/en/life-events/moving-in?move_date=2026-04-01"))
    assert '<input type="hidden" name="has_children" value="">' in html
    html = text(client.get("/en/life-events/moving-in?move_date=2026-04-01&has_children=&step=has_children"))
    assert 'name="from_abroad"' in html and hidden_fields(html)["has_children"] == ""
    html = text(client.get("/en/life-events/moving-in?move_date=2026-04-01&has_children=&from_abroad=no"))
    assert "Your checklist" in html and "May apply" in html  # the unanswered question keeps the allowance as may apply
