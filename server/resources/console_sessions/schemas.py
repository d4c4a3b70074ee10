"""Console login bodies (扫码登录)."""

import marshmallow as ma

from server.extensions.smorest import LocalDateTime, Schema


class ConsoleLoginSchema(Schema):
    token = ma.fields.String(metadata={"description": "The login token (what the approver sends back)"})
    qr_payload = ma.fields.String(metadata={"description": "What the QR code holds: `lovebank-console:<token>`"})
    poll_secret = ma.fields.String(metadata={
        "description": "The asking browser's secret: only it can take the session once the login is approved"})
    expires_at = LocalDateTime(metadata={"description": "Approve before then (CONSOLE_LOGIN_MINUTES)"})


class ConsoleApprovalSchema(Schema):
    approved = ma.fields.Boolean()
    approved_at = LocalDateTime()
    member_name = ma.fields.String(metadata={"description": "Whose session the console becomes"})
