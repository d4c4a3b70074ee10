"""Member administration bodies."""

import marshmallow as ma

from server.extensions.smorest import LocalDateTime, Schema, Text
from server.models.people import HARDSHIP_REASONS


class RolesSchema(Schema):
    roles = ma.fields.List(
        Text(validate=ma.validate.OneOf(("coordinator", "admin"))),
        required=True,
        metadata={"description": "Granted roles; resident and volunteer follow from household and profile"},
    )
    community_id = ma.fields.Integer(load_default=None, allow_none=True)


class HardshipSchema(Schema):
    reason = Text(required=True, validate=ma.validate.OneOf(HARDSHIP_REASONS, error="兜底原因只能是：失独、孤寡、残疾、重病"),
                  metadata={"description": "兜底对象: why the station takes care of this member"})
    note = Text(multiline=True, load_default="", validate=ma.validate.Length(max=200))


class HardshipPeriodSchema(Schema):
    id = ma.fields.Integer()
    member_id = ma.fields.Integer()
    reason = ma.fields.String(validate=ma.validate.OneOf(HARDSHIP_REASONS))
    note = ma.fields.String()
    started_at = LocalDateTime()
    started_by_name = ma.fields.String(metadata={"description": "The coordinator who marked it"})
    ended_at = LocalDateTime(allow_none=True)
    ended_by_name = ma.fields.String(allow_none=True, metadata={"description": "The coordinator who ended it"})
