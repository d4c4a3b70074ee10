"""Task board bodies."""

import marshmallow as ma

from server.extensions.smorest import Schema, Verbatim
from server.resources.records.schemas import RecordSchema


class BoardQuerySchema(Schema):
    category = ma.fields.String(metadata={"description": "Category code"})
    team_id = ma.fields.Integer()
    date = ma.fields.Date(metadata={"description": "Tasks whose time window touches this day"})
    area = ma.fields.String(validate=ma.validate.Length(max=32))
    cursor = ma.fields.String(validate=ma.validate.Length(max=80), metadata={"description": "`next_cursor` of the previous page"})
    limit = ma.fields.Integer(load_default=20, validate=ma.validate.Range(1, 50))


class TaskSchema(Schema):
    id = ma.fields.Integer()
    source = ma.fields.String(metadata={"description": "request | payback | agreement"})
    priority = ma.fields.Boolean(metadata={"description": "Payback: show 优先"})
    category_code = ma.fields.String()
    category_name = ma.fields.String()
    item_name = ma.fields.String(allow_none=True)
    title = ma.fields.String()
    description = ma.fields.String()
    area = ma.fields.String()
    building = ma.fields.String()
    place = ma.fields.String(metadata={"description": "Full address once claimed (else the building only)"})
    window_start = ma.fields.String()
    window_end = ma.fields.String()
    estimated_minutes = ma.fields.Integer()
    urgency = ma.fields.String()
    status = ma.fields.String()
    status_label = ma.fields.String()
    recipient_name = ma.fields.String(metadata={"description": "Masked (王**) until claimed"})
    recipient_phone = ma.fields.String(metadata={"description": "Empty until claimed"})
    claimed_by_me = ma.fields.Boolean()
    held = ma.fields.Boolean(metadata={"description": "Waiting for a coordinator's content review"})
    request_id = ma.fields.Integer(allow_none=True)
    agreement_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.String()


class TaskDetailSchema(TaskSchema):
    volunteer = ma.fields.Dict(allow_none=True, metadata={"description": "{id, name, phone} once claimed"})


class BoardSchema(Schema):
    items = Verbatim(TaskSchema, many=True)
    next_cursor = ma.fields.String(allow_none=True)


class CheckInSchema(Schema):
    token = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=300),
                             metadata={"description": "The QR shown by the recipient's family or the coordinator"})





class NoteSchema(Schema):
    reason = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))


class CheckOutSchema(Schema):
    task = ma.fields.Nested(TaskDetailSchema)
    record = ma.fields.Nested(RecordSchema)
