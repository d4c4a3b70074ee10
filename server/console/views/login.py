"""Logging in to the console by scanning (扫码登录), the development login, and logging out."""

from flask import current_app, g, make_response, redirect, render_template, request, url_for

from server.console import gate
from server.console.blueprint import bp
from server.errors import LoveBankError
from server.extensions import limits
from server.services.people import auth as auth_service
from server.services.people import console_sessions, demo

_REASONS = {
    "console_idle": console_sessions.IDLE,
    "console_session_ended": console_sessions.ENDED,
    "staff_only": console_sessions.STAFF_ONLY,
    "logout": "您已退出工作台",
}


def _session_response(token: str, target: str, *, htmx: bool):
    """The session cookie, and the way on: htmx follows `HX-Redirect` (a 302 would be followed inside the
    request and its page swapped into the status box); a plain form gets a redirect."""
    if htmx:
        response = make_response(render_template("console/_login_done.html", target=target))
        response.headers["HX-Redirect"] = target
    else:
        response = redirect(target)
    gate.clear_cookie(response, gate.LOGIN_COOKIE)
    return gate.set_cookie(response, gate.SESSION_COOKIE, token)


@bp.route("/login")
@gate.public
@limits.area(limits.LOGIN)
def login():
    """The QR code to scan with the mini-program; the page asks every two seconds whether it was approved."""
    started = console_sessions.start()
    g.lb_console_next_secret = started["poll_secret"]
    dev = [d for d in demo.demo_logins() if {"coordinator", "admin"} & set(d["roles"])] \
        if current_app.config["DEV_LOGIN"] else []
    page = render_template("console/login.html", title="扫码登录", qr=console_sessions.qr_svg(started["qr_payload"]),
                           started=started, why=_REASONS.get(request.args.get("why", "")), dev_logins=dev)
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return gate.set_cookie(response, gate.LOGIN_COOKIE, started["poll_secret"])


@bp.route("/login/status", methods=["POST"])
@gate.public
def login_status():
    """Polled by the login page (htmx): waiting, expired, or approved (the session cookie, then the desk)."""
    secret = request.cookies.get(gate.LOGIN_COOKIE, "")
    try:
        token, _ = console_sessions.claim(secret) if secret else (None, "waiting")
    except LoveBankError as error:
        return render_template("console/_login_status.html", error=error)
    if token is None:
        return render_template("console/_login_status.html", error=None)
    return _session_response(token, url_for("console.desk"), htmx=True)


@bp.route("/dev-login", methods=["POST"])
@gate.public
@limits.area(limits.LOGIN)
def dev_login():
    """A demo coordinator's session without scanning: only where DEV_LOGIN is on."""
    if not current_app.config["DEV_LOGIN"]:
        return render_template("console/error.html", error=LoveBankError("开发登录没有开启", rule="dev_login_off")), 404
    member = auth_service.dev_login(request.form.get("handle", ""))
    return _session_response(console_sessions.open_directly(member), url_for("console.desk"), htmx=False)


@bp.route("/logout", methods=["POST"])
@gate.staff
def logout():
    """End this browser's session."""
    console_sessions.logout(request.cookies.get(gate.SESSION_COOKIE, ""))
    response = redirect(url_for("console.login", why="logout"))
    return gate.clear_cookie(response, gate.SESSION_COOKIE)
