"""Household bodies: opening (开户), joining with an invite code, adding a family member."""

import marshmallow as ma

from server.extensions.smorest import LocalDateTime, Phone, Schema, Text
from server.models.people import GENDERS, RELATIONS
from server.resources.me.schemas import MemberSchema


class HouseholdOpenSchema(Schema):
    community_id = ma.fields.Integer(required=True)
    name = Text(required=True, validate=ma.validate.Length(min=1, max=64),
                            metadata={"description": "户名, e.g. 王家"})
    building = Text(load_default="", validate=ma.validate.Length(max=16), metadata={"description": "楼号"})
    unit = Text(load_default="", validate=ma.validate.Length(max=16), metadata={"description": "单元"})
    room = Text(load_default="", validate=ma.validate.Length(max=16), metadata={"description": "门牌"})
    area = Text(load_default="", validate=ma.validate.Length(max=32), metadata={"description": "片区"})


class HouseholdJoinSchema(Schema):
    invite_code = Text(required=True, validate=ma.validate.Length(min=4, max=12))
    relation = Text(required=True, validate=ma.validate.OneOf(RELATIONS))


class DependentSchema(Schema):
    name = Text(required=True, validate=ma.validate.Length(min=1, max=32))
    relation = Text(required=True, validate=ma.validate.OneOf(RELATIONS))
    gender = Text(load_default="", validate=ma.validate.OneOf(GENDERS))
    birth_date = ma.fields.Date(load_default=None, allow_none=True)
    phone = Phone(load_default="", optional=True)


class HouseholdSchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.Integer()
    community_name = ma.fields.String()
    name = ma.fields.String()
    building = ma.fields.String()
    unit = ma.fields.String()
    room = ma.fields.String()
    area = ma.fields.String()
    invite_code = ma.fields.String(allow_none=True,
                                   metadata={"description": "Family members join with it (none once closed)"})
    opened_at = LocalDateTime()
    closed_at = LocalDateTime(allow_none=True, metadata={
        "description": "Closed when its last member was erased: the balance went to the love pool, nobody may join"})
    members = ma.fields.List(ma.fields.Nested(MemberSchema))


class HouseholdBriefSchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    building = ma.fields.String()
    unit = ma.fields.String()
    room = ma.fields.String()
    area = ma.fields.String()
    opened_at = LocalDateTime()
    closed_at = LocalDateTime(allow_none=True)
