"""Network bodies (通存通兑): communities that exchange hours, each with its limit."""

import marshmallow as ma

from server.extensions.smorest import LocalDateTime, Schema, Text
from server.models.networks import NETWORK_KINDS

MAX_LIMIT = 100000 * 60
MAX_MEMBERS = 100


class LimitSchema(Schema):
    community_id = ma.fields.Integer(required=True)
    limit_minutes = ma.fields.Integer(required=True, validate=ma.validate.Range(0, MAX_LIMIT), metadata={
        "description": "The most minutes the community may owe the network, and be owed (|net position| ≤ limit)"})


class NetworkCreateSchema(Schema):
    name = Text(required=True, validate=ma.validate.Length(min=2, max=64))
    kind = Text(required=True, validate=ma.validate.OneOf(NETWORK_KINDS), metadata={"description": "街道 | 区 | 市"})
    community_ids = ma.fields.List(ma.fields.Integer(), required=True,
                                   validate=ma.validate.Length(min=2, max=MAX_MEMBERS),
                                   metadata={"description": "Its communities; a community is in at most one network"})
    limits = ma.fields.List(ma.fields.Nested(LimitSchema), load_default=list, validate=ma.validate.Length(max=MAX_MEMBERS),
                            metadata={"description": "Each community's limit; one not named gets NETWORK_LIMIT_MINUTES"})


class NetworkUpdateSchema(Schema):
    name = Text(validate=ma.validate.Length(min=2, max=64))
    community_ids = ma.fields.List(ma.fields.Integer(), validate=ma.validate.Length(min=1, max=MAX_MEMBERS), metadata={
        "description": "The whole new membership; a community leaves only with a net position of 0"})
    limits = ma.fields.List(ma.fields.Nested(LimitSchema), validate=ma.validate.Length(max=MAX_MEMBERS), metadata={
        "description": "New limits; a limit below the community's current |position| is refused"})


class PositionSchema(Schema):
    community_id = ma.fields.Integer()
    community_name = ma.fields.String()
    limit_minutes = ma.fields.Integer()
    position_minutes = ma.fields.Integer(metadata={
        "description": "Net position (the community's clearing balance): + the network owes it, − it owes the network"})
    position_label = ma.fields.String(metadata={"description": "The position in words, e.g. 网络欠本社区1小时"})


class NetworkSchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.String(validate=ma.validate.OneOf(NETWORK_KINDS))
    created_at = LocalDateTime()
    members = ma.fields.List(ma.fields.Nested(PositionSchema))
    total_position_minutes = ma.fields.Integer(metadata={"description": "Always 0: the clearing balances sum to zero"})


class MonthQuerySchema(Schema):
    year = ma.fields.Integer(required=True, validate=ma.validate.Range(2000, 2100))
    month = ma.fields.Integer(required=True, validate=ma.validate.Range(1, 12))


class FlowSchema(Schema):
    from_community_id = ma.fields.Integer()
    from_community_name = ma.fields.String()
    to_community_id = ma.fields.Integer()
    to_community_name = ma.fields.String()
    minutes = ma.fields.Integer(metadata={"description": "Minutes that went from the first community to the second"})
    transfers = ma.fields.Integer()


class SettlementPositionSchema(PositionSchema):
    pass


class SettlementSchema(Schema):
    network_id = ma.fields.Integer()
    year = ma.fields.Integer()
    month = ma.fields.Integer()
    closed = ma.fields.Boolean(metadata={"description": "Stored with the monthly close; false: worked out now"})
    closed_at = LocalDateTime(allow_none=True)
    flows = ma.fields.List(ma.fields.Nested(FlowSchema))
    positions = ma.fields.List(ma.fields.Nested(SettlementPositionSchema), metadata={
        "description": "Each community's net position at the month's end"})
