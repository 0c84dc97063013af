from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from shinjuku_pwa.composition.publishing import run_pass
from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.notices.models import Notice, NoticeState, Urgency
from shinjuku_pwa.push.models import PushSubscription
from shinjuku_pwa.push.sender import PushSender
from shinjuku_pwa.push.vapid import signer_for
from tests.push.browser_keys import BrowserKeys
from tests.push.fake_push_service import FakePushService

# 10:00 in Tokyo: outside quiet hours.
DAYTIME = dt.datetime(2026, 11, 26, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def push_service():
    service = FakePushService().start_in_thread()
    yield service
    service.stop()


@pytest.fixture
def push_app(make_app, push_service):
    return make_app(PUSH_ENDPOINT_ALLOWLIST=f"fcm.googleapis.com,{push_service.origin}")


def add_subscription(app, endpoint: str, topics=("disaster",), lang="en", keys: BrowserKeys | None = None):
    keys = keys or BrowserKeys()
    with app.app_context():
        row = PushSubscription(endpoint=endpoint, endpoint_origin=endpoint.split("/push/")[0], p256dh=keys.p256dh,
                               auth=keys.auth, topics=list(topics), lang=lang)
        db.session.add(row)
        db.session.commit()
        return row.id, keys


def add_notice(app, *, publish_at=DAYTIME, topics=("disaster",), urgency="normal", ttl=86400,
               title=None, body=None, state="scheduled", push=True, expires_at=None) -> int:
    with app.app_context():
        notice = Notice(
            title=title or {"ja": "避難情報", "en": "Evacuation notice"},
            body=body or {"ja": "避難所を開設しました。", "en": "Evacuation centres are open."},
            topics=list(topics), publish_at=publish_at, expires_at=expires_at, push=push, urgency=Urgency(urgency),
            ttl=ttl, state=NoticeState(state),
        )
        db.session.add(notice)
        db.session.commit()
        return notice.id


def one_pass(app, now=DAYTIME, **kwargs):
    """Run one worker pass at a fixed time."""
    with app.app_context():
        async def go():
            async with PushSender(signer_for(app), concurrency=20, timeout_seconds=3) as sender:
                return await run_pass(sender, clock=lambda: now, **kwargs)
        return asyncio.run(go())
