"""Community bodies."""

import marshmallow as ma

from server.extensions.smorest import Schema, Text


class CommunitySchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    code = ma.fields.String()
    district = ma.fields.String()


class CommunityCreateSchema(Schema):
    name = Text(required=True, validate=ma.validate.Length(min=2, max=64))
    code = Text(required=True, validate=ma.validate.Regexp(r"^[A-Z0-9]{2,16}$", error="社区代码为2到16位大写字母或数字"))
    district = Text(load_default="", validate=ma.validate.Length(max=64))
