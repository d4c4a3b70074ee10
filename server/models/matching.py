"""Matching's memory: each time a task stood open, and whom matching asked, with the score that chose them.

A TaskOpening is one stretch of a task on the board without a volunteer: it begins
when the task is booked (or published after review), released, or reopened after a
no-show. Matching asks the best volunteers (round 1), the next ones if nobody claims
it in time (round 2), then alerts the coordinators; the row records each step, so the
periodic escalation check does each one once however often it runs. A TaskCandidate
is one volunteer asked in one round, with the score's breakdown, so a coordinator can
see why they were asked (`GET /api/v1/tasks/{id}/candidates`).
"""

from peewee import BooleanField, DateTimeField, FloatField, ForeignKeyField, IntegerField

from server import clock
from server.db import BaseModel, JSONField
from server.models.people import Member
from server.models.tasks import Task, TaskEvent


class TaskOpening(BaseModel):
    task = ForeignKeyField(Task, backref="openings", on_delete="RESTRICT")
    # The history row that opened it: the same opening reported twice is one row.
    opened_by = ForeignKeyField(TaskEvent, unique=True, backref="openings", on_delete="RESTRICT")
    opened_at = DateTimeField(default=clock.now)  # escalation timers count from here
    priority = BooleanField(default=False)  # payback: the priority queue, a larger K, shorter timers
    rounds = IntegerField(default=1)  # asking rounds scheduled so far (1, then 2)
    alerted_at = DateTimeField(null=True)  # when the coordinators were told nobody took it
    closed_at = DateTimeField(null=True)  # a later opening of the same task superseded this one

    class Meta:
        indexes = ((("task", "closed_at"), False),)


class TaskCandidate(BaseModel):
    task = ForeignKeyField(Task, backref="candidates", on_delete="RESTRICT")
    opening = ForeignKeyField(TaskOpening, backref="candidates", on_delete="RESTRICT")
    round = IntegerField()
    rank = IntegerField()  # 1 = the best of its round
    volunteer = ForeignKeyField(Member, backref="task_offers", on_delete="RESTRICT")
    total = FloatField()
    components = JSONField(default=dict)  # {name: {score, weight, points, note}}
    notified_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("opening", "volunteer"), True), (("task", "opening", "round", "rank"), False))
