"""Ledger operation bodies; each write carries the client's `Idempotency-Key` header."""

import marshmallow as ma

from server.extensions.smorest import LocalDateTime, Schema, Text
from server.models.ledger import ACCOUNT_KINDS, TRANSFER_STATES
from server.models.people import RELATIONS

MAX_MINUTES = 1500 * 60


class IdempotencyHeaderSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    idempotency_key = Text(
        data_key="Idempotency-Key", required=True, validate=ma.validate.Length(min=8, max=100),
        metadata={"description": "A fresh random string per intended operation (e.g. a UUID); a retry sends the same one"},
    )


class AdjustmentSchema(Schema):
    household_id = ma.fields.Integer(required=True)
    minutes = ma.fields.Integer(required=True, validate=ma.validate.Range(-MAX_MINUTES, MAX_MINUTES),
                                metadata={"description": "Signed: positive adds, negative takes back"})
    reason = Text(multiline=True, required=True, validate=ma.validate.Length(min=2, max=300))


class ReversalSchema(Schema):
    reason = Text(multiline=True, required=True, validate=ma.validate.Length(min=2, max=300))


class GiftSchema(Schema):
    to_household_id = ma.fields.Integer(required=True)
    minutes = ma.fields.Integer(required=True, validate=ma.validate.Range(1, MAX_MINUTES))
    note = Text(multiline=True, load_default="", validate=ma.validate.Length(max=100))


class DonationSchema(Schema):
    minutes = ma.fields.Integer(required=True, validate=ma.validate.Range(1, MAX_MINUTES))
    note = Text(multiline=True, load_default="", validate=ma.validate.Length(max=100))


class GrantSchema(Schema):
    household_id = ma.fields.Integer(required=True)
    minutes = ma.fields.Integer(required=True, validate=ma.validate.Range(1, MAX_MINUTES))
    reason = Text(multiline=True, required=True, validate=ma.validate.Length(min=2, max=300))


class LegSchema(Schema):
    account_id = ma.fields.Integer()
    account_kind = ma.fields.String(validate=ma.validate.OneOf(ACCOUNT_KINDS))
    household_id = ma.fields.Integer(allow_none=True)
    community_id = ma.fields.Integer(metadata={"description": "The community whose chain the leg is on"})
    minutes = ma.fields.Integer()


class TransferSchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.Integer()
    counter_community_id = ma.fields.Integer(allow_none=True, metadata={
        "description": "The other community of hours that crossed communities (通存通兑); both see the transfer"})
    code = ma.fields.String()
    code_label = ma.fields.String()
    state = ma.fields.String(validate=ma.validate.OneOf(TRANSFER_STATES), metadata={"description": "pending (a hold) | posted | voided"})
    minutes = ma.fields.Integer()
    posted_minutes = ma.fields.Integer(allow_none=True)
    reason = ma.fields.String()
    note = ma.fields.String()
    reverses_id = ma.fields.Integer(allow_none=True)
    reversed_by_id = ma.fields.Integer(allow_none=True)
    record_id = ma.fields.Integer(allow_none=True)
    effective_date = ma.fields.Date()
    created_at = LocalDateTime()
    legs = ma.fields.List(ma.fields.Nested(LegSchema))


class LovePoolSchema(Schema):
    community_id = ma.fields.Integer()
    balance_minutes = ma.fields.Integer()


class ViolationSchema(Schema):
    rule = ma.fields.String()
    detail = ma.fields.String()
    community_id = ma.fields.Integer(allow_none=True)
    account_id = ma.fields.Integer(allow_none=True)
    transfer_id = ma.fields.Integer(allow_none=True)
    entry_id = ma.fields.Integer(allow_none=True)


class VerificationSchema(Schema):
    ok = ma.fields.Boolean()
    violations = ma.fields.List(ma.fields.Nested(ViolationSchema))


class KinshipRequestSchema(Schema):
    invite_code = Text(required=True, validate=ma.validate.Length(min=4, max=12),
                                   metadata={"description": "The relative household's invite code"})
    relation = Text(required=True, validate=ma.validate.OneOf(RELATIONS))


class KinshipSchema(Schema):
    id = ma.fields.Integer()
    household_id = ma.fields.Integer()
    household_name = ma.fields.String()
    relative_household_id = ma.fields.Integer()
    relative_household_name = ma.fields.String()
    relation = ma.fields.String(validate=ma.validate.OneOf(RELATIONS))
    across_communities = ma.fields.Boolean(metadata={"description": "the two households live in different communities"})
    household_community_id = ma.fields.Integer()
    household_community_name = ma.fields.String()
    relative_community_id = ma.fields.Integer()
    relative_community_name = ma.fields.String()
    confirmed = ma.fields.Boolean(metadata={"description": "gifts may flow: the asking household's station confirmed, "
                                                            "and across communities the relative household too"})
    station_confirmed = ma.fields.Boolean(metadata={"description": "the asking household's station checked it"})
    confirmed_at = LocalDateTime(allow_none=True)
    relative_accepted = ma.fields.Boolean(metadata={"description": "the relative household (or its station on its "
                                                                    "behalf) confirmed; needed across communities"})
    relative_accepted_at = LocalDateTime(allow_none=True)
    waiting_for = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(["station", "relative"])),
                                 metadata={"description": "who has yet to confirm: station, relative"})


class MonthSchema(Schema):
    year = ma.fields.Integer(required=True, validate=ma.validate.Range(2000, 2100))
    month = ma.fields.Integer(required=True, validate=ma.validate.Range(1, 12))


class CloseResultSchema(Schema):
    year = ma.fields.Integer()
    month = ma.fields.Integer()
    statements = ma.fields.Integer()


class StatementSchema(Schema):
    id = ma.fields.Integer()
    year = ma.fields.Integer()
    month = ma.fields.Integer()
    opening_minutes = ma.fields.Integer()
    minutes_in = ma.fields.Integer()
    minutes_out = ma.fields.Integer()
    closing_minutes = ma.fields.Integer()
    per_member = ma.fields.List(ma.fields.Dict())
    closed_at = LocalDateTime()
    signed = ma.fields.Boolean(metadata={"description": "Signed at close (`GET /statements/{id}/signed`)"})
    key_id = ma.fields.String(allow_none=True, metadata={"description": "The signing key's id"})
    signature_label = ma.fields.String(metadata={"description": "已签名 or 未签名"})
