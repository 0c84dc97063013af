"""Awkward requests for every route: path values, junk query strings and junk bodies.

Used by the tests that check no input, from a stranger or a signed-in clerk, ends in a 500.
"""
from __future__ import annotations

import itertools
import json
import re

# Values for path variables that are not the locale: the first row (so junk reaches the code behind
# an id that exists), then unknown, traversal, NUL, huge, negative, long and broken UTF-8.
PATH_VALUES = ("1", "no-such-thing", "..%2F..%2Fetc%2Fpasswd", "%00", "9" * 30, "-1", "ｘ" * 300, "%E3%81")
JUNK_QUERY = (
    "?page=-1&per_page=99999999999999999999&lang=zz&q=%00%ff&category=%27%22%3C&step=%00&next=//evil.example"
    "&move_date=9999-99-99&topics=%00&q=" + "ご" * 600
)
# Headers a broken or hostile client sends: malformed language ranges and tampered cookies.
JUNK_HEADERS = {
    "Accept-Language": "*;q=x, ja-JP-u-ca-japanese;q=0.9,,;;, zh-Hant-TW-x-private;q=2, " + "en;" * 300,
    "Cookie": "lang=zz-%00; reader=text_size%3Dhuge%26furigana%3D%25ff; session=not-a-session; csrf_token=x",
    "If-None-Match": '"' + "x" * 500, "If-Modified-Since": "yesterday", "Range": "bytes=999999999-",
}
# More sets: every header a client or a proxy in front may send, broken in each way we could think of.
JUNK_HEADER_SETS = (
    JUNK_HEADERS,
    {"Host": "evil.example:99999", "X-Forwarded-For": "not-an-ip, ::zz, " + "1." * 500,
     "X-Forwarded-Proto": "gopher", "X-Forwarded-Host": "evil.example/<script>", "X-Forwarded-Port": "-1",
     "X-Forwarded-Prefix": "/../..", "Forwarded": 'for="[::1"; proto=%00'},
    {"Host": "[::1", "Authorization": "Bearer " + "x" * 4000, "Accept": "*/*;q=nope, text/html;level=%00",
     "Accept-Encoding": "br;q=2, gzip;q=-1, " + "x," * 300, "Cookie": "session=" + "A" * 3000 + "; lang=ja-easy"},
    {"Host": "ｅｘａｍｐｌｅ.jp", "Authorization": "Bearer \t", "Accept-Language": "ja-easy, zh-Hans-CN-u-nu-hanidec",
     "Cookie": 'lang="ja"; reader="text_size=large&contrast=%ZZ"; =; ;;', "If-None-Match": "*"},
    {"Host": "", "Authorization": "Basic %%%", "Accept-Language": "ne-NP;q=0.5, my-MM;q=1.5, " + "x-" * 1000,
     "Cookie": "lang=%F0%9F%92%A9; session=eyJfZnJlc2giOmZhbHNlfQ.bad.sig", "Content-Type": "multipart/form-data"},
)
JUNK_BODIES = (
    {"data": "\x00\xff not json", "content_type": "application/json"},
    {"json": {"endpoint": "javascript:alert(1)", "keys": "nope", "topics": [None] * 3, "lang": "zz"}},
    {"json": ["not", "an", "object"]},
    {"data": {"csrf_token": "forged", "helpful": "maybe", "text_size": "%00", "q": "\x00"}},
    # Plausible shapes with text no database stores (NUL, a lone surrogate): they must be refused
    # before a query or an insert, where PostgreSQL would fail.
    {"json": {"title": {"ja": "避難\x00"}, "body": {"ja": "本文\ud800"}, "topics": ["disaster"]}},
    {"json": {"endpoint": "https://fcm.googleapis.com/fcm/send/\x00"}},
    # A life-event checklist asked with impossible answers.
    {"json": {"answers": {"move_date": "2026-02-30", "from_abroad": "maybe", "has_children": ["no"], "x": {}}}},
    {"json": {"answers": {"move_date": "99999-01-01", "from_abroad": None}}},
    {"json": {"answers": "all of them"}},
    {"data": {"csrf_token": "forged", "email": "clerk\x00@city.example.jp", "password": "\x00", "name": "\x00",
              "title_ja": "避難\x00", "body_ja": "\x00", "role": "admin\x00", "helpful": "yes\x00"}},
    # Nested 1,000 deep (4 KB): Python's JSON parser and every recursive walker after it give up.
    {"data": "[" * 1000 + "]" * 1000, "content_type": "application/json"},
    {"data": '{"answers": ' + '{"a": ' * 1000 + "1" + "}" * 1001, "content_type": "application/json"},
    {"data": '{"subscription": {"endpoint": ' + "[" * 5000 + "]" * 5000 + "}}", "content_type": "application/json"},
    {"data": '{"title": {"ja": ' + "[" * 40 + "]" * 40 + '}, "topics": ["disaster"]}', "content_type": "application/json"},
    # Huge: over the 1 MiB limit, and just under it in one field, in a long list and in a wide map.
    {"data": json.dumps({"topics": ["disaster"] * 150_000}), "content_type": "application/json"},
    {"json": {"title": {"ja": "避" * 300_000}, "body": {"ja": "x"}, "topics": ["disaster"], "endpoint": "x" * 900_000}},
    {"json": {"answers": {f"q{n}": "yes" for n in range(40_000)}, "topics": ["disaster"] * 50_000}},
    # Numbers JSON allows and Python dislikes: a 5,000-digit integer, NaN, and an overflowing exponent.
    {"data": '{"ttl": ' + "9" * 5000 + ', "answers": {"move_date": NaN}, "expires_at": 1e999}', "content_type": "application/json"},
    # Not UTF-8, an empty JSON body, and a content type that lies.
    {"data": b'{"title": "\xff\xfe"}', "content_type": "application/json"},
    {"data": b"", "content_type": "application/json"},
    {"data": "helpful=yes", "content_type": "application/json; charset=utf-7"},
)


def rules(app, method: str):
    for rule in app.url_map.iter_rules():
        if method in rule.methods and rule.endpoint != "static":
            yield rule


# A real value per path variable of the bundled content, tried first, so junk queries and bodies
# reach the code behind a page, procedure or life event that exists.
EXISTING = {"slug": "moving-in", "category_id": "moving", "procedure_id": "moving-in-notification",
            "event_id": "moving-in", "code": "ja"}


def urls_for(rule) -> list[str]:
    """Concrete URLs for a rule, the first with values that exist: every path variable filled."""
    names = sorted(rule.arguments)
    choices = [("ja", "en") if name == "lang" else ((EXISTING[name],) if name in EXISTING else ()) + PATH_VALUES
               for name in names]
    urls = []
    for values in itertools.islice(itertools.product(*choices), 16):
        path = rule.rule
        for name, value in zip(names, values, strict=True):
            path = re.sub(r"<(?:[^:<>]+:)?" + name + r">", value, path)
        urls.append(path)
    return urls


# Where a 503 is the answer, not a failure: readiness says "not ready" (the shared content app
# has no search index built) with a JSON body naming the check.
ANSWERS_503 = ("/readyz",)


def server_errors(client, method: str, urls, **kwargs) -> list[str]:
    failures = []
    for url in urls:
        response = client.open(url, method=method, **kwargs)
        if response.status_code == 503 and url.split("?")[0] in ANSWERS_503 and response.is_json:
            continue
        if response.status_code >= 500:
            failures.append(f"{method} {url} -> {response.status_code}")
    return failures
