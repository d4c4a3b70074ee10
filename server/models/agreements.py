"""建档立卡、签署协议: recipient files and one-to-one (or many-to-one) assistance agreements."""

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, TextField

from server import clock
from server.db import BaseModel, JSONField
from server.models.catalog import ServiceCategory
from server.models.enums import one_of
from server.models.people import Community, Member

AGREEMENT_STATUSES = ("signing", "active", "suspended", "ended")
PARTIES = ("recipient", "volunteer", "coordinator")


class RecipientFile(BaseModel):
    """The case file of a person in need; sensitive, for coordinators (and the person) only."""

    community = ForeignKeyField(Community, backref="recipient_files", on_delete="RESTRICT")
    member = ForeignKeyField(Member, backref="recipient_files", on_delete="RESTRICT")
    needs = TextField()
    risks = TextField(default="")
    emergency_contact_name = CharField(max_length=32)
    emergency_contact_phone = CharField(max_length=20)
    consent_date = DateField()
    created_by = ForeignKeyField(Member, backref="recipient_files_made", on_delete="RESTRICT")
    created_at = DateTimeField(default=clock.now)
    closed_at = DateTimeField(null=True)


class Agreement(BaseModel):
    """Fixed recipient, content, weekly schedule and volunteer(s); active once every party signed."""

    community = ForeignKeyField(Community, backref="agreements", on_delete="RESTRICT")
    recipient_file = ForeignKeyField(RecipientFile, backref="agreements", on_delete="RESTRICT")
    recipient = ForeignKeyField(Member, backref="agreements_received", on_delete="RESTRICT")
    category = ForeignKeyField(ServiceCategory, backref="agreements", on_delete="RESTRICT")
    item_codes = JSONField(default=list)
    content = TextField()
    place = CharField(max_length=100)
    schedule = JSONField(default=list)  # [{"weekday": 1-7, "start": "09:00", "minutes": 60}]
    start_date = DateField()
    end_date = DateField()
    status = CharField(max_length=10, default="signing", constraints=one_of("status", AGREEMENT_STATUSES))
    created_by = ForeignKeyField(Member, backref="agreements_drafted", on_delete="RESTRICT")
    created_at = DateTimeField(default=clock.now)
    activated_at = DateTimeField(null=True)
    status_note = CharField(max_length=200, default="")


class AgreementVolunteer(BaseModel):
    agreement = ForeignKeyField(Agreement, backref="volunteer_links", on_delete="CASCADE")
    volunteer = ForeignKeyField(Member, backref="agreement_links", on_delete="RESTRICT")

    class Meta:
        indexes = ((("agreement", "volunteer"), True),)


class AgreementSignature(BaseModel):
    """Each party signs for themself; a guardian signs for the recipient and the row says so."""

    agreement = ForeignKeyField(Agreement, backref="signatures", on_delete="CASCADE")
    party = CharField(max_length=12, constraints=one_of("party", PARTIES))
    member = ForeignKeyField(Member, backref="agreement_signatures", on_delete="RESTRICT")  # whose signature it counts as
    signed_by = ForeignKeyField(Member, backref="agreement_signatures_made", on_delete="RESTRICT")  # who tapped
    signed_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("agreement", "party", "member"), True),)
