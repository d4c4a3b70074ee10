"""SMS for members with a phone but no WeChat (老年机): their recorded consent, and every text sent.

A consent is never edited away: withdrawing stamps `withdrawn_at`, and a new phone number is a
new consent (the old one withdrawn in the same transaction), so the station can always show who
agreed, when, how and for which number. At most one consent per member is open (a partial
unique index). A witness code sent by SMS is kept only as an HMAC, like a code card's.
"""

from peewee import SQL, BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField

from server import clock
from server.db import BaseModel, JSONField
from server.models.enums import one_of
from server.models.notifications import Notification
from server.models.people import Community, Member
from server.models.records import ServiceRecord

# How the consent was given: the member in the mini-program, or at the station's counter on a
# paper consent form (纸质同意书) whose reference the coordinator records.
SMS_CONSENT_VIAS = ("app", "counter")
# What happened to one text:
#   pending   waiting for a send;          deferred  held until the quiet hours end;
#   sending   the call to the provider began (a re-run finding this never sends again: `unknown`);
#   sent      the provider accepted it;    delivered the phone received it (the provider's status report);
#   failed    the provider refused it, the phone did not receive it, or the retries ran out;
#   skipped   not sent: SMS off, no template, consent withdrawn, or the member's daily cap reached;
#   unknown   a worker died during the call: the provider may have it, it is never sent again.
SMS_STATUSES = ("pending", "deferred", "sending", "sent", "delivered", "failed", "skipped", "unknown")


class SmsConsent(BaseModel):
    """One member's agreement to get texts at one phone number, from when until withdrawn."""

    member = ForeignKeyField(Member, backref="sms_consents", on_delete="CASCADE", index=False)
    community = ForeignKeyField(Community, null=True, on_delete="SET NULL", index=False)
    phone = CharField(max_length=20)
    via = CharField(max_length=8, constraints=one_of("via", SMS_CONSENT_VIAS))
    form_ref = CharField(max_length=32, default="")  # the paper form's number (counter consents)
    recorded_by = ForeignKeyField(Member, backref="sms_consents_recorded", on_delete="RESTRICT", index=False)
    consented_at = DateTimeField(default=clock.now)
    withdrawn_at = DateTimeField(null=True)
    withdrawn_by = ForeignKeyField(Member, null=True, backref="sms_consents_withdrawn", on_delete="RESTRICT",
                                   index=False)

    class Meta:
        indexes = (
            (("member", "consented_at"), False),
        )


# At most one open consent per member.
SmsConsent.add_index(SmsConsent.index(SmsConsent.member, unique=True, where=SmsConsent.withdrawn_at.is_null(),
                                      name="smsconsent_member_open"))


class SmsMessage(BaseModel):
    """One text to one member: a notification's SMS copy, sent at most once per row.

    `notification` is unique: however often the delivery job runs, a notification has one text.
    `params` are the template's values as sent, without a witness code (only its HMAC is kept).
    """

    member = ForeignKeyField(Member, backref="sms_messages", on_delete="CASCADE", index=False)
    community = ForeignKeyField(Community, null=True, on_delete="SET NULL", index=False)
    notification = ForeignKeyField(Notification, null=True, unique=True, on_delete="SET NULL")
    template_key = CharField(max_length=32)
    phone = CharField(max_length=20)
    params = JSONField(default=list)
    urgent = BooleanField(default=False)  # quiet hours do not hold an urgent text
    status = CharField(max_length=10, default="pending", constraints=one_of("status", SMS_STATUSES))
    provider_code = CharField(max_length=64, default="")  # "Ok", "FailedOperation.…", a report's status
    note = CharField(max_length=200, default="")
    serial_no = CharField(max_length=64, null=True)  # the provider's id, matched by status reports
    attempts = IntegerField(default=0)
    day = DateField(null=True)  # the local day it was sent (counted against the daily cap)
    created_at = DateTimeField(default=clock.now)
    next_attempt_at = DateTimeField(null=True)
    sent_at = DateTimeField(null=True)
    delivered_at = DateTimeField(null=True)
    # A witness request's one-time code: the record it confirms and the code's HMAC; used once.
    record = ForeignKeyField(ServiceRecord, null=True, backref="sms_codes", on_delete="SET NULL", index=False)
    code_hash = CharField(max_length=64, null=True)
    code_used_at = DateTimeField(null=True)
    code_used_by = ForeignKeyField(Member, null=True, backref="sms_codes_entered", on_delete="RESTRICT",
                                   index=False)

    class Meta:
        indexes = (
            (("member", "id"), False),
            (("serial_no",), False),
            (("record", "code_hash"), False),
        )


class SmsDay(BaseModel):
    """Texts sent to one member on one local day: the daily cap is a guarded UPDATE on `sent`."""

    member = ForeignKeyField(Member, on_delete="CASCADE", index=False)
    day = DateField()
    sent = IntegerField(default=0)

    class Meta:
        indexes = ((("member", "day"), True),)
        constraints = [SQL("CHECK (sent >= 0)")]
