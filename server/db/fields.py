"""What models are built from: the base model bound to the database proxy, a JSON field, and ids."""

import json

from peewee import Model, TextField

from server.db.connection import database


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class JSONField(TextField):
    """JSON kept as text, the same on SQLite and PostgreSQL (queries never look inside)."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def python_value(self, value):
        return None if value is None else json.loads(value)


# Ids are 64-bit signed integers on both backends (SQLite's INTEGER, PostgreSQL's BIGSERIAL):
# a larger number names no row, and SQLite's driver raises OverflowError on binding one.
MAX_ID = 2**63 - 1


def is_id(value) -> bool:
    """A value that can name a row: an int (not a bool) from 1 to MAX_ID."""
    return type(value) is int and 0 < value <= MAX_ID
