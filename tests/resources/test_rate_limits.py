"""Rate limits: logins, certificate checks, QR and code confirmations and writes, per address and per member;
429 with Retry-After in Chinese; with Redis gone, logins and codes stay limited and writes go through."""

import pytest

from server.models import Member
from tests.conftest import _free_port, make_app
from tests.factories import headers, make_community, make_member
from tests.wechat_stub import CODE2SESSION


def _limited(sqlite_url, redis_url, **limits):
    return make_app(sqlite_url, redis_url, **limits)


def _from(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def _assert_429(answer, words: str):
    assert answer.status_code == 429, answer.json
    retry_after = int(answer.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert answer.json["code"] == 429 and answer.json["status"] == "Too Many Requests"
    assert answer.json["errors"]["rule"] == "rate_limited"
    assert answer.json["errors"]["details"]["retry_after_seconds"] == retry_after
    assert words in answer.json["message"] and "后再试" in answer.json["message"]


def test_logins_are_limited_per_address_and_the_excess_never_reaches_wechat(sqlite_url, redis_url, redis, wechat):
    """150 bad WeChat codes each called code2Session: now the fourth within the minute is refused first."""
    app = _limited(sqlite_url, redis_url, RATE_LIMIT_LOGIN_PER_IP="3/minute", WECHAT_APPID="wx-test-app",
                   WECHAT_SECRET="wx-test-secret", WECHAT_API_BASE=wechat.base)
    client = app.test_client()
    for n in range(2):
        assert client.post("/api/v1/auth/wechat", json={"code": f"code-{n}"}, **_from("10.0.0.1")).status_code == 200
    assert client.post("/api/v1/auth/dev-login", json={"handle": "nobody"}, **_from("10.0.0.1")).status_code == 404
    refused = client.post("/api/v1/auth/wechat", json={"code": "code-3"}, **_from("10.0.0.1"))
    _assert_429(refused, "登录太频繁")
    assert len(wechat.calls(CODE2SESSION)) == 2 and not Member.select().where(Member.openid == "openid-code-3").exists()
    assert client.post("/api/v1/auth/dev-login", json={"handle": "x"}, **_from("10.0.0.1")).status_code == 429
    # another address is counted on its own
    assert client.post("/api/v1/auth/wechat", json={"code": "code-4"}, **_from("10.0.0.2")).status_code == 200


def test_certificate_guesses_are_limited_per_address_and_per_member(sqlite_url, redis_url, redis):
    app = _limited(sqlite_url, redis_url, RATE_LIMIT_CERTIFICATE_PER_IP="3/minute",
                   RATE_LIMIT_CERTIFICATE_PER_MEMBER="2/minute")
    client = app.test_client()
    for n in range(3):
        assert client.get(f"/api/v1/certificates/GUESS{n}/verify", **_from("10.0.0.1")).status_code == 404
    _assert_429(client.get("/api/v1/certificates/GUESS9/verify", **_from("10.0.0.1")), "查验证书太频繁")
    # a logged-in guesser changing address is still counted as themself
    token = headers(app, make_member(make_community()))
    for address in ("10.0.1.1", "10.0.1.2"):
        assert client.get("/api/v1/certificates/X/verify", headers=token, **_from(address)).status_code == 404
    _assert_429(client.get("/api/v1/certificates/X/verify", headers=token, **_from("10.0.1.3")), "查验证书太频繁")


def test_a_head_request_counts_as_the_get_it_is(sqlite_url, redis_url, redis):
    """Flask answers HEAD with a view's `get`: guessing certificate serials by HEAD (200 against 404, no body) is
    limited as GET is."""
    app = _limited(sqlite_url, redis_url, RATE_LIMIT_CERTIFICATE_PER_IP="2/minute")
    client = app.test_client()
    for _ in range(2):
        assert client.head("/api/v1/certificates/NOSUCH/verify").status_code == 404
    assert client.head("/api/v1/certificates/NOSUCH/verify").status_code == 429
    assert client.get("/api/v1/certificates/NOSUCH/verify").status_code == 429


def test_invite_code_guesses_are_limited_per_member_and_per_address(sqlite_url, redis_url, redis):
    app = _limited(sqlite_url, redis_url, RATE_LIMIT_CODE_PER_MEMBER="3/minute", RATE_LIMIT_CODE_PER_IP="4/minute")
    client = app.test_client()
    community = make_community()
    guesser = headers(app, make_member(community, household=False))
    guess = {"invite_code": "ZZZZZZZZ", "relation": "儿子"}
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        assert client.post("/api/v1/households/join", json=guess, headers=guesser, **_from(address)).status_code == 422
    _assert_429(client.post("/api/v1/households/join", json=guess, headers=guesser, **_from("10.0.0.4")), "邀请码太频繁")
    # QR confirmations and check-ins share the member's count
    assert client.post("/api/v1/service-records/confirm-qr", json={"token": "x"}, headers=guesser,
                       **_from("10.0.0.5")).status_code == 429
    # many people behind one address (the station's Wi-Fi): its own, larger limit (the guesser used 1 of 4)
    for _ in range(3):
        other = headers(app, make_member(community, household=False))
        assert client.post("/api/v1/households/join", json=guess, headers=other, **_from("10.0.0.1")).status_code == 422
    last = headers(app, make_member(community, household=False))
    assert client.post("/api/v1/households/join", json=guess, headers=last, **_from("10.0.0.1")).status_code == 429


def test_writes_are_limited_per_member_and_reads_are_not(sqlite_url, redis_url, redis):
    app = _limited(sqlite_url, redis_url, RATE_LIMIT_WRITE_PER_MEMBER="3/minute")
    client = app.test_client()
    community = make_community()
    me = headers(app, make_member(community))
    for _ in range(3):
        assert client.post("/api/v1/notifications/read-all", json={}, headers=me).status_code == 200
    _assert_429(client.post("/api/v1/notifications/read-all", json={}, headers=me), "操作太频繁")
    for _ in range(5):
        assert client.get("/api/v1/me", headers=me).status_code == 200
    neighbour = headers(app, make_member(community))
    assert client.post("/api/v1/notifications/read-all", json={}, headers=neighbour).status_code == 200


def test_client_address_behind_a_proxy(sqlite_url, redis_url, redis):
    app = _limited(sqlite_url, redis_url, RATE_LIMIT_CERTIFICATE_PER_IP="1/minute", FORWARDED_HOPS=1)
    client = app.test_client()
    proxy = _from("10.9.9.9")
    assert client.get("/api/v1/certificates/A/verify", headers={"X-Forwarded-For": "1.1.1.1"}, **proxy).status_code == 404
    assert client.get("/api/v1/certificates/A/verify", headers={"X-Forwarded-For": "2.2.2.2"}, **proxy).status_code == 404
    assert client.get("/api/v1/certificates/A/verify", headers={"X-Forwarded-For": "1.1.1.1"}, **proxy).status_code == 429


@pytest.fixture
def silent_redis_url():
    """A Redis URL whose port answers nothing."""
    return f"redis://127.0.0.1:{_free_port()}/0"


def test_with_redis_down_logins_and_codes_stay_limited_and_writes_go_through(sqlite_url, silent_redis_url):
    app = _limited(sqlite_url, silent_redis_url, RATE_LIMIT_LOGIN_PER_IP="2/minute", RATE_LIMIT_CODE_PER_MEMBER="2/minute",
                   RATE_LIMIT_WRITE_PER_MEMBER="2/minute")
    client = app.test_client()
    community = make_community()
    me = headers(app, make_member(community))
    for _ in range(5):  # more than the write limit: fail open
        assert client.post("/api/v1/notifications/read-all", json={}, headers=me).status_code == 200
    for _ in range(2):
        assert client.post("/api/v1/auth/dev-login", json={"handle": "nobody"}).status_code == 404
    _assert_429(client.post("/api/v1/auth/dev-login", json={"handle": "nobody"}), "登录太频繁")
    guesser = headers(app, make_member(community, household=False))
    guess = {"invite_code": "ZZZZZZZZ", "relation": "儿子"}
    for _ in range(2):
        assert client.post("/api/v1/households/join", json=guess, headers=guesser).status_code == 422
    _assert_429(client.post("/api/v1/households/join", json=guess, headers=guesser), "邀请码太频繁")


def test_the_openapi_documents_429(app):
    spec = app.test_client().get("/api/v1/openapi.json").json
    limited = spec["components"]["responses"]["RATE_LIMITED"]
    assert "Retry-After" in limited["headers"]
    ref = {"$ref": "#/components/responses/RATE_LIMITED"}
    assert spec["paths"]["/api/v1/certificates/{serial}/verify"]["get"]["responses"]["429"] == ref
    assert spec["paths"]["/api/v1/notifications/read-all"]["post"]["responses"]["429"] == ref
    assert "429" not in spec["paths"]["/api/v1/me"]["get"]["responses"]


def test_statement_checks_are_limited_per_address(sqlite_url, redis_url, redis):
    """POST /statements/verify is public and does an Ed25519 check per call: counted per address."""
    app = _limited(sqlite_url, redis_url, RATE_LIMIT_STATEMENT_PER_IP="2/minute")
    client = app.test_client()
    for _ in range(2):
        answer = client.post("/api/v1/statements/verify", json={"compact": "LB1.x.y.z"}, **_from("10.0.2.1"))
        assert answer.status_code == 200 and answer.json["valid"] is False
    _assert_429(client.post("/api/v1/statements/verify", json={"compact": "LB1.x.y.z"}, **_from("10.0.2.1")),
                "核验存折太频繁")
    assert client.post("/api/v1/statements/verify", json={"compact": "LB1.x.y.z"}, **_from("10.0.2.2")).status_code == 200


def _window_counts(redis, scope: str, who: str = "*") -> dict[str, int]:
    """What limits keeps in Redis for a limit's windows: {"3/1/minute": count, …} (`who`: "member:7")."""
    counts = {}
    for key in redis.keys(f"LIMITS:LIMITER/*/{who}/{scope}/*"):
        window = key.decode().rsplit("/", 3)[-3:]
        counts["/".join(window)] = int(redis.get(key))
    return counts


def test_a_limit_of_two_windows_counts_both_in_one_round_trip(sqlite_url, redis_url, redis, redis_trips):
    """The default write limit has two windows (120/minute;2000/hour): each write was two EVALSHAs, one per
    window; now one pipeline. Each window still counts each write once, and a write the minute refuses is
    counted in the hour too."""
    app = _limited(sqlite_url, redis_url, RATE_LIMIT_WRITE_PER_MEMBER="3/minute;10/hour")
    client = app.test_client()
    community = make_community()
    member = make_member(community)
    me = headers(app, member)
    # someone else's write first: the connection is opened, the script loaded
    assert client.post("/api/v1/notifications/read-all", json={}, headers=headers(app, make_member(community))).status_code == 200
    for n in range(3):
        redis_trips.clear()
        assert client.post("/api/v1/notifications/read-all", json={}, headers=me).status_code == 200
        assert len(redis_trips) == 1, redis_trips
        assert b"".join(redis_trips[0]).count(b"EVALSHA") == 2
        assert _window_counts(redis, "rate_limit_write_per_member", f"member:{member.id}") == {
            "3/1/minute": n + 1, "10/1/hour": n + 1}
    _assert_429(client.post("/api/v1/notifications/read-all", json={}, headers=me), "操作太频繁")
    assert _window_counts(redis, "rate_limit_write_per_member", f"member:{member.id}") == {
        "3/1/minute": 4, "10/1/hour": 4}


def test_windows_are_counted_again_after_redis_lost_its_scripts(sqlite_url, redis_url, redis):
    """A Redis restarted (or SCRIPT FLUSH) has forgotten limits' script: the write is counted all the same."""
    app = _limited(sqlite_url, redis_url, RATE_LIMIT_WRITE_PER_MEMBER="5/minute;10/hour")
    client = app.test_client()
    me = headers(app, make_member(make_community()))
    assert client.post("/api/v1/notifications/read-all", json={}, headers=me).status_code == 200
    redis.script_flush()
    assert client.post("/api/v1/notifications/read-all", json={}, headers=me).status_code == 200
    assert client.post("/api/v1/notifications/read-all", json={}, headers=me).status_code == 200
    assert _window_counts(redis, "rate_limit_write_per_member") == {"5/1/minute": 3, "10/1/hour": 3}


def test_with_redis_down_a_limit_of_two_windows_is_kept_in_memory(sqlite_url, silent_redis_url):
    app = _limited(sqlite_url, silent_redis_url, RATE_LIMIT_LOGIN_PER_IP="5/minute;2/hour")
    client = app.test_client()
    for _ in range(2):
        assert client.post("/api/v1/auth/dev-login", json={"handle": "nobody"}).status_code == 404
    refused = client.post("/api/v1/auth/dev-login", json={"handle": "nobody"})
    assert refused.status_code == 429 and "登录太频繁" in refused.json["message"]


def test_a_code_confirmation_goes_to_redis_once_per_limit(sqlite_url, redis_url, redis, redis_trips):
    """A QR confirmation counts against three limits (codes per address, per member, writes) of two windows
    each: three round trips, where each window was one (six)."""
    app = _limited(sqlite_url, redis_url, RATE_LIMIT_CODE_PER_IP="60/minute;600/hour",
                   RATE_LIMIT_CODE_PER_MEMBER="10/minute;60/hour", RATE_LIMIT_WRITE_PER_MEMBER="120/minute;2000/hour")
    client = app.test_client()
    me = headers(app, make_member(make_community()))
    assert client.post("/api/v1/service-records/confirm-qr", json={"token": "x"}, headers=me).status_code == 422
    redis_trips.clear()
    assert client.post("/api/v1/service-records/confirm-qr", json={"token": "y"}, headers=me).status_code == 422
    assert len(redis_trips) == 3 and all(b"".join(sent).count(b"EVALSHA") == 2 for sent in redis_trips), redis_trips


@pytest.mark.parametrize("limit", ["10/minute;2/hour", "2/minute;2/hour"])
def test_the_wait_is_for_the_spent_window_that_opens_last(sqlite_url, redis_url, redis, limit):
    """The hour's window spent (alone, or with the minute's): Retry-After is the hour's. Told to come back when
    the minute opens, a member would be refused again by the hour."""
    app = _limited(sqlite_url, redis_url, RATE_LIMIT_WRITE_PER_MEMBER=limit)
    client = app.test_client()
    me = headers(app, make_member(make_community()))
    for _ in range(2):
        assert client.post("/api/v1/notifications/read-all", json={}, headers=me).status_code == 200
    refused = client.post("/api/v1/notifications/read-all", json={}, headers=me)
    assert refused.status_code == 429 and "操作太频繁" in refused.json["message"]
    assert 60 < int(refused.headers["Retry-After"]) <= 3600 and "分钟后再试" in refused.json["message"]


@pytest.fixture
def hanging_redis():
    """A port that accepts connections and never answers (a Redis that hangs); the connections it was offered."""
    import socket
    import threading

    server = socket.create_server(("127.0.0.1", 0))
    offered, stop = [], threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                offered.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0", offered
    stop.set()
    thread.join()
    for connection in offered:
        connection.close()
    server.close()


def test_a_redis_that_hangs_costs_one_write_its_timeout_not_every_write(sqlite_url, hanging_redis, monkeypatch):
    """The write limit waits for a hanging Redis once (its socket timeout), lets that write through, and lets the
    writes after it through without asking until the breaker's time is up; then it asks again."""
    from server.extensions import limits

    monkeypatch.setattr(limits, "WRITE_LIMIT_BREAKER_SECONDS", 3600.0)  # no write of this test outlives it
    url, offered = hanging_redis
    app = _limited(sqlite_url, url, RATE_LIMIT_WRITE_PER_MEMBER="1/minute")
    client = app.test_client()
    me = headers(app, make_member(make_community()))
    for _ in range(4):  # beyond the limit: fail open
        assert client.post("/api/v1/notifications/read-all", json={}, headers=me).status_code == 200
    assert len(offered) == 1
    (check,) = [hook for hook in app.before_request_funcs[None] if getattr(hook, "__self__", None).__class__
                is limits.WriteLimit]
    check.__self__.down_until = 0.0  # the breaker's time is up
    assert client.post("/api/v1/notifications/read-all", json={}, headers=me).status_code == 200
    assert len(offered) == 2
