"""The honour-rate report's query and answers (兑付率)."""

import marshmallow as ma

from server.extensions.smorest import Schema


class QuarterQuerySchema(Schema):
    year = ma.fields.Integer(load_default=None, validate=ma.validate.Range(2000, 2100),
                            metadata={"description": "With `quarter`; both left out: the current quarter so far"})
    quarter = ma.fields.Integer(load_default=None, validate=ma.validate.Range(1, 4),
                               metadata={"description": "1–4, with `year`"})


class HonourFiguresSchema(Schema):
    """One community's quarter (or the total of all): counts of payback requests by outcome."""

    community_id = ma.fields.Integer(allow_none=True, metadata={"description": "None on the total line"})
    community_name = ma.fields.String()
    opened = ma.fields.Integer(metadata={"description": "Payback requests opened in the quarter"})
    on_time = ma.fields.Integer(metadata={"description": "Served, assigned by its promise_due_at"})
    late = ma.fields.Integer(metadata={"description": "Served, assigned after its promise_due_at"})
    not_honoured = ma.fields.Integer(metadata={
        "description": "Ended unserved for a reason not the household's, or unassigned past its promise and window"})
    cancelled = ma.fields.Integer(metadata={"description": "Cancelled by the household (not counted in the rate)"})
    open = ma.fields.Integer(metadata={"description": "Still within its promise or window (not counted in the rate)"})
    honour_rate = ma.fields.Float(allow_none=True, metadata={
        "description": "on_time / (on_time + late + not_honoured); null when there is nothing to count"})
    honour_rate_label = ma.fields.String(metadata={"description": "85.7% or 暂无"})
    served_by_volunteers = ma.fields.Integer()
    served_by_providers = ma.fields.Integer(metadata={"description": "Served by a contracted provider (签约服务机构)"})
    median_hours_to_service = ma.fields.Float(allow_none=True, metadata={
        "description": "Median hours from the request to the start of service, served requests only"})
    minutes_redeemed = ma.fields.Integer(metadata={"description": "Minutes the posted holds spent"})
    summary = ma.fields.String(metadata={"description": "The figures in one sentence"})


class QuarterSchema(Schema):
    year = ma.fields.Integer()
    quarter = ma.fields.Integer()
    label = ma.fields.String(metadata={"description": "2026年第1季度"})
    start = ma.fields.Date()
    end = ma.fields.Date(metadata={"description": "The first day after the quarter"})
    complete = ma.fields.Boolean(metadata={"description": "False: the quarter so far"})
    labels = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(),
                            metadata={"description": "Each figure's name in words"})


class CommunityHonourSchema(QuarterSchema, HonourFiguresSchema):
    pass


class SideBySideSchema(QuarterSchema):
    communities = ma.fields.List(ma.fields.Nested(HonourFiguresSchema), metadata={
        "description": "Every community, by id (bounded: the communities of one city)"})
    total = ma.fields.Nested(HonourFiguresSchema)
