"""Logging in to the station's console by scanning (扫码登录), over HTTP: every rule of the session."""

import datetime as dt

from server import clock
from tests.console.helpers import approve, console_login, login_page
from tests.factories import headers, make_admin, make_community, make_coordinator, make_member

NOW = dt.datetime(2026, 11, 18, 9, 0)


def test_a_coordinator_who_approves_the_qr_code_owns_the_console_session(any_app):
    clock.freeze(NOW)
    coordinator = make_coordinator(make_community(), name="孙站长")
    client = any_app.test_client()
    assert client.get("/console/").headers["Location"].startswith("/console/login")

    payload, csrf = login_page(client)
    assert payload.startswith("lovebank-console:")
    waiting = client.post("/console/login/status", headers={"X-CSRF-Token": csrf})
    assert waiting.status_code == 200 and "等待手机确认" in waiting.get_data(as_text=True)

    approved = approve(client, any_app, coordinator, payload)
    assert approved.status_code == 200 and approved.json["member_name"] == "孙站长"
    claimed = client.post("/console/login/status", headers={"X-CSRF-Token": csrf})
    assert claimed.status_code == 200 and claimed.headers["HX-Redirect"] == "/console/"
    cookie = next(c for c in claimed.headers.getlist("Set-Cookie") if c.startswith("lb_console="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/console" in cookie and "Secure" not in cookie
    desk = client.get("/console/")
    assert desk.status_code == 200 and "孙站长" in desk.get_data(as_text=True)


def test_the_api_answers_a_pending_login_and_refuses_every_wrong_approval(any_app):
    clock.freeze(NOW)
    community = make_community()
    coordinator, resident = make_coordinator(community), make_member(community)
    client = any_app.test_client()
    started = client.post("/api/v1/console-sessions")
    assert started.status_code == 200 and started.json["qr_payload"] == "lovebank-console:" + started.json["token"]

    refused = approve(client, any_app, resident, started.json["token"])
    assert refused.status_code == 403 and refused.json["errors"]["rule"] == "role_required"
    assert approve(client, any_app, coordinator, "lovebank-console:nonsense").status_code == 404
    assert approve(client, any_app, coordinator, started.json["token"]).status_code == 200
    again = approve(client, any_app, make_admin(), started.json["token"])
    assert again.status_code == 409 and again.json["errors"]["rule"] == "console_login_used"

    late = client.post("/api/v1/console-sessions").json
    clock.freeze(NOW + dt.timedelta(minutes=4))
    expired = approve(client, any_app, coordinator, late["qr_payload"])
    assert expired.status_code == 422 and expired.json["errors"]["rule"] == "console_login_expired"
    assert "过期" in expired.json["message"]
    assert client.post("/api/v1/console-sessions/x/approve").status_code == 401


def test_only_the_browser_that_asked_takes_the_session_and_only_once(any_app):
    clock.freeze(NOW)
    coordinator = make_coordinator(make_community())
    asking, other = any_app.test_client(), any_app.test_client()
    payload, csrf = login_page(asking)
    _, other_csrf = login_page(other)
    assert approve(asking, any_app, coordinator, payload).status_code == 200
    # the other browser has its own pending login: it stays waiting, the approval is not its
    assert "等待手机确认" in other.post("/console/login/status", headers={"X-CSRF-Token": other_csrf}).get_data(as_text=True)
    assert other.get("/console/").status_code == 302
    secret = asking.get_cookie("lb_console_login", path="/console").value
    assert asking.post("/console/login/status", headers={"X-CSRF-Token": csrf}).headers["HX-Redirect"] == "/console/"
    assert asking.get_cookie("lb_console_login", path="/console") is None  # the poll secret is dropped
    # replayed by hand (a copied cookie), the poll secret takes no second session
    replay = any_app.test_client()
    replay.set_cookie("lb_console_login", secret, path="/console")
    twice = replay.post("/console/login/status", headers={"X-CSRF-Token": csrf})
    assert "已经用过" in twice.get_data(as_text=True) and replay.get("/console/").status_code == 302


def test_an_expired_qr_code_says_so_on_the_login_page(any_app):
    clock.freeze(NOW)
    client = any_app.test_client()
    _, csrf = login_page(client)
    clock.freeze(NOW + dt.timedelta(minutes=4))
    answer = client.post("/console/login/status", headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 200 and "已过期" in answer.get_data(as_text=True)
    assert 'hx-trigger' not in answer.get_data(as_text=True)  # the page stops asking


def test_writes_without_or_with_a_wrong_csrf_token_are_refused_in_chinese(any_app):
    clock.freeze(NOW)
    coordinator = make_coordinator(make_community())
    client = any_app.test_client()
    csrf = console_login(client, any_app, coordinator)
    missing = client.post("/console/logout")
    assert missing.status_code == 400 and "缺少安全校验码" in missing.get_data(as_text=True)
    wrong = client.post("/console/logout", data={"csrf_token": "0" * 40})
    assert wrong.status_code == 403 and "安全校验码不对" in wrong.get_data(as_text=True)
    htmx_wrong = client.post("/console/logout", headers={"X-CSRF-Token": csrf[:-1] + "x", "HX-Request": "true"})
    assert htmx_wrong.status_code == 403
    assert client.get("/console/").status_code == 200  # still logged in
    # another browser's token is not this one's
    other = any_app.test_client()
    other_csrf = console_login(other, any_app, coordinator)
    assert client.post("/console/logout", data={"csrf_token": other_csrf}).status_code == 403
    # the login page's forms are guarded too
    assert any_app.test_client().post("/console/login/status").status_code == 400


def test_an_idle_session_ends_and_the_login_page_says_why(any_app):
    clock.freeze(NOW)
    coordinator = make_coordinator(make_community())
    client = any_app.test_client()
    console_login(client, any_app, coordinator)
    clock.freeze(NOW + dt.timedelta(minutes=29))
    assert client.get("/console/").status_code == 200  # a request starts the idle clock again
    clock.freeze(NOW + dt.timedelta(minutes=29 + 31))
    gone = client.get("/console/")
    assert gone.status_code == 302 and gone.headers["Location"] == "/console/login?why=console_idle"
    assert "太久没有操作" in client.get(gone.headers["Location"]).get_data(as_text=True)
    assert client.get("/console/").status_code == 302
    htmx = client.post("/console/logout", headers={"HX-Request": "true", "X-CSRF-Token": "x"})
    assert htmx.status_code == 401


def test_logout_ends_the_session_for_good(any_app):
    clock.freeze(NOW)
    coordinator = make_coordinator(make_community())
    client = any_app.test_client()
    csrf = console_login(client, any_app, coordinator)
    cookie = client.get_cookie("lb_console", path="/console").value
    out = client.post("/console/logout", data={"csrf_token": csrf})
    assert out.status_code == 302 and out.headers["Location"] == "/console/login?why=logout"
    assert client.get("/console/").status_code == 302
    # the old cookie, replayed, opens nothing
    replay = any_app.test_client()
    replay.set_cookie("lb_console", cookie, path="/console")
    assert replay.get("/console/").status_code == 302


def test_a_coordinator_who_loses_the_role_loses_the_console(any_app):
    clock.freeze(NOW)
    community = make_community()
    coordinator, admin = make_coordinator(community), make_admin()
    client = any_app.test_client()
    console_login(client, any_app, coordinator)
    assert client.put(f"/api/v1/members/{coordinator.id}/roles", json={"roles": [], "community_id": community.id},
                      headers=headers(any_app, admin)).status_code == 200
    assert client.get("/console/").status_code == 302


def test_dev_login_buttons_only_where_dev_login_is_on(app, redis_url, sqlite_url):
    from tests.conftest import make_app

    coordinator = make_coordinator(make_community())
    coordinator.handle = "demo_station"
    coordinator.save()
    client = app.test_client()
    page = client.get("/console/login").get_data(as_text=True)
    assert "开发登录" in page
    off = make_app(sqlite_url, redis_url, DEV_LOGIN=False).test_client()
    page_off = off.get("/console/login").get_data(as_text=True)
    assert "开发登录" not in page_off
    from tests.console.helpers import HX_CSRF

    csrf = HX_CSRF.search(page_off).group(1)
    assert off.post("/console/dev-login", data={"csrf_token": csrf, "handle": "demo_station"}).status_code == 404
    assert off.get("/console/").status_code == 302


def test_the_cookie_is_secure_when_configured(app, redis_url, sqlite_url):
    from tests.conftest import make_app

    secure = make_app(sqlite_url, redis_url, CONSOLE_COOKIE_SECURE=True).test_client()
    answer = secure.get("/console/login")
    assert all("Secure" in c for c in answer.headers.getlist("Set-Cookie"))


def test_logins_nobody_approved_are_dropped_a_day_later(any_app):
    from server.models import ConsoleSession

    clock.freeze(NOW)
    client = any_app.test_client()
    client.post("/api/v1/console-sessions")
    console_login(client, any_app, make_coordinator(make_community()))
    clock.freeze(NOW + dt.timedelta(days=2))
    client.post("/api/v1/console-sessions")
    kept = [(row.member_id is not None) for row in ConsoleSession.select().order_by(ConsoleSession.id)]
    assert kept == [True, False]  # the approved login (a session) stays; the old pending one is gone
