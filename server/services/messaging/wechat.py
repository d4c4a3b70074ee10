"""The WeChat server API, through wechatpy, pointed at WECHAT_API_BASE.

One module for every call we make: code2session (login), the access token (cached in
Redis and shared by all processes), subscribeMessage.send and msg_sec_check v2.
"""

import requests
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session.memorystorage import MemoryStorage
from wechatpy.session.redisstorage import RedisStorage

from server import runtime

__all__ = ["LoveBankWeChatClient", "WeChatClientException", "make_client", "NETWORK_ERRORS", "classify_error"]

NETWORK_ERRORS = (requests.RequestException,)
# WeChat is busy or rate-limiting us: the same request later will probably work.
RETRY_ERRCODES = {-1: "system busy", 45009: "daily quota reached", 45011: "too frequent"}


def classify_error(exc: Exception) -> tuple[str, int | None, str]:
    """("retry" | "refused", errcode, note) for what a WeChat call raised; anything else re-raises.

    Retry: network errors, HTTP 5xx/429 and the busy/rate-limit errcodes. Refused: WeChat
    answered and will give the same answer again (an invalid openid, bad data, ...).
    """
    if isinstance(exc, NETWORK_ERRORS):
        return "retry", None, f"network: {type(exc).__name__}"
    if not isinstance(exc, WeChatClientException):
        raise exc
    if exc.errcode is None:  # an HTTP error status, wrapped by wechatpy
        status = getattr(exc.response, "status_code", 0) or 0
        return ("retry" if status >= 500 or status == 429 else "refused"), None, f"http {status}"
    if exc.errcode in RETRY_ERRCODES:
        return "retry", exc.errcode, RETRY_ERRCODES[exc.errcode]
    return "refused", exc.errcode, str(exc.errmsg or exc.errcode)[:200]


class LoveBankWeChatClient(WeChatClient):
    """wechatpy's client with every URL under one configurable base."""

    def __init__(self, appid, secret, api_base, session=None, timeout=None):
        super().__init__(appid, secret, session=session, timeout=timeout)
        self.api_base = api_base.rstrip("/") + "/"
        self.API_BASE_URL = self.api_base + "cgi-bin/"
        self.wxa.API_BASE_URL = self.api_base

    def fetch_access_token(self):
        return self._fetch_access_token(
            url=self.api_base + "cgi-bin/token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
        )

    def code_to_session(self, js_code: str) -> dict:
        """code2session is authenticated by appid and secret: it needs no access token.

        (wechatpy's own `wxa.code_to_session` fetches one first; a present-but-None
        `access_token` param stops that, and requests leaves it out of the URL.)
        """
        return self.wxa._get(
            "sns/jscode2session",
            params={
                "appid": self.appid,
                "secret": self.secret,
                "js_code": js_code,
                "grant_type": "authorization_code",
                "access_token": None,
            },
        )

    def send_subscribe(self, openid: str, template_id: str, data: dict, page: str = "",
                       state: str = "formal") -> dict:
        """subscribeMessage.send, with the build to open (`miniprogram_state`), which wechatpy 1.8 lacks."""
        body = {"touser": openid, "template_id": template_id, "data": data, "miniprogram_state": state,
                "lang": "zh_CN"}
        if page:
            body["page"] = page
        return self.post("cgi-bin/message/subscribe/send", api_base_url=self.api_base, data=body)

    def msg_sec_check(self, openid: str, content: str, scene: int = 1) -> dict:
        """Content safety v2 (wechatpy ships v1 only)."""
        return self.wxa._post(
            "wxa/msg_sec_check", data={"version": 2, "openid": openid, "scene": scene, "content": content}
        )


def make_client(redis=None) -> LoveBankWeChatClient | None:
    """The configured client, or None when WeChat is not configured."""
    appid, secret = runtime.setting("WECHAT_APPID"), runtime.setting("WECHAT_SECRET")
    if not appid or not secret:
        return None
    session = RedisStorage(redis, prefix="lovebank:wechat") if redis is not None else MemoryStorage()
    return LoveBankWeChatClient(
        appid,
        secret,
        runtime.setting("WECHAT_API_BASE"),
        session=session,
        timeout=runtime.setting("WECHAT_TIMEOUT_SECONDS"),
    )
