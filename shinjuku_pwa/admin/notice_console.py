"""Notices in the staff console, in Japanese and English: write, preview, schedule, cancel.

    /admin/notices                  upcoming, drafts, published, cancelled (deliveries)   any role
    /admin/notices/new              write a notice; it is saved as a draft                 any role
    /admin/notices/<id>             one notice: facts, reach, previews per language         any role
    /admin/notices/<id>/edit        change a draft (any role) or a scheduled notice         publisher, admin
    /admin/notices/<id>/schedule    schedule a draft                                        publisher, admin
    /admin/notices/<id>/cancel      GET: confirm (names the notice); POST: cancel it        publisher, admin

The same rules as the staff API: `services.ensure_may_set` decides who may schedule or touch a
scheduled notice, and forms are read by the API's schemas once their fields are mapped onto the
API's shape (texts per language, times in Tokyo, TTL in seconds).
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse

from ..core.clock import TOKYO, utcnow
from ..core.extensions import db
from ..core.i18n import LOCALE_CODES, LOCALES, pick_text
from ..notices import services
from ..notices.models import TOPICS, Notice, NoticeState, Urgency
from ..notices.schemas import BODY_MAX, MAX_TTL, TITLE_MAX, NoticeCreateArgs, NoticeUpdateArgs
from ..notices.services import localize_notice
from ..notices.topics import TOPIC_LABELS
from ..push import schedule
from ..push.dispatcher import delivery_counts
from ..push.payload import build_payload
from ..push.subscriptions import count_subscribers
from ..staff.identity import current_actor, signed_in_staff
from ..staff.permissions import Action, NotAllowed, require_action, role_allows
from .routes import choose_staff_language, staff_context, staff_datetime

bp = Blueprint("notices_console", __name__, url_prefix="/admin/notices")
# The console's language (ja or en) and template context, exactly as on the other console pages.
bp.before_request(choose_staff_language)
bp.context_processor(staff_context)

LIST_LIMIT = 50  # published and cancelled notices shown on the list, newest first
MAX_TTL_HOURS = MAX_TTL // 3600
DEFAULT_TTL_HOURS = 24
OTHER_LOCALES = tuple(code for code in LOCALE_CODES if code != "ja")
QUIET_HOURS = {"quiet_start": schedule.QUIET_START.strftime("%H:%M"), "quiet_end": schedule.QUIET_END.strftime("%H:%M")}


STATE_LABELS = {
    NoticeState.DRAFT: _l("Draft"),
    NoticeState.SCHEDULED: _l("Scheduled"),
    NoticeState.PUBLISHED: _l("Published"),
    NoticeState.EXPIRED: _l("Ended"),
    NoticeState.CANCELLED: _l("Cancelled"),
}
URGENCY_LABELS = {
    Urgency.VERY_LOW: _l("Very low"),
    Urgency.LOW: _l("Low"),
    Urgency.NORMAL: _l("Normal"),
    Urgency.HIGH: _l("High (disasters and emergencies)"),
}


# The form: its fields, their labels, and how they map onto the API's schema


def field_labels() -> dict[str, str]:
    """Every form field's label, in the form's order (the error summary lists problems in it)."""
    labels = {}
    for code in LOCALE_CODES:
        language = LOCALES[code].autonym
        labels[f"title_{code}"] = _("Title (%(language)s)", language=language)
        labels[f"body_{code}"] = _("Text (%(language)s)", language=language)
    labels.update({
        "topics": _("Notice topics"),
        "publish_at": _("Publish at (Japan time)"),
        "expires_at": _("End (Japan time)"),
        "push": _("Push notification"),
        "urgency": _("Urgency"),
        "ttl_hours": _("Time to live (hours)"),
    })
    return labels


def _tokyo_input(value: dt.datetime | None) -> str:
    """A stored time as a datetime-local input shows it: Tokyo, to the minute."""
    return value.astimezone(TOKYO).strftime("%Y-%m-%dT%H:%M") if value else ""


def _ttl_hours(seconds: int) -> str:
    return str(max(1, round(seconds / 3600)))


def _clean_text(text: str) -> str:
    # Browsers send textarea line breaks as CRLF; resident pages split paragraphs on "\n\n".
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def values_for_new() -> dict:
    return {"topics": [], "publish_at": "", "expires_at": "", "push": "true", "urgency": Urgency.NORMAL.value,
            "ttl_hours": str(DEFAULT_TTL_HOURS)}


def values_from_notice(notice: Notice) -> dict:
    values = {
        "topics": list(notice.topics), "publish_at": _tokyo_input(notice.publish_at),
        "expires_at": _tokyo_input(notice.expires_at), "push": "true" if notice.push else "false",
        "urgency": notice.urgency.value, "ttl_hours": _ttl_hours(notice.ttl),
    }
    for code in LOCALE_CODES:
        values[f"title_{code}"] = notice.title.get(code, "")
        values[f"body_{code}"] = notice.body.get(code, "")
    return values


def values_from_form(form: MultiDict) -> dict:
    """What the person typed, tidied, to read and to show again with the errors."""
    values: dict[str, str | list[str]] = {name: _clean_text(form.get(name, "")) for name in
                                          ("publish_at", "expires_at", "push", "urgency", "ttl_hours")}
    values["topics"] = form.getlist("topics")
    for code in LOCALE_CODES:
        values[f"title_{code}"] = _clean_text(form.get(f"title_{code}", ""))
        values[f"body_{code}"] = _clean_text(form.get(f"body_{code}", ""))
    return values


def args_from_values(values: dict, now: dt.datetime) -> dict:
    """The form in the staff API's shape, for NoticeCreateArgs / NoticeUpdateArgs to judge."""
    def texts(kind: str) -> dict[str, str]:
        return {code: values[f"{kind}_{code}"] for code in LOCALE_CODES if values[f"{kind}_{code}"]}

    hours = values["ttl_hours"]
    args = {
        "title": texts("title"), "body": texts("body"), "topics": values["topics"],
        # Empty means now, given explicitly so that the schema checks the end against it.
        "publish_at": values["publish_at"] or now.astimezone(TOKYO).isoformat(),
        "expires_at": values["expires_at"] or None,
        "urgency": values["urgency"],
        "ttl": int(hours) * 3600 if hours.isdecimal() else hours,  # not a whole number: the schema refuses it
    }
    if values["push"]:
        args["push"] = values["push"]
    return args


def _first_message(messages) -> str:
    while isinstance(messages, (list, tuple, dict)):
        messages = next(iter(messages.values() if isinstance(messages, dict) else messages), "")
    return str(messages)


def form_errors(error: ValidationError) -> dict[str, str]:
    """The schema's messages put next to the form's fields, in the staff's language.

    Where marshmallow's own message is English or speaks of seconds, the console says it itself.
    """
    errors = {}
    for name, messages in error.normalized_messages().items():
        if name in ("title", "body") and isinstance(messages, dict):
            limit = TITLE_MAX if name == "title" else BODY_MAX
            for code in messages:  # {code: {"value": [...]}}: that language's text is too long
                errors[f"{name}_{code}"] = _("Use at most %(num)d characters.", num=limit)
        elif name in ("title", "body"):
            errors[f"{name}_ja"] = _first_message(messages)  # the Japanese text is missing
        elif name == "topics":
            errors["topics"] = _("Choose at least one topic.")
        elif name == "urgency":
            errors["urgency"] = _("Choose an urgency.")
        elif name == "push":
            errors["push"] = _("Choose yes or no.")
        elif name == "ttl":
            errors["ttl_hours"] = _("Enter a whole number of hours from 1 to %(num)d.", num=MAX_TTL_HOURS)
        else:
            errors[name] = _first_message(messages)
    return errors


def changes_from(notice: Notice, args: dict, values: dict) -> dict:
    """Only what the form changed, so the audit log names the right fields. A time or TTL the
    form shows unchanged stays as stored (the form rounds to minutes and hours)."""
    shown = values_from_notice(notice)
    changes = {}
    for key, value in args.items():
        if key in ("publish_at", "expires_at"):
            same = values[key] == shown[key]
        elif key == "ttl":
            same = values["ttl_hours"] == shown["ttl_hours"]
        elif key == "topics":
            same = set(value) == set(notice.topics)
        elif key == "urgency":
            same = value == notice.urgency.value
        else:
            same = value == getattr(notice, key)
        if not same:
            changes[key] = value
    return changes


def _form_page(notice: Notice | None, values: dict, errors: dict | None = None) -> str:
    return render_template(
        "admin/notices/form.html", notice=notice, values=values, errors=errors or {}, labels=field_labels(),
        title=_staff_title(notice) if notice else None, other_locales=OTHER_LOCALES,
        topic_choices=[(topic, TOPIC_LABELS[topic]) for topic in TOPICS],
        urgency_choices=[(urgency.value, URGENCY_LABELS[urgency]) for urgency in Urgency],
        title_max=TITLE_MAX, body_max=BODY_MAX, max_ttl_hours=MAX_TTL_HOURS, **QUIET_HOURS,
    )


# Previews: the resident page and the phone's notification, per language


@contextmanager
def reader_language(code: str) -> Iterator[None]:
    """Render as a resident reading `code` sees it (UI strings, dates, lang), then back to staff."""
    staff_language = g.lang
    g.lang = code
    try:
        with force_locale(LOCALES[code].babel):
            yield
    finally:
        g.lang = staff_language


@dataclass(frozen=True)
class LocalePreview:
    code: str  # the resident's language
    served: str  # the language of the text they get (theirs, else ja-easy, else ja)
    fallback: bool
    page: Markup  # the notice page, as rendered for them
    notification: Markup  # the notification, as their phone shows it
    body_cut: bool  # the notification's body was shortened to fit the payload
    body_shown: int  # characters of the body in the notification
    body_total: int


def locale_previews(notice: Notice) -> list[LocalePreview]:
    previews = []
    for code in LOCALE_CODES:
        item = localize_notice(notice, code)
        # Exactly what the sender encrypts for a subscriber of this language (see dispatcher.build_jobs).
        payload = json.loads(build_payload(notice.id, notice.title, notice.body, code, f"/{code}/notices/{notice.id}"))
        with reader_language(code):
            page = Markup(render_template("admin/notices/_resident_page.html", item=item))
            notification = Markup(render_template("admin/notices/_phone_notification.html", payload=payload))
        previews.append(LocalePreview(
            code=code, served=item["lang"], fallback=item["fallback"], page=page, notification=notification,
            body_cut=payload["body"] != item["body"], body_shown=len(payload["body"]), body_total=len(item["body"]),
        ))
    return previews


def first_push_at(notice: Notice, now: dt.datetime) -> tuple[dt.datetime, bool] | None:
    """When notifications of a notice still to go out start, and whether quiet hours hold them."""
    if not notice.push or notice.state not in services.EDITABLE:
        return None
    goes_out = max(notice.publish_at, now)
    starts = schedule.deliverable_at(goes_out, notice.urgency.value)
    return starts, starts > goes_out


# Pages


def _staff_title(notice: Notice) -> str:
    return pick_text(notice.title, g.lang)[1]


def _may(check) -> bool:
    try:
        check()
    except NotAllowed:
        return False
    return True


def _answer_locked(notice: Notice) -> BaseResponse:
    flash(_("This notice has already gone out or was cancelled, so it can no longer be changed."), "error")
    return redirect(url_for(".notice_detail", notice_id=notice.id), 303)


@bp.route("")
@require_action(Action.READ_NOTICES)
def notice_list() -> str:
    """Upcoming (scheduled) notices first, then drafts, then what went out, then cancelled ones."""
    groups: dict[NoticeState, list[Notice]] = {state: [] for state in NoticeState}
    for notice in services.all_notices():
        groups[notice.state].append(notice)
    upcoming = sorted(groups[NoticeState.SCHEDULED], key=lambda n: n.publish_at)
    drafts = sorted(groups[NoticeState.DRAFT], key=lambda n: n.updated_at, reverse=True)
    sent = sorted(groups[NoticeState.PUBLISHED] + groups[NoticeState.EXPIRED],
                  key=lambda n: n.published_at or n.publish_at, reverse=True)
    cancelled = sorted(groups[NoticeState.CANCELLED], key=lambda n: n.updated_at, reverse=True)

    def rows(notices: list[Notice], counts: bool = False) -> list[dict]:
        return [{"notice": n, "title": _staff_title(n),
                 "deliveries": delivery_counts(n.id) if counts and n.push else None} for n in notices]

    return render_template(
        "admin/notices/list.html", upcoming=rows(upcoming), drafts=rows(drafts),
        sent=rows(sent[:LIST_LIMIT], counts=True), sent_total=len(sent),
        cancelled=rows(cancelled[:LIST_LIMIT]), cancelled_total=len(cancelled),
        limit=LIST_LIMIT, state_labels=STATE_LABELS,
    )


@bp.route("/new", methods=["GET", "POST"])
@require_action(Action.DRAFT_NOTICES)
def notice_new() -> str | tuple[str, int] | BaseResponse:
    """Write a notice. It is saved as a draft; a publisher schedules it from its page."""
    if request.method == "GET":
        return _form_page(None, values_for_new())
    now = utcnow()
    values = values_from_form(request.form)
    try:
        args = NoticeCreateArgs().load({**args_from_values(values, now), "state": NoticeState.DRAFT.value})
    except ValidationError as error:
        return _form_page(None, values, form_errors(error)), 422
    services.ensure_may_set(signed_in_staff().role, args["state"])
    notice = services.create_notice(args, current_actor(), now)
    flash(_("Draft saved. Check the previews below."), "success")
    return redirect(url_for(".notice_detail", notice_id=notice.id), 303)


@bp.route("/<int:notice_id>")
@require_action(Action.READ_NOTICES)
def notice_detail(notice_id: int) -> str:
    """One notice: its facts, deliveries, who it reaches, and previews in every language."""
    notice = services.get_notice(notice_id)
    now = utcnow()
    role = signed_in_staff().role
    editable = notice.state in services.EDITABLE
    went_out = notice.state in (NoticeState.PUBLISHED, NoticeState.EXPIRED)
    return render_template(
        "admin/notices/detail.html", notice=notice, title=_staff_title(notice), now=now,
        state_labels=STATE_LABELS, urgency_labels=URGENCY_LABELS, topic_labels=TOPIC_LABELS,
        due=editable and notice.publish_at <= now,
        may_edit=editable and role_allows(role, Action.DRAFT_NOTICES)
        and _may(lambda: services.ensure_may_set(role, None, notice)),
        may_schedule=notice.state is NoticeState.DRAFT and role_allows(role, Action.SCHEDULE_NOTICES)
        and _may(lambda: services.ensure_may_set(role, NoticeState.SCHEDULED.value, notice)),
        may_cancel=editable and role_allows(role, Action.CANCEL_NOTICES),
        deliveries=delivery_counts(notice.id) if went_out and notice.push else None,
        reach=count_subscribers(notice.topics) if notice.push else None,
        first_push=first_push_at(notice, now), **QUIET_HOURS,
        previews=locale_previews(notice),
    )


@bp.route("/<int:notice_id>/edit", methods=["GET", "POST"])
@require_action(Action.DRAFT_NOTICES)
def notice_edit(notice_id: int) -> str | tuple[str, int] | BaseResponse:
    """Change a draft, or (publishers) a scheduled notice until it goes out."""
    notice = services.get_notice(notice_id)
    services.ensure_may_set(signed_in_staff().role, None, notice)
    if notice.state not in services.EDITABLE:
        return _answer_locked(notice)
    if request.method == "GET":
        return _form_page(notice, values_from_notice(notice))
    now = utcnow()
    values = values_from_form(request.form)
    try:
        changes = changes_from(notice, NoticeUpdateArgs().load(args_from_values(values, now)), values)
        if changes:
            services.update_notice(notice, changes, current_actor(), now)
    except ValidationError as error:
        return _form_page(notice, values, form_errors(error)), 422
    except services.NoticeTimesInvalid:
        db.session.rollback()
        return _form_page(notice, values, {"expires_at": _("The end must be after the start.")}), 422
    except services.TemplateFieldsInvalid:
        return _form_page(notice, values, {"urgency": _("This template may not be sent with high urgency.")}), 422
    flash(_("Changes saved. Check the previews below.") if changes else _("Nothing was changed."), "success")
    return redirect(url_for(".notice_detail", notice_id=notice.id), 303)


@bp.route("/<int:notice_id>/schedule", methods=["POST"])
@require_action(Action.SCHEDULE_NOTICES)
def notice_schedule(notice_id: int) -> BaseResponse:
    """Schedule a draft: it is published at its time (now if that has passed) and pushed."""
    notice = services.get_notice(notice_id)
    services.ensure_may_set(signed_in_staff().role, NoticeState.SCHEDULED.value, notice)
    now = utcnow()
    if notice.state is NoticeState.SCHEDULED:
        flash(_("This notice is already scheduled."), "success")
    elif notice.state is not NoticeState.DRAFT:
        return _answer_locked(notice)
    elif notice.expires_at is not None and notice.expires_at <= max(now, notice.publish_at):
        # It would be published already ended: no one could read it, yet phones would be told.
        flash(_("This notice would end before it goes out. Change its end first."), "error")
    else:
        services.update_notice(notice, {"state": NoticeState.SCHEDULED.value}, current_actor(), now)
        if notice.publish_at <= now:
            flash(_("Scheduled. It goes out now."), "success")
        else:
            flash(_("Scheduled. It goes out at %(time)s (Japan time).", time=staff_datetime(notice.publish_at)),
                  "success")
    return redirect(url_for(".notice_detail", notice_id=notice.id), 303)


@bp.route("/<int:notice_id>/cancel", methods=["GET", "POST"])
@require_action(Action.CANCEL_NOTICES)
def notice_cancel(notice_id: int) -> str | BaseResponse:
    """GET: a page that names the notice and asks to confirm (no JavaScript needed). POST: cancel a
    draft or scheduled notice; it is never published nor sent."""
    notice = services.get_notice(notice_id)
    if notice.state not in services.EDITABLE:
        return _answer_locked(notice)
    if request.method == "GET":
        return render_template("admin/notices/cancel.html", notice=notice, title=_staff_title(notice),
                               state_labels=STATE_LABELS)
    services.cancel_notice(notice, current_actor(), utcnow())
    flash(_("Notice cancelled. It will not be published or sent."), "success")
    return redirect(url_for(".notice_detail", notice_id=notice.id), 303)
