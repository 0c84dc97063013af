"""Logs: one structured line per request (request id in and out, route, status, duration) and
nothing personal in any line: no search text, no push endpoint, no IP address."""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
import uuid

import pytest

from shinjuku_pwa.core.request_log import JsonFormatter, LineHandler, configure_logging, utc_timestamp
from tests.push.browser_keys import BrowserKeys
from tests.push.fake_push_service import FakePushService
from tests.serving import Browser, Deployment

SECRET_QUERY = "tanaka-hanako-2-chome-14"  # what a resident typed: never in a log


def request_records(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "shinjuku_pwa.request"]


def test_every_request_gets_one_line_with_its_id_route_status_and_duration(client, caplog):
    caplog.set_level(logging.INFO, logger="shinjuku_pwa")
    response = client.get(f"/en/pages/moving-in?q={SECRET_QUERY}", headers={"X-Request-Id": "proxy-abc-123456"})
    assert response.headers["X-Request-Id"] == "proxy-abc-123456"
    (record,) = request_records(caplog)
    fields = record.fields
    assert fields["request_id"] == "proxy-abc-123456"
    assert fields["route"] == "/<locale:lang>/pages/<slug>" and fields["method"] == "GET"
    assert fields["status"] == 200 and fields["duration_ms"] >= 0
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "proxy-abc-123456" and line["status"] == 200 and line["level"] == "info"
    assert SECRET_QUERY not in JsonFormatter().format(record)


def test_a_request_id_that_is_not_a_plain_token_is_replaced(client, caplog):
    caplog.set_level(logging.INFO, logger="shinjuku_pwa")
    response = client.get("/healthz", headers={"X-Request-Id": "<script>\u00e9" + "x" * 100})
    given = response.headers["X-Request-Id"]
    assert given.isalnum() and len(given) == 32
    assert request_records(caplog)[0].fields["request_id"] == given


def test_unknown_urls_and_errors_are_logged_by_route_not_by_path(client, caplog):
    caplog.set_level(logging.INFO, logger="shinjuku_pwa")
    client.get(f"/en/{SECRET_QUERY}/nowhere")
    (record,) = request_records(caplog)
    assert record.fields["status"] == 404 and record.fields["route"] == "(no route)"
    assert SECRET_QUERY not in record.getMessage()


@pytest.fixture
def push_service():
    service = FakePushService().start_in_thread()
    yield service
    service.stop()


def test_a_production_server_writes_json_lines_without_personal_data(tmp_path, push_service):
    deployment = Deployment(tmp_path / "deployment", extra_env={"PUSH_ENDPOINT_ALLOWLIST": push_service.origin})
    try:
        deployment.migrate()
        host = deployment.start_host("a", wait_path="/healthz", LOG_FORMAT="json")
        browser = Browser()
        request_id = uuid.uuid4().hex
        assert browser.request(f"{host.url}/en/search?q={SECRET_QUERY}", headers={"X-Request-Id": request_id}).status < 500
        endpoint = push_service.endpoint("secret-device-token-" + uuid.uuid4().hex)
        body = json.dumps({"subscription": BrowserKeys().subscription(endpoint), "topics": ["disaster"], "lang": "en"})
        subscribed = browser.request(f"{host.url}/api/v1/push/subscriptions", body=body.encode(),
                                     headers={"Content-Type": "application/json"})
        assert subscribed.status == 201, subscribed.body
        host.stop()  # flushes every line
        text = host.log.read_text()
        app_lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
        requests = [line for line in app_lines if line.get("event") == "request"]
        (search,) = [line for line in requests if line["request_id"] == request_id]
        assert search["route"] == "/<locale:lang>/search" and search["method"] == "GET"
        assert isinstance(search["duration_ms"], float) and search["status"] < 500
        assert any(line["route"] == "/api/v1/push/subscriptions" and line["status"] == 201 for line in requests)
        assert SECRET_QUERY not in text
        assert "secret-device-token" not in text
        assert "127.0.0.1 -" not in text  # gunicorn's access log (client IPs) is off
        assert all("127.0.0.1" not in json.dumps(line) for line in requests)
    finally:
        deployment.stop()


@pytest.mark.parametrize("created", [0.0, 1780000000.0, 1780000000.9996, 1780000059.0005, 1796083199.123456])
def test_log_times_are_written_as_utc_isoformat_with_milliseconds(created):
    expected = dt.datetime.fromtimestamp(created, dt.UTC).isoformat(timespec="milliseconds")
    assert utc_timestamp(created) == expected


def test_lines_written_by_many_threads_at_once_stay_whole():
    read_end, write_end = os.pipe()
    stream = os.fdopen(write_end, "w")
    handler = LineHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.request_log.lines")
    logger.propagate = False
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.extend(iter(lambda: os.read(read_end, 65536), b"")))
    reader.start()

    def write(number: int) -> None:
        for line in range(200):  # each line about 2 KB: under PIPE_BUF, so written whole
            logger.info("line", extra={"fields": {"writer": number, "line": line, "text": "新宿" * 300}})

    writers = [threading.Thread(target=write, args=(number,)) for number in range(16)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    logger.removeHandler(handler)
    stream.close()
    reader.join(timeout=30)
    os.close(read_end)
    lines = b"".join(chunks).decode().splitlines()
    seen = {(entry["writer"], entry["line"]) for entry in map(json.loads, lines)}
    assert len(lines) == 16 * 200 and seen == {(w, n) for w in range(16) for n in range(200)}


@pytest.fixture
def json_log(client, tmp_path):
    """The package's log as production writes it (JSON, one handler) into a file; put back afterwards."""
    previous = client.application.config["LOG_FORMAT"]
    handler = configure_logging("json")
    stream = (tmp_path / "app.log").open("w+", encoding="utf-8")
    handler.setStream(stream)
    yield stream
    configure_logging(previous)
    stream.close()


def written_lines(stream) -> list[dict]:
    stream.flush()
    stream.seek(0)
    return [json.loads(line) for line in stream.read().splitlines()]


def test_a_request_line_for_the_json_handler_alone_is_written_without_a_log_record(client, json_log, monkeypatch):
    # pytest's own capture sits on the root logger; in production nothing does.
    monkeypatch.setattr(logging.getLogger("shinjuku_pwa"), "propagate", False)
    made: list[str] = []
    make_record = logging.getLogRecordFactory()
    monkeypatch.setattr(logging, "_logRecordFactory",
                        lambda name, *args, **kwargs: made.append(name) or make_record(name, *args, **kwargs))
    client.get("/en/life-events", headers={"X-Request-Id": "request-0123456789"})
    (line,) = [line for line in written_lines(json_log) if line.get("event") == "request"]
    assert "shinjuku_pwa.request" not in made
    # The same object JsonFormatter writes for the record logging would have made.
    record = logging.LogRecord("shinjuku_pwa.request", logging.INFO, __file__, 0, line["message"], None, None)
    record.fields = {key: line[key] for key in ("event", "request_id", "method", "route", "endpoint", "status", "duration_ms")}
    expected = json.loads(JsonFormatter().format(record))
    assert {**line, "ts": None} == {**expected, "ts": None}
    assert line["message"] == f"GET /<locale:lang>/life-events 200 {line['duration_ms']} ms [request-0123456789]"
    assert dt.datetime.fromisoformat(line["ts"]).utcoffset() == dt.timedelta(0)


def test_a_request_line_still_reaches_every_other_handler_as_a_record(client, json_log, caplog):
    caplog.set_level(logging.INFO, logger="shinjuku_pwa")
    client.get("/en/life-events", headers={"X-Request-Id": "request-9876543210"})
    (record,) = request_records(caplog)
    (line,) = [line for line in written_lines(json_log) if line.get("event") == "request"]
    assert record.fields["request_id"] == line["request_id"] == "request-9876543210"
