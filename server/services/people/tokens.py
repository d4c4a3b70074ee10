"""Short-lived signed tokens shown as QR codes: witness confirmation, check-in, event check-in."""

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from server import runtime
from server.db import is_id
from server.errors import RuleBroken


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(runtime.setting("SECRET_KEY"), salt=f"qr:{purpose}")


def issue(purpose: str, object_id: int, version: int | None = None) -> str:
    """`version`: the token stands for this version of the object only (an edited record's old QR stops working)."""
    return _serializer(purpose).dumps({"id": object_id} if version is None else {"id": object_id, "v": version})


def read(purpose: str, token: str) -> int:
    """The object id in a fresh token of this purpose; 422 naming `token` otherwise."""
    return read_versioned(purpose, token)[0]


def read_versioned(purpose: str, token: str) -> tuple[int, int | None]:
    """(object id, version or None) in a fresh token of this purpose; 422 naming `token` otherwise."""
    invalid = RuleBroken("二维码无效，请扫描爱心银行的二维码", field="token", rule="qr_invalid")
    try:
        data = _serializer(purpose).loads(token, max_age=runtime.setting("QR_TOKEN_TTL_SECONDS"))
    except SignatureExpired:
        raise RuleBroken("二维码已过期，请对方刷新后再扫", field="token", rule="qr_expired") from None
    except BadSignature:
        raise invalid from None
    # Signed by us, but perhaps not in today's shape (or for another use of the key).
    if not isinstance(data, dict) or not is_id(data.get("id")):
        raise invalid
    version = data.get("v")
    if version is not None and not is_id(version):
        raise invalid
    return data["id"], version
