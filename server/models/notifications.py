"""Notifications: the in-app inbox, WeChat consent credits and content-safety checks."""

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from server import clock
from server.db import BaseModel, JSONField
from server.models.enums import one_of
from server.models.people import Community, Member

# What happened to a notification's WeChat copy (the inbox row exists regardless):
#   pending  waiting for a send;        deferred  held until quiet hours end;
#   sending  a call to WeChat began;    sent      WeChat accepted it;
#   refused  WeChat said no (43101 ...), never retried;
#   skipped  not sent: WeChat off, no openid, no template id or no consent credit left;
#   failed   WeChat kept failing until the retries ran out;
#   unknown  a worker died during the call: WeChat may have it, it is never sent again.
# What WeChat said of a text (msg_sec_check); `unchecked`: WeChat off or unreachable, the text stands.
CHECK_RESULTS = ("pending", "pass", "review", "risky", "unchecked")
WECHAT_STATUSES = ("pending", "deferred", "sending", "sent", "refused", "skipped", "failed", "unknown")


class Notification(BaseModel):
    """One message to one member about one event, in plain Chinese; one row however often a job runs.

    (recipient, event_key, template_key) is unique: the delivery job inserts with
    ON CONFLICT IGNORE, so a re-run (RQ delivers at least once) adds nothing.
    """

    recipient = ForeignKeyField(Member, backref="notifications", on_delete="CASCADE")
    community = ForeignKeyField(Community, null=True, on_delete="SET NULL")
    event_key = CharField(max_length=120)
    template_key = CharField(max_length=32)
    title = CharField(max_length=64)
    body = TextField()
    link = CharField(max_length=255, default="")
    urgent = BooleanField(default=False)
    data = JSONField(default=dict)
    created_at = DateTimeField(default=clock.now)
    read_at = DateTimeField(null=True)
    wechat_status = CharField(max_length=12, default="pending", constraints=one_of("wechat_status", WECHAT_STATUSES))
    wechat_errcode = IntegerField(null=True)
    wechat_note = CharField(max_length=200, default="")
    attempts = IntegerField(default=0)
    sent_at = DateTimeField(null=True)
    next_attempt_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("recipient", "event_key", "template_key"), True),
            # the inbox pages newest first by id; the badge counts unread rows
            (("recipient", "id"), False),
            (("recipient", "read_at"), False),
        )


class SubscriptionCredit(BaseModel):
    """Sends a member has consented to, per template (wx.requestSubscribeMessage: one accept, one send).

    Spent by a guarded UPDATE (credits > 0, row count checked), never read-then-written.
    """

    member = ForeignKeyField(Member, backref="subscription_credits", on_delete="CASCADE")
    template_key = CharField(max_length=32)
    credits = IntegerField(default=0)
    updated_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("member", "template_key"), True),)


class ContentCheck(BaseModel):
    """WeChat's msg_sec_check verdict on one text a member wrote (pending until the job runs).

    `kind` names the area that asked (a request description, a self-report ...);
    the same text of the same object is checked once.
    """

    kind = CharField(max_length=32)
    object_id = IntegerField()
    author = ForeignKeyField(Member, null=True, on_delete="SET NULL")
    content_hash = CharField(max_length=64)
    scene = IntegerField(default=2)
    result = CharField(max_length=12, default="pending", constraints=one_of("result", CHECK_RESULTS))
    label = IntegerField(null=True)
    trace_id = CharField(max_length=64, default="")
    errcode = IntegerField(null=True)
    created_at = DateTimeField(default=clock.now)
    checked_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("kind", "object_id", "content_hash"), True),)
