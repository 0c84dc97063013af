"""Notice templates (issue 20): the bundled ones fill in every locale with every allowed value, fit a
notification whole, and the import refuses a bad one with `path:line: message`."""
from __future__ import annotations

import json
import shutil
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from shinjuku_pwa.composition.content_import import import_content
from shinjuku_pwa.core.extensions import db
from shinjuku_pwa.core.i18n import LOCALE_CODES
from shinjuku_pwa.notices.models import StoredNoticeTemplate
from shinjuku_pwa.notices.template_loader import load_notice_templates, stored_registry
from shinjuku_pwa.notices.templates import (
    BLANK,
    INTENSITIES,
    InvalidFields,
    TemplateRegistry,
    longest_fields,
    render,
    sample_values,
)
from shinjuku_pwa.push.payload import MAX_PAYLOAD_BYTES, build_payload
from tests.conftest import BUNDLED_CONTENT
from tests.content_factory import make_content

EXPECTED = {"earthquake", "evacuation-elderly", "evacuation-order", "emergency-safety", "evacuation-lifted",
            "heavy-rain-warning", "heatstroke-alert", "water-outage", "power-outage", "garbage-collection-suspended",
            "notification-test", "general-disaster-info"}
LONGEST_PAYLOAD_BYTES = 2000  # content/notice-templates/README.md "Size"


@pytest.fixture(scope="module")
def registry() -> TemplateRegistry:
    return load_notice_templates(BUNDLED_CONTENT).registry()


def _assert_filled(text: str) -> None:
    assert not BLANK.search(text) and "{" not in text and "}" not in text, text
    assert "[[" not in text and "]]" not in text, text


def test_the_bundled_templates_are_the_ones_the_issue_asks_for(registry):
    assert set(registry.templates) == EXPECTED
    assert len(registry.towns) == 94 and len(registry.shelters) == 10


def test_every_template_renders_in_every_locale_with_every_allowed_value(registry):
    renders = 0
    for template in registry.templates.values():
        for placeholder in template.placeholders:
            for value in sample_values(placeholder, registry):
                for code in LOCALE_CODES:
                    fields = {**longest_fields(template, registry, code), placeholder.name: value}
                    filled = render(template, fields, registry, (code,))
                    _assert_filled(filled.title[code])
                    _assert_filled(filled.body[code])
                    renders += 1
        if not template.placeholders:
            filled = render(template, {}, registry)
            for code in LOCALE_CODES:
                _assert_filled(filled.title[code] + filled.body[code])
    assert renders > 5000


def test_optional_blanks_left_empty_leave_no_trace(registry):
    template = registry.templates["evacuation-order"]
    filled = render(template, {"time": "03:05", "areas": ["nishi-shinjuku"]}, registry)
    for code in LOCALE_CODES:
        _assert_filled(filled.body[code])
    assert "避難先" not in filled.body["ja"] and "Go to" not in filled.body["en"]
    assert "  " not in filled.body["en"]


def test_values_are_worded_per_locale(registry):
    template = registry.templates["earthquake"]
    filled = render(template, {"time": "03:05", "intensity": "5-"}, registry)
    assert filled.title["ja"] == "新宿区で震度5弱の地震"
    assert filled.body["ja"].startswith("3時05分ごろ")
    assert "seismic intensity 5 lower (shindo 5-)" in filled.body["en"] and "03:05" in filled.body["en"]
    assert "진도 5약" in filled.body["ko"]
    areas = render(registry.templates["evacuation-order"],
                   {"time": "22:00", "areas": ["nishi-shinjuku", "kita-shinjuku"], "shelter": "shinjuku-gyoen"}, registry)
    assert "西新宿、北新宿" in areas.body["ja"]
    assert "西新宿（にししんじゅく）" in areas.body["ja-easy"]
    assert "西新宿 (Nishi-Shinjuku), 北新宿 (Kita-Shinjuku)" in areas.body["en"]
    assert "西新宿、北新宿" in areas.body["zh-Hans"]
    outage = render(registry.templates["power-outage"], {"areas": ["nishi-shinjuku"], "until": "2025-12-06T18:00"}, registry)
    assert "12月6日（土）18時00分" in outage.body["ja"] and "Sat 6 Dec, 18:00" in outage.body["en"]


def test_every_template_fits_a_notification_whole_with_the_longest_values(registry):
    for template in registry.templates.values():
        for code in LOCALE_CODES:
            filled = render(template, longest_fields(template, registry, code), registry, (code,))
            payload = build_payload(2**31 - 1, filled.title, filled.body, code, f"/{code}/notices/{2**31 - 1}")
            assert len(payload) <= min(LONGEST_PAYLOAD_BYTES, MAX_PAYLOAD_BYTES), (template.id, code, len(payload))
            assert json.loads(payload)["body"] == filled.body[code], (template.id, code)  # never cut


@pytest.mark.parametrize(("fields", "problems"), [
    ({}, {"time": "missing", "intensity": "missing"}),
    ({"time": "03:05"}, {"intensity": "missing"}),
    ({"time": "25:00", "intensity": "5-"}, {"time": "time"}),
    ({"time": "3:05", "intensity": "5-"}, {"time": "time"}),
    ({"time": "03:05", "intensity": "8"}, {"intensity": "intensity"}),
    ({"time": "03:05", "intensity": "5弱"}, {"intensity": "intensity"}),
    ({"time": "03:05", "intensity": "5-", "areas": ["nishi-shinjuku"]}, {"areas": "unknown"}),
])
def test_a_missing_or_invalid_field_is_an_error_naming_the_field(registry, fields, problems):
    with pytest.raises(InvalidFields) as caught:
        render(registry.templates["earthquake"], fields, registry)
    assert caught.value.problems == problems


@pytest.mark.parametrize(("fields", "problems"), [
    ({"time": "03:05", "areas": []}, {"areas": "missing"}),
    ({"time": "03:05", "areas": ["atlantis"]}, {"areas": "areas"}),
    ({"time": "03:05", "areas": ["nishi-shinjuku", "nishi-shinjuku"]}, {"areas": "duplicate_areas"}),
    ({"time": "03:05", "areas": ["nishi-shinjuku", "kita-shinjuku", "okubo", "hyakunincho", "takadanobaba", "totsukamachi"]},
     {"areas": "too_many_areas"}),
    ({"time": "03:05", "areas": ["nishi-shinjuku"], "shelter": "tokyo-dome"}, {"shelter": "shelter"}),
])
def test_areas_and_shelters_come_only_from_the_ward_lists(registry, fields, problems):
    with pytest.raises(InvalidFields) as caught:
        render(registry.templates["evacuation-order"], fields, registry)
    assert caught.value.problems == problems


def test_dates_and_datetimes_must_be_real(registry):
    for value in ("2026-02-30", "2026-13-01", "06/12/2026", "2025-12-06T18:00"):
        with pytest.raises(InvalidFields) as caught:
            render(registry.templates["garbage-collection-suspended"], {"date": value}, registry)
        assert caught.value.problems == {"date": "date"}
    with pytest.raises(InvalidFields):
        render(registry.templates["power-outage"], {"areas": ["okubo"], "until": "2025-12-06T24:00"}, registry)


def test_intensities_are_the_ten_jma_classes_named_in_every_locale(registry):
    assert list(registry.vocabulary.intensity) == list(INTENSITIES)
    assert [registry.vocabulary.intensity[v]["ja"] for v in ("5-", "5+", "6-", "6+")] == ["震度5弱", "震度5強", "震度6弱", "震度6強"]


def test_the_test_template_is_never_sent_through_quiet_hours(registry):
    test = registry.templates["notification-test"]
    assert not test.quiet_hours_override and "high" not in test.urgencies
    assert "high" in registry.templates["earthquake"].urgencies


def test_the_water_outage_notice_cites_only_the_ward_and_tokyo(registry):
    """Advice from a waterworks elsewhere in Japan may not hold for Tokyo's (issue20.md)."""
    hosts = {urlsplit(url).hostname for url in registry.templates["water-outage"].source}
    assert hosts and all(host == "www.city.shinjuku.lg.jp" or host.endswith(".metro.tokyo.lg.jp") for host in hosts)


def test_machine_translated_locales_are_known(registry):
    assert set(registry.templates["earthquake"].machine_translated) == set(LOCALE_CODES) - {"ja", "ja-easy"}


def test_the_import_stores_templates_every_host_reads_the_same(app, registry):
    with app.app_context():
        report = import_content(BUNDLED_CONTENT)
        assert "notice-template:earthquake" in report.added
        assert stored_registry() == registry
        again = import_content(BUNDLED_CONTENT)
        assert not any(item.startswith("notice-") for item in again.added + again.updated)


def _content_with_templates(tmp_path):
    root = make_content(tmp_path / "content")
    shutil.copytree(BUNDLED_CONTENT / "notice-templates", root / "notice-templates")
    shutil.copytree(BUNDLED_CONTENT / "places", root / "places")
    return root


@pytest.mark.parametrize(("find", "replace", "message"), [
    ("urgency: high", "urgency: urgent", "content/notice-templates/earthquake.yaml:3: unknown urgency 'urgent'"),
    ("  ja: \"新宿区で{intensity}の地震\"", "  ja: \"新宿区で{magnitude}の地震\"",
     "content/notice-templates/earthquake.yaml:19: title.ja: blank {magnitude} is not declared in placeholders"),
    ("  intensity: {type: intensity}", "  intensity: {type: richter}",
     "content/notice-templates/earthquake.yaml:17: placeholder 'intensity': type is one of"),
    ("quiet_hours_override: true", "quiet_hours_override: false",
     "content/notice-templates/earthquake.yaml:3: urgency high requires quiet_hours_override: true"),
])
def test_a_bad_template_stops_the_import_with_path_line_and_nothing_changes(app, tmp_path, find, replace, message):
    root = _content_with_templates(tmp_path)
    path = root / "notice-templates" / "earthquake.yaml"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["content", "import", "--path", str(root)]).exit_code == 0
    with app.app_context():
        before = db.session.scalars(select(StoredNoticeTemplate.content_hash).order_by(StoredNoticeTemplate.id)).all()
    path.write_text(path.read_text(encoding="utf-8").replace(find, replace, 1), encoding="utf-8")
    result = runner.invoke(args=["content", "import", "--path", str(root)])
    assert result.exit_code == 1
    assert message in result.output
    with app.app_context():
        assert db.session.scalars(select(StoredNoticeTemplate.content_hash).order_by(StoredNoticeTemplate.id)).all() == before


def test_a_template_too_long_for_a_notification_is_refused(tmp_path):
    root = _content_with_templates(tmp_path)
    path = root / "notice-templates" / "notification-test.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('  en: "Notification test"', '  en: "' + "A very long notification test title " * 3 + '"', 1),
                    encoding="utf-8")
    with pytest.raises(Exception) as caught:
        load_notice_templates(root)
    assert "title.en: " in str(caught.value) and "over 60" in str(caught.value)


def test_content_without_templates_imports_none(app, tmp_path):
    root = make_content(tmp_path / "content")
    with app.app_context():
        import_content(root)
        assert db.session.scalar(select(func.count()).select_from(StoredNoticeTemplate)) == 0


def test_every_text_reads_cleanly_without_its_optional_parts(registry):
    for template in registry.templates.values():
        optional = {p.name for p in template.placeholders if not p.required}
        for code in LOCALE_CODES:
            fields = {k: v for k, v in longest_fields(template, registry, code, towns=1).items() if k not in optional}
            body = render(template, fields, registry, (code,)).body[code]
            assert "  " not in body and " ." not in body and body == body.strip(), (template.id, code, body)


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                           max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(template_id=st.sampled_from(sorted(EXPECTED)),
       fields=st.dictionaries(st.sampled_from(["time", "date", "until", "intensity", "areas", "shelter", "x"]), JSON_VALUES,
                              max_size=5))
def test_any_json_as_fields_either_renders_or_names_the_fields_at_fault(registry, template_id, fields):
    template = registry.templates[template_id]
    try:
        filled = render(template, fields, registry)
    except InvalidFields as exc:
        assert set(exc.problems) <= set(fields) | {p.name for p in template.placeholders}
        return
    for code in LOCALE_CODES:
        _assert_filled(filled.title[code] + filled.body[code])
