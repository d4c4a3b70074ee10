"""Move bodies (迁移): a household asks to move to another community of its network."""

import marshmallow as ma

from server.extensions.smorest import Schema, Text
from server.models.networks import MOVE_STATUSES


class MoveRequestSchema(Schema):
    to_community_id = ma.fields.Integer(required=True, metadata={
        "description": "The community to move to; it must be in the household's network"})
    reason = Text(required=True, validate=ma.validate.Length(min=1, max=200), metadata={"description": "为什么迁移"})


class MoveRejectSchema(Schema):
    reason = Text(required=True, validate=ma.validate.Length(min=1, max=200),
                  metadata={"description": "Why not: the household reads it"})


class BlockingSchema(Schema):
    kind = ma.fields.String(metadata={"description": "hold | record"})
    id = ma.fields.Integer(metadata={"description": "The hold's transfer id, or the service record's id"})
    request_id = ma.fields.Integer(allow_none=True, metadata={"description": "The payback request a hold belongs to"})
    words = ma.fields.String(metadata={"description": "What to settle, in Chinese"})


class MoveSchema(Schema):
    id = ma.fields.Integer()
    household_id = ma.fields.Integer()
    household_name = ma.fields.String()
    from_community_id = ma.fields.Integer()
    from_community = ma.fields.String(metadata={"description": "The community it leaves (its name)"})
    to_community_id = ma.fields.Integer()
    to_community = ma.fields.String(metadata={"description": "The community it joins (its name)"})
    status = ma.fields.String(validate=ma.validate.OneOf(MOVE_STATUSES))
    status_label = ma.fields.String(metadata={"description": "The status in words, for the screen"})
    reason = ma.fields.String()
    requested_at = ma.fields.String(metadata={"description": "ISO 8601 with the offset"})
    decided_at = ma.fields.String(allow_none=True)
    decision_reason = ma.fields.String(metadata={"description": "Why the receiving community said no"})
    minutes = ma.fields.Integer(allow_none=True, metadata={"description": "What crossed when accepted (the balance)"})
    transfer_id = ma.fields.Integer(allow_none=True, metadata={"description": "The `move` transfer (none for 0 minutes)"})
    available_minutes = ma.fields.Integer(metadata={
        "description": "Only while pending: the household's available minutes, what accepting now would carry across"})
    blocking = ma.fields.List(ma.fields.Nested(BlockingSchema), metadata={
        "description": "Only while pending: open holds and unresolved records that must be settled before it is "
                       "accepted (empty: it can be accepted)"})
