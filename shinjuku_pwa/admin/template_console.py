"""New notice from a template (issue 20), in the staff console: pick, fill the typed blanks, preview, send.

    /admin/notices/from-template             pick a template                                  editor and up
    /admin/notices/from-template/<id>        fill its blanks from lists; Preview shows the     editor and up
                                             notification in all nine languages; Send
                                             (publishers) schedules it, Save draft (editors)

Nothing is typed free-form: towns, sites and intensities are chosen from the ward's lists, times and
dates from date inputs. The same rules as the staff API: NoticeCreateArgs reads the form in the API's
shape, services.fill_from_template fills every language, services.ensure_may_set says who sends.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse

from ..core.clock import TOKYO, utcnow
from ..core.i18n import LOCALES
from ..notices import services
from ..notices.models import Notice, NoticeState, Urgency
from ..notices.schemas import FIELD_PROBLEMS, NoticeCreateArgs
from ..notices.template_loader import NoTemplates, get_template, stored_registry
from ..notices.templates import BLANK, OPTIONAL_PART, NoticeTemplate, Placeholder, TemplateRegistry
from ..notices.topics import TOPIC_LABELS
from ..staff.identity import current_actor, signed_in_staff
from ..staff.permissions import Action, require_action, role_allows
from .notice_console import QUIET_HOURS, URGENCY_LABELS, locale_previews
from .routes import choose_staff_language, staff_context

bp = Blueprint("notice_templates_console", __name__, url_prefix="/admin/notices/from-template")
bp.before_request(choose_staff_language)
bp.context_processor(staff_context)

TYPE_LABELS = {
    "time": _l("Time (Japan time)"),
    "date": _l("Date"),
    "datetime": _l("Date and time (Japan time)"),
    "intensity": _l("Seismic intensity"),
    "areas": _l("Towns"),
    "shelter": _l("Evacuation site"),
    "number": _l("Number"),
}
INPUT_TYPES = {"time": "time", "date": "date", "datetime": "datetime-local", "number": "number"}


def _form_name(placeholder: Placeholder) -> str:
    return f"field_{placeholder.name}"


def template_heading(template: NoticeTemplate, lang: str) -> str:
    """The template's title in the staff's language, its blanks shown as "…"."""
    title = template.title.get(lang) or template.title["ja"]
    return BLANK.sub("…", OPTIONAL_PART.sub("", title))


def machine_languages(template: NoticeTemplate) -> str:
    """The languages of a template that a machine translated, by their own names."""
    return ", ".join(LOCALES[code].autonym for code in template.machine_translated)


def value_choices(registry: TemplateRegistry, placeholder: Placeholder, lang: str) -> list[tuple[str, str]]:
    """The options of a list blank, worded as the staff member reads them (ja or en)."""
    if placeholder.type == "intensity":
        return [(value, names[lang]) for value, names in registry.vocabulary.intensity.items()]
    places = registry.towns if placeholder.type == "areas" else registry.shelters
    if lang == "ja":
        return [(p.id, f"{p.name}（{p.kana}）") for p in places.values()]
    return [(p.id, f"{p.name} ({p.romaji})") for p in places.values()]


def values_from_form(template: NoticeTemplate, form: MultiDict) -> dict[str, Any]:
    """What the clerk chose: blanks by name (towns in the order of the selects), then timing."""
    values: dict[str, Any] = {}
    for placeholder in template.placeholders:
        name = _form_name(placeholder)
        if placeholder.type == "areas":
            values[name] = [town for town in form.getlist(name) if town]
        else:
            values[name] = form.get(name, "").strip()
    for name in ("publish_at", "urgency", "push"):
        values[name] = form.get(name, "").strip()
    return values


def values_for_new(template: NoticeTemplate) -> dict[str, Any]:
    values: dict[str, Any] = {_form_name(p): [] if p.type == "areas" else "" for p in template.placeholders}
    return {**values, "publish_at": "", "urgency": template.urgency, "push": "true"}


def _blank_value(placeholder: Placeholder, value: Any) -> Any:
    if placeholder.type == "number" and isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def args_from_values(template: NoticeTemplate, values: dict[str, Any], state: str, now: dt.datetime) -> dict[str, Any]:
    """The form in the staff API's shape (NoticeCreateArgs with `template` and `fields`)."""
    fields = {p.name: _blank_value(p, values[_form_name(p)]) for p in template.placeholders
              if values[_form_name(p)] not in ("", [])}
    return {"template": template.id, "fields": fields, "state": state,
            "publish_at": values["publish_at"] or now.astimezone(TOKYO).isoformat(),
            "urgency": values["urgency"] or template.urgency, "push": values["push"] or "true"}


def problems_to_errors(template: NoticeTemplate, problems: dict[str, Any]) -> dict[str, str]:
    """services.TemplateFieldsInvalid's codes next to the form's fields, in the staff's language."""
    errors = {}
    for name, code in (problems.get("fields") or {}).items():
        errors[f"field_{name}"] = str(FIELD_PROBLEMS.get(code, FIELD_PROBLEMS["missing"]))
    if "urgency" in problems:
        errors["urgency"] = str(FIELD_PROBLEMS[problems["urgency"]])
    return errors


def schema_errors(error: ValidationError) -> dict[str, str]:
    errors = {}
    for name, messages in error.normalized_messages().items():
        key = name if name in ("publish_at", "urgency", "push") else "publish_at"
        errors[key] = _("Choose an urgency.") if name == "urgency" else str(
            messages[0] if isinstance(messages, list) else messages)
    return errors


def field_labels(template: NoticeTemplate) -> dict[str, str]:
    labels = {_form_name(p): str(TYPE_LABELS[p.type]) for p in template.placeholders}
    labels.update({"publish_at": _("Publish at (Japan time)"), "urgency": _("Urgency"), "push": _("Push notification")})
    return labels


def preview_notice(template: NoticeTemplate, data: dict[str, Any]) -> Notice:
    """A notice not saved, to show exactly what phones would get (the previews of a saved notice)."""
    return Notice(id=0, title=data["title"], body=data["body"], topics=data["topics"], push=True,
                  publish_at=data.get("publish_at") or utcnow(), expires_at=None,
                  urgency=Urgency(data["urgency"]), ttl=data["ttl"], state=NoticeState.DRAFT)


def _page(template: NoticeTemplate, registry: TemplateRegistry, values: dict[str, Any],
          errors: dict[str, str] | None = None, preview: Notice | None = None) -> str:
    lang = g.lang
    role = signed_in_staff().role
    blanks = [{"placeholder": p, "name": _form_name(p), "label": TYPE_LABELS[p.type], "input": INPUT_TYPES.get(p.type),
               "choices": value_choices(registry, p, lang) if p.type in ("intensity", "areas", "shelter") else None}
              for p in template.placeholders]
    return render_template(
        "admin/notices/from_template.html", template=template, heading=template_heading(template, lang), blanks=blanks,
        values=values, errors=errors or {}, labels=field_labels(template),
        urgency_choices=[(u, URGENCY_LABELS[Urgency(u)]) for u in template.urgencies],
        may_send=role_allows(role, Action.SCHEDULE_NOTICES), machine=set(template.machine_translated),
        previews=locale_previews(preview) if preview is not None else None, **QUIET_HOURS,
    )


def _registry() -> TemplateRegistry | None:
    try:
        return stored_registry()
    except NoTemplates:
        return None


@bp.route("")
@require_action(Action.DRAFT_NOTICES)
def pick() -> str:
    """Every template, by what it announces; machine-translated languages are named."""
    registry = _registry()
    templates = list(registry.templates.values()) if registry else []
    return render_template("admin/notices/pick_template.html", templates=templates, topic_labels=TOPIC_LABELS,
                           headings={t.id: template_heading(t, g.lang) for t in templates},
                           machine={t.id: machine_languages(t) for t in templates})


@bp.route("/<template_id>", methods=["GET", "POST"])
@require_action(Action.DRAFT_NOTICES)
def fill(template_id: str) -> str | tuple[str, int] | BaseResponse:
    """Fill the blanks. "Preview" shows the notification in every language; "Send" or "Save draft" creates it."""
    registry = _registry()
    if registry is None:
        return redirect(url_for(".pick"), 303)
    template = get_template(registry, template_id)
    if request.method == "GET":
        return _page(template, registry, values_for_new(template))
    now = utcnow()
    values = values_from_form(template, request.form)
    action = request.form.get("action", "preview")
    role = signed_in_staff().role
    sending = action == "send" and role_allows(role, Action.SCHEDULE_NOTICES)
    state = NoticeState.SCHEDULED.value if sending else NoticeState.DRAFT.value
    args = args_from_values(template, values, state, now)
    errors: dict[str, str] = {}
    try:
        loaded = dict(NoticeCreateArgs().load(args))
    except ValidationError as error:
        errors.update(schema_errors(error))
        loaded = {"template": template.id, "template_fields": args["fields"]}  # still tell every blank's problem
    try:
        data = services.fill_from_template(loaded, registry)
    except services.TemplateFieldsInvalid as invalid:
        errors.update(problems_to_errors(template, invalid.problems))
    if errors:
        return _page(template, registry, values, errors), 422
    if action not in ("send", "draft"):
        return _page(template, registry, values, preview=preview_notice(template, data))
    services.ensure_may_set(role, state)
    notice = services.create_notice(data, current_actor(), now)
    if sending:
        flash(_("Scheduled. It goes out now.") if notice.publish_at <= now else
              _("Scheduled. It goes out at %(time)s (Japan time).", time=notice.publish_at.astimezone(TOKYO).strftime(
                  "%Y-%m-%d %H:%M")), "success")
    else:
        flash(_("Draft saved. Check the previews below."), "success")
    return redirect(url_for("notices_console.notice_detail", notice_id=notice.id), 303)
