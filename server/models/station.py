"""The service station's desk (服务站柜台): witness code cards for elders without phones, and corrections
of credited records (docs/station.md).

A code card's codes are never stored: only an HMAC of each (keyed by the server's secret and the
card), so neither a database copy nor a backup tells anyone a code. Each code confirms one record
once; every try, right or wrong, is kept (who, when, which record, which code number).
"""

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from server import clock
from server.db import BaseModel
from server.models.enums import one_of
from server.models.ledger import Transfer
from server.models.people import Community, Household, Member
from server.models.records import ServiceRecord

CORRECTION_STATUSES = ("pending", "applied", "rejected")


class CodeCard(BaseModel):
    """见证码卡: a household's card of numbered one-time codes; issuing a new one revokes the old."""

    community = ForeignKeyField(Community, backref="code_cards", on_delete="RESTRICT", index=False)
    household = ForeignKeyField(Household, backref="code_cards", on_delete="RESTRICT", index=False)
    size = IntegerField()  # how many codes it was printed with
    issued_by = ForeignKeyField(Member, backref="code_cards_issued", on_delete="RESTRICT", index=False)
    issued_at = DateTimeField(default=clock.now)
    revoked_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("household", "revoked_at"), False),)


class WitnessCode(BaseModel):
    """One numbered code of a card, as its HMAC; used once, for one record."""

    card = ForeignKeyField(CodeCard, backref="codes", on_delete="RESTRICT", index=False)
    number = IntegerField()  # printed beside the code: 1, 2, 3 …
    code_hash = CharField(max_length=64)
    used_at = DateTimeField(null=True)
    used_by = ForeignKeyField(Member, null=True, backref="witness_codes_entered", on_delete="RESTRICT", index=False)
    record = ForeignKeyField(ServiceRecord, null=True, backref="witness_codes", on_delete="RESTRICT", index=False)

    class Meta:
        indexes = ((("card", "number"), True), (("card", "code_hash"), True))


class CodeAttempt(BaseModel):
    """Every code entered for a record, right or wrong: the audit trail and the count behind the lockout."""

    record = ForeignKeyField(ServiceRecord, backref="code_attempts", on_delete="RESTRICT", index=False)
    actor = ForeignKeyField(Member, backref="code_attempts", on_delete="RESTRICT", index=False)
    card = ForeignKeyField(CodeCard, null=True, backref="attempts", on_delete="RESTRICT", index=False)
    number = IntegerField(null=True)  # the code's number on the card when it matched
    succeeded = BooleanField(default=False)
    attempted_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("record", "succeeded"), False),)


class Correction(BaseModel):
    """更正: a credited record's times put right by a reversal and a corrected credit, linked, once.

    Above CORRECTION_APPROVAL_MINUTES of change it waits (`pending`) for a second coordinator.
    """

    community = ForeignKeyField(Community, backref="corrections", on_delete="RESTRICT", index=False)
    record = ForeignKeyField(ServiceRecord, backref="corrections", on_delete="RESTRICT")
    status = CharField(max_length=8, default="pending", constraints=one_of("status", CORRECTION_STATUSES))
    old_started_at = DateTimeField()
    old_ended_at = DateTimeField()
    old_minutes = IntegerField()  # credited before
    started_at = DateTimeField()
    ended_at = DateTimeField()
    new_minutes = IntegerField()  # credited after (as sized when asked; sized again when applied)
    reason = TextField()
    requested_by = ForeignKeyField(Member, backref="corrections_requested", on_delete="RESTRICT", index=False)
    requested_at = DateTimeField(default=clock.now)
    decided_by = ForeignKeyField(Member, null=True, backref="corrections_decided", on_delete="RESTRICT", index=False)
    decided_at = DateTimeField(null=True)
    reject_reason = TextField(default="")
    reversal = ForeignKeyField(Transfer, null=True, backref="corrections_reversing", on_delete="RESTRICT", index=False)
    credit = ForeignKeyField(Transfer, null=True, backref="corrections_crediting", on_delete="RESTRICT", index=False)

    class Meta:
        indexes = ((("community", "status"), False),)


# One correction waits per record at a time.
Correction.add_index(Correction.index(Correction.record, unique=True, where=Correction.status == "pending",
                                      name="correction_record_pending"))


class PassbookPrintout(BaseModel):
    """One continuing printout of a household's passbook at the station's printer (docs/station.md,
    "Printed passbook"): the household's mark is the highest `last_entry_id` of its rows. A range
    reprint (`from`/`to`) writes no row, so it never moves the mark."""

    household = ForeignKeyField(Household, backref="printouts", on_delete="RESTRICT", index=False)
    first_entry_id = IntegerField()  # the first and last ledger entry printed (ids of the household's account)
    last_entry_id = IntegerField()
    lines = IntegerField()
    printed_at = DateTimeField(default=clock.now)
    printed_by = ForeignKeyField(Member, backref="printouts_made", on_delete="RESTRICT", index=False)

    class Meta:
        indexes = ((("household", "last_entry_id"), False),)
