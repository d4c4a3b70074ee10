"""The task board: requests residents post (求助), the tasks volunteers take, and their history.

A Request is the resident's need (or a retired volunteer's payback request, which
holds hours on the household account). A Task is one unit of work on the board; it
comes from a request, from an agreement occurrence (pre-assigned) or, for the
monthly activity, lives in `events`. TaskEvent is the append-only history of every
transition, with who acted and for whom (亲情代理); TaskVisit is one check-in /
check-out pair measured by the server.
"""

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from server import clock
from server.db import BaseModel
from server.models.agreements import Agreement
from server.models.catalog import Provider, ServiceCategory, ServiceItem, Team
from server.models.enums import one_of
from server.models.ledger import Transfer
from server.models.networks import Network
from server.models.people import Community, Household, Member
from server.models.records import ServiceRecord

TASK_STATUSES = ("open", "claimed", "in_progress", "done", "confirmed", "credited", "cancelled", "expired", "no_show",
                 "too_short")  # too_short: its service rounded down to nothing; closed, a payback hold released
URGENCIES = ("normal", "urgent")


class Request(BaseModel):
    community = ForeignKeyField(Community, backref="requests", on_delete="RESTRICT")
    household = ForeignKeyField(Household, backref="requests", on_delete="RESTRICT")
    requester = ForeignKeyField(Member, backref="requests", on_delete="RESTRICT")  # whom the service is for
    created_by = ForeignKeyField(Member, backref="requests_made", on_delete="RESTRICT")  # who tapped (proxy if not the requester)
    payback = BooleanField(default=False)
    hold = ForeignKeyField(Transfer, null=True, unique=True, backref="payback_requests", on_delete="RESTRICT")
    category = ForeignKeyField(ServiceCategory, backref="requests", on_delete="RESTRICT")
    item = ForeignKeyField(ServiceItem, null=True, backref="requests", on_delete="RESTRICT")
    description = TextField()
    building = CharField(max_length=16, default="")
    unit = CharField(max_length=16, default="")
    place_detail = CharField(max_length=64, default="")
    window_start = DateTimeField()
    window_end = DateTimeField()
    estimated_minutes = IntegerField()
    urgency = CharField(max_length=8, default="normal", constraints=one_of("urgency", URGENCIES))
    cancelled_at = DateTimeField(null=True)
    cancelled_by = ForeignKeyField(Member, null=True, backref="requests_cancelled", on_delete="RESTRICT")
    cancel_reason = CharField(max_length=200, default="")
    # Payback only: by then a volunteer or a provider must be assigned (PAYBACK_PROMISE_HOURS, or the
    # window's start if sooner); the volunteer the household asked for first (指定服务人), if any.
    promise_due_at = DateTimeField(null=True)
    preferred_volunteer = ForeignKeyField(Member, null=True, backref="requests_preferred", on_delete="RESTRICT")
    promise_alerted_at = DateTimeField(null=True)  # the one urgent "promise at risk" alert to the coordinators
    # Opened to the network (also served by a neighbouring community's volunteer): when, why (requester,
    # household, coordinator, at_risk) and by whom (none: the at-risk job).
    network_opened_at = DateTimeField(null=True)
    network_opened_reason = CharField(max_length=16, default="")
    network_opened_by = ForeignKeyField(Member, null=True, backref="requests_opened_to_network", on_delete="RESTRICT",
                                        index=False)
    created_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("household", "created_at"), False), (("payback", "promise_due_at"), False))


class Task(BaseModel):
    community = ForeignKeyField(Community, backref="tasks", on_delete="RESTRICT")
    source = CharField(max_length=10)  # request | payback | agreement
    request = ForeignKeyField(Request, null=True, unique=True, backref="tasks", on_delete="RESTRICT")
    agreement = ForeignKeyField(Agreement, null=True, backref="tasks", on_delete="RESTRICT")
    occurrence_date = DateField(null=True)
    category = ForeignKeyField(ServiceCategory, backref="tasks", on_delete="RESTRICT")
    item = ForeignKeyField(ServiceItem, null=True, backref="tasks", on_delete="RESTRICT")
    team = ForeignKeyField(Team, null=True, backref="tasks", on_delete="RESTRICT")  # only its members may claim
    title = CharField(max_length=64)
    description = TextField(default="")
    area = CharField(max_length=32, default="")
    building = CharField(max_length=16, default="")
    place = CharField(max_length=100, default="")  # full address, shown once claimed
    window_start = DateTimeField()
    window_end = DateTimeField()
    estimated_minutes = IntegerField()
    urgency = CharField(max_length=8, default="normal", constraints=one_of("urgency", URGENCIES))
    priority = BooleanField(default=False)  # payback: first on the board and in matching
    board_order = IntegerField(default=3)  # 0 payback+urgent … 3 ordinary: the board sorts by it ascending
    held = BooleanField(default=False)  # content safety: waits for a coordinator before the board shows it
    recipient = ForeignKeyField(Member, null=True, backref="tasks_received", on_delete="RESTRICT")
    recipient_household = ForeignKeyField(Household, null=True, backref="tasks_received", on_delete="RESTRICT")
    status = CharField(max_length=12, default="open", constraints=one_of("status", TASK_STATUSES))
    volunteer = ForeignKeyField(Member, null=True, backref="tasks_taken", on_delete="RESTRICT")
    provider = ForeignKeyField(Provider, null=True, backref="tasks", on_delete="RESTRICT")  # assigned instead of a volunteer
    # 指定服务人: until reserved_until only reserved_for sees and may claim it (matching asks only them).
    reserved_for = ForeignKeyField(Member, null=True, backref="tasks_reserved", on_delete="RESTRICT")
    reserved_until = DateTimeField(null=True)
    # A payback opened to its network: the other member communities' volunteers see and may claim it.
    network = ForeignKeyField(Network, null=True, backref="tasks", on_delete="RESTRICT", index=False)
    claimed_at = DateTimeField(null=True)
    closed_at = DateTimeField(null=True)
    created_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = (
            (("community", "status", "board_order", "created_at", "id"), False),
            (("volunteer", "status"), False),
            (("agreement", "occurrence_date", "volunteer"), True),
            (("status", "window_end"), False),
            (("network", "status", "board_order", "created_at", "id"), False),
        )


class TaskEvent(BaseModel):
    """What happened to a task, by whom, for whom: the board's audit trail and reliability data."""

    task = ForeignKeyField(Task, backref="events", on_delete="RESTRICT")
    kind = CharField(max_length=16)
    from_status = CharField(max_length=12)
    to_status = CharField(max_length=12)
    actor = ForeignKeyField(Member, null=True, backref="task_events", on_delete="RESTRICT")
    on_behalf_of = ForeignKeyField(Member, null=True, backref="task_events_for", on_delete="RESTRICT")
    volunteer = ForeignKeyField(Member, null=True, backref="task_events_as_volunteer", on_delete="RESTRICT")
    note = CharField(max_length=200, default="")
    at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("volunteer", "kind"), False),)


class TaskVisit(BaseModel):
    """One check-in/check-out pair, timed by the server (at most 3 per volunteer, task and day)."""

    task = ForeignKeyField(Task, backref="visits", on_delete="RESTRICT")
    volunteer = ForeignKeyField(Member, backref="visits", on_delete="RESTRICT")
    day = DateField()
    checked_in_at = DateTimeField()
    checkin_method = CharField(max_length=12)  # qr_recipient | qr_coordinator | self
    checked_out_at = DateTimeField(null=True)
    record = ForeignKeyField(ServiceRecord, null=True, unique=True, backref="visits", on_delete="RESTRICT")

    class Meta:
        indexes = ((("task", "volunteer", "day"), False),)
