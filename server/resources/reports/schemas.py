"""Query bodies of the coordinators' downloads: the monthly register and the half-year report."""

import marshmallow as ma

from server.extensions.smorest import Schema, Text

YEAR = {"required": True, "validate": ma.validate.Range(2000, 2100)}


class RegisterQuerySchema(Schema):
    year = ma.fields.Integer(**YEAR)
    month = ma.fields.Integer(required=True, validate=ma.validate.Range(1, 12))


class HalfYearQuerySchema(Schema):
    year = ma.fields.Integer(**YEAR)
    half = ma.fields.Integer(required=True, validate=ma.validate.OneOf((1, 2)),
                             metadata={"description": "1: January–June, 2: July–December"})
    format = Text(load_default="json", validate=ma.validate.OneOf(("json", "xlsx", "pdf", "png")),
                              metadata={"description": "json (data), xlsx (sheets with charts), pdf, png (one chart)"})
    chart = Text(load_default=None, validate=ma.validate.Length(max=40),
                             metadata={"description": "With format=png: the section key, e.g. hours_by_month"})


class ReportSectionSchema(Schema):
    key = ma.fields.String()
    title = ma.fields.String()
    headers = ma.fields.List(ma.fields.String())
    rows = ma.fields.List(ma.fields.List(ma.fields.Raw()))
    hour_columns = ma.fields.List(ma.fields.Integer(), metadata={"description": "Columns holding hours"})
    notes = ma.fields.List(ma.fields.String())
    chart = ma.fields.Dict(allow_none=True)


class HalfYearReportSchema(Schema):
    title = ma.fields.String()
    community_id = ma.fields.Integer()
    year = ma.fields.Integer()
    half = ma.fields.Integer()
    start = ma.fields.Date()
    end = ma.fields.Date(metadata={"description": "The first day after the half-year"})
    sections = ma.fields.List(ma.fields.Nested(ReportSectionSchema))
