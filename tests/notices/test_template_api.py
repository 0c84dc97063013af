"""The staff API for notices from templates: listing templates, creating a notice from one,
field messages on 422, who may draft and who may send, and high urgency only where allowed."""
from __future__ import annotations

import datetime as dt

from shinjuku_pwa.composition.publishing import publish_due
from shinjuku_pwa.core.i18n import LOCALE_CODES
from shinjuku_pwa.push.schedule import deliverable_at
from tests.clock import tokyo_time_next_year

URL = "/api/v1/admin/notices"
TEMPLATES = "/api/v1/admin/notice-templates"
AT_3AM = tokyo_time_next_year(3, 1, 3, 5).isoformat()


def earthquake(**overrides) -> dict:
    return {"template": "earthquake", "fields": {"time": "03:05", "intensity": "5+"}, "publish_at": AT_3AM, "push": True,
            **overrides}


def test_the_templates_are_listed_with_their_blanks_and_allowed_values(templates_app):
    client = templates_app.test_client()
    answer = client.get(TEMPLATES, headers=templates_app.tokens["editor"])
    assert answer.status_code == 200
    templates = {t["id"]: t for t in answer.get_json()}
    assert len(templates) == 12
    quake = templates["earthquake"]
    assert (quake["topic"], quake["urgency"], quake["ttl"]) == ("disaster", "high", 43200)
    assert set(quake["machine_translated"]) == set(LOCALE_CODES) - {"ja", "ja-easy"}
    blanks = {p["name"]: p for p in quake["placeholders"]}
    assert blanks["time"] == {"name": "time", "type": "time", "required": True, "max": None, "allowed": None}
    assert {"value": "5-", "label": "震度5弱"} in blanks["intensity"]["allowed"]
    order = {p["name"]: p for p in templates["evacuation-order"]["placeholders"]}
    assert order["areas"]["max"] == 5 and len(order["areas"]["allowed"]) == 94
    assert {"id": "nishi-shinjuku", "name": "西新宿", "kana": "にししんじゅく", "romaji": "Nishi-Shinjuku"} in order["areas"]["allowed"]
    assert order["shelter"]["required"] is False and len(order["shelter"]["allowed"]) == 10
    assert templates["notification-test"]["urgencies"] == ["very-low", "low", "normal"]


def test_templates_need_a_staff_token(templates_app):
    assert templates_app.test_client().get(TEMPLATES).status_code == 401


def test_a_publisher_sends_a_notice_from_a_template_in_every_language(templates_app):
    client = templates_app.test_client()
    created = client.post(URL, json=earthquake(), headers=templates_app.tokens["publisher"])
    assert created.status_code == 201, created.get_json()
    notice = created.get_json()
    assert notice["state"] == "scheduled" and notice["topics"] == ["disaster"]
    assert (notice["urgency"], notice["ttl"]) == ("high", 43200)
    assert set(notice["title"]) == set(notice["body"]) == set(LOCALE_CODES)
    assert notice["title"]["ja"] == "新宿区で震度5強の地震" and "3時05分ごろ" in notice["body"]["ja"]
    assert "seismic intensity 5 upper (shindo 5+)" in notice["body"]["en"]
    assert (notice["template"], notice["template_fields"]) == ("earthquake", {"time": "03:05", "intensity": "5+"})
    again = client.get(f"{URL}/{notice['id']}", headers=templates_app.tokens["editor"]).get_json()
    assert again["body"] == notice["body"] and again["deliveries"]["queued"] == 0


def test_an_urgent_template_goes_through_quiet_hours(templates_app):
    notice = templates_app.test_client().post(URL, json=earthquake(), headers=templates_app.tokens["publisher"]).get_json()
    at_3am = dt.datetime.fromisoformat(notice["publish_at"])
    assert deliverable_at(at_3am, notice["urgency"]) == at_3am


def test_the_test_template_is_never_sent_with_high_urgency(templates_app):
    client, tokens = templates_app.test_client(), templates_app.tokens
    test = {"template": "notification-test", "fields": {}, "publish_at": AT_3AM}
    refused = client.post(URL, json={**test, "urgency": "high"}, headers=tokens["publisher"])
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["json"]["urgency"] == ["This template may not be sent with high urgency."]
    created = client.post(URL, json=test, headers=tokens["publisher"]).get_json()
    assert created["urgency"] == "normal"
    at_3am = dt.datetime.fromisoformat(created["publish_at"])
    assert deliverable_at(at_3am, created["urgency"]) > at_3am  # held until 07:00
    raised = client.patch(f"{URL}/{created['id']}", json={"urgency": "high"}, headers=tokens["publisher"])
    assert raised.status_code == 422


def test_a_missing_or_invalid_field_is_a_422_naming_it(templates_app):
    client, tokens = templates_app.test_client(), templates_app.tokens
    answer = client.post(URL, json=earthquake(fields={"time": "25:99"}), headers=tokens["publisher"])
    assert answer.status_code == 422
    fields = answer.get_json()["errors"]["json"]["fields"]
    assert fields == {"time": ["Enter a time as HH:MM (00:00 to 23:59)."], "intensity": ["This field is required."]}
    areas = client.post(URL, json={"template": "evacuation-order", "fields": {"time": "03:05", "areas": ["atlantis"],
                                                                            "shelter": "tokyo-dome"}},
                        headers=tokens["publisher"]).get_json()["errors"]["json"]["fields"]
    assert areas == {"areas": ["Choose towns from the ward's list."], "shelter": ["Choose an evacuation site from the ward's list."]}


def test_field_messages_are_in_the_staff_language(templates_app):
    answer = templates_app.test_client().post(URL, json=earthquake(fields={"time": "03:05"}),
                                              headers={**templates_app.tokens["publisher"], "Accept-Language": "ja"})
    assert answer.get_json()["errors"]["json"]["fields"]["intensity"] == ["この項目は必須です。"]


def test_an_unknown_template_or_a_mixed_body_is_refused(templates_app):
    client, tokens = templates_app.test_client(), templates_app.tokens
    unknown = client.post(URL, json=earthquake(template="tsunami"), headers=tokens["publisher"])
    assert unknown.status_code == 422 and unknown.get_json()["errors"]["json"]["template"] == ["There is no such template."]
    mixed = client.post(URL, json=earthquake(title={"ja": "x"}), headers=tokens["publisher"])
    assert mixed.status_code == 422 and "title" in mixed.get_json()["errors"]["json"]
    stray = client.post(URL, json={"title": {"ja": "x"}, "body": {"ja": "y"}, "topics": ["general"], "fields": {}},
                        headers=tokens["publisher"])
    assert stray.status_code == 422 and "fields" in stray.get_json()["errors"]["json"]
    written = client.post(URL, json={"publish_at": AT_3AM}, headers=tokens["publisher"]).get_json()["errors"]["json"]
    assert {"title", "body", "topics"} <= set(written)


def test_editors_draft_from_a_template_and_only_publishers_send(templates_app):
    client, tokens = templates_app.test_client(), templates_app.tokens
    assert client.post(URL, json=earthquake(), headers=tokens["editor"]).status_code == 403
    draft = client.post(URL, json=earthquake(state="draft"), headers=tokens["editor"])
    assert draft.status_code == 201 and draft.get_json()["state"] == "draft"
    assert client.patch(f"{URL}/{draft.get_json()['id']}", json={"state": "scheduled"}, headers=tokens["editor"]).status_code == 403
    assert client.patch(f"{URL}/{draft.get_json()['id']}", json={"state": "scheduled"},
                        headers=tokens["publisher"]).status_code == 200


def test_the_openapi_document_describes_templates(templates_app):
    spec = templates_app.test_client().get("/api/v1/openapi.json").get_json()
    assert "get" in spec["paths"]["/api/v1/admin/notice-templates"]
    create = spec["components"]["schemas"]["NoticeCreateArgs"]["properties"]
    assert {"template", "fields", "title"} <= set(create)


def test_template_field_messages_are_translated_for_japanese_staff(templates_app):
    answer = templates_app.test_client().post(URL, json=earthquake(fields={"time": "25:00", "intensity": "5-"}),
                                              headers={**templates_app.tokens["publisher"], "Accept-Language": "ja"})
    assert answer.get_json()["errors"]["json"]["fields"]["time"] == ["時刻を HH:MM（00:00～23:59）で入力してください。"]


def test_residents_reading_a_machine_translation_are_told_so(templates_app):
    client, tokens = templates_app.test_client(), templates_app.tokens
    now = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=9))) - dt.timedelta(minutes=1)
    notice = client.post(URL, json=earthquake(publish_at=now.isoformat()), headers=tokens["publisher"]).get_json()
    assert set(notice["machine_translated"]) == set(LOCALE_CODES) - {"ja", "ja-easy"}
    with templates_app.app_context():
        assert publish_due(dt.datetime.now(dt.UTC)) == [notice["id"]]
    english = client.get(f"/en/notices/{notice['id']}").get_data(as_text=True)
    assert "This page was translated by machine. The Japanese page is the one that counts." in english
    assert f'href="/ja/notices/{notice["id"]}" hreflang="ja"' in english
    nepali = client.get(f"/ne/notices/{notice['id']}").get_data(as_text=True)
    assert 'role="note"' in nepali and "translated by machine" not in nepali  # in Nepali
    japanese = client.get(f"/ja/notices/{notice['id']}").get_data(as_text=True)
    assert 'role="note"' not in japanese
