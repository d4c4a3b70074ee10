"""Community bodies."""

import marshmallow as ma

from server.extensions.smorest import Schema, Text


class CommunitySchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    code = ma.fields.String()
    district = ma.fields.String()


class CommunityCreateSchema(Schema):
    name = Text(required=True, validate=ma.validate.Length(min=2, max=64))
    code = Text(required=True, validate=ma.validate.Regexp(r"^[A-Z0-9]{2,16}$", error="社区代码为2到16位大写字母或数字"))
    district = Text(load_default="", validate=ma.validate.Length(max=64))


# --- the outlook (兑付能力预警) ---

M = {"metadata": {"description": "integer minutes"}}


class OutlookYearSchema(Schema):
    year = ma.fields.Integer()
    reaching_payback_age = ma.fields.Integer(metadata={"description": "Members reaching PAYBACK_AGE this year"})
    eligible_members = ma.fields.Integer(metadata={"description": "Members who may redeem this year"})
    eligible_households = ma.fields.Integer()
    banked_minutes = ma.fields.Integer(**M)
    banked_text = ma.fields.String()
    demand_minutes = ma.fields.Integer(**M)
    demand_text = ma.fields.String()
    volunteers = ma.fields.Integer(metadata={"description": "Today's active volunteers still serving this year"})
    supply_minutes = ma.fields.Integer(**M)
    supply_text = ma.fields.String()
    coverage_percent = ma.fields.Integer(allow_none=True, metadata={"description": "supply × 100 ÷ demand, rounded "
                                                                                    "down; null without demand"})
    coverage_text = ma.fields.String()
    status = ma.fields.String(metadata={"description": "short | enough | no_demand"})
    status_text = ma.fields.String()


class OutlookBandSchema(Schema):
    label = ma.fields.String()
    from_age = ma.fields.Integer()
    to_age = ma.fields.Integer(allow_none=True)
    volunteers = ma.fields.Integer()
    minutes = ma.fields.Integer(**M)
    minutes_text = ma.fields.String()
    per_volunteer_minutes = ma.fields.Integer(**M)
    per_volunteer_text = ma.fields.String()
    leaving_volunteers = ma.fields.Integer(metadata={"description": "Of them, reaching the leaving age within 5 years"})
    leaving_minutes = ma.fields.Integer(**M)
    leaving_minutes_text = ma.fields.String()
    recruit = ma.fields.Boolean(metadata={"description": "A band to recruit from (only when the outlook is red)"})


class OutlookWarningSchema(Schema):
    status = ma.fields.String(metadata={"description": "red | green"})
    status_text = ma.fields.String()
    first_short_year = ma.fields.Integer(allow_none=True)
    lowest_coverage_percent = ma.fields.Integer(allow_none=True)
    recruit_bands = ma.fields.List(ma.fields.String())
    message = ma.fields.String()


class OutlookRecentSchema(Schema):
    start = ma.fields.Date()
    end = ma.fields.Date(metadata={"description": "The last day counted (today)"})
    payback_minutes = ma.fields.Integer(**M)
    payback_text = ma.fields.String()
    supply_minutes = ma.fields.Integer(**M)
    supply_text = ma.fields.String()
    active_volunteers = ma.fields.Integer()
    volunteers_without_birth_date = ma.fields.Integer()


class OutlookSettingsSchema(Schema):
    payback_age = ma.fields.Integer()
    redemption_rate = ma.fields.Float()
    volunteer_leaving_age = ma.fields.Integer()
    warn_coverage = ma.fields.Float()
    age_bands = ma.fields.List(ma.fields.Integer())


class OutlookAssumptionSchema(Schema):
    key = ma.fields.String()
    text = ma.fields.String()
    value = ma.fields.String()


class OutlookSchema(Schema):
    community_id = ma.fields.Integer()
    community_name = ma.fields.String()
    as_of = ma.fields.Date()
    first_year = ma.fields.Integer()
    last_year = ma.fields.Integer()
    recent = ma.fields.Nested(OutlookRecentSchema)
    settings = ma.fields.Nested(OutlookSettingsSchema)
    years = ma.fields.List(ma.fields.Nested(OutlookYearSchema), metadata={"description": "The next 10 years"})
    bands = ma.fields.List(ma.fields.Nested(OutlookBandSchema))
    warning = ma.fields.Nested(OutlookWarningSchema)
    assumptions = ma.fields.List(ma.fields.Nested(OutlookAssumptionSchema))
