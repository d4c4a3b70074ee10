"""Correction bodies (更正): a credited record's times put right by a reversal and a corrected credit."""

import marshmallow as ma

from server.extensions.pager import page_of
from server.extensions.smorest import LocalDateTime, Schema, Text
from server.models.station import CORRECTION_STATUSES


class CorrectionQuerySchema(Schema):
    status = Text(validate=ma.validate.OneOf(CORRECTION_STATUSES),
                  metadata={"description": "pending: waiting for a second coordinator"})


class CorrectionRejectSchema(Schema):
    reason = Text(multiline=True, required=True, validate=ma.validate.Length(min=2, max=300))


class CorrectionSchema(Schema):
    id = ma.fields.Integer()
    record_id = ma.fields.Integer()
    status = ma.fields.String(validate=ma.validate.OneOf(CORRECTION_STATUSES))
    status_label = ma.fields.String()
    old_started_at = LocalDateTime()
    old_ended_at = LocalDateTime()
    old_minutes = ma.fields.Integer(metadata={"description": "Credited before"})
    started_at = LocalDateTime()
    ended_at = LocalDateTime()
    new_minutes = ma.fields.Integer(metadata={"description": "Credited after (sized again when it posts)"})
    change_minutes = ma.fields.Integer()
    needs_approval = ma.fields.Boolean(metadata={"description": "Larger than CORRECTION_APPROVAL_MINUTES"})
    reason = ma.fields.String()
    requested_by_name = ma.fields.String(allow_none=True)
    requested_at = LocalDateTime()
    decided_by_name = ma.fields.String(allow_none=True)
    decided_at = LocalDateTime(allow_none=True)
    reject_reason = ma.fields.String()
    reversal_transfer_id = ma.fields.Integer(allow_none=True, metadata={"description": "The old credit's reversal"})
    credit_transfer_id = ma.fields.Integer(allow_none=True, metadata={"description": "The corrected credit"})


CorrectionPageSchema = page_of(CorrectionSchema, name="CorrectionPage")
