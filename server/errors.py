"""Domain errors: one base per layer, every subclass named after the rule it guards.

Services raise these; `server.extensions.errors` maps them to HTTP once, in
flask-smorest's `{code, status, message, errors}` body. Messages are written for the
person holding the phone, in Chinese.
"""


class LoveBankError(Exception):
    """A request that breaks a rule. 422 unless a subclass says otherwise."""

    status = 422
    rule = "rule"

    def __init__(self, message: str, *, field: str | None = None, rule: str | None = None, **details):
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details
        if rule:
            self.rule = rule


class RuleBroken(LoveBankError):
    status = 422


class NotFound(LoveBankError):
    """Missing, or not yours: the two look the same so ids cannot be probed."""

    status = 404
    rule = "not_found"

    def __init__(self, message: str = "找不到这条记录，或者您无权查看", **kw):
        super().__init__(message, **kw)


class Forbidden(LoveBankError):
    status = 403
    rule = "forbidden"

    def __init__(self, message: str = "您的身份不能做这件事", **kw):
        super().__init__(message, **kw)


class Unauthenticated(LoveBankError):
    status = 401
    rule = "login_required"

    def __init__(self, message: str = "请先登录", **kw):
        super().__init__(message, **kw)


class Conflict(LoveBankError):
    status = 409
    rule = "conflict"


class TooManyRequests(LoveBankError):
    status = 429
    rule = "rate_limited"


class UpstreamError(LoveBankError):
    status = 502
    rule = "upstream"
