"""Star rating (星级评定), award and certificate bodies."""

import marshmallow as ma

from server.extensions.smorest import LocalDateTime, Schema, Text
from server.models.recognition import AWARD_STATUSES


class YearQuerySchema(Schema):
    year = ma.fields.Integer(load_default=None, validate=ma.validate.Range(2000, 2100),
                             metadata={"description": "Calendar mode: the year (default this year); rolling mode ignores it"})


class ApplicationSchema(Schema):
    year = ma.fields.Integer(load_default=None, validate=ma.validate.Range(2000, 2100),
                             metadata={"description": "Calendar mode: this year (default) or last year"})


class AwardQuerySchema(YearQuerySchema):
    status = Text(load_default=None, validate=ma.validate.OneOf(AWARD_STATUSES))


class RejectionSchema(Schema):
    reason = Text(multiline=True, required=True, validate=ma.validate.Length(min=2, max=300))


class LevelSchema(Schema):
    minutes = ma.fields.Integer()
    stars = ma.fields.Integer()
    next_stars = ma.fields.Integer(allow_none=True)
    minutes_to_next = ma.fields.Integer(allow_none=True)
    thresholds_hours = ma.fields.List(ma.fields.Float())


class PeriodSchema(Schema):
    mode = ma.fields.String(metadata={"description": "calendar | rolling (STAR_PERIOD)"})
    year = ma.fields.Integer()
    start = ma.fields.Date()
    end = ma.fields.Date(metadata={"description": "Last day counted"})
    label = ma.fields.String()


class AwardSchema(Schema):
    id = ma.fields.Integer()
    member_id = ma.fields.Integer()
    name = ma.fields.String()
    volunteer_no = ma.fields.String()
    year = ma.fields.Integer()
    period_label = ma.fields.String()
    stars = ma.fields.Integer()
    minutes = ma.fields.Integer()
    status = ma.fields.String(validate=ma.validate.OneOf(AWARD_STATUSES), metadata={"description": "proposed | approved | rejected | superseded"})
    status_label = ma.fields.String()
    applied = ma.fields.Boolean()
    applied_at = LocalDateTime(allow_none=True)
    notice_id = ma.fields.Integer(allow_none=True, metadata={"description": "The notice that published it"})
    objection_until = LocalDateTime(allow_none=True)
    open_objections = ma.fields.Integer()
    decision_note = ma.fields.String()
    certificate_serial = ma.fields.String(allow_none=True)
    verification_url = ma.fields.String(allow_none=True)


class StandingSchema(LevelSchema):
    period = ma.fields.Nested(PeriodSchema)
    national = ma.fields.Nested(LevelSchema, metadata={"description": "Cumulative hours → national levels"})
    awards = ma.fields.List(ma.fields.Nested(AwardSchema))


class VolunteerStandingSchema(Schema):
    member_id = ma.fields.Integer()
    name = ma.fields.String()
    volunteer_no = ma.fields.String()
    minutes = ma.fields.Integer()
    stars = ma.fields.Integer()
    national_minutes = ma.fields.Integer()
    national_stars = ma.fields.Integer()
    award_id = ma.fields.Integer(allow_none=True)
    award_status = ma.fields.String(validate=ma.validate.OneOf(AWARD_STATUSES), allow_none=True)


class StandingsSchema(Schema):
    year = ma.fields.Integer()
    period_label = ma.fields.String()
    thresholds_hours = ma.fields.List(ma.fields.Float())
    national_thresholds_hours = ma.fields.List(ma.fields.Float())
    volunteers = ma.fields.List(ma.fields.Nested(VolunteerStandingSchema))


class CertificateCheckSchema(Schema):
    valid = ma.fields.Boolean()
    serial = ma.fields.String()
    name = ma.fields.String()
    volunteer_no = ma.fields.String(metadata={"description": "志愿者编号 (never an ID-card number)"})
    stars = ma.fields.Integer()
    year = ma.fields.Integer()
    period_label = ma.fields.String()
    minutes = ma.fields.Integer()
    community_name = ma.fields.String()
    issuer = ma.fields.String()
    issued_on = ma.fields.Date()
