"""Subscribe-message consent: what wx.requestSubscribeMessage answered, and my credits."""

import marshmallow as ma

from server.extensions.smorest import Schema, Text
from server.services.messaging.subscriptions import ANSWERS


class SubscriptionReportSchema(Schema):
    results = ma.fields.Dict(
        required=True,
        keys=Text(),
        values=Text(validate=ma.validate.OneOf(ANSWERS)),
        validate=ma.validate.Length(min=1, max=20),
        metadata={"description": "Our template key → WeChat's answer (accept, reject, ban, filter), "
                                 "e.g. {\"task_offer\": \"accept\"}"},
    )


class SubscriptionSchema(Schema):
    template_key = ma.fields.String()
    label = ma.fields.String(metadata={"description": "What the member allows, in Chinese"})
    template_id = ma.fields.String(allow_none=True, metadata={
        "description": "WeChat's template id to pass to wx.requestSubscribeMessage; null: not configured"})
    credits = ma.fields.Integer(metadata={"description": "Messages WeChat will still let us send"})
