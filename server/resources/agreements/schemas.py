"""Recipient file and agreement bodies (建档立卡、签署协议)."""

import marshmallow as ma

from server.extensions.smorest import LocalDateTime, Phone, Schema, Text
from server.models.agreements import AGREEMENT_STATUSES, PARTIES


class RecipientFileCreateSchema(Schema):
    member_id = ma.fields.Integer(required=True, metadata={"description": "The person in need (a member of the community)"})
    needs = Text(multiline=True, required=True, validate=ma.validate.Length(min=2, max=500))
    risks = Text(multiline=True, load_default="", validate=ma.validate.Length(max=500))
    emergency_contact_name = Text(required=True, validate=ma.validate.Length(min=1, max=32))
    emergency_contact_phone = Phone(required=True)
    consent_date = ma.fields.Date(required=True, metadata={"description": "When the person (or guardian) agreed to the file"})


class RecipientFileSchema(Schema):
    id = ma.fields.Integer()
    member_id = ma.fields.Integer()
    member_name = ma.fields.String()
    needs = ma.fields.String()
    risks = ma.fields.String()
    emergency_contact_name = ma.fields.String()
    emergency_contact_phone = ma.fields.String()
    consent_date = ma.fields.Date()
    created_at = LocalDateTime()


class SlotSchema(Schema):
    weekday = ma.fields.Integer(required=True, validate=ma.validate.Range(1, 7), metadata={"description": "1 = Monday"})
    start = Text(required=True, validate=ma.validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="时间格式为 时:分，例如 09:30"))
    minutes = ma.fields.Integer(required=True, validate=ma.validate.Range(30, 480))


class AgreementCreateSchema(Schema):
    recipient_file_id = ma.fields.Integer(required=True)
    category_code = Text(required=True)
    item_codes = ma.fields.List(Text(), load_default=list)
    content = Text(multiline=True, required=True, validate=ma.validate.Length(min=2, max=500))
    place = Text(required=True, validate=ma.validate.Length(min=1, max=100))
    schedule = ma.fields.List(ma.fields.Nested(SlotSchema), required=True)
    start_date = ma.fields.Date(required=True)
    end_date = ma.fields.Date(required=True)
    volunteer_member_ids = ma.fields.List(ma.fields.Integer(), required=True,
                                          metadata={"description": "One (1:1) or several (many:1) volunteers"})


class AgreementActionSchema(Schema):
    action = Text(required=True, validate=ma.validate.OneOf(("suspend", "resume", "end", "renew")))
    note = Text(multiline=True, load_default="", validate=ma.validate.Length(max=200))
    end_date = ma.fields.Date(load_default=None, allow_none=True, metadata={"description": "renew: the new end date"})


class SignatureSchema(Schema):
    party = ma.fields.String(validate=ma.validate.OneOf(PARTIES))
    member_id = ma.fields.Integer()
    member_name = ma.fields.String()
    signed_by_name = ma.fields.String(allow_none=True, metadata={"description": "Who tapped (a guardian for the recipient)"})
    signed_at = LocalDateTime(allow_none=True, metadata={"description": "null: not signed yet"})


class AgreementSchema(Schema):
    id = ma.fields.Integer()
    status = ma.fields.String(validate=ma.validate.OneOf(AGREEMENT_STATUSES), metadata={"description": "signing | active | suspended | ended"})
    status_label = ma.fields.String()
    recipient_id = ma.fields.Integer()
    recipient_name = ma.fields.String()
    category_name = ma.fields.String()
    item_codes = ma.fields.List(ma.fields.String())
    content = ma.fields.String()
    place = ma.fields.String()
    schedule = ma.fields.List(ma.fields.Nested(SlotSchema))
    start_date = ma.fields.Date()
    end_date = ma.fields.Date()
    volunteers = ma.fields.List(ma.fields.Dict())
    signatures = ma.fields.List(ma.fields.Nested(SignatureSchema))
    my_party = ma.fields.String(validate=ma.validate.OneOf(PARTIES), allow_none=True, metadata={"description": "What the caller would sign as; null if not a party"})
    created_at = LocalDateTime()
    activated_at = LocalDateTime(allow_none=True)
    status_note = ma.fields.String()


class GenerateResultSchema(Schema):
    created = ma.fields.Integer()
