"""服务记录: one delivered service by one volunteer (or a contracted provider), credited only once witnessed.

The fields follow the national volunteer-record rules: activity (category/item),
date and place, recipient, content, time, evaluation, organiser and recorder.
A service by several volunteers is several records, one each: caps, credits and
yearly totals are personal.
"""

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from server import clock
from server.db import BaseModel
from server.models.catalog import Provider, ServiceCategory, ServiceItem
from server.models.enums import one_of
from server.models.ledger import Transfer
from server.models.people import Community, Household, Member

# too_short: the service rounds down to nothing (shorter than ROUNDING_STEP_MINUTES): nothing credited.
# withdrawn: the volunteer withdrew their self-report before its witness answered.
# redeemed: a provider's service (签约服务机构) confirmed: the household's payback hold is spent, nobody credited.
RECORD_STATUSES = ("reported", "confirmed", "credited", "disputed", "rejected", "reversed", "withdrawn",
                   "too_short", "redeemed")
# counter: entered at the service station's desk (柜台登记) by a coordinator for a volunteer without a phone.
RECORD_SOURCES = ("task", "agreement", "event", "self_report", "payback", "provider", "counter")


class ServiceRecord(BaseModel):
    community = ForeignKeyField(Community, backref="service_records", on_delete="RESTRICT", index=False)
    # Empty only for a provider's service (source `provider`), which names the provider instead.
    volunteer = ForeignKeyField(Member, null=True, backref="services_given", on_delete="RESTRICT", index=False)
    # The household the credit goes to, fixed when the service is recorded (a volunteer may move later).
    volunteer_household = ForeignKeyField(Household, null=True, backref="services_given", on_delete="RESTRICT",
                                          index=False)
    provider = ForeignKeyField(Provider, null=True, backref="records", on_delete="RESTRICT", index=False)
    # The task a provider's service was for (a volunteer's service finds its task through its visit). A plain
    # id: a foreign key would make a circle with task_visit → service_record.
    task_id = IntegerField(null=True)
    recipient = ForeignKeyField(Member, null=True, backref="services_received", on_delete="RESTRICT", index=False)
    recipient_household = ForeignKeyField(Household, null=True, backref="services_received", on_delete="RESTRICT", index=False)
    public_good = BooleanField(default=False)  # served the community (patrol, greening ...)
    category = ForeignKeyField(ServiceCategory, backref="records", on_delete="RESTRICT", index=False)
    item = ForeignKeyField(ServiceItem, null=True, backref="records", on_delete="RESTRICT", index=False)
    place = CharField(max_length=100)
    started_at = DateTimeField()
    ended_at = DateTimeField()
    duration_minutes = IntegerField()  # actual service, travel excluded
    credited_minutes = IntegerField(null=True)  # after rounding and the daily cap
    content = TextField()
    witness = ForeignKeyField(Member, null=True, backref="services_witnessed", on_delete="RESTRICT", index=False)
    witness_name = CharField(max_length=32, default="")
    witness_phone = CharField(max_length=20, default="")
    source = CharField(max_length=12, constraints=one_of("source", RECORD_SOURCES))
    status = CharField(max_length=10, default="reported", constraints=one_of("status", RECORD_STATUSES))
    needs_approval = BooleanField(default=False)  # 补录: a late self-report waits for a coordinator
    rating = IntegerField(null=True)
    comment = TextField(default="")
    organiser = CharField(max_length=64, default="")
    recorder = ForeignKeyField(Member, null=True, backref="records_recorded", on_delete="RESTRICT", index=False)
    on_behalf_of = ForeignKeyField(Member, null=True, backref="records_by_proxy", on_delete="RESTRICT", index=False)
    confirmed_by = ForeignKeyField(Member, null=True, backref="records_confirmed", on_delete="RESTRICT", index=False)
    confirmed_at = DateTimeField(null=True)
    confirmed_via = CharField(max_length=12, default="")
    confirmed_for = ForeignKeyField(Member, null=True, backref="records_confirmed_by_proxy", on_delete="RESTRICT", index=False)
    dispute_reason = TextField(default="")
    reject_reason = TextField(default="")
    # Unique among credited records only (a partial index below): a NULL entry per record that waits
    # would move, costing two page writes, when it is credited.
    transfer = ForeignKeyField(Transfer, null=True, backref="service_records", on_delete="RESTRICT", index=False)
    created_at = DateTimeField(default=clock.now)
    # Raised by each edit of a report awaiting its witness: a confirmation (a QR token, a tap) is for
    # the version its witness saw, and one for an older version no longer counts.
    version = IntegerField(default=1)

    class Meta:
        indexes = (
            (("community", "status"), False),
            (("volunteer", "started_at"), False),
            (("witness", "status"), False),
            # 指定服务人: who served a household before (its preferred-volunteer candidates).
            (("recipient_household", "status", "volunteer"), False),
        )


ServiceRecord.add_index(ServiceRecord.index(ServiceRecord.transfer, unique=True, where=ServiceRecord.transfer.is_null(False),
                                           name="servicerecord_transfer_id"))
