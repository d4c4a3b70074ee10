"""每三个月检验 + 抽样走访: the quarterly audit of a community, its anomaly flags and its visits.

An audit checks the ledger (`ledger_verify.verify`), flags unusual service records,
and draws a weighted random sample of the quarter's credited records for a
coordinator to visit or call the recipient. The seed and the weights are stored, so
the draw can be repeated exactly by anyone who doubts it.
"""

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from server import clock
from server.db import BaseModel, JSONField
from server.models.enums import one_of
from server.models.ledger import Transfer
from server.models.people import Community, Member
from server.models.records import ServiceRecord

AUDIT_STATUSES = ("open", "closed")
FLAG_KINDS = ("pair_repeat", "overlap", "long_duration", "witness_share", "quick_confirm", "ledger", "paper_signature")
VISIT_METHODS = ("visit", "phone")
VISIT_STATUSES = ("pending", "confirmed", "disputed")


class Audit(BaseModel):
    """One community's audit of one quarter; made once (running it again returns it)."""

    community = ForeignKeyField(Community, backref="audits", on_delete="RESTRICT")
    year = IntegerField()
    quarter = IntegerField()
    status = CharField(max_length=8, default="open", constraints=one_of("status", AUDIT_STATUSES))
    seed = CharField(max_length=32)  # hex; with the stored weights it reproduces the draw
    sample_size = IntegerField()
    population = IntegerField(default=0)  # credited records of the quarter the sample came from
    weights = JSONField(default=dict)  # {record id: weight} of that population, as drawn from
    ledger_ok = BooleanField(default=True)
    violations = JSONField(default=list)
    thresholds = JSONField(default=dict)  # the settings the flags and weights used
    created_by = ForeignKeyField(Member, null=True, backref="audits_started", on_delete="RESTRICT")
    created_at = DateTimeField(default=clock.now)
    closed_by = ForeignKeyField(Member, null=True, backref="audits_closed", on_delete="RESTRICT")
    closed_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("community", "year", "quarter"), True),)


class AuditFlag(BaseModel):
    """Why a record looks unusual; a record may carry several kinds."""

    audit = ForeignKeyField(Audit, backref="flags", on_delete="CASCADE")
    record = ForeignKeyField(ServiceRecord, backref="audit_flags", on_delete="RESTRICT")
    kind = CharField(max_length=16, constraints=one_of("kind", FLAG_KINDS))
    detail = TextField(default="")

    class Meta:
        indexes = ((("audit", "record", "kind"), True),)


class AuditVisit(BaseModel):
    """A sampled record: a coordinator visits or calls the recipient and records what they say."""

    audit = ForeignKeyField(Audit, backref="visits", on_delete="CASCADE")
    community = ForeignKeyField(Community, backref="audit_visits", on_delete="RESTRICT")
    record = ForeignKeyField(ServiceRecord, backref="audit_visits", on_delete="RESTRICT")
    draw_order = IntegerField()  # 1 = drawn first
    weight = IntegerField()
    recipient = ForeignKeyField(Member, null=True, backref="audit_visits_received", on_delete="RESTRICT")
    assignee = ForeignKeyField(Member, null=True, backref="audit_visits_assigned", on_delete="RESTRICT")
    method = CharField(max_length=8, default="visit", constraints=one_of("method", VISIT_METHODS))
    status = CharField(max_length=10, default="pending", constraints=one_of("status", VISIT_STATUSES))
    notes = TextField(default="")
    outcome_by = ForeignKeyField(Member, null=True, backref="audit_visits_recorded", on_delete="RESTRICT")
    outcome_at = DateTimeField(null=True)
    reversal = ForeignKeyField(Transfer, null=True, backref="audit_visits", on_delete="RESTRICT")
    reversal_note = TextField(default="")  # why a disputed record could not be reversed (yet)

    class Meta:
        indexes = ((("audit", "record"), True), (("assignee", "status"), False))
