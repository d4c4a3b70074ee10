"""The member's own view and the fields they may edit."""

import marshmallow as ma

from server.extensions.smorest import EditSchema, LocalDateTime, Phone, Schema, Text
from server.models.people import ALL_VOLUNTEER_STATUSES, GENDERS, MEMBER_RELATIONS, RETIRE_REASONS


class MemberSchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    gender = ma.fields.String(validate=ma.validate.OneOf(GENDERS))
    relation = ma.fields.String(validate=ma.validate.OneOf(MEMBER_RELATIONS))
    is_head = ma.fields.Boolean()
    household_id = ma.fields.Integer(allow_none=True)
    community_id = ma.fields.Integer(allow_none=True)
    roles = ma.fields.List(ma.fields.String())
    uses_wechat = ma.fields.Boolean(metadata={"description": "False: family or the station acts for this member (亲情代理)"})
    phone = ma.fields.String(metadata={"description": "Masked (138****5678) unless the viewer is the person or their coordinator"})
    birth_date = ma.fields.Date(allow_none=True)
    age = ma.fields.Integer(allow_none=True)
    health_needs = ma.fields.String(allow_none=True, metadata={"description": "Only with consent; only to the person and coordinators"})
    consent_health = ma.fields.Boolean()
    privacy_agreed = ma.fields.Boolean()
    sms_enabled = ma.fields.Boolean(metadata={"description": "In a household's view, to the member and the station: texts (短信提醒) reach this member"})


class VolunteerBriefSchema(Schema):
    id = ma.fields.Integer()
    volunteer_no = ma.fields.String()
    status = ma.fields.String(validate=ma.validate.OneOf(ALL_VOLUNTEER_STATUSES), metadata={"description": "pending (申请审核中) / rejected / active / retired / suspended"})
    retired_reason = ma.fields.String(validate=ma.validate.OneOf(RETIRE_REASONS), allow_none=True)
    status_note = ma.fields.String(metadata={"description": "Why: a rejected application's reason, a suspension's note"})


class MeSchema(MemberSchema):
    household_name = ma.fields.String(allow_none=True)
    community_name = ma.fields.String(allow_none=True)
    volunteer = ma.fields.Nested(VolunteerBriefSchema, allow_none=True)


class MeUpdateSchema(EditSchema):
    name = Text(validate=ma.validate.Length(min=1, max=32))
    gender = Text(validate=ma.validate.OneOf(GENDERS))
    birth_date = ma.fields.Date()
    phone = Phone(optional=True)
    consent_health = ma.fields.Boolean(metadata={"description": "Separate consent to keep health needs; false erases them"})
    health_needs = Text(multiline=True, allow_none=True, validate=ma.validate.Length(max=500))
    agree_privacy = ma.fields.Boolean(metadata={"description": "The member agreed to the privacy notice"})


class ErasureSchema(Schema):
    confirm = ma.fields.Boolean(required=True, validate=ma.validate.Equal(True, error="请确认注销：注销后不能恢复"),
                                metadata={"description": "Must be true: erasure cannot be undone"})


class ErasedSchema(Schema):
    erased = ma.fields.Boolean()
    erased_at = LocalDateTime()
