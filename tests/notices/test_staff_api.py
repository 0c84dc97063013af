"""The staff notices API: who may do what, validation, states, times in Tokyo, delivery counts."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from shinjuku_pwa.composition.publishing import publish_due
from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.notices import services
from shinjuku_pwa.staff.audit import Actor
from shinjuku_pwa.staff.models import AuditLog
from tests.admin.conftest import FAST_HASHING, bearer, create_staff, create_token
from tests.clock import next_year
from tests.push.conftest import add_notice, add_subscription

URL = "/api/v1/admin/notices"
YEAR = next_year()
FUTURE = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).astimezone(dt.timezone(dt.timedelta(hours=9)))


def notice_body(**overrides) -> dict:
    body = {"title": {"ja": "断水のお知らせ", "en": "Water outage"}, "body": {"ja": "本文", "en": "Text"},
            "topics": ["general"], "publish_at": FUTURE.isoformat(), "urgency": "normal", "push": True}
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


@pytest.fixture
def staff(make_app):
    app = make_app(**FAST_HASHING)
    tokens = {}
    for role in ("editor", "publisher", "admin"):
        create_staff(app, f"{role}@city.example.jp", role)
        tokens[role] = bearer(create_token(app, f"{role}@city.example.jp"))
    return app, app.test_client(), tokens


def test_a_publisher_schedules_a_notice_and_reads_it_back_in_tokyo_time(staff):
    app, client, tokens = staff
    created = client.post(URL, json=notice_body(), headers=tokens["publisher"])
    assert created.status_code == 201, created.get_json()
    notice = created.get_json()
    assert notice["state"] == "scheduled" and notice["publish_at"].endswith("+09:00")
    assert notice["deliveries"] == {"queued": 0, "sent": 0, "retrying": 0, "failed": 0, "gone": 0}
    fetched = client.get(f"{URL}/{notice['id']}", headers=tokens["editor"]).get_json()
    assert fetched["title"] == {"ja": "断水のお知らせ", "en": "Water outage"}
    assert [n["id"] for n in client.get(URL, headers=tokens["editor"]).get_json()] == [notice["id"]]
    with app.app_context():
        actions = db.session.scalars(select(AuditLog.action).where(AuditLog.object_type == "notice")).all()
    assert actions == ["notice.created"]


def test_a_time_typed_without_an_offset_means_tokyo(staff):
    _, client, tokens = staff
    notice = client.post(URL, json=notice_body(publish_at=f"{YEAR}-04-01T09:00:00"), headers=tokens["publisher"]).get_json()
    assert notice["publish_at"] == f"{YEAR}-04-01T09:00:00+09:00"


def test_an_editor_may_draft_but_not_schedule(staff):
    _, client, tokens = staff
    assert client.post(URL, json=notice_body(), headers=tokens["editor"]).status_code == 403
    draft = client.post(URL, json=notice_body(state="draft"), headers=tokens["editor"])
    assert draft.status_code == 201 and draft.get_json()["state"] == "draft"
    draft_id = draft.get_json()["id"]
    assert client.patch(f"{URL}/{draft_id}", json={"title": {"ja": "修正"}}, headers=tokens["editor"]).status_code == 200
    assert client.patch(f"{URL}/{draft_id}", json={"state": "scheduled"}, headers=tokens["editor"]).status_code == 403
    assert client.delete(f"{URL}/{draft_id}", headers=tokens["editor"]).status_code == 403
    scheduled = client.patch(f"{URL}/{draft_id}", json={"state": "scheduled"}, headers=tokens["publisher"])
    assert scheduled.status_code == 200 and scheduled.get_json()["state"] == "scheduled"
    assert client.patch(f"{URL}/{draft_id}", json={"title": {"ja": "再修正"}}, headers=tokens["editor"]).status_code == 403


def test_missing_or_bad_tokens_are_401_json(staff):
    _, client, _ = staff
    for headers in ({}, bearer("nonsense"), {"Authorization": "Basic abc"}):
        response = client.post(URL, json=notice_body(), headers=headers)
        assert response.status_code == 401 and response.is_json


def test_a_scheduled_notice_can_be_cancelled_but_a_published_one_is_locked(staff):
    app, client, tokens = staff
    notice_id = client.post(URL, json=notice_body(), headers=tokens["publisher"]).get_json()["id"]
    cancelled = client.delete(f"{URL}/{notice_id}", headers=tokens["publisher"])
    assert cancelled.status_code == 200 and cancelled.get_json()["state"] == "cancelled"
    assert client.patch(f"{URL}/{notice_id}", json={"ttl": 600}, headers=tokens["publisher"]).status_code == 409
    now_id = client.post(URL, json=notice_body(publish_at=None), headers=tokens["publisher"]).get_json()["id"]
    with app.app_context():

        assert publish_due(dt.datetime.now(dt.UTC)) == [now_id]
    assert client.delete(f"{URL}/{now_id}", headers=tokens["admin"]).status_code == 409
    assert client.get(f"{URL}/{now_id}", headers=tokens["editor"]).get_json()["state"] == "published"


@pytest.mark.parametrize("overrides, field", [
    ({"title": {"en": "No Japanese"}}, "title"),
    ({"body": {"ja": ""}}, "body"),
    ({"topics": ["lottery"]}, "topics"),
    ({"topics": []}, "topics"),
    ({"urgency": "panic"}, "urgency"),
    ({"ttl": 10}, "ttl"),
    ({"ttl": "a day"}, "ttl"),
    ({"state": "published"}, "state"),
    ({"publish_at": "tomorrow"}, "publish_at"),
    ({"expires_at": "2020-01-01T00:00:00+09:00"}, "expires_at"),
    ({"title": {"xx": "Unknown language", "ja": "日本語"}}, "title"),
    ({"colour": "red"}, "colour"),
])
def test_bad_notices_are_refused_naming_the_field(staff, overrides, field):
    _, client, tokens = staff
    response = client.post(URL, json=notice_body(**overrides), headers=tokens["publisher"])
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]["json"]


def test_the_api_tells_how_many_subscribers_a_notice_will_reach(staff):
    app, client, tokens = staff
    add_subscription(app, "https://fcm.googleapis.com/fcm/send/a", topics=("general",))
    add_subscription(app, "https://fcm.googleapis.com/fcm/send/b", topics=("disaster",))
    notice = client.post(URL, json=notice_body(topics=["general", "events"]), headers=tokens["publisher"]).get_json()
    assert notice["subscribers"] == 1


def test_unknown_notices_are_404_json(staff):
    _, client, tokens = staff
    response = client.get(f"{URL}/999", headers=tokens["admin"])
    assert response.status_code == 404 and response.is_json


def test_an_edit_racing_the_worker_never_changes_a_notice_that_went_out(staff):
    """The staff member loaded the notice while it was scheduled; the worker publishes it first."""
    app, _, _ = staff
    notice_id = add_notice(app, publish_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    with app.app_context():
        stale = services.get_notice(notice_id)  # seen as scheduled
        other = app.app_context()
        with other:
            publish_due(dt.datetime.now(dt.UTC))  # the worker, in its own session
        with pytest.raises(services.NoticeLocked):
            services.cancel_notice(stale, Actor.command_line(), dt.datetime.now(dt.UTC))
        with pytest.raises(services.NoticeLocked):
            services.update_notice(stale, {"ttl": 60}, Actor.command_line(), dt.datetime.now(dt.UTC))
        assert services.get_notice(notice_id).state.value == "published"
