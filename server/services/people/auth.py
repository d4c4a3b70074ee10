"""Logging in: WeChat's code2session, and the development login with demo handles.

`session_key` is dropped the moment code2session answers: it never reaches a
response, a log line or the database.
"""

import logging

from server.errors import NotFound, TooManyRequests, Unauthenticated, UpstreamError
from server.models import Member
from server.services.messaging.wechat import NETWORK_ERRORS, WeChatClientException

log = logging.getLogger(__name__)

# code2session's refusals that mean "this code is no good": ask the phone for a new one.
INVALID_CODE = {40029, 40163, 40226}
RATE_LIMITED = {45011}


def wechat_login(client, code: str) -> Member:
    """Exchange a wx.login code for our member (created on first login)."""
    if client is None:
        raise UpstreamError("微信登录未配置，请联系服务站", rule="wechat_not_configured")
    try:
        answer = client.code_to_session(code)
    except WeChatClientException as exc:
        errcode = exc.errcode
        log.warning("code2session refused: errcode=%s", errcode)
        if errcode in INVALID_CODE:
            raise Unauthenticated("登录凭证无效或已过期，请重新打开小程序", rule="wechat_code_invalid") from None
        if errcode in RATE_LIMITED:
            raise TooManyRequests("登录太频繁了，请稍等一分钟再试", rule="wechat_rate_limited") from None
        raise UpstreamError("微信登录服务暂时不可用，请稍后再试", rule="wechat_error", errcode=errcode) from None
    except NETWORK_ERRORS as exc:
        log.warning("code2session unreachable: %s", type(exc).__name__)
        raise UpstreamError("连不上微信登录服务，请稍后再试", rule="wechat_unreachable") from None

    openid = answer.get("openid") if isinstance(answer, dict) else None
    if not openid:
        raise UpstreamError("微信登录服务返回的内容不完整，请稍后再试", rule="wechat_bad_answer")
    # Two first logins at once must not make two members: insert-or-ignore, then read.
    Member.insert(openid=openid, roles="").on_conflict_ignore().execute()
    return Member.get(Member.openid == openid)


def dev_login(handle: str) -> Member:
    member = Member.get_or_none(Member.handle == handle)
    if member is None or member.erased_at is not None:
        raise NotFound(f"没有这个演示账号：{handle}", field="handle")
    return member
