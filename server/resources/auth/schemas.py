"""Login request and answer bodies: a token and the member, never WeChat's session_key."""

import marshmallow as ma

from server.extensions.smorest import Schema, Text
from server.resources.me.schemas import MeSchema


class WeChatLoginSchema(Schema):
    code = Text(required=True, validate=ma.validate.Length(min=1, max=128),
                            metadata={"description": "The code from `wx.login()`"})


class DevLoginSchema(Schema):
    handle = Text(required=True, validate=ma.validate.Length(min=1, max=32),
                              metadata={"description": "A demo handle: resident, volunteer, retired, coordinator, admin …"})


class TokenSchema(Schema):
    token = ma.fields.String(metadata={"description": "Send as `Authorization: Bearer <token>`"})
    expires_in = ma.fields.Integer(metadata={"description": "Seconds"})
    member = ma.fields.Nested(MeSchema)


class DemoLoginSchema(Schema):
    handle = ma.fields.String()
    name = ma.fields.String()
    roles = ma.fields.List(ma.fields.String())
    description = ma.fields.String()
