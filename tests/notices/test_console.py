"""The notices pages of the staff console: who may do what, CSRF, the form and its errors, the
previews of the resident page and of the phone's notification, scheduling and cancelling."""
from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from shinjuku_pwa.composition.publishing import publish_due
from shinjuku_pwa.core.config import PROJECT_ROOT
from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.notices.models import Notice, NoticeState
from shinjuku_pwa.notices.topics import TOPIC_LABELS
from shinjuku_pwa.push.payload import build_payload
from shinjuku_pwa.staff.models import AuditLog
from tests.admin.conftest import FAST_HASHING, csrf_token_in, post_form, signed_in_client
from tests.clock import next_year
from tests.push.conftest import add_notice, add_subscription

ANONYMOUS = "anonymous"
ALL_ROLES = ["editor", "publisher", "admin"]
PUBLISHERS = ["publisher", "admin"]
NOW = dt.datetime.now(dt.UTC)
NEXT_WEEK = NOW + dt.timedelta(days=7)
TOKYO = dt.timezone(dt.timedelta(hours=9))
YEAR = next_year()  # scheduled notices must lie ahead on any day the suite runs


def form(**overrides) -> dict:
    """The notice form as a browser posts it (None leaves a field out)."""
    data = {
        "title_ja": "断水のお知らせ", "body_ja": "水道工事のため断水します。", "title_en": "Water outage",
        "body_en": "The water will be off.", "topics": ["general"], "publish_at": f"{YEAR}-04-01T09:00",
        "expires_at": "", "push": "true", "urgency": "normal", "ttl_hours": "24",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def english(client):
    """The console in English (the staff's own choice, kept in a cookie)."""
    client.get("/admin/language/en")
    return client


def staff_client(app, role: str):
    return english(signed_in_client(app, role))


def notice_row(app, notice_id: int) -> Notice:
    with app.app_context():
        notice = db.session.get(Notice, notice_id)
        db.session.expunge(notice)
        return notice


def page_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def console_app(make_app):
    return make_app(**FAST_HASHING)


# Each role against each route


ROUTES = [
    # (method, url, form, roles allowed, status when allowed); {draft} and {scheduled} are filled in.
    ("GET", "/admin/notices", None, ALL_ROLES, 200),
    ("GET", "/admin/notices/new", None, ALL_ROLES, 200),
    ("POST", "/admin/notices/new", form(), ALL_ROLES, 303),
    ("GET", "/admin/notices/{draft}", None, ALL_ROLES, 200),
    ("GET", "/admin/notices/{scheduled}", None, ALL_ROLES, 200),
    ("GET", "/admin/notices/{draft}/edit", None, ALL_ROLES, 200),
    ("POST", "/admin/notices/{draft}/edit", form(title_ja="修正"), ALL_ROLES, 303),
    ("GET", "/admin/notices/{scheduled}/edit", None, PUBLISHERS, 200),
    ("POST", "/admin/notices/{scheduled}/edit", form(title_ja="修正"), PUBLISHERS, 303),
    ("POST", "/admin/notices/{draft}/schedule", {}, PUBLISHERS, 303),
    ("GET", "/admin/notices/{draft}/cancel", None, PUBLISHERS, 200),
    ("POST", "/admin/notices/{draft}/cancel", {}, PUBLISHERS, 303),
    ("POST", "/admin/notices/{scheduled}/cancel", {}, PUBLISHERS, 303),
]


def _notices(app) -> dict[str, int]:
    return {"draft": add_notice(app, state="draft", publish_at=NEXT_WEEK),
            "scheduled": add_notice(app, state="scheduled", publish_at=NEXT_WEEK)}


@pytest.mark.parametrize("role", [ANONYMOUS, *ALL_ROLES])
@pytest.mark.parametrize(("method", "url", "data", "allowed", "status"), ROUTES,
                         ids=[f"{m} {u}" for m, u, *_ in ROUTES])
def test_each_role_against_each_notices_route(console_app, role, method, url, data, allowed, status):
    url = url.format(**_notices(console_app))
    client = console_app.test_client() if role == ANONYMOUS else staff_client(console_app, role)
    if method == "GET":
        response = client.get(url)
    else:
        page = "/admin/login" if role == ANONYMOUS else "/admin/password"
        response = client.post(url, data={"csrf_token": csrf_token_in(client.get(page).get_data(as_text=True)), **data})
    if role == ANONYMOUS:
        assert response.status_code == 303 and response.headers["Location"].startswith("/admin/login")
    elif role in allowed:
        assert response.status_code == status, response.get_data(as_text=True)[:3000]
        if status == 303:
            assert re.fullmatch(r"/admin/notices/\d+", response.headers["Location"])
    else:
        assert response.status_code == 403
        assert "You are not allowed to do this." in response.get_data(as_text=True)


def test_what_an_editor_is_refused_changes_nothing(console_app):
    ids = _notices(console_app)
    client = staff_client(console_app, "editor")
    csrf = csrf_token_in(client.get("/admin/password").get_data(as_text=True))
    client.post(f"/admin/notices/{ids['draft']}/schedule", data={"csrf_token": csrf})
    client.post(f"/admin/notices/{ids['draft']}/cancel", data={"csrf_token": csrf})
    client.post(f"/admin/notices/{ids['scheduled']}/edit", data={"csrf_token": csrf, **form(title_ja="改ざん")})
    client.post(f"/admin/notices/{ids['scheduled']}/cancel", data={"csrf_token": csrf})
    assert notice_row(console_app, ids["draft"]).state is NoticeState.DRAFT
    scheduled = notice_row(console_app, ids["scheduled"])
    assert (scheduled.state, scheduled.title["ja"]) == (NoticeState.SCHEDULED, "避難情報")


def test_an_editor_sees_no_buttons_they_may_not_use(console_app):
    ids = _notices(console_app)
    client = staff_client(console_app, "editor")
    draft = client.get(f"/admin/notices/{ids['draft']}").get_data(as_text=True)
    assert f"/admin/notices/{ids['draft']}/edit" in draft
    assert "/schedule" not in draft and "/cancel" not in draft
    assert "A publisher schedules drafts." in draft
    scheduled = client.get(f"/admin/notices/{ids['scheduled']}").get_data(as_text=True)
    assert "/edit" not in scheduled and "Only publishers can change or cancel a scheduled notice." in scheduled
    publisher = staff_client(console_app, "publisher").get(f"/admin/notices/{ids['draft']}").get_data(as_text=True)
    assert all(f"/admin/notices/{ids['draft']}/{action}" in publisher for action in ("edit", "schedule", "cancel"))


def test_every_role_has_notices_in_the_console_menu(console_app):
    for role in ALL_ROLES:
        page = staff_client(console_app, role).get("/admin/").get_data(as_text=True)
        assert '<a href="/admin/notices">Notices</a>' in page


# CSRF


@pytest.mark.parametrize("path", ["new", "{draft}/edit", "{draft}/schedule", "{draft}/cancel"])
@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_forms_without_a_valid_csrf_token_are_refused(console_app, path, token):
    ids = _notices(console_app)
    client = staff_client(console_app, "admin")
    data = form(title_ja="偽造")
    if token:
        data["csrf_token"] = token
    # The refusal page speaks the browser's language (it is answered before any console view).
    response = client.post("/admin/notices/" + path.format(**ids), data=data, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "This form has expired or did not come from this site." in response.get_data(as_text=True)
    assert notice_row(console_app, ids["draft"]).state is NoticeState.DRAFT
    assert notice_row(console_app, ids["draft"]).title["ja"] == "避難情報"
    with console_app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Notice)) == 2


# Writing, scheduling and cancelling through the forms


def test_an_editor_drafts_a_notice_and_a_publisher_schedules_it(console_app):
    editor = staff_client(console_app, "editor")
    created = post_form(editor, "/admin/notices/new", form(
        body_ja="一段落目。\r\n\r\n二段落目。", title_vi="", body_vi="", ttl_hours="6", push="false",
        expires_at=f"{YEAR}-04-30T17:00", topics=["garbage", "general"]))
    assert created.status_code == 303
    detail_url = created.headers["Location"]
    notice_id = int(detail_url.rsplit("/", 1)[1])
    notice = notice_row(console_app, notice_id)
    assert notice.state is NoticeState.DRAFT
    assert notice.title == {"ja": "断水のお知らせ", "en": "Water outage"}  # empty languages are left out
    assert notice.body["ja"] == "一段落目。\n\n二段落目。"  # paragraphs as the resident page splits them
    assert notice.publish_at == dt.datetime(YEAR, 4, 1, 9, 0, tzinfo=TOKYO)  # typed in Tokyo time
    assert notice.expires_at == dt.datetime(YEAR, 4, 30, 17, 0, tzinfo=TOKYO)
    assert (notice.topics, notice.push, notice.ttl) == (["garbage", "general"], False, 6 * 3600)
    shown = editor.get(detail_url).get_data(as_text=True)
    assert "Draft saved. Check the previews below." in shown
    assert "<p>一段落目。</p><p>二段落目。</p>" in shown

    publisher = staff_client(console_app, "publisher")
    scheduled = post_form(publisher, f"{detail_url}/schedule", {}, page=detail_url)
    assert scheduled.status_code == 303 and scheduled.headers["Location"] == detail_url
    assert notice_row(console_app, notice_id).state is NoticeState.SCHEDULED
    shown = publisher.get(detail_url).get_data(as_text=True)
    assert f"Scheduled. It goes out at {YEAR}-04-01 09:00 (Japan time)." in shown
    with console_app.app_context():
        entries = db.session.execute(select(AuditLog.action, AuditLog.details).where(
            AuditLog.object_type == "notice", AuditLog.object_id == str(notice_id)).order_by(AuditLog.id)).all()
    assert [action for action, _ in entries] == ["notice.created", "notice.updated"]
    assert entries[1][1] == {"fields": ["state"]}


def test_an_empty_publish_time_means_now(console_app):
    client = staff_client(console_app, "publisher")
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    created = post_form(client, "/admin/notices/new", form(publish_at=""))
    notice = notice_row(console_app, int(created.headers["Location"].rsplit("/", 1)[1]))
    assert before <= notice.publish_at <= dt.datetime.now(dt.UTC)
    detail = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "(due: it goes out as soon as it is scheduled)" in detail
    post_form(client, created.headers["Location"] + "/schedule", {}, page=created.headers["Location"])
    assert "Scheduled. It goes out now." in client.get(created.headers["Location"]).get_data(as_text=True)


def test_editing_saves_only_what_changed(console_app):
    notice_id = add_notice(console_app, state="draft",
                           publish_at=dt.datetime(YEAR, 4, 1, 0, 0, 30, tzinfo=dt.UTC),
                           ttl=600, topics=("disaster",))
    client = staff_client(console_app, "editor")
    url = f"/admin/notices/{notice_id}/edit"
    edit_page = client.get(url).get_data(as_text=True)
    assert f'value="{YEAR}-04-01T09:00"' in edit_page and 'value="避難情報"' in edit_page
    unchanged = form(title_ja="避難情報", body_ja="避難所を開設しました。", title_en="Evacuation notice",
                     body_en="Evacuation centres are open.", topics=["disaster"], ttl_hours="1")
    assert post_form(client, url, unchanged).status_code == 303
    assert "Nothing was changed." in client.get(f"/admin/notices/{notice_id}").get_data(as_text=True)
    assert post_form(client, url, {**unchanged, "title_ja": "避難所の開設", "title_ko": "대피소 개설"}).status_code == 303
    notice = notice_row(console_app, notice_id)
    assert notice.title == {"ja": "避難所の開設", "en": "Evacuation notice", "ko": "대피소 개설"}
    assert notice.publish_at.second == 30 and notice.ttl == 600  # shown rounded, kept as stored
    with console_app.app_context():
        details = db.session.scalars(select(AuditLog.details).where(AuditLog.action == "notice.updated")).all()
    assert details == [{"fields": ["title"]}]


def test_a_publisher_cancels_a_scheduled_notice(console_app):
    notice_id = add_notice(console_app, state="scheduled", publish_at=NEXT_WEEK, title={"ja": "中止になる催し"})
    client = staff_client(console_app, "publisher")
    detail = f"/admin/notices/{notice_id}"
    response = post_form(client, f"{detail}/cancel", {}, page=detail)
    assert response.status_code == 303 and response.headers["Location"] == detail
    assert notice_row(console_app, notice_id).state is NoticeState.CANCELLED
    shown = client.get(detail).get_data(as_text=True)
    assert "Notice cancelled. It will not be published or sent." in shown
    assert f"{detail}/edit" not in shown and f"{detail}/cancel" not in shown
    listing = client.get("/admin/notices").get_data(as_text=True)
    cancelled_section = listing.split('id="cancelled"', 1)[1]
    assert "中止になる催し" in cancelled_section
    # Once cancelled it is locked: the forms say so rather than change it.
    again = post_form(client, f"{detail}/cancel", {}, page="/admin/password")
    assert again.status_code == 303
    assert "can no longer be changed" in client.get(detail).get_data(as_text=True)
    assert client.get(f"{detail}/edit").status_code == 303


def test_a_published_notice_is_locked_and_lists_its_deliveries(console_app):
    add_subscription(console_app, "https://fcm.googleapis.com/fcm/send/a", topics=("disaster",))
    notice_id = add_notice(console_app, state="scheduled", publish_at=NOW - dt.timedelta(minutes=1),
                           title={"ja": "発表済み"})
    with console_app.app_context():
        assert publish_due(NOW) == [notice_id]
    client = staff_client(console_app, "admin")
    listing = client.get("/admin/notices").get_data(as_text=True)
    sent_section = listing.split('id="sent"', 1)[1].split('id="cancelled"', 1)[0]
    assert "発表済み" in sent_section and '<td class="number">1</td>' in sent_section  # one queued
    detail = client.get(f"/admin/notices/{notice_id}").get_data(as_text=True)
    assert "Deliveries so far" in detail and f"/admin/notices/{notice_id}/edit" not in detail
    assert client.get(f"/admin/notices/{notice_id}/edit").status_code == 303
    response = post_form(client, f"/admin/notices/{notice_id}/schedule", {}, page="/admin/password")
    assert response.status_code == 303 and notice_row(console_app, notice_id).state is NoticeState.PUBLISHED


def test_a_notice_that_would_end_before_it_goes_out_is_not_scheduled(console_app):
    notice_id = add_notice(console_app, state="draft", publish_at=NOW - dt.timedelta(days=2),
                           expires_at=NOW - dt.timedelta(days=1))
    client = staff_client(console_app, "publisher")
    post_form(client, f"/admin/notices/{notice_id}/schedule", {}, page=f"/admin/notices/{notice_id}")
    assert notice_row(console_app, notice_id).state is NoticeState.DRAFT
    shown = client.get(f"/admin/notices/{notice_id}").get_data(as_text=True)
    assert "This notice would end before it goes out." in shown


# Form errors


def test_a_form_error_is_shown_next_to_its_field(console_app):
    client = staff_client(console_app, "editor")
    response = post_form(client, "/admin/notices/new", form(title_ja="", title_en="Outage", title_vi="x" * 201,
                                                             topics=None, ttl_hours="0"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    errors = dict(re.findall(r'<p class="field-error" id="([\w-]+)-error">([^<]+)</p>', page))
    assert errors == {
        "title_vi": "Use at most 200 characters.",
        "topics": "Choose at least one topic.",
        "ttl_hours": "Enter a whole number of hours from 1 to 672.",
    }
    # Each error is tied to its field, the field is marked invalid, and the summary links to it.
    assert re.search(r'<input type="text" id="title_vi" name="title_vi" value="x{201}" lang="vi" maxlength="200" '
                     r'aria-invalid="true" aria-describedby="title_vi-error">', page)
    assert '<fieldset id="topics" class="choice-group has-error" aria-describedby="topics-hint topics-error">' in page
    assert 'aria-describedby="ttl_hours-hint ttl_hours-error"' in page
    assert '<a href="#title_vi">Title (Tiếng Việt): Use at most 200 characters.</a>' in page
    # What was typed is kept, and the language with a problem is opened.
    assert "水道工事のため断水します。</textarea>" in page
    assert re.search(r'<details class="locale-texts" open>\s*<summary><span lang="vi">Tiếng Việt</span>', page)
    # Once the texts are right, the rules that need them (a Japanese title) are told next.
    page = post_form(client, "/admin/notices/new", form(title_ja="")).get_data(as_text=True)
    assert re.search(r'<input type="text" id="title_ja" name="title_ja" value="" lang="ja" required maxlength="200" '
                     r'aria-invalid="true" aria-describedby="title_ja-error">', page)
    assert '<p class="field-error" id="title_ja-error">A Japanese title is required.</p>' in page
    with console_app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Notice)) == 0


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"body_ja": ""}, "body_ja", "A Japanese text is required."),
    ({"urgency": "panic"}, "urgency", "Choose an urgency."),
    ({"ttl_hours": "1.5"}, "ttl_hours", "Enter a whole number of hours from 1 to 672."),
    ({"ttl_hours": "673"}, "ttl_hours", "Enter a whole number of hours from 1 to 672."),
    ({"publish_at": "tomorrow"}, "publish_at", "Not a valid date and time."),
    ({"push": "maybe"}, "push", "Choose yes or no."),
    ({"topics": ["lottery"]}, "topics", "Choose at least one topic."),
    ({"body_ko": "가" * 5001}, "body_ko", "Use at most 5000 characters."),
    ({"expires_at": f"{YEAR}-03-01T09:00"}, "expires_at", "The end must be after the start."),
])
def test_each_bad_field_is_named(console_app, overrides, field, message):
    notice_id = add_notice(console_app, state="draft", publish_at=NEXT_WEEK)
    client = staff_client(console_app, "editor")
    for url in ("/admin/notices/new", f"/admin/notices/{notice_id}/edit"):
        response = post_form(client, url, form(**overrides))
        assert response.status_code == 422
        assert f'<p class="field-error" id="{field}-error">{message}</p>' in response.get_data(as_text=True)
    assert notice_row(console_app, notice_id).title["ja"] == "避難情報"


# Previews


LONG_BODY = "。".join(f"第{n}項、避難所の開設時間と持ち物についてのご案内です" for n in range(1, 80)) + "。"


def test_the_preview_shows_the_page_and_the_cut_notification_per_language(console_app):
    add_subscription(console_app, "https://fcm.googleapis.com/fcm/send/a", topics=("disaster",), lang="ko")
    add_subscription(console_app, "https://fcm.googleapis.com/fcm/send/b", topics=("health", "disaster"), lang="ja")
    add_subscription(console_app, "https://fcm.googleapis.com/fcm/send/c", topics=("events",))
    notice_id = add_notice(console_app, state="draft", publish_at=NEXT_WEEK, topics=("disaster", "health"),
                           title={"ja": "避難所の開設", "en": "Shelters open"},
                           body={"ja": LONG_BODY, "en": "Shelters are open.\n\nBring water."})
    page = page_of(staff_client(console_app, "editor").get(f"/admin/notices/{notice_id}"))
    assert "Reaches 2 subscribers now." in page

    # Korean has no text: the Japanese one, with the note residents see (in their language).
    korean = page.split('id="preview-ko"', 1)[1].split("</details>", 1)[0]
    assert '<article lang="ja">' in korean
    assert re.search(r'<p class="note" lang="ko">[^<]+</p>', korean)
    assert "(shows the 日本語 text)" in korean
    # The notification's body is cut exactly as the sender cuts it; the page keeps the whole text.
    sent = json.loads(build_payload(notice_id, {"ja": "避難所の開設"}, {"ja": LONG_BODY}, "ko", f"/ko/notices/{notice_id}"))
    assert sent["body"].endswith("…") and len(sent["body"]) < len(LONG_BODY)
    assert f'<p class="phone-body">{sent["body"]}</p>' in korean
    assert '<p class="phone-title">避難所の開設</p>' in korean
    assert f"shortened to fit a notification: {len(sent['body'])} of {len(LONG_BODY)} characters" in korean
    assert f"<p>{LONG_BODY}</p>" in korean

    # English has its own text: no note, nothing cut.
    english_preview = page.split('id="preview-en"', 1)[1].split("</details>", 1)[0]
    assert '<p class="note" lang="en">' not in english_preview
    assert "<p>Shelters are open.</p><p>Bring water.</p>" in english_preview
    assert '<p class="phone-body">Shelters are open.\n\nBring water.</p>' in english_preview
    assert "shortened" not in english_preview
    # The table says which text each language gets.
    assert re.search(r'lang="vi">Tiếng Việt</a></th>\s*<td><span lang="ja">日本語</span>\s*'
                     r'<span class="meta">\(not written', page)
    # Easy Japanese has no text either: its readers get the Japanese with furigana, as on the site.
    easy = page.split('id="preview-ja-easy"', 1)[1].split("</details>", 1)[0]
    assert "<ruby>避難所<rt>ひなんじょ</rt></ruby>" in easy.split('class="preview-title">', 1)[1]


def test_the_preview_explains_quiet_hours(console_app):
    late = dt.datetime(YEAR, 4, 1, 23, 0, tzinfo=TOKYO)
    normal = add_notice(console_app, state="scheduled", publish_at=late, urgency="normal")
    high = add_notice(console_app, state="scheduled", publish_at=late, urgency="high")
    silent = add_notice(console_app, state="scheduled", publish_at=late, push=False)
    client = staff_client(console_app, "editor")
    held = client.get(f"/admin/notices/{normal}").get_data(as_text=True)
    assert "held from 22:00 to 07:00 (Japan time)" in held
    assert f"its notifications will be held until {YEAR}-04-02 07:00." in held
    at_once = client.get(f"/admin/notices/{high}").get_data(as_text=True)
    assert "Its notifications are sent when it is published." in at_once
    quiet = client.get(f"/admin/notices/{silent}").get_data(as_text=True)
    assert "No push notification: the notice only appears on the site." in quiet and "Reaches" not in quiet


def test_unknown_notices_are_404(console_app):
    client = staff_client(console_app, "admin")
    assert client.get("/admin/notices/999").status_code == 404
    assert client.get("/admin/notices/999/edit").status_code == 404


# Japanese


# The staff console's Japanese not yet merged into messages.po: {msgid: Japanese}, plurals as
# {msgid: {"msgid_plural": ..., "msgstr[0]": ...}}.
CONSOLE_TRANSLATIONS = ("admin_ja.json", "notices_console_ja.json")
# Strings the console shows that are written elsewhere: the topics, and the schema's own messages.
SHOWN_FROM_ELSEWHERE = {str(label._args[0]) for label in TOPIC_LABELS.values()} | {
    "A Japanese title is required.", "A Japanese text is required.", "Not a valid date and time.",
    "The end must be after the start.", "You are not allowed to do this.",
}


def _console_msgids() -> set[str]:
    """Every UI string of the notices console (Babel's extractors, as `make translations` runs them)."""
    files = [(PROJECT_ROOT / "shinjuku_pwa/admin/notice_console.py", "python")]
    files += [(path, "jinja2") for path in sorted((PROJECT_ROOT / "templates/admin/notices").glob("*.html"))]
    msgids = set()
    keywords = {"_": None, "_l": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}
    for path, method in files:
        method = "jinja2.ext:babel_extract" if method == "jinja2" else method
        for _, message, _, _ in extract_from_file(method, str(path), keywords=keywords):
            msgids.add(message if isinstance(message, str) else message[0])  # plurals are keyed by the singular
    # The previewed notification shows the app's name in each resident's language: that string is
    # the resident manifest's (pwa/routes.py) and is translated with it, not with the console.
    return (msgids | SHOWN_FROM_ELSEWHERE) - {"Shinjuku City Living Guide"}


def _japanese_catalog() -> dict[str, str]:
    with (PROJECT_ROOT / "translations/ja/LC_MESSAGES/messages.po").open("rb") as handle:
        known = {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in read_po(handle)
                 if m.id and (m.string if isinstance(m.string, str) else any(m.string))}
    for extra in CONSOLE_TRANSLATIONS:
        known.update(json.loads((PROJECT_ROOT / "translations" / extra).read_text(encoding="utf-8")))
    return known


def test_every_console_string_has_a_japanese_translation():
    known = _japanese_catalog()
    missing = sorted(m for m in _console_msgids() if not known.get(m))
    assert not missing, missing
    ours = json.loads((PROJECT_ROOT / "translations/notices_console_ja.json").read_text(encoding="utf-8"))
    for msgid, japanese in ours.items():  # placeholders survive translation
        japanese = japanese["msgstr[0]"] if isinstance(japanese, dict) else japanese
        assert sorted(re.findall(r"%\(\w+\)[sd]", msgid)) == sorted(re.findall(r"%\(\w+\)[sd]", japanese)), msgid


def test_the_console_reads_in_japanese_with_these_translations(make_app, tmp_path):
    """Staff see Japanese by default: with the catalog plus the console's JSON translations compiled,
    as a merge into messages.po would give, the pages, messages and errors are Japanese."""
    with (PROJECT_ROOT / "translations/ja/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="ja")
    for extra in CONSOLE_TRANSLATIONS:
        for msgid, japanese in json.loads((PROJECT_ROOT / "translations" / extra).read_text(encoding="utf-8")).items():
            # Catalog.add keeps the string of an entry already there (`make translations` adds
            # new msgids with empty strings), so the Japanese is set on the entry itself.
            if isinstance(japanese, dict):
                catalog.add((msgid, japanese["msgid_plural"]))
                catalog[msgid].string = (japanese["msgstr[0]"],)
            else:
                catalog.add(msgid)
                catalog[msgid].string = japanese
    shutil.copytree(PROJECT_ROOT / "translations", tmp_path / "translations")  # the residents' catalogs too
    with (tmp_path / "translations/ja/LC_MESSAGES/messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    app = make_app(TRANSLATIONS_DIR=str(tmp_path / "translations"), **FAST_HASHING)
    notice_id = add_notice(app, state="draft", publish_at=dt.datetime(YEAR, 4, 1, 14, 0, tzinfo=dt.UTC),
                           title={"ja": "避難所の開設"}, body={"ja": "本文"})
    client = signed_in_client(app, "publisher")  # no language chosen: Japanese
    detail = client.get(f"/admin/notices/{notice_id}").get_data(as_text=True)
    assert '<a href="/admin/notices" aria-current="page">お知らせ</a>' in detail
    assert "現時点で0件の購読者に届きます。" in detail and "<dd>防災</dd>" in detail
    assert f"このお知らせの配信日時は夜間の保留時間帯のため、通知は{YEAR}-04-02 07:00まで保留されます。" in detail
    # The resident previews stay in each resident's language.
    assert re.search(r'id="preview-ja-easy".*?<p class="note" lang="ja">あなたの ことばは まだ ありません。</p>', detail, re.S)
    page = post_form(client, "/admin/notices/new", form(title_ja="", topics=None)).get_data(as_text=True)
    assert '<p class="field-error" id="title_ja-error">日本語のタイトルは必須です。</p>' in page
    assert '<a href="#topics">お知らせの分野: 分野を1つ以上選んでください。</a>' in page
    post_form(client, f"/admin/notices/{notice_id}/schedule", {}, page=f"/admin/notices/{notice_id}")
    assert f"配信を予約しました。{YEAR}-04-01 23:00（日本時間）に配信されます。" in client.get(
        f"/admin/notices/{notice_id}").get_data(as_text=True)


def test_cancel_is_apart_from_schedule_and_asks_for_a_confirmation_naming_the_notice(console_app):
    ids = _notices(console_app)
    client = staff_client(console_app, "publisher")
    detail = client.get(f"/admin/notices/{ids['draft']}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    actions = detail.split('class="action-row"', 1)[1].split("</div>", 1)[0]
    assert "/schedule" in actions and "/cancel" not in actions  # not next to Schedule
    zone = detail.split('class="danger-zone"', 1)[1]
    assert f'class="button danger" href="/admin/notices/{ids["draft"]}/cancel"' in zone  # a link: no JavaScript needed
    assert detail.index("danger-zone") > detail.index('id="preview-heading"')
    confirm = client.get(f"/admin/notices/{ids['draft']}/cancel", headers={"Accept-Language": "en"})
    page = confirm.get_data(as_text=True)
    assert "Cancel the notice “Evacuation notice”?" in page and "Yes, cancel “Evacuation notice”" in page
    assert notice_row(console_app, ids["draft"]).state is NoticeState.DRAFT  # asking changes nothing
    done = client.post(f"/admin/notices/{ids['draft']}/cancel", data={"csrf_token": csrf_token_in(page)})
    assert done.status_code == 303 and notice_row(console_app, ids["draft"]).state is NoticeState.CANCELLED
    again = client.get(f"/admin/notices/{ids['draft']}/cancel")
    assert again.status_code == 303  # already cancelled: back to the notice, with a message
