"""SMS reminders (短信提醒) bodies: a member's consent and the texts sent."""

import marshmallow as ma

from server.extensions.smorest import LocalDateTime, Schema, Text
from server.models.sms import SMS_CONSENT_VIAS, SMS_STATUSES


class SmsConsentSchema(Schema):
    consent = ma.fields.Boolean(required=True, validate=ma.validate.Equal(True, error="开通短信提醒请勾选同意"),
                                metadata={"description": "Must be true: the member (or the paper form) agrees to texts"})
    via = Text(required=True, validate=ma.validate.OneOf(SMS_CONSENT_VIAS, error="请选择小程序（app）或柜台登记（counter）"),
                           metadata={"description": "`app`: the member in the mini-program; `counter`: the station, "
                                                    "with a signed paper consent form (纸质同意书)"})
    phone = Text(load_default=None, validate=ma.validate.Length(max=20, error="手机号太长了"),
                 metadata={"description": "The mobile to text (an elder's 老年机 or a relative's); the member's phone "
                                          "on file when left out"})
    form_ref = Text(load_default="", validate=ma.validate.Length(max=32, error="同意书编号最多32个字"),
                    metadata={"description": "The paper consent form's number (required with `counter`)"})


class SmsTextSchema(Schema):
    id = ma.fields.Integer()
    template_key = ma.fields.String()
    text = ma.fields.String(metadata={"description": "What the phone shows (a witness code hidden as ******)"})
    status = ma.fields.String(validate=ma.validate.OneOf(SMS_STATUSES), metadata={
        "description": "pending, deferred (quiet hours), sending, sent, delivered, failed, skipped (consent "
                       "withdrawn, daily cap, SMS off) or unknown (interrupted: never sent twice)"})
    provider_code = ma.fields.String(metadata={"description": "The SMS provider's code: Ok, an error code, or a delivery report"})
    note = ma.fields.String()
    created_at = LocalDateTime()
    sent_at = LocalDateTime(allow_none=True)
    delivered_at = LocalDateTime(allow_none=True)


class SmsStateSchema(Schema):
    member_id = ma.fields.Integer()
    enabled = ma.fields.Boolean(metadata={"description": "Texts are sent (an open consent)"})
    phone = ma.fields.String(metadata={"description": "The consent's phone, masked (138****5678)"})
    via = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(SMS_CONSENT_VIAS))
    form_ref = ma.fields.String()
    consented_at = LocalDateTime(allow_none=True)
    recorded_by_name = ma.fields.String()
    withdrawn_at = LocalDateTime(allow_none=True)
    messages = ma.fields.List(ma.fields.Nested(SmsTextSchema), metadata={"description": "The last 10 texts, newest first"})
