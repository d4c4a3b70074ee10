"""Public notice (公告) and objection bodies."""

import marshmallow as ma

from server.extensions.smorest import LocalDateTime, Schema, Text
from server.models.recognition import NOTICE_KINDS, OBJECTION_STATUSES


class QuarterSchema(Schema):
    year = ma.fields.Integer(required=True, validate=ma.validate.Range(2000, 2100))
    quarter = ma.fields.Integer(required=True, validate=ma.validate.Range(1, 4))


class ObjectionCreateSchema(Schema):
    award_id = ma.fields.Integer(required=True, metadata={"description": "An award listed in this notice"})
    reason = Text(multiline=True, required=True, validate=ma.validate.Length(min=4, max=500))


class ResolutionSchema(Schema):
    decision = Text(required=True, validate=ma.validate.OneOf(("upheld", "dismissed")),
                                metadata={"description": "upheld: the award is rejected; dismissed: it may go ahead"})
    note = Text(multiline=True, required=True, validate=ma.validate.Length(min=2, max=500))


class TeamTotalSchema(Schema):
    team = ma.fields.String()
    minutes = ma.fields.Integer()
    volunteers = ma.fields.Integer()


class CategoryTotalSchema(Schema):
    category = ma.fields.String()
    minutes = ma.fields.Integer()
    records = ma.fields.Integer()


class VolunteerHoursSchema(Schema):
    name = ma.fields.String(metadata={"description": "Masked (李**) unless the volunteer opted in"})
    minutes = ma.fields.Integer()
    records = ma.fields.Integer()


class ActivitySchema(Schema):
    minutes = ma.fields.Integer()
    records = ma.fields.Integer()
    volunteers = ma.fields.Integer()
    by_team = ma.fields.List(ma.fields.Nested(TeamTotalSchema))
    by_category = ma.fields.List(ma.fields.Nested(CategoryTotalSchema))
    by_volunteer = ma.fields.List(ma.fields.Nested(VolunteerHoursSchema))


class NoticeAwardSchema(Schema):
    award_id = ma.fields.Integer()
    name = ma.fields.String(metadata={"description": "Masked unless the volunteer opted in"})
    stars = ma.fields.Integer()
    minutes = ma.fields.Integer()
    period_label = ma.fields.String()
    status_label = ma.fields.String()
    open_objections = ma.fields.Integer(metadata={"description": "Coordinators only"})


class NoticeBriefSchema(Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String(validate=ma.validate.OneOf(NOTICE_KINDS), metadata={"description": "quarterly | awards"})
    title = ma.fields.String()
    year = ma.fields.Integer()
    quarter = ma.fields.Integer(allow_none=True)
    published_at = LocalDateTime()
    objection_until = LocalDateTime()
    objections_open = ma.fields.Boolean(metadata={"description": "Residents may object now"})
    award_count = ma.fields.Integer()


class NoticeHonourSchema(Schema):
    """How the bank kept its word to the households that redeemed (兑付率): figures only, no names."""

    opened = ma.fields.Integer()
    on_time = ma.fields.Integer()
    late = ma.fields.Integer()
    not_honoured = ma.fields.Integer()
    cancelled = ma.fields.Integer(metadata={"description": "By the household; not counted in the rate"})
    open = ma.fields.Integer(metadata={"description": "Still within its promise when published; not counted"})
    honour_rate = ma.fields.Float(allow_none=True)
    honour_rate_label = ma.fields.String(metadata={"description": "85.7% or 暂无"})
    served_by_volunteers = ma.fields.Integer()
    served_by_providers = ma.fields.Integer()
    median_hours_to_service = ma.fields.Float(allow_none=True)
    minutes_redeemed = ma.fields.Integer()
    summary = ma.fields.String(metadata={"description": "The line the notice prints"})
    labels = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())


class NoticeSchema(NoticeBriefSchema):
    activity = ma.fields.Nested(ActivitySchema, metadata={"description": "Quarterly notices"})
    honour = ma.fields.Nested(NoticeHonourSchema, metadata={
        "description": "Quarterly notices published since the honour rate was kept (兑付率)"})
    awards = ma.fields.List(ma.fields.Nested(NoticeAwardSchema))


class ObjectionSchema(Schema):
    id = ma.fields.Integer()
    notice_id = ma.fields.Integer()
    award_id = ma.fields.Integer()
    objector_name = ma.fields.String()
    reason = ma.fields.String()
    status = ma.fields.String(validate=ma.validate.OneOf(OBJECTION_STATUSES), metadata={"description": "open | upheld | dismissed"})
    status_label = ma.fields.String()
    created_at = LocalDateTime()
    resolution = ma.fields.String()
    resolved_at = LocalDateTime(allow_none=True)
