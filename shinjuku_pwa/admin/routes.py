"""The staff console under /admin, in Japanese and English.

    /admin/                          dashboard                              any role
    /admin/login, /admin/logout      sign in (rate-limited), sign out
    /admin/password                  change one's own password              any role
    /admin/staff                     accounts: list, create                 admin
    /admin/staff/<id>                one account: role, disable, tokens     admin
    /admin/tokens/<id>/revoke        revoke an API token                    admin
    /admin/audit                     the audit log, filtered                admin
    /admin/language/<code>           the console's language (ja, en)
"""
from __future__ import annotations

import math
import time
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import RequestLimit
from marshmallow import ValidationError
from werkzeug.wrappers import Response as BaseResponse

from ..composition import dashboard
from ..core.clock import TOKYO, utcnow
from ..core.errors import error_response
from ..core.i18n import STAFF_LOCALES
from ..core.security import limiter
from ..staff import audit, auth, services
from ..staff.audit import AuditFilter
from ..staff.identity import current_actor, current_session_id, current_staff, end_session, signed_in_staff, start_session
from ..staff.models import StaffRole, StaffUser
from ..staff.permissions import Action, NotSignedIn, require_action, role_allows
from .schemas import (
    AuditFilterArgs,
    LoginArgs,
    PasswordChangeArgs,
    RoleArgs,
    StaffCreateArgs,
    TokenCreateArgs,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")

LANGUAGE_COOKIE = "staff_lang"
AUDIT_PAGE_SIZE = 50

ROLE_LABELS = {
    StaffRole.EDITOR: _l("Editor"),
    StaffRole.PUBLISHER: _l("Publisher"),
    StaffRole.ADMIN: _l("Administrator"),
}
PASSWORD_PROBLEMS = {
    auth.TOO_SHORT: _l("Use at least 12 characters."),
    auth.TOO_LONG: _l("Use at most 1,024 characters."),
    auth.COMMON: _l("This password is too common. Choose one that others would not guess."),
    auth.REPETITIVE: _l("Use more different characters."),
    auth.CONTAINS_EMAIL: _l("Do not use your e-mail address in your password."),
    services.WRONG_CURRENT_PASSWORD: _l("Your current password is not correct."),
    services.UNCHANGED: _l("The new password must be different from the current one."),
}


# Language, template context, errors


@bp.before_request
def choose_staff_language() -> None:
    """The staff UI is in Japanese or English: the console's own cookie, else the browser's choice."""
    choice = request.cookies.get(LANGUAGE_COOKIE)
    if choice not in STAFF_LOCALES:
        choice = request.accept_languages.best_match(STAFF_LOCALES, default="ja")
    g.lang = choice


@bp.context_processor
def staff_context() -> dict[str, Any]:
    staff = g.get("staff")
    return {
        "staff": staff,
        "can": lambda action: staff is not None and role_allows(staff.role, Action(action)),
        "role_label": lambda role: ROLE_LABELS[StaffRole(role)],
        "STAFF_LOCALES": STAFF_LOCALES,
    }


@bp.app_template_filter("staff_datetime")
def staff_datetime(value) -> str:
    """A stored (UTC) time as staff read it: Tokyo time."""
    return format_datetime(value, "yyyy-MM-dd HH:mm")


@bp.app_template_filter("staff_iso")
def staff_iso(value) -> str:
    return value.isoformat()


@bp.app_errorhandler(NotSignedIn)
def answer_not_signed_in(exc: NotSignedIn) -> BaseResponse:
    """API: 401 JSON with a Bearer challenge. Pages: the sign-in page, then back here."""
    if request.path.startswith("/api/"):
        response = error_response(401)
        challenge = 'Bearer realm="shinjuku-staff"'
        if g.get("bearer_token_refused"):
            challenge += ', error="invalid_token"'
        response.headers["WWW-Authenticate"] = challenge
        return response
    back_to = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("admin.login", next=back_to, expired=1 if g.get("staff_session_expired") else None), 303)


def _safe_next(target: str | None) -> str | None:
    """Only a path inside the console: never another site (an open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/admin") or target.startswith("//") or "\\" in target:
        return None
    return target


def _form_errors(error: ValidationError) -> dict[str, str]:
    return {name: str(messages[0]) if isinstance(messages, list) else str(messages)
            for name, messages in error.normalized_messages().items()}


# Signing in and out


def _sign_in_failed(response: Response) -> bool:
    return g.get("staff_sign_in_failed", False)


def _account_key() -> str:
    # Per account, whatever IP the attempts come from; empty (no limit) without an e-mail.
    email = services.normalize_email(request.form.get("email", ""))[:254]
    return f"staff-sign-in:{email}" if email else ""


def _locked_out(limit: RequestLimit) -> Response:
    choose_staff_language()
    minutes = max(1, round((limit.reset_at - time.time()) / 60))
    return make_response(render_template("admin/locked_out.html", minutes=minutes), 429)


def _per_ip_limit() -> str:
    return current_app.config["STAFF_LOGIN_LIMIT_PER_IP"]


def _per_account_limit() -> str:
    return current_app.config["STAFF_LOGIN_LIMIT_PER_ACCOUNT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_per_ip_limit, methods=["POST"], deduct_when=_sign_in_failed, on_breach=_locked_out)
@limiter.limit(_per_account_limit, key_func=_account_key, methods=["POST"], deduct_when=_sign_in_failed,
               on_breach=_locked_out)
def login() -> str | tuple[str, int] | BaseResponse:
    """Sign in with e-mail and password; only failed attempts count towards the lock-out."""
    if request.method == "GET":
        if current_staff() is not None:
            return redirect(url_for(".dashboard"))
        return render_template("admin/login.html", next=_safe_next(request.args.get("next")),
                               expired=bool(request.args.get("expired")), signed_out=bool(request.args.get("signed_out")))
    try:
        args = LoginArgs().load(request.form.to_dict())
    except ValidationError as error:
        return render_template("admin/login.html", errors=_form_errors(error), email=request.form.get("email", ""),
                               next=_safe_next(request.form.get("next"))), 422
    try:
        signed_in = services.sign_in(args["email"], args["password"], request.remote_addr, utcnow())
    except services.SignInFailed:
        g.staff_sign_in_failed = True
        return render_template("admin/login.html", failed=True, email=args["email"], next=_safe_next(args["next"]))
    start_session(signed_in.session_id)
    return redirect(_safe_next(args["next"]) or url_for(".dashboard"), 303)


@bp.route("/logout", methods=["POST"])
def logout() -> BaseResponse:
    """Sign out: the session row is deleted, so the cookie is worthless even if copied."""
    session_id = current_session_id()
    if current_staff() is not None and session_id:
        services.sign_out(session_id, current_actor(), utcnow())
    end_session()
    return redirect(url_for(".login", signed_out=1), 303)


@bp.route("/password", methods=["GET", "POST"])
@require_action(Action.USE_OWN_ACCOUNT)
def password() -> str | tuple[str, int] | BaseResponse:
    """Change one's own password (the current one is required)."""
    if request.method == "GET":
        return render_template("admin/password.html")
    try:
        args = PasswordChangeArgs().load(request.form.to_dict())
    except ValidationError as error:
        return render_template("admin/password.html", errors=_form_errors(error)), 422
    if args["new_password"] != args["new_password_again"]:
        return render_template("admin/password.html", errors={"new_password_again": _("The two new passwords differ.")}), 422
    try:
        services.change_password(signed_in_staff(), args["current_password"], args["new_password"], current_actor(),
                                 utcnow(), keep_session_id=current_session_id())
    except services.PasswordRejected as rejected:
        problems = [PASSWORD_PROBLEMS[p] for p in rejected.problems]
        return render_template("admin/password.html", problems=problems), 422
    flash(_("Your password has been changed. Your other sessions were signed out."), "success")
    return redirect(url_for(".dashboard"), 303)


@bp.route("/language/<code>")
def language(code: str) -> BaseResponse:
    """Switch the console between Japanese and English, and go back to the same page."""
    response = redirect(_safe_next(request.args.get("next")) or url_for(".dashboard"))
    if code in STAFF_LOCALES:
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax",
                            secure=request.is_secure, httponly=True, path="/admin")
    return response


# Dashboard


@bp.route("/", endpoint="dashboard")
@require_action(Action.VIEW_DASHBOARD)
def dashboard_page() -> str:
    """Announcements, pages due for review, translation coverage, feedback, search misses."""
    now = utcnow()
    return render_template(
        "admin/dashboard.html",
        announcements=dashboard.announcements_for_dashboard(now, g.lang),
        overdue=dashboard.pages_overdue_for_review(now.astimezone(TOKYO).date()),
        coverage=dashboard.translation_coverage(current_app.config["TRANSLATIONS_DIR"]),
        feedback=dashboard.feedback_by_page(g.lang),
        misses=dashboard.search_misses(),
    )


# Staff accounts


@bp.route("/staff", methods=["GET", "POST"])
@require_action(Action.MANAGE_STAFF)
def staff_list() -> str | tuple[str, int] | BaseResponse:
    """All accounts, and a form for a new one."""
    if request.method == "GET":
        return render_template("admin/staff_list.html", accounts=services.list_staff(), roles=list(StaffRole))
    errors, problems = {}, []
    try:
        args = StaffCreateArgs().load(request.form.to_dict())
        created = services.create_staff(args["email"], args["password"], StaffRole(args["role"]), current_actor(), utcnow())
    except ValidationError as error:
        errors = _form_errors(error)
    except services.PasswordRejected as rejected:
        problems = [PASSWORD_PROBLEMS[p] for p in rejected.problems]
    except services.StaffExists:
        errors = {"email": _("An account with this e-mail address already exists.")}
    else:
        flash(_("Account created: %(email)s", email=created.email), "success")
        return redirect(url_for(".staff_detail", staff_id=created.id), 303)
    return render_template("admin/staff_list.html", accounts=services.list_staff(), roles=list(StaffRole),
                           errors=errors, problems=problems, form=request.form), 422


@bp.route("/staff/<int:staff_id>")
@require_action(Action.MANAGE_STAFF)
def staff_detail(staff_id: int) -> str:
    """One account: role, enable or disable, API tokens."""
    return render_template("admin/staff_detail.html", account=services.get_staff_by_id(staff_id), roles=list(StaffRole))


def _answer_last_admin(account: StaffUser) -> BaseResponse:
    flash(_("The console needs at least one active administrator."), "error")
    return redirect(url_for(".staff_detail", staff_id=account.id), 303)


@bp.route("/staff/<int:staff_id>/role", methods=["POST"])
@require_action(Action.MANAGE_STAFF)
def staff_role(staff_id: int) -> BaseResponse:
    """Give an account another role."""
    account = services.get_staff_by_id(staff_id)
    try:
        args = RoleArgs().load(request.form.to_dict())
        services.change_role(account, StaffRole(args["role"]), current_actor(), utcnow())
    except ValidationError:
        flash(_("Choose a role."), "error")
    except services.LastAdmin:
        return _answer_last_admin(account)
    else:
        flash(_("Role changed."), "success")
    return redirect(url_for(".staff_detail", staff_id=account.id), 303)


@bp.route("/staff/<int:staff_id>/disable", methods=["POST"])
@require_action(Action.MANAGE_STAFF)
def staff_disable(staff_id: int) -> BaseResponse:
    """Disable an account: its sessions end and its tokens are revoked at once."""
    account = services.get_staff_by_id(staff_id)
    try:
        services.disable_staff(account, current_actor(), utcnow())
    except services.LastAdmin:
        return _answer_last_admin(account)
    flash(_("Account disabled. Its sessions were ended and its tokens revoked."), "success")
    return redirect(url_for(".staff_detail", staff_id=account.id), 303)


@bp.route("/staff/<int:staff_id>/enable", methods=["POST"])
@require_action(Action.MANAGE_STAFF)
def staff_enable(staff_id: int) -> BaseResponse:
    """Enable a disabled account again (its old tokens stay revoked)."""
    account = services.get_staff_by_id(staff_id)
    services.enable_staff(account, current_actor(), utcnow())
    flash(_("Account enabled."), "success")
    return redirect(url_for(".staff_detail", staff_id=account.id), 303)


@bp.route("/staff/<int:staff_id>/tokens", methods=["POST"])
@require_action(Action.MANAGE_STAFF)
def token_create(staff_id: int) -> str | tuple[str, int]:
    """A new API token for this account, shown on this page once and never again."""
    account = services.get_staff_by_id(staff_id)
    try:
        args = TokenCreateArgs().load(request.form.to_dict())
    except ValidationError as error:
        return render_template("admin/staff_detail.html", account=account, roles=list(StaffRole),
                               token_errors=_form_errors(error)), 422
    token, secret = services.create_token(account, args["name"], current_actor(), utcnow())
    return render_template("admin/staff_detail.html", account=account, roles=list(StaffRole),
                           new_token=token, new_secret=secret)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@require_action(Action.MANAGE_STAFF)
def token_revoke(token_id: int) -> BaseResponse:
    """Revoke an API token: the next request with it gets 401."""
    token = services.get_token_by_id(token_id)
    services.revoke_token(token, current_actor(), utcnow())
    flash(_("Token revoked."), "success")
    return redirect(url_for(".staff_detail", staff_id=token.staff_id), 303)


# Audit log


@bp.route("/audit")
@require_action(Action.VIEW_AUDIT)
def audit_log() -> str | tuple[str, int]:
    """Every staff action, newest first, filtered by who, what, which object and when."""
    try:
        args = AuditFilterArgs().load({k: v for k, v in request.args.items() if v != ""})
    except ValidationError as error:
        return render_template("admin/audit.html", errors=_form_errors(error), entries=[], total=0, page=1,
                               pages=1, filters={}, actions=audit.list_audit_actions()), 422
    page = args.pop("page")
    entries, total = audit.list_audit_entries(AuditFilter(**args), page=page, per_page=AUDIT_PAGE_SIZE)
    filters = {key: value.isoformat() if hasattr(value, "isoformat") else value
               for key, value in args.items() if value is not None}
    return render_template("admin/audit.html", entries=entries, total=total, page=page,
                           pages=max(1, math.ceil(total / AUDIT_PAGE_SIZE)), filters=filters,
                           actions=audit.list_audit_actions())
