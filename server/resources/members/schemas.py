"""Member administration bodies."""

import marshmallow as ma

from server.extensions.smorest import Schema, Text


class RolesSchema(Schema):
    roles = ma.fields.List(
        Text(validate=ma.validate.OneOf(("coordinator", "admin"))),
        required=True,
        metadata={"description": "Granted roles; resident and volunteer follow from household and profile"},
    )
    community_id = ma.fields.Integer(load_default=None, allow_none=True)
