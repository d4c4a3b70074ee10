"""Service record bodies (服务记录), with the national volunteer-record fields."""

import marshmallow as ma

from server.extensions.pager import page_of
from server.extensions.smorest import LocalDateTime, Phone, Schema, Text
from server.models.records import RECORD_SOURCES, RECORD_STATUSES


class RecordReportSchema(Schema):
    category_code = Text(required=True)
    item_code = Text(load_default=None, allow_none=True)
    place = Text(required=True, validate=ma.validate.Length(min=1, max=100))
    started_at = LocalDateTime(required=True, metadata={"description": "When the service itself began (travel excluded)"})
    ended_at = LocalDateTime(required=True)
    content = Text(multiline=True, required=True, validate=ma.validate.Length(min=2, max=500))
    witness_member_id = ma.fields.Integer(load_default=None, allow_none=True,
                                          metadata={"description": "A member of the community who saw it"})
    witness_name = Text(load_default="", validate=ma.validate.Length(max=32),
                                    metadata={"description": "Or an outsider: name and phone"})
    witness_phone = Phone(load_default="", optional=True)
    recipient_member_id = ma.fields.Integer(load_default=None, allow_none=True)
    public_good = ma.fields.Boolean(load_default=False, metadata={"description": "Served the community (patrol, greening …)"})
    organiser = Text(load_default="", validate=ma.validate.Length(max=64))


class CounterEntrySchema(RecordReportSchema):
    """柜台登记: the service as written on the paper form, for a volunteer of the coordinator's community."""

    volunteer_member_id = ma.fields.Integer(required=True, metadata={"description": "Who served"})
    paper_signature = ma.fields.Boolean(
        load_default=False, metadata={"description": "The witness signed the paper form the station keeps: credited "
                                                     "now and flagged for the quarterly audit's sample. Otherwise "
                                                     "the record waits for its witness (a tap, a scan or a code "
                                                     "from their code card)."})


class ConfirmCodeSchema(Schema):
    record_id = ma.fields.Integer(required=True)
    code = Text(required=True, validate=ma.validate.Regexp(r"^\d{6}$", error="见证码是6位数字"),
                metadata={"description": "The code the elder reads out from their card (见证码卡)"})


class CorrectionRequestSchema(Schema):
    started_at = LocalDateTime(required=True, metadata={"description": "The corrected start"})
    ended_at = LocalDateTime(required=True, metadata={"description": "The corrected end"})
    reason = Text(multiline=True, required=True, validate=ma.validate.Length(min=2, max=200))


class RecordEditSchema(RecordReportSchema):
    """Only the fields that change (none is required, none takes a default)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class ConfirmSchema(Schema):
    rating = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(1, 5),
                               metadata={"description": "The recipient's evaluation, 1–5"})
    comment = Text(multiline=True, load_default="", validate=ma.validate.Length(max=200))


class ConfirmQRSchema(ConfirmSchema):
    token = Text(required=True, validate=ma.validate.Length(min=10, max=300))


class ReasonSchema(Schema):
    reason = Text(multiline=True, required=True, validate=ma.validate.Length(min=2, max=300))


class QRSchema(Schema):
    token = ma.fields.String()
    expires_at = LocalDateTime()


class RecordQuerySchema(Schema):
    view = Text(load_default="mine", validate=ma.validate.OneOf(("mine", "to_confirm", "community")),
                            metadata={"description": "mine: I served; to_confirm: waiting for me as witness; "
                                                     "community: all (coordinators)"})
    status = Text(validate=ma.validate.OneOf(RECORD_STATUSES))


class RecordSchema(Schema):
    id = ma.fields.Integer()
    status = ma.fields.String(validate=ma.validate.OneOf(RECORD_STATUSES))
    status_label = ma.fields.String()
    source = ma.fields.String(validate=ma.validate.OneOf(RECORD_SOURCES))
    category_name = ma.fields.String()
    item_name = ma.fields.String(allow_none=True)
    place = ma.fields.String()
    started_at = LocalDateTime()
    ended_at = LocalDateTime()
    duration_minutes = ma.fields.Integer(metadata={"description": "Actual service minutes"})
    credited_minutes = ma.fields.Integer(allow_none=True, metadata={"description": "After rounding and the daily cap"})
    content = ma.fields.String()
    volunteer_id = ma.fields.Integer(allow_none=True, metadata={"description": "Empty for a provider's service"})
    volunteer_name = ma.fields.String(allow_none=True)
    provider_id = ma.fields.Integer(allow_none=True, metadata={"description": "A contracted provider served (签约服务机构)"})
    provider_name = ma.fields.String(allow_none=True)
    witness_id = ma.fields.Integer(allow_none=True)
    witness_name = ma.fields.String()
    recipient_name = ma.fields.String(allow_none=True)
    public_good = ma.fields.Boolean()
    needs_approval = ma.fields.Boolean(metadata={"description": "补录: waits for a coordinator"})
    rating = ma.fields.Integer(allow_none=True)
    comment = ma.fields.String()
    organiser = ma.fields.String()
    recorder_name = ma.fields.String(allow_none=True)
    confirmed_by_name = ma.fields.String(allow_none=True)
    confirmed_for_name = ma.fields.String(allow_none=True, metadata={"description": "代理: confirmed for a member without a phone"})
    confirmed_at = LocalDateTime(allow_none=True)
    confirmed_via = ma.fields.String()
    dispute_reason = ma.fields.String()
    reject_reason = ma.fields.String()
    transfer_id = ma.fields.Integer(allow_none=True)
    created_at = LocalDateTime()
    code_card = ma.fields.Boolean(metadata={"description": "Waits for a witness whose household holds a code card "
                                                           "(见证码卡): the volunteer may enter a code from it"})


RecordPageSchema = page_of(RecordSchema, name="RecordPage")
