"""Monthly activity (每月16日集中服务) bodies."""

import marshmallow as ma

from server.extensions.smorest import LocalDateTime, Schema, Text
from server.models.events import EVENT_STATUSES, SIGNUP_STATUSES


class EventCreateSchema(Schema):
    title = Text(required=True, validate=ma.validate.Length(min=2, max=64))
    starts_at = LocalDateTime(required=True)
    place = Text(required=True, validate=ma.validate.Length(min=1, max=100))
    category_codes = ma.fields.List(Text(), required=True)
    capacity = ma.fields.Integer(required=True, validate=ma.validate.Range(1, 500))
    planned_minutes = ma.fields.Integer(required=True, validate=ma.validate.Range(30, 480))
    description = Text(multiline=True, load_default="", validate=ma.validate.Length(max=300))


class EventSchema(Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    starts_at = LocalDateTime()
    place = ma.fields.String()
    category_codes = ma.fields.List(ma.fields.String())
    capacity = ma.fields.Integer()
    planned_minutes = ma.fields.Integer()
    description = ma.fields.String()
    status = ma.fields.String(validate=ma.validate.OneOf(EVENT_STATUSES))
    signed = ma.fields.Integer(metadata={"description": "Places taken"})
    waitlisted = ma.fields.Integer()
    my_status = ma.fields.String(validate=ma.validate.OneOf(SIGNUP_STATUSES), allow_none=True, metadata={"description": "signed | waitlisted | cancelled | null"})
    my_checked_in = ma.fields.Boolean()


class SignupSchema(Schema):
    event_id = ma.fields.Integer()
    status = ma.fields.String(validate=ma.validate.OneOf(SIGNUP_STATUSES))
    checked_in_at = LocalDateTime(allow_none=True)


class CheckInTokenSchema(Schema):
    token = Text(required=True, validate=ma.validate.Length(min=10, max=300))


class CloseSchema(Schema):
    event_id = ma.fields.Integer()
    credited_now = ma.fields.Integer(metadata={"description": "Attendees credited by this call (0 the second time)"})
    attended = ma.fields.Integer()
