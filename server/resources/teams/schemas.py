"""Team bodies."""

import marshmallow as ma

from server.extensions.smorest import Schema


class TeamCreateSchema(Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=2, max=32))
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))
    categories = ma.fields.List(ma.fields.String(), load_default=list, metadata={"description": "Category codes the team serves"})
