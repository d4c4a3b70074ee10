"""每月16日集中服务: the monthly activity, its sign-ups, check-ins and one batch of credits."""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from server import clock
from server.db import BaseModel, JSONField
from server.models.enums import one_of
from server.models.people import Community, Member
from server.models.records import ServiceRecord

EVENT_STATUSES = ("open", "closed", "cancelled")
SIGNUP_STATUSES = ("signed", "waitlisted", "cancelled")


class Event(BaseModel):
    community = ForeignKeyField(Community, backref="events", on_delete="RESTRICT")
    title = CharField(max_length=64)
    starts_at = DateTimeField()
    place = CharField(max_length=100)
    category_codes = JSONField(default=list)
    capacity = IntegerField()
    planned_minutes = IntegerField()
    description = CharField(max_length=300, default="")
    status = CharField(max_length=10, default="open", constraints=one_of("status", EVENT_STATUSES))
    created_by = ForeignKeyField(Member, backref="events_created", on_delete="RESTRICT")
    closed_at = DateTimeField(null=True)
    created_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("community", "starts_at"), False),)


class EventSignup(BaseModel):
    event = ForeignKeyField(Event, backref="signups", on_delete="RESTRICT")
    volunteer = ForeignKeyField(Member, backref="event_signups", on_delete="RESTRICT")
    status = CharField(max_length=12, constraints=one_of("status", SIGNUP_STATUSES))
    signed_up_at = DateTimeField(default=clock.now)
    checked_in_at = DateTimeField(null=True)
    record = ForeignKeyField(ServiceRecord, null=True, unique=True, backref="event_signups", on_delete="RESTRICT")

    class Meta:
        indexes = ((("event", "volunteer"), True), (("event", "status", "signed_up_at"), False))
