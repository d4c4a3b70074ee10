"""Volunteer registration (志愿者登记), profile, status and listing bodies."""

import marshmallow as ma

from server.extensions.smorest import EditSchema, LocalDateTime, Phone, Schema, Text
from server.models.people import (
    ALL_VOLUNTEER_STATUSES,
    APPLICATION_STATUSES,
    GENDERS,
    RETIRE_REASONS,
    SLOTS,
    VOLUNTEER_STATUSES,
)

POLITICAL_STATUSES = ("中共党员", "中共预备党员", "共青团员", "民主党派", "群众", "")


class AvailabilitySchema(Schema):
    weekday = ma.fields.Integer(required=True, validate=ma.validate.Range(1, 7), metadata={"description": "1 = Monday … 7 = Sunday"})
    slot = Text(required=True, validate=ma.validate.OneOf(SLOTS))


class VolunteerEditSchema(EditSchema):
    name = Text(validate=ma.validate.Length(min=1, max=32))
    gender = Text(validate=ma.validate.OneOf(GENDERS))
    birth_date = ma.fields.Date()
    phone = Phone()
    occupation = Text(validate=ma.validate.Length(max=32))
    specialties = Text(multiline=True, validate=ma.validate.Length(max=200), metadata={"description": "个人专长"})
    intentions = ma.fields.List(Text(), metadata={"description": "服务意向: category codes"})
    team_ids = ma.fields.List(ma.fields.Integer())
    availability = ma.fields.List(ma.fields.Nested(AvailabilitySchema))
    consent_political = ma.fields.Boolean(metadata={"description": "Separate consent to keep political status; false erases it"})
    political_status = Text(validate=ma.validate.OneOf(POLITICAL_STATUSES))
    public_name = ma.fields.Boolean(metadata={"description": "Show my full name in public notices (公告); off: masked"})


class VolunteerRegisterSchema(VolunteerEditSchema):
    class Meta(Schema.Meta):  # a registration, not a change: its required fields say what it needs
        pass

    name = Text(required=True, validate=ma.validate.Length(min=1, max=32))
    gender = Text(required=True, validate=ma.validate.OneOf(("男", "女")))
    birth_date = ma.fields.Date(required=True)
    phone = Phone(required=True)


class VolunteerStatusSchema(Schema):
    status = Text(required=True, validate=ma.validate.OneOf(VOLUNTEER_STATUSES))
    reason = Text(load_default=None, allow_none=True, validate=ma.validate.OneOf(RETIRE_REASONS),
                              metadata={"description": "Required when retiring: age, illness or other"})
    note = Text(multiline=True, load_default="", validate=ma.validate.Length(max=200))


class TeamRefSchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class VolunteerSchema(Schema):
    id = ma.fields.Integer()
    member_id = ma.fields.Integer()
    volunteer_no = ma.fields.String(metadata={"description": "志愿者编号, the public identifier (never an ID-card number)"})
    name = ma.fields.String()
    gender = ma.fields.String(validate=ma.validate.OneOf(GENDERS))
    age = ma.fields.Integer(allow_none=True)
    birth_date = ma.fields.Date(allow_none=True)
    phone = ma.fields.String(metadata={"description": "Masked unless the viewer is the volunteer or their coordinator"})
    occupation = ma.fields.String()
    specialties = ma.fields.String()
    intentions = ma.fields.List(ma.fields.String())
    teams = ma.fields.List(ma.fields.Nested(TeamRefSchema))
    availability = ma.fields.List(ma.fields.Nested(AvailabilitySchema))
    political_status = ma.fields.String(allow_none=True, metadata={"description": "Only to the volunteer and coordinators, only with consent"})
    consent_political = ma.fields.Boolean()
    status = ma.fields.String(validate=ma.validate.OneOf(ALL_VOLUNTEER_STATUSES), metadata={"description": "pending (申请审核中) / rejected (未通过) / active / retired / suspended"})
    status_label = ma.fields.String(metadata={"description": "The status in plain Chinese: 审核中, 未通过, 在岗, 退出, 暂停"})
    reviewed_at = LocalDateTime(allow_none=True, metadata={"description": "When a coordinator decided the application (null: enrolled before applications existed, or still pending)"})
    retired_reason = ma.fields.String(validate=ma.validate.OneOf(RETIRE_REASONS), allow_none=True)
    status_note = ma.fields.String(metadata={"description": "Why the status is what it is (a rejection's reason); only to the volunteer and coordinators"})
    public_name = ma.fields.Boolean(metadata={"description": "Named in full in public notices (opted in)"})
    registered_at = LocalDateTime()
    community_id = ma.fields.Integer()


class VolunteerQuerySchema(Schema):
    status = Text(validate=ma.validate.OneOf(ALL_VOLUNTEER_STATUSES))
    team_id = ma.fields.Integer()
    category = Text()
    q = Text(validate=ma.validate.Length(max=32), metadata={"description": "Name or volunteer number contains"})


class ApplicationQuerySchema(Schema):
    status = Text(load_default="pending", validate=ma.validate.OneOf(APPLICATION_STATUSES),
                  metadata={"description": "pending (default) or rejected"})
    community_id = ma.fields.Integer(metadata={"description": "Admins: one community (default every community); "
                                                             "coordinators: only their own"})


class ReviewSchema(Schema):
    decision = Text(required=True, validate=ma.validate.OneOf(("approve", "reject")),
                    metadata={"description": "approve (通过) or reject (不通过)"})
    reason = Text(load_default="", validate=ma.validate.Length(max=200),
                  metadata={"description": "Required to reject; the applicant reads it"})
