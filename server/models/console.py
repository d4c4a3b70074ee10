"""The station's web console (服务站工作台): a browser's login by scanning, then its session (docs/console.md).

One row per browser login. It starts pending (a QR code on the console's login page), is approved by a
coordinator or the admin from the mini-program, is claimed once by the browser that asked for it, and
then lives as that browser's session until logout, the idle timeout or its owner losing the role. No
secret is stored: only the SHA-256 of the QR's login token, of the browser's poll secret and of the
session cookie, so a database copy lets nobody in.
"""

from peewee import CharField, DateTimeField, ForeignKeyField

from server import clock
from server.db import BaseModel
from server.models.people import Member


class ConsoleSession(BaseModel):
    login_hash = CharField(max_length=64, unique=True)  # sha256 of the token in the QR code
    poll_hash = CharField(max_length=64, unique=True)  # sha256 of the secret the asking browser keeps in a cookie
    created_at = DateTimeField(default=clock.now)
    expires_at = DateTimeField()  # the QR code is good until then (CONSOLE_LOGIN_MINUTES)
    member = ForeignKeyField(Member, null=True, backref="console_sessions", on_delete="RESTRICT", index=False)
    approved_at = DateTimeField(null=True)
    session_hash = CharField(max_length=64, null=True, unique=True)  # sha256 of the session cookie, once claimed
    claimed_at = DateTimeField(null=True)
    last_seen_at = DateTimeField(null=True)
    ended_at = DateTimeField(null=True)  # logout, idle timeout
    ended_why = CharField(max_length=16, default="")

    class Meta:
        indexes = ((("member", "ended_at"), False), (("expires_at",), False))
