"""Counters' opening hours and windows as data (issue 16): validated at import, worded in each of the
nine languages, shown on procedure pages and checklists with Japanese names marked lang="ja"."""
from __future__ import annotations

import re
from html import unescape

import pytest
import yaml
from flask import g
from flask_babel import gettext

from shinjuku_pwa.procedures.counter_wording import floor_text, hours_lines
from tests.conftest import BUNDLED_CONTENT
from tests.content.test_translations_keep_facts import ENGLISH_SENTENCE, facts
from tests.procedures.factory import make_procedures_content, write_counter
from tests.procedures.test_content import errors_of


def spaced(text: str) -> str:
    """Babel puts thin spaces around some range dashes; compare them as plain spaces."""
    return text.replace("\u2009", " ").replace("\u202f", " ")


BRANCH_HOURS = {
    "procedures": ["death-registration"],
    "times": [{"days": "weekdays", "opens": "08:30", "closes": "17:00"},
              {"days": ["tue"], "opens": "17:00", "closes": "19:00", "not_on": ["public_holidays"]},
              {"days": ["sun"], "week": 4, "opens": "09:00", "closes": "17:00"}],
    "closed": ["public_holidays", "year_end"],
    "source": "https://www.city.shinjuku.lg.jp/",
}


@pytest.mark.parametrize(("lang", "expected"), [
    ("ja", ["平日 8時30分～17時00分", "毎週火曜日 17時00分～19時00分（祝休日を除く）", "毎月第4日曜日 9時00分～17時00分",
            "祝休日、年末年始は休み"]),
    ("ja-easy", ["へいじつ（げつようび〜きんようび） 8:30〜17:00", "まいしゅう かようび 17:00〜19:00（しゅくじつは やすみ）",
                 "まいつき だい4 にちようび 9:00〜17:00", "しゅくじつ、ねんまつねんしは やすみ"]),
    ("en", ["Weekdays 08:30 – 17:00", "Every Tuesday 17:00 – 19:00, except public holidays",
            "4th Sunday of the month 09:00 – 17:00", "Closed on public holidays and the New Year holidays"]),
    ("zh-Hans", ["工作日（周一至周五） 08:30–17:00", "每星期二 17:00–19:00（节假日除外）", "每月第4个星期日 09:00–17:00",
                 "节假日和年末年初不办公"]),
    ("zh-Hant", ["平日（週一至週五） 08:30 – 17:00", "每星期二 17:00 – 19:00（國定假日除外）", "每月第4個星期日 09:00 – 17:00",
                 "國定假日和年末年初不辦公"]),
    ("ko", ["평일(월~금) 08:30 ~ 17:00", "매주 화요일 17:00 ~ 19:00(공휴일 제외)", "매월 제4 일요일 09:00 ~ 17:00",
            "공휴일 및 연말연시 휴무"]),
    ("vi", ["Ngày thường (thứ Hai đến thứ Sáu) 08:30–17:00", "Mỗi Thứ Ba 17:00–19:00 (trừ ngày lễ)",
            "Chủ Nhật thứ 4 hằng tháng 09:00–17:00", "Nghỉ vào ngày lễ và kỳ nghỉ cuối năm – đầu năm mới"]),
    ("ne", ["कार्यदिन (सोमबार–शुक्रबार) 08:30–17:00", "हरेक मङ्गलबार 17:00–19:00 (सार्वजनिक बिदा बाहेक)",
            "हरेक महिनाको 4 औं आइतबार 09:00–17:00", "सार्वजनिक बिदा र वर्षान्त–नयाँ वर्षको बिदामा बन्द"]),
    ("my", ["ရုံးဖွင့်ရက် (တနင်္လာ–သောကြာ) 08:30 – 17:00", "အင်္ဂါ နေ့တိုင်း 17:00 – 19:00 (အစိုးရ ရုံးပိတ်ရက် မပါ)",
            "လစဉ် 4 ပတ်မြောက် တနင်္ဂနွေ 09:00 – 17:00", "အစိုးရ ရုံးပိတ်ရက်နှင့် နှစ်ကုန်–နှစ်သစ် ရုံးပိတ်ရက် တွင် ပိတ်သည်"]),
])
def test_hours_are_worded_from_data_in_each_of_the_nine_languages(content_app, lang, expected):
    with content_app.test_request_context(f"/{lang}/"):
        g.lang = lang
        assert [spaced(line) for line in hours_lines(BRANCH_HOURS, lang)] == expected


@pytest.mark.parametrize(("lang", "floor", "window", "expected"), [
    ("ja", 1, None, "1階"), ("ja-easy", 4, 10, "4かい 10ばん まどぐち"), ("en", 4, 10, "Floor 4, window 10"),
    ("zh-Hans", 2, None, "2楼"), ("zh-Hant", 2, None, "2樓"), ("ko", 1, None, "1층"), ("vi", 1, None, "Tầng 1"),
    ("ne", 1, None, "1 तल्ला"), ("my", 4, 10, "4 ထပ်၊ ကောင်တာ 10"), ("ja", -1, None, "地下1階"), ("en", None, None, ""),
])
def test_floors_and_window_numbers_are_worded_per_language(content_app, lang, floor, window, expected):
    with content_app.test_request_context(f"/{lang}/"):
        g.lang = lang
        assert floor_text(floor, window) == expected


def test_an_english_ordinal_follows_english_rules_for_every_week_of_the_month(content_app):
    block = {"times": [{"days": ["sun"], "week": week, "opens": "09:00", "closes": "12:00"} for week in (1, 2, 3, 5)],
             "source": "https://www.city.shinjuku.lg.jp/"}
    with content_app.test_request_context("/en/"):
        g.lang = "en"
        assert [line.split(" ")[0] for line in hours_lines(block, "en")] == ["1st", "2nd", "3rd", "5th"]


def hours_with(**slot) -> list[dict]:
    return [{"procedures": ["moving-in-notification"], "source": "https://www.city.shinjuku.lg.jp/",
             "times": [{"days": "weekdays", "opens": "08:30", "closes": "17:00", **slot}]}]


@pytest.mark.parametrize(("hours", "marker", "expected"), [
    (hours_with(opens=510), "opens: 510", 'hours: 0: times: 0: opens: write the time in quotes as "HH:MM" (got 510)'),
    (hours_with(closes="25:00"), "closes: '25:00'", "hours: 0: times: 0: closes: '25:00' is not a time of day"),
    (hours_with(closes="08:00"), "closes: 08:00", "hours: 0: times: 0: closes: closes at 08:00, not after it opens at 08:30"),
    (hours_with(days=["tue", "holiday"]), "days:", "hours: 0: times: 0: days: 'weekdays' or a list of different days"),
    (hours_with(week=4), "week: 4", "hours: 0: times: 0: week: 'week' (the n-th day of the month) goes with exactly one day"),
    (hours_with(not_on=["rainy_days"]), "rainy_days", "hours: 0: times: 0: not_on: 0: Must be one of: public_holidays, year_end"),
    ([{**hours_with()[0], "procedures": ["birth-registration"]}], "hours:",
     "hours: hours for birth-registration, which this counter does not handle"),
])
def test_bad_hours_are_reported_with_path_line_and_what_is_wrong(tmp_path, hours, marker, expected):
    root = make_procedures_content(tmp_path / "content")
    path = write_counter(root, "branch-b", {"moving-in-notification": None}, hours=hours)
    line = next(number for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if marker in text)
    assert any(error.startswith(f"content/counters/branch-b.yaml:{line}: {expected}") for error in errors_of(root)), \
        (line, errors_of(root))


def test_a_window_without_a_japanese_section_name_is_reported(tmp_path):
    root = make_procedures_content(tmp_path / "content")
    write_counter(root, "branch-b", {"moving-in-notification": {"floor": 1, "section": {"en": "Registration"}}})
    assert any("branch-b.yaml" in e and "handles: moving-in-notification: 0: section: missing locales: ja" in e
               for e in errors_of(root)), errors_of(root)


# A rendered page in Nepali or Burmese: no hours, floors or closures written in English.
ENGLISH_HOURS = re.compile(r"Weekdays|Monday|Tuesday|Sunday|\bfloor\b|Floor|holidays|Closed|Every|of the month|window \d")


@pytest.mark.parametrize("lang", ["ne", "my"])
def test_a_nepali_or_burmese_procedure_page_has_no_english_hours_or_floors(client, lang):
    html = spaced(unescape(client.get(f"/{lang}/procedures/death-registration").get_data(as_text=True)))
    where = html[html.index('<ul class="counters"'):html.index("<h2", html.index('<ul class="counters"'))]
    assert ENGLISH_HOURS.findall(html) == []
    assert "17:00–19:00" in where.replace(" – ", "–")  # the hours are there, in the reader's language
    assert {"ne": "1 तल्ला", "my": "1 ထပ်"}[lang] in where


def test_japanese_section_names_are_marked_lang_ja_with_an_english_gloss_only_in_english(client):
    nepali = client.get("/ne/procedures/death-registration").get_data(as_text=True)
    english = client.get("/en/procedures/death-registration").get_data(as_text=True)
    assert '1 तल्ला, <span lang="ja">戸籍住民課 戸籍係</span><br>' in nepali  # no gloss: none in Nepali
    assert ('Floor 1, <span lang="ja">戸籍住民課 戸籍係</span> (Family and Resident Registration Division, '
            'Family Register Section)') in english


def test_hours_are_shown_only_for_the_procedures_an_official_page_gives_them_for(client):
    death = spaced(client.get("/en/procedures/death-registration").get_data(as_text=True))
    moving_in = client.get("/en/procedures/moving-in-notification").get_data(as_text=True)
    assert "Opening hours" in death and "Every Tuesday 17:00 – 19:00" in death
    assert "Opening hours" not in moving_in and "Weekdays" not in moving_in


def test_a_window_for_each_kind_of_resident_says_whom_it_is_for(client):
    html = client.get("/ne/procedures/funeral-expenses").get_data(as_text=True)
    assert '4 तल्ला, काउन्टर नं. 10, <span lang="ja">高齢者医療担当課</span> (उत्तर-वृद्ध चिकित्सा सेवामा भएका व्यक्ति)' in html


DEATH_ANSWERS = ("death_date=2026-04-01&died_abroad=no&deceased_household_head=no&deceased_national_health_insurance=no"
                 "&deceased_75_or_over=no&deceased_65_or_over=no&deceased_received_pension=no")


def test_a_checklist_visit_shows_the_hours_of_the_procedures_it_groups(client):
    html = spaced(unescape(client.get(f"/ne/life-events/death-in-the-family?{DEATH_ANSWERS}").get_data(as_text=True)))
    visits = re.search(r'<ol class="visits">.*?</ol>', html, re.S).group(0)
    assert "मृत्यु दर्ता को सेवा समय" in visits or re.search(r"को सेवा समय</strong>", visits)
    assert "हरेक मङ्गलबार 17:00–19:00" in visits
    assert ENGLISH_HOURS.findall(visits) == []


def test_the_api_gives_windows_and_hours_as_data_and_words(client):
    body = client.get("/api/v1/procedures/death-registration?lang=ne").get_json()
    main = next(c for c in body["counters"] if c["id"] == "main-office")
    assert main["windows"][0]["section"] == "戸籍住民課 戸籍係" and main["windows"][0]["floor"] == 1
    assert main["window"] == "1 तल्ला, 戸籍住民課 戸籍係"
    assert main["hours"][0]["times"][0] == {"days": "weekdays", "opens": "08:30", "closes": "17:00", "not_on": ["public_holidays"]}
    assert main["hours"][0]["lines"][1] == "हरेक मङ्गलबार 17:00–19:00 (सार्वजनिक बिदा बाहेक)"
    assert main["hours"][0]["source"].startswith("https://www.faq.city.shinjuku.lg.jp/")


def test_the_open_data_counters_carry_the_hours_as_data(client):
    records = {r["id"]: r for r in client.get("/open-data/counters.json").get_json()}
    assert records["yotsuya-branch"]["hours"][0]["times"][1]["days"] == ["tue"]
    assert records["health-center"]["hours"] == []  # unknown: nothing rather than a guess
    assert "hours_json" in client.get("/open-data/counters.csv").get_data(as_text=True).splitlines()[0]


def _counter_texts() -> list:
    """(counter, which text, locale, Japanese original, translation) for every translated counter text."""
    texts = []
    for path in sorted((BUNDLED_CONTENT / "counters").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        windows = [w for ws in (data["handles"] or {}).values() if ws for w in (ws if isinstance(ws, list) else [ws])]
        localized = [("note", data.get("note"))] + [(f"who {i}", w["who"]) for i, w in enumerate(windows) if w.get("who")]
        texts += [pytest.param(texts_["ja"], text, locale, id=f"{path.stem}-{field}-{locale}")
                  for field, texts_ in localized if texts_ for locale, text in texts_.items() if locale != "ja"]
    return texts


@pytest.mark.parametrize(("japanese", "translated", "locale"), _counter_texts())
def test_a_counter_text_keeps_the_numbers_and_phones_of_its_japanese_and_has_no_english_sentence(japanese, translated,
                                                                                                 locale):
    original, kept = facts(japanese), facts(translated)
    if locale == "ja-easy":
        assert kept["phones"] <= original["phones"] and kept["numbers"] <= original["numbers"]
    else:
        assert kept == original
    if locale not in ("en", "vi"):
        assert ENGLISH_SENTENCE.findall(translated) == []


@pytest.mark.parametrize("lang", ["ja", "en", "ne"])
def test_a_procedure_shows_a_fee_only_where_the_official_pages_confirm_it(client, guide_app, lang):
    """Issue 16: "Fee: see the official page" never stands on a procedure that may well be free."""
    with guide_app.test_request_context(f"/{lang}/"):
        g.lang = lang
        fee, free = gettext("Fee"), gettext("Free")
    confirmed = client.get(f"/{lang}/procedures/moving-in-notification").get_data(as_text=True)  # fee: 0
    unconfirmed = client.get(f"/{lang}/procedures/child-allowance").get_data(as_text=True)  # no fee given
    assert f">{fee}</dt><dd>{free}" in confirmed.replace("\n", "")
    assert f">{fee}</dt>" not in unconfirmed
