"""Task board bodies."""

import marshmallow as ma

from server.extensions.pager import page_of
from server.extensions.smorest import LocalDateTime, Schema, Text
from server.models.tasks import TASK_STATUSES, URGENCIES
from server.resources.records.schemas import RecordSchema
from server.services.board.promise import PROMISE_STATES


class BoardQuerySchema(Schema):
    category = Text(metadata={"description": "Category code"})
    team_id = ma.fields.Integer()
    date = ma.fields.Date(metadata={"description": "Tasks whose time window touches this day"})
    area = Text(validate=ma.validate.Length(max=32))


class ComingSchema(Schema):
    kind = ma.fields.String(validate=ma.validate.OneOf(("volunteer", "provider")))
    id = ma.fields.Integer(metadata={"description": "The volunteer's member id, or the provider's id"})
    name = ma.fields.String()
    label = ma.fields.String(metadata={"description": "志愿者：张三 / 服务机构：安康护理, to show as it is"})


class PromiseFields:
    """A payback request's promise (回报有保障), in every answer showing the request or its task."""

    promise_due_at = ma.fields.String(allow_none=True, metadata={
        "description": "By then a volunteer or a provider must be assigned (payback only; null otherwise)"})
    promise_minutes_left = ma.fields.Integer(allow_none=True, metadata={"description": "Never negative; 0 once passed"})
    promise_label = ma.fields.String(metadata={"description": "The server's phrase: 还剩 5 小时 / 已超时 / 已安排服务人"})
    promise_state = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(PROMISE_STATES), metadata={
        "description": "waiting | at_risk (PAYBACK_AT_RISK_HOURS left, nobody assigned) | overdue | assigned | closed"})
    coming = ma.fields.Nested(ComingSchema, allow_none=True, metadata={"description": "Who is coming; null while nobody is"})


class TaskSchema(PromiseFields, Schema):
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
    urgency = ma.fields.String(validate=ma.validate.OneOf(URGENCIES))
    status = ma.fields.String(validate=ma.validate.OneOf(TASK_STATUSES))
    status_label = ma.fields.String()
    recipient_name = ma.fields.String(metadata={"description": "Masked (王**) until claimed"})
    recipient_phone = ma.fields.String(metadata={"description": "Empty until claimed"})
    claimed_by_me = ma.fields.Boolean()
    held = ma.fields.Boolean(metadata={"description": "Waiting for a coordinator's content review"})
    request_id = ma.fields.Integer(allow_none=True)
    agreement_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.String()
    reserved_until = ma.fields.String(allow_none=True, metadata={
        "description": "指定服务人: until then only the preferred volunteer may claim it (null: anyone may)"})
    reserved_for_me = ma.fields.Boolean(metadata={"description": "The household named me: I am asked first"})
    open_to_network = ma.fields.Boolean(metadata={
        "description": "A payback opened to the network: neighbouring communities' volunteers may serve it"})
    community_id = ma.fields.Integer(metadata={"description": "The task's community"})
    community_name = ma.fields.String(metadata={"description": "Its name (the board shows 来自XX社区 on another's)"})
    from_other_community = ma.fields.Boolean(metadata={
        "description": "The task is of another community of my network (通存通兑)"})


class TaskDetailSchema(TaskSchema):
    volunteer = ma.fields.Dict(allow_none=True, metadata={"description": "{id, name, phone} once claimed"})
    provider = ma.fields.Dict(allow_none=True, metadata={
        "description": "The contracted provider (签约服务机构) assigned: {id, name, contact_name, phone}"})
    assigned_by_coordinator = ma.fields.Boolean(metadata={"description": "A coordinator assigned the volunteer"})
    assign_note = ma.fields.String(metadata={"description": "The coordinator's note with the assignment"})
    may_decline = ma.fields.Boolean(metadata={"description": "I was assigned: I may decline (婉拒)"})


class AssignSchema(Schema):
    volunteer_id = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=1),
                                     metadata={"description": "An active volunteer of the task's community"})
    provider_id = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=1),
                                    metadata={"description": "An active provider serving the task's category"})
    note = Text(multiline=True, load_default="", validate=ma.validate.Length(max=150))


class ProviderServiceSchema(Schema):
    started_at = LocalDateTime(required=True)
    ended_at = LocalDateTime(required=True)
    content = Text(multiline=True, load_default="", validate=ma.validate.Length(max=500),
                   metadata={"description": "What the provider did (defaults to the task's description)"})


BoardSchema = page_of(TaskSchema, name="Board", verbatim=True)


class CheckInSchema(Schema):
    token = Text(load_default=None, allow_none=True, validate=ma.validate.Length(max=300),
                             metadata={"description": "The QR shown by the recipient's family or the coordinator"})





class NoteSchema(Schema):
    reason = Text(multiline=True, load_default="", validate=ma.validate.Length(max=200))


class CheckOutSchema(Schema):
    task = ma.fields.Nested(TaskDetailSchema)
    record = ma.fields.Nested(RecordSchema)


class ComponentSchema(Schema):
    label = ma.fields.String(metadata={"description": "The component in Chinese (服务对口, 时间合适 ...)"})
    score = ma.fields.Float(metadata={"description": "0–1"})
    weight = ma.fields.Float(metadata={"description": "Its weight (MATCH_WEIGHTS)"})
    points = ma.fields.Float(metadata={"description": "score × weight; the total is their sum"})
    note = ma.fields.String(metadata={"description": "Why, in words (服务意向含「义务维修」, 同住3号楼 ...)"})


class CandidateVolunteerSchema(Schema):
    member_id = ma.fields.Integer()
    name = ma.fields.String()
    volunteer_no = ma.fields.String(allow_none=True)


class CandidateSchema(Schema):
    round = ma.fields.Integer(metadata={"description": "1: asked when the task opened; 2: asked when nobody took it"})
    rank = ma.fields.Integer(metadata={"description": "1 = the best of its round"})
    total = ma.fields.Float()
    components = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(ComponentSchema),
                                metadata={"description": "fit, availability, proximity, fairness, reliability, stars"})
    notified_at = ma.fields.DateTime(allow_none=True)
    claimed = ma.fields.Boolean(metadata={"description": "This volunteer holds the task now"})
    volunteer = ma.fields.Nested(CandidateVolunteerSchema)


class OpeningSchema(Schema):
    id = ma.fields.Integer()
    opened_at = ma.fields.DateTime(metadata={"description": "Booked, published, released or reopened after a no-show"})
    priority = ma.fields.Boolean(metadata={"description": "Payback: larger rounds, shorter timers"})
    rounds = ma.fields.Integer(metadata={"description": "Asking rounds so far (1 or 2)"})
    alerted_at = ma.fields.DateTime(allow_none=True, metadata={"description": "When the coordinators were told nobody took it"})
    closed_at = ma.fields.DateTime(allow_none=True, metadata={"description": "Superseded by a later opening"})
    candidates = ma.fields.List(ma.fields.Nested(CandidateSchema))


class CandidatesSchema(Schema):
    task_id = ma.fields.Integer()
    status = ma.fields.String(validate=ma.validate.OneOf(TASK_STATUSES))
    openings = ma.fields.List(ma.fields.Nested(OpeningSchema), metadata={"description": "Newest first"})
