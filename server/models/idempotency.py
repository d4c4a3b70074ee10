"""Answers to creating requests, kept under the caller's `Idempotency-Key`: a retry gets the first answer."""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from server import clock
from server.db import BaseModel
from server.models.people import Member


class IdempotentRequest(BaseModel):
    """One per (caller, operation, key): two members, or two endpoints, never share a key."""

    member = ForeignKeyField(Member, on_delete="CASCADE", index=False)  # the unique index below starts with it
    operation = CharField(max_length=100)  # the endpoint (`requests.Requests`)
    key = CharField(max_length=100)
    body_hash = CharField(max_length=64)  # the path's ids and the JSON body
    status = IntegerField()
    response = TextField()
    created_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("member", "operation", "key"), True),)
