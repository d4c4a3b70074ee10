"""Booking (预约服务) and payback (优先回馈) bodies."""

import marshmallow as ma

from server.extensions.smorest import LocalDateTime, Schema, Text
from server.models.ledger import TRANSFER_STATES
from server.models.tasks import URGENCIES
from server.resources.tasks.schemas import PromiseFields


class NeedSchema(Schema):
    category_code = Text(required=True, metadata={"description": "From the service menu (GET /catalog)"})
    item_code = Text(load_default=None, allow_none=True)
    description = Text(multiline=True, required=True, validate=ma.validate.Length(min=4, max=300),
                                   metadata={"description": "What is needed, in the resident's words"})
    building = Text(load_default="", validate=ma.validate.Length(max=16))
    unit = Text(load_default="", validate=ma.validate.Length(max=16))
    place_detail = Text(load_default="", validate=ma.validate.Length(max=64))
    window_start = LocalDateTime(required=True)
    window_end = LocalDateTime(required=True)
    estimated_minutes = ma.fields.Integer(required=True, validate=ma.validate.Range(30, 480, error="预计时长在半小时到8小时之间"))
    urgency = Text(load_default="normal", validate=ma.validate.OneOf(URGENCIES))
    for_member_id = ma.fields.Integer(load_default=None, allow_none=True,
                                      metadata={"description": "亲情代理: a family member without a phone (or, for coordinators, any resident)"})


class PaybackNeedSchema(NeedSchema):
    preferred_volunteer_id = ma.fields.Integer(load_default=None, allow_none=True, metadata={
        "description": "指定服务人: a volunteer who served this household before and still serves "
                       "(`preferred_candidates` of /payback-requests/eligibility); asked first, alone, for "
                       "PAYBACK_PREFERRED_HOURS"})
    open_to_network = ma.fields.Boolean(load_default=False, metadata={
        "description": "也请邻近社区的志愿者帮忙: the volunteers of the network's other communities see it too "
                       "(only when the household's community is in a network; otherwise 422 on this field)"})


class CancelSchema(Schema):
    reason = Text(multiline=True, load_default="", validate=ma.validate.Length(max=200))


class VolunteerRefSchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    phone = ma.fields.String()


class PreferredRefSchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class RequestSchema(PromiseFields, Schema):
    id = ma.fields.Integer()
    task_id = ma.fields.Integer()
    payback = ma.fields.Boolean()
    requester_id = ma.fields.Integer()
    requester_name = ma.fields.String()
    created_by_name = ma.fields.String(metadata={"description": "Who booked (differs from the requester for 亲情代理)"})
    category_code = ma.fields.String()
    category_name = ma.fields.String()
    item_name = ma.fields.String(allow_none=True)
    description = ma.fields.String()
    place = ma.fields.String()
    window_start = LocalDateTime()
    window_end = LocalDateTime()
    estimated_minutes = ma.fields.Integer()
    urgency = ma.fields.String(validate=ma.validate.OneOf(URGENCIES))
    status = ma.fields.String()
    status_label = ma.fields.String()
    held_minutes = ma.fields.Integer(allow_none=True, metadata={"description": "Payback: minutes held on the passbook"})
    hold_state = ma.fields.String(validate=ma.validate.OneOf(TRANSFER_STATES), allow_none=True, metadata={"description": "pending | posted | voided"})
    spent_minutes = ma.fields.Integer(allow_none=True)
    volunteer = ma.fields.Nested(VolunteerRefSchema, allow_none=True)
    provider = ma.fields.Dict(allow_none=True, metadata={
        "description": "The contracted provider (签约服务机构) coming instead of a volunteer: {id, name, contact_name, phone}"})
    record_id = ma.fields.Integer(allow_none=True, metadata={"description": "The service record waiting for confirmation"})
    cancel_reason = ma.fields.String()
    created_at = LocalDateTime()
    promise_due_at = LocalDateTime(allow_none=True, metadata={
        "description": "Payback: by then a volunteer or a provider must be assigned (PAYBACK_PROMISE_HOURS, or the "
                       "window's start if sooner)"})
    preferred_volunteer = ma.fields.Nested(PreferredRefSchema, allow_none=True, metadata={
        "description": "指定服务人 named by the household"})
    preferred_until = LocalDateTime(allow_none=True, metadata={
        "description": "Until then only the preferred volunteer is asked (then everyone as usual)"})
    open_to_network = ma.fields.Boolean(metadata={
        "description": "Payback opened to the network: neighbouring communities' volunteers may serve it"})
    network_opened_at = LocalDateTime(allow_none=True, metadata={"description": "When it was opened to the network"})
    network_opened_reason = ma.fields.String(allow_none=True, metadata={
        "description": "Why: requester | household | coordinator | at_risk (the promise was at risk, nobody claimed)"})
    network_label = ma.fields.String(metadata={"description": "已向邻近社区开放, or empty"})
    network_reason_label = ma.fields.String(metadata={"description": "Why, in words"})


class RedeemerSchema(Schema):
    member_id = ma.fields.Integer()
    name = ma.fields.String()
    relation = ma.fields.String(metadata={"description": "Relation to the household's head (本人 is the head)"})
    may_redeem = ma.fields.Boolean()
    reasons = ma.fields.List(ma.fields.String(), metadata={
        "description": "Each rule that lets them redeem: 年满60岁 / 因年龄退出的志愿者 / 因病退出的志愿者 / 兜底对象（孤寡）"})
    reason_not = ma.fields.String(metadata={"description": "Why not, in plain words (empty when they may)"})


class PreferredCandidateSchema(Schema):
    member_id = ma.fields.Integer()
    name = ma.fields.String()
    times_served = ma.fields.Integer(metadata={"description": "Credited services for this household"})
    last_served_on = ma.fields.Date()


class EligibilitySchema(Schema):
    eligible = ma.fields.Boolean(metadata={"description": "The member asked about may open a payback request"})
    reason = ma.fields.String(metadata={"description": "In plain words, for the person"})
    member_id = ma.fields.Integer()
    member_name = ma.fields.String()
    available_minutes = ma.fields.Integer()
    held_minutes = ma.fields.Integer()
    balance_minutes = ma.fields.Integer()
    members = ma.fields.List(ma.fields.Nested(RedeemerSchema), metadata={
        "description": "Everyone in the household, oldest first: who may redeem its hours and why (bounded: one family)"})
    network_available = ma.fields.Boolean(metadata={
        "description": "The household's community is in a network: a payback request may be opened to it"})
    preferred_candidates = ma.fields.List(ma.fields.Nested(PreferredCandidateSchema), metadata={
        "description": "Whom a payback request may name as 指定服务人: active volunteers who served this household "
                       "(a credited record), most recent first, at most 10"})


class EligibilityQuerySchema(Schema):
    member_id = ma.fields.Integer(load_default=None, metadata={
        "description": "The member asked about (a family member, or for coordinators any resident); default: me"})
    for_member_id = ma.fields.Integer(load_default=None, metadata={"description": "Older name of member_id"})

    @ma.post_load
    def _one_name(self, data, **kwargs):
        return {"member_id": data["member_id"] or data["for_member_id"]}
