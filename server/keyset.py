"""The order a list is paged in (keyset pages), and its key as an opaque cursor: plain peewee, no Flask.

Services name the order of the lists they own (`people.HOUSEHOLD_ORDER`, `board.ORDER`, …); the pager
(server/extensions/pager.py) turns it into `cursor`/`limit` in and `next_cursor` out.
"""

import base64
import binascii
import datetime as dt
import json

from peewee import DateField, DateTimeField, Field, IntegerField, Tuple

from server.db import MAX_ID

MAX_CURSOR_CHARS = 200


class Keyset:
    """The order a list is paged in: key columns, all ascending or all descending; the last unique."""

    def __init__(self, *keys: Field, descending: bool = False):
        self.keys = keys
        self.descending = descending

    def order(self):
        return [key.desc() if self.descending else key.asc() for key in self.keys]

    def after(self, values: tuple):
        """The SQL condition for the rows after the key `values`."""
        if len(self.keys) == 1:
            column, value = self.keys[0], values[0]
            return column < value if self.descending else column > value
        columns, given = Tuple(*self.keys), Tuple(*values)
        return columns < given if self.descending else columns > given

    def key_of(self, row) -> tuple:
        """The key of a row: a model instance, or a dict with the columns' names."""
        if isinstance(row, dict):
            return tuple(row[key.name] for key in self.keys)
        return tuple(getattr(row, key.name) for key in self.keys)

    def encode(self, values: tuple) -> str:
        plain = [_plain(value) for value in values]
        text = json.dumps(plain, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(text).decode().rstrip("=")

    def decode(self, cursor: str) -> tuple:
        """The key a cursor carries, each value of its column's type; ValueError if it is not one of ours."""
        if len(cursor) > MAX_CURSOR_CHARS:
            raise ValueError(cursor)
        try:
            values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        except (binascii.Error, ValueError):  # not base64, not UTF-8, not JSON
            raise ValueError(cursor) from None
        if not isinstance(values, list) or len(values) != len(self.keys):
            raise ValueError(cursor)
        return tuple(_typed(key, value) for key, value in zip(self.keys, values, strict=True))


def _plain(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value.replace(" ", "T", 1) if _looks_like_datetime(value) else value
    return value


def _looks_like_datetime(value: str) -> bool:
    """SQLite hands stored datetimes back as text ('2024-05-01 09:30:00') from a `.tuples()` query."""
    return len(value) >= 19 and value[4] == "-" and value[10] == " "


def _typed(key: Field, value):
    if isinstance(key, DateTimeField | DateField):
        if not isinstance(value, str):
            raise ValueError(value)
        parsed = dt.datetime.fromisoformat(value)
        if parsed.tzinfo is not None or not 1000 <= parsed.year < 9000:
            raise ValueError(value)
        return parsed if isinstance(key, DateTimeField) else parsed.date()
    if isinstance(key, IntegerField) or key.field_type in ("AUTO", "BIGAUTO", "INT", "BIGINT"):
        if not isinstance(value, int) or isinstance(value, bool) or not -MAX_ID <= value <= MAX_ID:
            raise ValueError(value)
        return value
    if not isinstance(value, str):
        raise ValueError(value)
    return value
