"""Imports from paper and Excel (导入): an uploaded sheet, its preview and, once committed, what it created.

The rows are kept as read (cells as text, with their Excel row numbers), so committing works from
what the coordinator previewed, not from a second upload. One import per community, kind and file
digest (UNIQUE): the same file uploaded twice is the same import, so it never posts twice.
"""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from server import clock
from server.db import BaseModel, JSONField
from server.models.enums import one_of
from server.models.people import Community, Member

IMPORT_KINDS = ("volunteers", "households", "opening_balances", "service_records")
IMPORT_STATUSES = ("previewed", "committed")
# As the API and the console show an import: a previewed one whose commit a worker is doing is "committing"
# (`commit_requested_at` set), the column still "previewed" until the commit lands.
IMPORT_STATES = ("previewed", "committing", "committed")


class ImportBatch(BaseModel):
    """One uploaded file of one kind for one community: previewed, then committed once, all or nothing."""

    community = ForeignKeyField(Community, backref="imports", on_delete="RESTRICT", index=False)
    kind = CharField(max_length=20, constraints=one_of("kind", IMPORT_KINDS))
    digest = CharField(max_length=64)  # SHA-256 of the file's bytes
    filename = CharField(max_length=200, default="")
    status = CharField(max_length=10, default="previewed", constraints=one_of("status", IMPORT_STATUSES))
    rows = JSONField(default=list)  # [{"row": excel row number, "cells": {header: text}}]
    row_count = IntegerField(default=0)
    problems = JSONField(default=list)  # [{"row", "column", "reason"}] as of the last preview
    plan = JSONField(default=dict)  # what commit would create (counts), as of the last preview
    result = JSONField(default=dict)  # what commit created (counts and ids), once committed
    created_by = ForeignKeyField(Member, backref="imports_made", on_delete="RESTRICT", index=False)
    created_at = DateTimeField(default=clock.now)
    previewed_at = DateTimeField(default=clock.now)
    committed_by = ForeignKeyField(Member, null=True, backref="imports_committed", on_delete="RESTRICT", index=False)
    committed_at = DateTimeField(null=True)
    # A large import commits in a worker (IMPORT_BACKGROUND_ROWS): who asked and when, until it lands or fails;
    # why the last such commit did not land ("" otherwise).
    commit_requested_by = ForeignKeyField(Member, null=True, backref="imports_requested", on_delete="RESTRICT",
                                          index=False)
    commit_requested_at = DateTimeField(null=True)
    commit_error = TextField(default="")

    class Meta:
        indexes = ((("community", "kind", "digest"), True), (("community", "id"), False))
