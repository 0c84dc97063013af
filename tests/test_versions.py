"""State versions: a change made through any process is counted in the database, and each
process's watcher sees it within its polling interval."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.exc import OperationalError

from shinjuku_pwa.composition.content_import import import_content
from shinjuku_pwa.composition.publishing import publish_due
from shinjuku_pwa.core import versions
from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.core.page_cache import per_version
from shinjuku_pwa.notices.services import expire_due
from tests.content_factory import make_content, write_page
from tests.push.conftest import add_notice


def test_a_content_import_that_changes_something_bumps_the_content_version(make_app, tmp_path):
    root = make_content(tmp_path / "content")
    app = make_app(content_dir=root)
    with app.app_context():
        assert versions.read_versions() == {"content": 0, "notices": 0}
        import_content(root)
        assert versions.read_versions()["content"] == 1
        import_content(root)  # nothing changed
        assert versions.read_versions()["content"] == 1
        write_page(root, "moving-in", "en", title="Moving in, revised")
        import_content(root)
        assert versions.read_versions() == {"content": 2, "notices": 0}


def test_publishing_and_expiring_notices_bump_the_notices_version(make_app):
    app = make_app()
    now = dt.datetime.now(dt.UTC)
    add_notice(app, publish_at=now - dt.timedelta(minutes=5), expires_at=now + dt.timedelta(minutes=5))
    with app.app_context():
        assert publish_due(now) and versions.read_versions()["notices"] == 1
        assert publish_due(now) == [] and versions.read_versions()["notices"] == 1
        assert expire_due(now + dt.timedelta(minutes=10)) and versions.read_versions()["notices"] == 2


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_watcher_reads_again_only_after_its_interval_and_tells_listeners_what_changed():
    stored = {"content": 1, "notices": 1}
    reads, heard = [], []
    clock = Clock()

    def read():
        reads.append(1)
        return dict(stored)

    watcher = versions.VersionWatcher(5.0, read=read, clock=clock)
    watcher.subscribe(lambda before, after: heard.append((dict(before), dict(after))))
    assert watcher.current() == stored and len(reads) == 1
    stored["notices"] = 2
    clock.now += 4.9
    assert watcher.current()["notices"] == 1 and len(reads) == 1  # still within the interval
    clock.now += 0.2
    assert watcher.current()["notices"] == 2 and len(reads) == 2
    assert heard == [({}, {"content": 1, "notices": 1}), ({"content": 1, "notices": 1}, {"content": 1, "notices": 2})]
    clock.now += 10
    watcher.current()
    assert len(heard) == 2  # read again, nothing new: nobody is told


def test_the_watcher_keeps_the_last_versions_while_the_database_is_away(app):
    clock = Clock()
    answers = [{"content": 3, "notices": 1}]

    def read():
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    with app.app_context():
        watcher = versions.VersionWatcher(1.0, read=read, clock=clock)
        assert watcher.current() == {"content": 3, "notices": 1}
        answers.append(OperationalError("SELECT", {}, Exception("database away")))
        clock.now += 2
        assert watcher.current() == {"content": 3, "notices": 1}
        answers.append({"content": 4, "notices": 1})
        clock.now += 2
        assert watcher.current() == {"content": 4, "notices": 1}
        db.session.rollback()


def test_a_request_checks_the_versions_and_still_answers_with_the_page(make_app):
    app = make_app(VERSION_POLL_SECONDS=0)
    heard = []
    versions.watcher_of(app).subscribe(lambda before, after: heard.append(dict(after)))
    client = app.test_client()
    assert client.get("/ja/settings").mimetype == "text/html"
    with app.app_context():
        versions.bump(db.session(), versions.NOTICES)  # as another host publishing a notice
        db.session.commit()
    response = client.get("/ja/settings")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert heard[-1]["notices"] == 1


def test_values_kept_per_version_come_from_one_version_within_a_request_and_follow_changes_outside(make_app):
    app = make_app(VERSION_POLL_SECONDS=0, PAGE_CACHE_MAX_BYTES=1024 * 1024)
    built = []

    def read() -> int:
        built.append(1)
        return len(built)

    def bump() -> None:
        with app.app_context():
            versions.bump(db.session(), versions.CONTENT)
            db.session.commit()

    with app.test_request_context("/ja/"):
        versions.watcher_of(app).current()
        first = per_version(versions.CONTENT, "key", read)
        bump()
        versions.watcher_of(app).current()  # this process sees the change mid-request...
        assert per_version(versions.CONTENT, "key", read) == first  # ...but the request keeps its version
    with app.test_request_context("/ja/"):
        assert per_version(versions.CONTENT, "key", read) == first + 1  # the next request reads anew
    with app.app_context():  # a worker's long-lived context: no request, every call looks again
        before = per_version(versions.CONTENT, "key", read)
        bump()
        db.session.rollback()  # the worker's own unit of work ends (its reads had a snapshot)
        versions.watcher_of(app).current()
        assert per_version(versions.CONTENT, "key", read) == before + 1
