"""Community bodies."""

import marshmallow as ma

from server.extensions.smorest import Schema


class CommunitySchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    code = ma.fields.String()
    district = ma.fields.String()


class CommunityCreateSchema(Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=2, max=64))
    code = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^[A-Z0-9]{2,16}$", error="社区代码为2到16位大写字母或数字"))
    district = ma.fields.String(load_default="", validate=ma.validate.Length(max=64))
