"""Team bodies."""

import marshmallow as ma

from server.extensions.smorest import Schema, Text


class TeamCreateSchema(Schema):
    name = Text(required=True, validate=ma.validate.Length(min=2, max=32))
    description = Text(multiline=True, load_default="", validate=ma.validate.Length(max=200))
    categories = ma.fields.List(Text(), load_default=list, metadata={"description": "Category codes the team serves"})
