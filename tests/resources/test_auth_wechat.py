"""WeChat login against a local stand-in for code2session, with every refusal mapped."""

import logging

import pytest

from server import runtime
from server.models import Member
from tests.conftest import make_app
from tests.wechat_stub import CODE2SESSION, TOKEN


@pytest.fixture
def wx_app(sqlite_url, redis_url, redis, wechat):
    return make_app(sqlite_url, redis_url, WECHAT_APPID="wx-test-app", WECHAT_SECRET="wx-test-secret",
                    WECHAT_API_BASE=wechat.base, DEV_LOGIN=False)


def test_login_creates_member_and_hides_session_key(wx_app, wechat, caplog):
    caplog.set_level(logging.DEBUG)
    client = wx_app.test_client()
    answer = client.post("/api/v1/auth/wechat", json={"code": "abc123"})
    assert answer.status_code == 200, answer.json
    assert "SECRET-session-key" not in answer.get_data(as_text=True)
    assert "session_key" not in answer.get_data(as_text=True)
    assert "SECRET-session-key" not in caplog.text
    member = Member.get(Member.openid == "openid-abc123")
    assert answer.json["member"]["id"] == member.id
    # our own token works; WeChat's code went to code2session with our app's credentials
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {answer.json['token']}"})
    assert me.status_code == 200 and me.json["id"] == member.id
    (call,) = wechat.calls(CODE2SESSION)
    assert call["query"] == {"appid": "wx-test-app", "secret": "wx-test-secret", "js_code": "abc123",
                             "grant_type": "authorization_code"}
    assert wechat.calls(TOKEN) == [], "code2session needs no access token"


def test_second_login_is_the_same_member(wx_app):
    client = wx_app.test_client()
    first = client.post("/api/v1/auth/wechat", json={"code": "same"}).json["member"]["id"]
    second = client.post("/api/v1/auth/wechat", json={"code": "same"}).json["member"]["id"]
    assert first == second
    assert Member.select().where(Member.openid == "openid-same").count() == 1


@pytest.mark.parametrize(
    ("errcode", "status", "rule"),
    [(40029, 401, "wechat_code_invalid"), (40163, 401, "wechat_code_invalid"), (45011, 429, "wechat_rate_limited"),
     (40013, 502, "wechat_error"), (-1, 502, "wechat_error")],
)
def test_wechat_refusals_are_mapped(wx_app, wechat, errcode, status, rule):
    wechat.script(CODE2SESSION, {"errcode": errcode, "errmsg": "refused", "session_key": "SECRET-session-key-x"})
    answer = wx_app.test_client().post("/api/v1/auth/wechat", json={"code": "whatever"})
    assert answer.status_code == status
    assert answer.json["errors"]["rule"] == rule
    assert answer.json["message"]  # Chinese text for the person
    assert "SECRET-session-key" not in answer.get_data(as_text=True)


def test_wechat_http_error_is_502(wx_app, wechat):
    wechat.script(CODE2SESSION, (500, {"oops": True}))
    answer = wx_app.test_client().post("/api/v1/auth/wechat", json={"code": "x"})
    assert answer.status_code == 502


def test_wechat_unreachable_is_502(sqlite_url, redis_url, redis):
    app = make_app(sqlite_url, redis_url, WECHAT_APPID="a", WECHAT_SECRET="b",
                   WECHAT_API_BASE="http://127.0.0.1:9/", WECHAT_TIMEOUT_SECONDS=1)
    answer = app.test_client().post("/api/v1/auth/wechat", json={"code": "x"})
    assert answer.status_code == 502
    assert answer.json["errors"]["rule"] == "wechat_unreachable"


def test_wechat_not_configured_is_502(app):
    answer = app.test_client().post("/api/v1/auth/wechat", json={"code": "x"})
    assert answer.status_code == 502
    assert answer.json["errors"]["rule"] == "wechat_not_configured"


@pytest.mark.parametrize("body", [{}, {"code": ""}, {"code": 5}, {"code": "x", "extra": 1}])
def test_bad_login_bodies_are_422(app, body):
    answer = app.test_client().post("/api/v1/auth/wechat", json=body)
    assert answer.status_code == 422
    assert answer.json["errors"]["json"]


def test_dev_login_only_when_enabled(sqlite_url, redis_url, redis):
    off = make_app(sqlite_url, redis_url, DEV_LOGIN=False).test_client()
    assert off.post("/api/v1/auth/dev-login", json={"handle": "resident"}).status_code == 404
    on = make_app(sqlite_url, redis_url, DEV_LOGIN=True).test_client()
    assert on.post("/api/v1/auth/dev-login", json={"handle": "nobody"}).status_code == 404


def test_dev_login_with_demo_handles(app):
    from server.services.people import demo

    assert demo.load() is True
    assert demo.load() is False  # once
    client = app.test_client()
    handles = {d["handle"] for d in client.get("/api/v1/auth/dev-logins").json}
    assert {"resident", "volunteer", "retired", "coordinator", "admin"} <= handles
    for handle in handles:
        answer = client.post("/api/v1/auth/dev-login", json={"handle": handle})
        assert answer.status_code == 200
    retired = client.post("/api/v1/auth/dev-login", json={"handle": "retired"}).json["member"]
    assert retired["volunteer"]["status"] == "retired"


def test_tampered_expired_and_revoked_tokens_are_401(app):
    from tests.factories import headers, make_community, make_member

    member = make_member(make_community())
    good = headers(app, member)
    client = app.test_client()
    assert client.get("/api/v1/me", headers={"Authorization": good["Authorization"] + "x"}).status_code == 401
    Member.update(token_version=Member.token_version + 1).where(Member.id == member.id).execute()
    assert client.get("/api/v1/me", headers=good).json["errors"]["rule"] == "token_revoked"
    fresh = headers(app, member)
    assert client.get("/api/v1/me", headers=fresh).status_code == 200  # its signature is now remembered
    assert client.get("/api/v1/me", headers={"Authorization": fresh["Authorization"][:-2] + "xx"}).status_code == 401
    runtime.configure({**app.config, "TOKEN_TTL_SECONDS": -1})  # the age is checked on every request all the same
    assert client.get("/api/v1/me", headers=fresh).json["errors"]["rule"] == "token_expired"
    runtime.configure(app.config)
    Member.update(token_version=Member.token_version + 1).where(Member.id == member.id).execute()
    assert client.get("/api/v1/me", headers=fresh).json["errors"]["rule"] == "token_revoked"


ODD_PAYLOADS = [{"m": "abc"}, [1, 2], "a string", 7, None, {}, {"m": 1}, {"v": 0}, {"m": True, "v": 0},
                {"m": 1.5, "v": 0}, {"m": 2**63, "v": 0}, {"m": -1, "v": 0}, {"m": 1, "v": "0"}, {"m": [1], "v": 0}]


@pytest.mark.parametrize("payload", ODD_PAYLOADS, ids=repr)
def test_tokens_signed_with_the_real_key_but_an_odd_payload_are_401(app, payload):
    """The signature proves the key, not the payload's shape: anything but {m: id, v: version} is 401."""
    from server.extensions import auth
    from tests.factories import make_community, make_member

    make_member(make_community())  # member 1 exists, so {"m": 1} alone is not refused for lack of a member
    with app.app_context():
        token = auth._serializer("login").dumps(payload)
    answer = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401, answer.json
    assert answer.json["errors"]["rule"] in ("token_invalid", "token_revoked")


@pytest.mark.parametrize("payload", [[1, 2], "a string", None, {}, {"id": "abc"}, {"id": "1"}, {"id": True},
                                     {"id": 2**63}, {"id": 0}, {"id": 1.0}], ids=repr)
def test_qr_tokens_signed_with_the_real_key_but_an_odd_payload_are_422(app, payload):
    """The same for QR tokens: 422 naming `token`, never a 500 (nor a lookup by a float or a string)."""
    from server.errors import RuleBroken
    from server.services.people import tokens

    with app.app_context():
        token = tokens._serializer("witness").dumps(payload)
        with pytest.raises(RuleBroken) as refused:
            tokens.read("witness", token)
    assert (refused.value.field, refused.value.rule) == ("token", "qr_invalid")
