"""Quarterly audit bodies (每三个月检验 + 抽样走访)."""

import marshmallow as ma

from server.extensions.smorest import EditSchema, LocalDateTime, Schema, Text
from server.models.audits import AUDIT_STATUSES, FLAG_KINDS, VISIT_METHODS, VISIT_STATUSES
from server.models.records import RECORD_STATUSES

OUTCOMES = ("confirmed", "disputed")


class AuditRunSchema(Schema):
    year = ma.fields.Integer(required=True, validate=ma.validate.Range(2000, 2100))
    quarter = ma.fields.Integer(required=True, validate=ma.validate.Range(1, 4))
    seed = Text(load_default=None, validate=ma.validate.Regexp(r"^[0-9a-fA-F]{1,32}$", error="随机种子为1到32位十六进制数"),
                            metadata={"description": "Hex; omitted: a fresh random seed (recorded on the audit)"})
    sample_size = ma.fields.Integer(load_default=None, validate=ma.validate.Range(0, 500),
                                    metadata={"description": "Omitted: AUDIT_SAMPLE_SIZE"})


class ReportQuerySchema(Schema):
    format = Text(load_default="pdf", validate=ma.validate.OneOf(("pdf", "xlsx")))


class VisitEditSchema(EditSchema):
    assignee_id = ma.fields.Integer(metadata={"description": "Another coordinator of the community"})
    method = Text(validate=ma.validate.OneOf(VISIT_METHODS), metadata={"description": "visit | phone"})


class OutcomeSchema(Schema):
    outcome = Text(required=True, validate=ma.validate.OneOf(OUTCOMES),
                               metadata={"description": "confirmed: it happened as recorded; disputed: it did not (reversed)"})
    notes = Text(multiline=True, load_default="", validate=ma.validate.Length(max=500))
    method = Text(load_default=None, validate=ma.validate.OneOf(VISIT_METHODS))


class RecordBriefSchema(Schema):
    id = ma.fields.Integer()
    status = ma.fields.String(validate=ma.validate.OneOf(RECORD_STATUSES))
    status_label = ma.fields.String()
    started_at = LocalDateTime()
    category_name = ma.fields.String()
    content = ma.fields.String()
    place = ma.fields.String()
    duration_minutes = ma.fields.Integer()
    credited_minutes = ma.fields.Integer(allow_none=True)
    volunteer_name = ma.fields.String()
    witness_name = ma.fields.String()


class ContactSchema(Schema):
    name = ma.fields.String()
    phone = ma.fields.String(metadata={"description": "In full: only coordinators read audits"})
    address = ma.fields.String()


class VisitSchema(Schema):
    id = ma.fields.Integer()
    audit_id = ma.fields.Integer()
    draw_order = ma.fields.Integer(metadata={"description": "1 = drawn first"})
    weight = ma.fields.Integer(metadata={"description": "1 + AUDIT_FLAG_WEIGHT × flags"})
    flags = ma.fields.List(ma.fields.String())
    record = ma.fields.Nested(RecordBriefSchema)
    contact = ma.fields.Nested(ContactSchema, metadata={"description": "The recipient, else the witness"})
    assignee_id = ma.fields.Integer(allow_none=True)
    assignee_name = ma.fields.String()
    method = ma.fields.String(validate=ma.validate.OneOf(VISIT_METHODS))
    method_label = ma.fields.String()
    status = ma.fields.String(validate=ma.validate.OneOf(VISIT_STATUSES), metadata={"description": "pending | confirmed | disputed"})
    status_label = ma.fields.String()
    notes = ma.fields.String()
    outcome_by_name = ma.fields.String()
    outcome_at = LocalDateTime(allow_none=True)
    reversal_transfer_id = ma.fields.Integer(allow_none=True)
    reversal_note = ma.fields.String(metadata={"description": "Why a disputed record is not reversed (yet)"})


class FlagSchema(Schema):
    record_id = ma.fields.Integer()
    kind = ma.fields.String(validate=ma.validate.OneOf(FLAG_KINDS))
    kind_label = ma.fields.String()
    detail = ma.fields.String()


class AuditNetworkMemberSchema(Schema):
    community_id = ma.fields.Integer()
    community_name = ma.fields.String()
    position_minutes = ma.fields.Integer(metadata={"description": "Its clearing balance at the quarter's end"})
    limit_minutes = ma.fields.Integer()


class AuditNetworkSchema(Schema):
    network_id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.String()
    ok = ma.fields.Boolean(metadata={"description": "No network rule broken (clearing sums to zero, within limits)"})
    violations = ma.fields.List(ma.fields.Dict(), metadata={
        "description": "The audit's violations of network rules, each with `rule_label` in Chinese"})
    members = ma.fields.List(ma.fields.Nested(AuditNetworkMemberSchema))
    total_position_minutes = ma.fields.Integer(metadata={"description": "The members' positions summed: 0 when whole"})


class AuditBriefSchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.Integer()
    year = ma.fields.Integer()
    quarter = ma.fields.Integer()
    label = ma.fields.String()
    status = ma.fields.String(validate=ma.validate.OneOf(AUDIT_STATUSES), metadata={"description": "open | closed"})
    seed = ma.fields.String(metadata={"description": "With the stored weights, reproduces the draw"})
    sample_size = ma.fields.Integer()
    population = ma.fields.Integer(metadata={"description": "Credited records of the quarter"})
    ledger_ok = ma.fields.Boolean()
    violations = ma.fields.List(ma.fields.Dict())
    thresholds = ma.fields.Dict()
    created_at = LocalDateTime()
    closed_at = LocalDateTime(allow_none=True)
    visit_counts = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    flag_count = ma.fields.Integer()
    network = ma.fields.Nested(AuditNetworkSchema, allow_none=True, metadata={
        "description": "The community's exchange network (通存通兑) as the audit checked it; null when in none"})


class AuditSchema(AuditBriefSchema):
    flags = ma.fields.List(ma.fields.Nested(FlagSchema))
    visits = ma.fields.List(ma.fields.Nested(VisitSchema))
