"""The console's "New notice from a template": pick, fill from lists, preview in nine languages, send."""
from __future__ import annotations

from sqlalchemy import select

from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.core.i18n import LOCALE_CODES
from shinjuku_pwa.notices.models import Notice, NoticeState
from tests.admin.conftest import post_form, signed_in_client

PICK = "/admin/notices/from-template"
ORDER = f"{PICK}/evacuation-order"


def order_form(**overrides) -> dict:
    return {"field_time": "03:05", "field_areas": ["nishi-shinjuku", "okubo"], "field_shelter": "shinjuku-gyoen",
            "publish_at": "", "urgency": "high", "push": "true", "action": "preview", **overrides}


def english(client) -> None:
    client.set_cookie("staff_lang", "en")


def _notices(app) -> list[Notice]:
    with app.app_context():
        return list(db.session.scalars(select(Notice)))


def test_the_notice_list_offers_a_notice_from_a_template(templates_app):
    client = signed_in_client(templates_app, "editor", "e2@city.example.jp")
    assert PICK in client.get("/admin/notices").get_data(as_text=True)
    page = client.get(PICK).get_data(as_text=True)
    assert "【警戒レベル4】避難指示" in page and "新宿区で…の地震" in page
    assert "機械翻訳：English" in page


def test_the_blanks_are_chosen_from_lists_and_date_inputs(templates_app):
    client = signed_in_client(templates_app, "publisher", "p2@city.example.jp")
    page = client.get(ORDER).get_data(as_text=True)
    assert 'type="time" id="field_time"' in page
    assert page.count('name="field_areas"') == 5
    assert '<option value="nishi-shinjuku">西新宿（にししんじゅく）</option>' in page
    assert '<option value="shinjuku-gyoen">新宿御苑（しんじゅくぎょえん）</option>' in page
    quake = client.get(f"{PICK}/earthquake").get_data(as_text=True)
    assert '<option value="5-">震度5弱</option>' in quake
    outage = client.get(f"{PICK}/power-outage").get_data(as_text=True)
    assert 'type="datetime-local" id="field_until"' in outage


def test_the_preview_shows_the_notification_in_every_language_with_machine_translations_marked(templates_app):
    client = signed_in_client(templates_app, "publisher", "p3@city.example.jp")
    english(client)
    page = post_form(client, ORDER, order_form(), page=ORDER)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for code in LOCALE_CODES:
        assert f'id="preview-{code}"' in html
    assert html.count("(machine translation)") == 7
    assert "西新宿、大久保に避難指示を発令しました" in html and "避難先：新宿御苑。" in html
    assert "西新宿 (Nishi-Shinjuku), 大久保 (Okubo)" in html
    assert _notices(templates_app) == []  # a preview saves nothing


def test_a_publisher_sends_it_and_it_is_a_notice_in_every_language(templates_app):
    client = signed_in_client(templates_app, "publisher", "p4@city.example.jp")
    sent = post_form(client, ORDER, order_form(action="send"), page=ORDER)
    assert sent.status_code == 303
    [notice] = _notices(templates_app)
    assert notice.state is NoticeState.SCHEDULED and notice.urgency.value == "high" and notice.topics == ["disaster"]
    assert set(notice.title) == set(notice.body) == set(LOCALE_CODES)
    assert notice.template_id == "evacuation-order"
    assert notice.template_fields == {"time": "03:05", "areas": ["nishi-shinjuku", "okubo"], "shelter": "shinjuku-gyoen"}
    detail = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "evacuation-order" in detail
    assert "テンプレート：evacuation-order" in client.get("/admin/notices").get_data(as_text=True)


def test_an_editor_drafts_and_cannot_send(templates_app):
    client = signed_in_client(templates_app, "editor", "e3@city.example.jp")
    assert 'value="send"' not in client.get(ORDER).get_data(as_text=True)
    assert post_form(client, ORDER, order_form(action="send"), page=ORDER).status_code == 303
    [notice] = _notices(templates_app)
    assert notice.state is NoticeState.DRAFT


def test_missing_or_invalid_fields_are_shown_next_to_them(templates_app):
    client = signed_in_client(templates_app, "publisher", "p5@city.example.jp")
    english(client)
    answer = post_form(client, ORDER, order_form(field_time="3 a.m.", field_areas=[], action="send"), page=ORDER)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert 'id="field_time-error">Enter a time as HH:MM (00:00 to 23:59).' in html
    assert 'id="field_areas-error">This field is required.' in html
    assert _notices(templates_app) == []


def test_the_test_template_offers_no_high_urgency_and_refuses_it(templates_app):
    client = signed_in_client(templates_app, "publisher", "p6@city.example.jp")
    test = f"{PICK}/notification-test"
    assert '<option value="high"' not in client.get(test).get_data(as_text=True)
    answer = post_form(client, test, {"publish_at": "", "urgency": "high", "push": "true", "action": "send"}, page=test)
    assert answer.status_code == 422 and _notices(templates_app) == []


def test_editing_a_test_notice_cannot_raise_it_to_high_urgency(templates_app):
    client = signed_in_client(templates_app, "publisher", "p7@city.example.jp")
    test = f"{PICK}/notification-test"
    post_form(client, test, {"publish_at": "", "urgency": "normal", "push": "true", "action": "draft"}, page=test)
    [notice] = _notices(templates_app)
    edit = f"/admin/notices/{notice.id}/edit"
    texts = {f"{kind}_{code}": getattr(notice, kind)[code] for kind in ("title", "body") for code in LOCALE_CODES}
    form = {**texts, "topics": "general", "publish_at": "", "expires_at": "", "push": "true", "urgency": "high",
            "ttl_hours": "1"}
    english(client)
    answer = post_form(client, edit, form, page=edit)
    assert answer.status_code == 422
    assert 'id="urgency-error">This template may not be sent with high urgency.' in answer.get_data(as_text=True)
    assert [n.urgency.value for n in _notices(templates_app)] == ["normal"]
    assert post_form(client, edit, {**form, "urgency": "low"}, page=edit).status_code == 303
