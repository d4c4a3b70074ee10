"""Rate limits (Flask-Limiter, counted in Redis): logins, certificate and statement checks, QR and code
confirmations, writes.

A view that guesses at something declares its area with `@limits.area(...)` under its `@auth.roles` /
`@auth.public`; every POST, PATCH, PUT and DELETE also counts against its member's write limit. Each area
is limited per client address and, where someone is logged in, per member (the member comes from the
token's signature: the limit runs before the gate). The numbers are settings (`RATE_LIMIT_*`). Over a
limit: 429 with `Retry-After` and a Chinese message in the usual `{code, status, message, errors}` body.

A limit of several windows (`120/minute;2000/hour`) costs one Redis round trip, not one per window: Flask-Limiter
hits it window by window, and `WindowsTogether`, the counting it is given, sends every window's increment of that
limit in one pipeline at the first and answers the others from what came back (one trip for a write, where each
window was its own `EVALSHA`). Each window counts each request once, as before; a request refused by its minute is
counted in its hour too, as one refused by its hour always was in its minute.

The write limit is counted beside Flask-Limiter (`WriteLimit`, a `before_request`): the same keys in Redis, the same
script, its windows in one round trip, and the same 429. A request outside every area is not handed to Flask-Limiter
at all (a `request_filter`): none of its limits applies, and its bookkeeping of them (resolving, parsing, ordering
and exempting its seven limits, the write limit among them, on every request) was more than half of what
`GET /api/v1/health/ping` cost, and a third of a witness's confirmation.

Redis down: Flask-Limiter falls back to memory, where only the security limits are kept — logins,
certificate and statement checks and code confirmations go on being counted, per API process — while writes and
everything else pass (fail open: the API keeps accepting writes without Redis). It tries Redis again with
backoff and goes back to it once it answers.
"""

import logging
import math
import time

from flask import g, has_request_context, jsonify, request
from flask_limiter import Limit, Limiter
from flask_limiter.errors import RateLimitExceeded
from limits import RateLimitItem, parse_many
from limits.storage import RedisStorage
from limits.strategies import STRATEGIES, FixedWindowRateLimiter
from redis.exceptions import NoScriptError, RedisError
from werkzeug.middleware.proxy_fix import ProxyFix

from server import runtime
from server.extensions import auth
from server.extensions.errors import error_body
from server.redis_conn import resolve_url

log = logging.getLogger(__name__)

LOGIN, CERTIFICATE, STATEMENT, CODE, WRITE = "login", "certificate", "statement", "code", "write"
KEY_PREFIX = "lovebank"  # Flask-Limiter's key_prefix, the first of every limit's identifiers in Redis
# After Redis failed the write limit, writes pass uncounted this long before it is asked again (a Redis that hangs
# costs one request its timeout, not every write)
WRITE_LIMIT_BREAKER_SECONDS = 5.0
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
MESSAGES = {
    LOGIN: "登录太频繁了",
    CERTIFICATE: "查验证书太频繁了",
    STATEMENT: "核验存折太频繁了",
    CODE: "扫码或输入邀请码太频繁了",
    WRITE: "操作太频繁了",
}


def area(name: str):
    """Mark a view method as one of the guarded areas (LOGIN, CERTIFICATE, STATEMENT, CODE); it does not wrap."""
    assert name in (LOGIN, CERTIFICATE, STATEMENT, CODE), name

    def mark(func):
        func.lb_rate_area = name
        func._apidoc = {**getattr(func, "_apidoc", {}), "rate_area": name}  # the 429 in the OpenAPI
        return func

    return mark


def _request_area() -> str | None:
    if "lb_rate_area" not in g:
        g.lb_rate_area = getattr(auth.view_method(), "lb_rate_area", None)
    return g.lb_rate_area


def _member_id() -> int | None:
    if "lb_rate_member" not in g:
        g.lb_rate_member = auth.token_member_id()
    return g.lb_rate_member


def _by_address() -> str:
    return f"ip:{request.remote_addr or 'unknown'}"


def _by_member() -> str:
    return f"member:{_member_id()}"


def _by_member_or_address() -> str:
    return _by_member() if _member_id() is not None else _by_address()


def _outside(name: str, per_member: bool = False):
    """`exempt_when` of an area's limit: another area, or (per member) nobody logged in."""
    def exempt() -> bool:
        return _request_area() != name or (per_member and _member_id() is None)

    return exempt


def _guards() -> list[Limit]:
    """The security limits: kept in memory when Redis is down."""
    rows = [(LOGIN, "RATE_LIMIT_LOGIN_PER_IP", _by_address, False),
            (CERTIFICATE, "RATE_LIMIT_CERTIFICATE_PER_IP", _by_address, False),
            (CERTIFICATE, "RATE_LIMIT_CERTIFICATE_PER_MEMBER", _by_member, True),
            (STATEMENT, "RATE_LIMIT_STATEMENT_PER_IP", _by_address, False),
            (CODE, "RATE_LIMIT_CODE_PER_IP", _by_address, False),
            (CODE, "RATE_LIMIT_CODE_PER_MEMBER", _by_member, True)]
    return [_limit(setting, key, _outside(name, per_member), MESSAGES[name])
            for name, setting, key, per_member in rows if runtime.setting(setting)]


# Each limit's windows, by its scope (the setting's name, lowercase: one per limit); `_limit` fills it.
_WINDOWS: dict[str, list[RateLimitItem]] = {}


def _limit(setting: str, key, exempt, message: str) -> Limit:
    """A shared limit counted under its setting's name; its windows known to `WindowsTogether`."""
    value, scope = runtime.setting(setting), setting.lower()
    _WINDOWS[scope] = parse_many(value)
    return Limit(value, key_function=key, scope=scope, shared=True, exempt_when=exempt, error_message=message)


class WindowsTogether(FixedWindowRateLimiter):
    """limits' fixed windows, with every window of one limit counted in one Redis round trip.

    Flask-Limiter hits a limit of several windows window by window, each one `EVALSHA` of limits' own
    increment script. Here the first window's hit sends that script for every window of the limit (the same
    identifiers: prefix, who, scope) in one pipeline, and keeps the other windows' counts for the rest of the
    request, where their own hits read them. The counts are limits' own: the same keys, the same script.
    Anything else (one window, another storage such as the in-memory fallback, no request) is counted as
    limits counts it."""

    def hit(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        windows = _WINDOWS.get(identifiers[-1]) if identifiers else None
        if not windows or len(windows) < 2 or item not in windows or not isinstance(self.storage, RedisStorage) \
                or not has_request_context():
            return super().hit(item, *identifiers, cost=cost)
        counted = g.setdefault("lb_rate_counts", {})
        key = item.key_for(*identifiers)
        if key not in counted:  # the limit's first window this request: every window counted, this one with them
            keys = [window.key_for(*identifiers) for window in windows]
            counted.update(zip(keys, self.count(windows, identifiers, cost), strict=True))
        return counted.pop(key) <= item.amount

    def count(self, windows: list[RateLimitItem], identifiers, cost: int = 1) -> list[int]:
        """Add `cost` to every window of a limit, in one round trip; each window's count after it, in order."""
        keys = [(window.key_for(*identifiers), window.get_expiry()) for window in windows]
        script = self.storage.lua_incr_expire
        # EVALSHA itself: a redis-py Script in a pipeline first asks SCRIPT EXISTS, one more round trip.
        pipe = self.storage.get_connection().pipeline(transaction=False)
        for key, expiry in keys:
            pipe.evalsha(script.sha, 1, self.storage.prefixed_key(key), expiry, cost)  # as limits' `incr` sends it
        try:
            counts = pipe.execute()
        except NoScriptError:  # Redis restarted or flushed its scripts: nothing was counted; limits loads it again
            counts = [self.storage.incr(key, expiry, amount=cost) for key, expiry in keys]
        return [int(count) for count in counts]


STRATEGY = "lovebank-fixed-window"
STRATEGIES[STRATEGY] = WindowsTogether  # limits' table of strategies, where Flask-Limiter looks a name up


class WriteLimitExceeded(Exception):
    """Over the write limit: the window that refused, and when it opens again (seconds since the epoch)."""

    def __init__(self, window: RateLimitItem, reset_at: float):
        super().__init__(MESSAGES[WRITE])
        self.window, self.reset_at = window, reset_at


class WriteLimit:
    """Every POST, PATCH, PUT and DELETE counted against its member's limit (RATE_LIMIT_WRITE_PER_MEMBER; by
    client address when nobody is logged in), before the view, as Flask-Limiter counted it: the same keys in
    Redis (KEY_PREFIX, who, the setting's name), limits' script, every window in one round trip, the same 429.

    It is counted here, not as one of Flask-Limiter's default limits, because that is what a write costs: the
    round trip, not Flask-Limiter's bookkeeping of seven limits around it. Redis down: writes pass uncounted (fail
    open, as before: the API keeps accepting writes without Redis), and Redis is asked again after
    WRITE_LIMIT_BREAKER_SECONDS."""

    SETTING = "RATE_LIMIT_WRITE_PER_MEMBER"

    def __init__(self, storage):
        self.windows = parse_many(runtime.setting(self.SETTING))
        self.counter = WindowsTogether(storage)
        self.down_until = 0.0

    def check(self) -> None:
        if request.method not in WRITE_METHODS or request.endpoint is None or time.monotonic() < self.down_until:
            return
        identifiers = (KEY_PREFIX, _by_member_or_address(), self.SETTING.lower())
        try:
            counts = self.counter.count(self.windows, identifiers)
        except (RedisError, OSError) as exc:  # Redis down or hanging: fail open
            self.down_until = time.monotonic() + WRITE_LIMIT_BREAKER_SECONDS
            log.warning("write limit not counted (%s: %s); writes pass for %ss", type(exc).__name__, exc,
                        WRITE_LIMIT_BREAKER_SECONDS)
            return
        spent = [window for window, count in zip(self.windows, counts, strict=True) if count > window.amount]
        if spent:
            # the window that opens last: the one to wait for
            opens_at, _, window = max((self._opens_at(window, identifiers), window.get_expiry(), window)
                                      for window in spent)
            raise WriteLimitExceeded(window, opens_at)

    def _opens_at(self, window: RateLimitItem, identifiers) -> float:
        """When a spent window opens again: its key's time to live (Redis rounds it to the second: one more, so
        that a client waiting that long is not refused again), or the whole window when Redis does not say.
        Either way the write stays refused."""
        try:
            return self.counter.storage.get_expiry(window.key_for(*identifiers)) + 1
        except (RedisError, OSError):
            return time.time() + window.get_expiry()


def _wait(seconds: int) -> str:
    return f"{seconds}秒" if seconds < 60 else f"{math.ceil(seconds / 60)}分钟"


def _too_many(words: str, window_seconds: int, reset_at: float):
    """429 with Retry-After (the window's reset, whole seconds, at most the window) and a Chinese message."""
    retry_after = min(window_seconds, max(1, math.ceil(reset_at - time.time())))
    message = f"{words}，请{_wait(retry_after)}后再试"
    response = jsonify(error_body(429, message, {"rule": "rate_limited",
                                                 "details": {"retry_after_seconds": retry_after}}))
    response.status_code = 429
    response.headers["Retry-After"] = str(retry_after)
    return response


def init_app(app) -> Limiter:
    config = app.config
    if config["FORWARDED_HOPS"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config["FORWARDED_HOPS"])
    limiter = Limiter(
        _by_address,
        default_limits=_guards(),
        in_memory_fallback=_guards(),
        in_memory_fallback_enabled=True,
        swallow_errors=True,  # a storage error never turns a request into a 500
        storage_uri=resolve_url(config["REDIS_URL"]),
        # Short timeouts, as for every Redis call a request makes: a Redis that hangs must not hold requests.
        storage_options={"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        strategy=STRATEGY,  # fixed windows, a limit's windows counted in one round trip
        key_prefix=KEY_PREFIX,
        enabled=config["RATE_LIMITS"],
    )
    limiter.init_app(app)

    @limiter.request_filter
    def _no_area() -> bool:
        """Outside every guarded area each of Flask-Limiter's limits would find itself exempt: it is not asked."""
        return _request_area() is None

    if config["RATE_LIMITS"] and runtime.setting(WriteLimit.SETTING):
        app.before_request(WriteLimit(limiter.storage).check)

    @app.errorhandler(RateLimitExceeded)
    def _area_spent(error: RateLimitExceeded):
        window = error.limit.limit.get_expiry()
        try:
            reset_at = limiter.current_limit.reset_at  # whole seconds, rounded up
        except Exception:  # noqa: BLE001 - the counter's storage went away meanwhile: a whole window
            reset_at = time.time() + window
        return _too_many(error.description, window, reset_at)

    @app.errorhandler(WriteLimitExceeded)
    def _writes_spent(error: WriteLimitExceeded):
        return _too_many(MESSAGES[WRITE], error.window.get_expiry(), error.reset_at)

    return limiter
