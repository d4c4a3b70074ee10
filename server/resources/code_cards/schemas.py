"""Witness code card bodies (见证码卡)."""

import marshmallow as ma

from server.extensions.smorest import LocalDateTime, Schema, Text


class CodeSchema(ma.Schema):
    number = ma.fields.Integer(metadata={"description": "Printed beside the code; the elder reads the next unused one"})
    code = ma.fields.String()


class CodeCardSchema(Schema):
    id = ma.fields.Integer()
    household_id = ma.fields.Integer()
    size = ma.fields.Integer()
    used = ma.fields.Integer(metadata={"description": "Codes already used"})
    issued_at = LocalDateTime()
    issued_by_name = ma.fields.String()
    revoked_at = LocalDateTime(allow_none=True, metadata={"description": "Set when a newer card replaced it"})
    codes = ma.fields.List(ma.fields.Nested(CodeSchema), metadata={
        "description": "Only in the answer that issued the card, for printing: never shown again (only their HMACs "
                       "are kept). A retry with the same Idempotency-Key answers without them."})


class CodeCardQuerySchema(Schema):
    format = Text(load_default="json", validate=ma.validate.OneOf(("json", "pdf")), metadata={
        "description": "json: the card with its codes; pdf: the card to print (also with `Accept: application/pdf`)"})
