"""Logging in to the station's web console by scanning (扫码登录), and the console's browser sessions.

A browser asks for a login (`start`): it gets a token for its QR code and a poll secret it keeps in a
cookie. A coordinator or the admin scans the code with the mini-program and approves it (`approve`),
within CONSOLE_LOGIN_MINUTES and once. The browser that asked, and only it (the poll secret), then
claims the session once (`claim`) and gets a session token for its cookie. Every later request finds its
member by that token (`member_of`), which ends the session after CONSOLE_IDLE_MINUTES without a request
or when the member is no longer a coordinator. Only SHA-256 digests of the three secrets are stored.
"""

import datetime as dt
import hashlib
import io
import secrets

from server import clock, runtime
from server.db import database
from server.errors import Conflict, Forbidden, NotFound, RuleBroken, Unauthenticated
from server.models import ConsoleSession, Member

QR_PREFIX = "lovebank-console:"
STAFF = ("coordinator", "admin")
LOGIN_EXPIRED = "这个登录二维码已过期，请在电脑上刷新页面后重新扫码"
LOGIN_USED = "这个登录二维码已经用过了，请在电脑上刷新页面后重新扫码"
LOGIN_UNKNOWN = "没有找到这个登录二维码，请在电脑上刷新页面后重新扫码"
STAFF_ONLY = "只有服务站协调员或管理员才能登录工作台"
IDLE = "您太久没有操作，已自动退出，请重新扫码登录"
ENDED = "您已退出工作台，请重新扫码登录"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def is_staff(member: Member) -> bool:
    return member.erased_at is None and bool(member.role_set & set(STAFF))


def start() -> dict:
    """A pending login: the token for the QR code and the secret the asking browser keeps."""
    login_token, poll_secret = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    now = clock.now()
    expires_at = now + dt.timedelta(minutes=runtime.setting("CONSOLE_LOGIN_MINUTES"))
    with database.atomic():
        # logins nobody approved are of no use a day later: a login page left open, a bot; they go
        (ConsoleSession.delete().where(ConsoleSession.member.is_null(),
                                       ConsoleSession.expires_at < now - dt.timedelta(days=1)).execute())
        row = ConsoleSession.create(login_hash=_digest(login_token), poll_hash=_digest(poll_secret), created_at=now,
                                    expires_at=expires_at)
    return {"id": row.id, "token": login_token, "qr_payload": QR_PREFIX + login_token, "poll_secret": poll_secret,
            "expires_at": expires_at}


def qr_svg(payload: str) -> str:
    """The QR code as inline SVG (no image file to fetch, crisp when printed)."""
    import qrcode
    import qrcode.image.svg

    out = io.BytesIO()
    qrcode.make(payload, image_factory=qrcode.image.svg.SvgPathImage, border=2, box_size=12).save(out)
    return out.getvalue().decode()


def _login_token(text: str) -> str:
    return text[len(QR_PREFIX):] if text.startswith(QR_PREFIX) else text


def approve(me: Member, token: str) -> ConsoleSession:
    """A coordinator or the admin approves the login shown as `token` (the QR payload or the bare token)."""
    if not is_staff(me):
        raise Forbidden(STAFF_ONLY, rule="staff_only")
    digest, now = _digest(_login_token(token.strip())), clock.now()
    with database.atomic():
        done = (ConsoleSession.update(member=me, approved_at=now)
                .where(ConsoleSession.login_hash == digest, ConsoleSession.member.is_null(),
                       ConsoleSession.ended_at.is_null(), ConsoleSession.expires_at > now).execute())
        row = ConsoleSession.get_or_none(ConsoleSession.login_hash == digest)
    if row is None:
        raise NotFound(LOGIN_UNKNOWN, field="token", rule="console_login_unknown")
    if not done:
        if row.member_id is not None:
            raise Conflict(LOGIN_USED, field="token", rule="console_login_used")
        raise RuleBroken(LOGIN_EXPIRED, field="token", rule="console_login_expired")
    return row


def claim(poll_secret: str) -> tuple[str | None, str]:
    """What the asking browser's login has come to: ("", "waiting"), (session token, "approved") the one
    time it is claimed, or raises when it expired or was claimed already."""
    now = clock.now()
    row = ConsoleSession.get_or_none(ConsoleSession.poll_hash == _digest(poll_secret))
    if row is None:
        raise NotFound(LOGIN_UNKNOWN, rule="console_login_unknown")
    if row.member_id is None:
        if row.expires_at <= now or row.ended_at is not None:
            raise RuleBroken(LOGIN_EXPIRED, rule="console_login_expired")
        return None, "waiting"
    session_token = secrets.token_urlsafe(32)
    with database.atomic():
        done = (ConsoleSession.update(session_hash=_digest(session_token), claimed_at=now, last_seen_at=now)
                .where(ConsoleSession.id == row.id, ConsoleSession.claimed_at.is_null()).execute())
    if not done:
        raise Conflict(LOGIN_USED, rule="console_login_used")
    return session_token, "approved"


def open_directly(member: Member) -> str:
    """A session opened without scanning: the development login (only where DEV_LOGIN is on)."""
    if not is_staff(member):
        raise Forbidden(STAFF_ONLY, rule="staff_only")
    session_token, now = secrets.token_urlsafe(32), clock.now()
    with database.atomic():
        ConsoleSession.create(login_hash=_digest(secrets.token_urlsafe(24)), poll_hash=_digest(secrets.token_urlsafe(24)),
                              created_at=now, expires_at=now, member=member, approved_at=now,
                              session_hash=_digest(session_token), claimed_at=now, last_seen_at=now)
    return session_token


def _end(row_id: int, why: str) -> None:
    with database.atomic():
        (ConsoleSession.update(ended_at=clock.now(), ended_why=why)
         .where(ConsoleSession.id == row_id, ConsoleSession.ended_at.is_null()).execute())


def member_of(session_token: str) -> Member:
    """The member a session cookie belongs to; the session's idle clock starts again."""
    row = ConsoleSession.get_or_none(ConsoleSession.session_hash == _digest(session_token))
    if row is None:
        raise Unauthenticated(rule="console_login_required")
    if row.ended_at is not None:
        raise Unauthenticated(IDLE if row.ended_why == "idle" else ENDED, rule="console_session_ended")
    now = clock.now()
    if row.last_seen_at + dt.timedelta(minutes=runtime.setting("CONSOLE_IDLE_MINUTES")) <= now:
        _end(row.id, "idle")
        raise Unauthenticated(IDLE, rule="console_idle")
    member = Member.get_by_id(row.member_id)
    if not is_staff(member):
        _end(row.id, "role")
        raise Unauthenticated(STAFF_ONLY, rule="staff_only")
    with database.atomic():
        ConsoleSession.update(last_seen_at=now).where(ConsoleSession.id == row.id).execute()
    return member


def logout(session_token: str) -> None:
    row = ConsoleSession.get_or_none(ConsoleSession.session_hash == _digest(session_token))
    if row is not None:
        _end(row.id, "logout")
