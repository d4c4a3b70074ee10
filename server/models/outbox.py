"""The outbox: work for the workers, written in the same transaction as the change.

Services call `server.services.messaging.outbox.emit(...)` inside their transaction; after commit
the rows are enqueued to RQ, and a sweeper re-enqueues rows that are due and not done,
so nothing is lost when Redis is down (docs/architecture.md, the outbox).
"""

from peewee import CharField, DateTimeField, IntegerField, TextField

from server import clock
from server.db import BaseModel, JSONField


class OutboxMessage(BaseModel):
    kind = CharField(max_length=48)
    key = CharField(max_length=191, unique=True)
    payload = JSONField(default=dict)
    created_at = DateTimeField(default=clock.now)
    due_at = DateTimeField(default=clock.now)
    attempts = IntegerField(default=0)
    enqueued_at = DateTimeField(null=True)
    done_at = DateTimeField(null=True)
    last_error = TextField(default="")

    class Meta:
        indexes = ((("done_at", "due_at"), False),)


class DatabaseInstance(BaseModel):
    """One row naming this database with a random token (written by migration 0008).

    RQ job ids for outbox rows carry it: a database that is recreated or restored from a
    backup numbers its rows from the start again, and must not find a job Redis kept from
    the old one standing in for a new row (server/queueing.py).
    """

    token = CharField(max_length=32)
