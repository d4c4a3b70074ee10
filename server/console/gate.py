"""The console's gate: the session cookie, CSRF on every write, and refusals as pages.

`@staff` is to a console view what `@auth.roles(auth.COORDINATOR)` is to an API view, and marks it the
same way (`lb_access`): the session cookie names the member (server/services/people/console_sessions.py,
which ends idle sessions), `auth.admit` applies the API's role check and object scopes, and every
POST must carry the CSRF token (form field `csrf_token` or header `X-CSRF-Token`): none is 400, a wrong
one 403, both with a Chinese reason. A GET without a session goes to the login page, saying why.
"""

import datetime as dt
import hashlib
import hmac
from functools import wraps

from flask import current_app, g, make_response, redirect, render_template, request, url_for
from markupsafe import Markup

from server import runtime
from server.errors import LoveBankError, Unauthenticated
from server.extensions import auth
from server.services.people import console_sessions

SESSION_COOKIE = "lb_console"
LOGIN_COOKIE = "lb_console_login"  # the poll secret of the login this browser asked for
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfMissing(LoveBankError):
    status = 400
    rule = "csrf_missing"


class CsrfWrong(LoveBankError):
    status = 403
    rule = "csrf_wrong"


def csrf_token() -> str:
    """The token this browser's forms carry: an HMAC of its session (or pending login) secret, so nothing
    is stored and another site, which cannot read the cookie, cannot forge it."""
    if "lb_console_next_secret" in g:  # a cookie set by this very response (the login page)
        secret = g.lb_console_next_secret
    else:
        secret = request.cookies.get(g.get("lb_console_cookie", SESSION_COOKIE)) or ""
    key = runtime.setting("SECRET_KEY").encode()
    return hmac.new(key, b"console-csrf:" + secret.encode(), hashlib.sha256).hexdigest()[:40]


def check_csrf() -> None:
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD)
    if not sent:
        raise CsrfMissing("缺少安全校验码，请刷新页面后再试", field=CSRF_FIELD)
    if not request.cookies.get(g.get("lb_console_cookie", SESSION_COOKIE)) or not hmac.compare_digest(sent, csrf_token()):
        raise CsrfWrong("安全校验码不对，请刷新页面后再试", field=CSRF_FIELD)


def set_cookie(response, name: str, value: str, *, max_age: int | None = None):
    response.set_cookie(name, value, max_age=max_age, path="/console", httponly=True, samesite="Strict",
                        secure=runtime.setting("CONSOLE_COOKIE_SECURE"))
    return response


def clear_cookie(response, name: str):
    response.delete_cookie(name, path="/console", httponly=True, samesite="Strict",
                           secure=runtime.setting("CONSOLE_COOKIE_SECURE"))
    return response


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def _to_login(why: str):
    target = url_for("console.login", why=why or None)
    if is_htmx():
        response = make_response("", 401)
        response.headers["HX-Redirect"] = target
    else:
        response = redirect(target)
    return clear_cookie(response, SESSION_COOKIE)


def staff(func):
    """Coordinators and the admin, through their console session (see the module's docstring)."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        token = request.cookies.get(SESSION_COOKIE)
        try:
            if not token:
                raise Unauthenticated(rule="console_login_required")
            member = console_sessions.member_of(token)
        except Unauthenticated as error:
            if request.method in SAFE_METHODS:
                return _to_login(error.rule)
            raise
        check_csrf()
        auth.admit(member, (auth.COORDINATOR,))
        return func(*args, **kwargs)

    wrapper.lb_access = (auth.COORDINATOR,)
    wrapper.lb_console = True
    return wrapper


def public(func):
    """The login pages: anyone, but their forms carry the CSRF token of the pending login too."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        g.member = None
        g.lb_console_cookie = LOGIN_COOKIE
        check_csrf()
        return func(*args, **kwargs)

    wrapper.lb_access = (auth.PUBLIC,)
    wrapper.lb_console = True
    return wrapper


def field_errors(error: LoveBankError) -> dict:
    """A domain error as the form shows it: its message under its field (or above the form)."""
    return {error.field or "_": [error.message]}


def render_error(error: LoveBankError):
    """A refusal as a page (or, for an htmx request, the fragment that replaces the target)."""
    template = "console/_error.html" if is_htmx() else "console/error.html"
    return render_template(template, error=error), error.status


def init_blueprint(bp) -> None:
    bp.register_error_handler(LoveBankError, render_error)

    from server.console.blueprint import NAV

    @bp.context_processor
    def _console_globals():
        nav = [(endpoint, label) for endpoint, label in NAV if endpoint in current_app.view_functions]
        return {"console_member": lambda: g.get("member"), "nav": nav}

    # globals, not context: the macros of macros.html call them without being imported "with context"
    bp.add_app_template_global(csrf_token, "csrf_token")
    bp.add_app_template_global(here, "here")

    bp.add_app_template_filter(show, "show")
    bp.add_app_template_filter(hours, "hours")
    bp.add_app_template_filter(datetime_input, "datetime_input")


def here(filters: dict, **changes) -> str:
    """This page's address with its filters kept and `changes` made (the next page, a sort, the export)."""
    args = {**(request.view_args or {}), **{k: v for k, v in filters.items() if v}, **changes}
    return url_for(request.endpoint, **args)


def moment(value):
    """A datetime from what services answer: a datetime, or ISO text with its offset (a JSON-ready view)."""
    if isinstance(value, str) and len(value) >= 16 and value[4] == "-" and value[10] in "T ":
        try:
            return dt.datetime.fromisoformat(value).replace(tzinfo=None)
        except ValueError:
            return value
    return value


def datetime_input(value) -> str:
    """A datetime as an `<input type="datetime-local">` holds it."""
    value = moment(value)
    return value.strftime("%Y-%m-%dT%H:%M") if isinstance(value, dt.datetime) else (value or "")


def show(value) -> str:
    """A cell as people read it: dates as 2026-11-18 09:30 (never broken across lines), yes/no, nothing as —."""
    value = moment(value)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):  # kept on one line in a narrow column
        return Markup('<span class="when">{}</span>').format(value.strftime("%Y-%m-%d %H:%M"))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def hours(minutes) -> str:
    """Minutes as hours with one decimal (小时), as the passbook shows them."""
    if minutes is None:
        return "—"
    return f"{minutes / 60:.1f}"
