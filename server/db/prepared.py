"""`Prepared`: hot queries whose SQL is rendered once per dialect, and rows built without peewee's layers.

For the hot paths only (login check, passbook, crediting, the board): docs/architecture.md says when
it is allowed. On PostgreSQL each is also a server-side prepared statement, parsed and planned once per
connection (`_ServerStatement`).
"""

import datetime as dt
import decimal
import itertools
import logging
import re

from peewee import (
    CharField,
    DateField,
    DateTimeField,
    Field,
    ForeignKeyField,
    IntegerField,
    ModelDictCursorWrapper,
    ModelObjectCursorWrapper,
    PostgresqlDatabase,
    Select,
    TextField,
    __exception_wrapper__,
)
from peewee import logger as _query_log
from psycopg2 import Error as _PgError

from server.db.connection import database, transaction_open

_SENTINEL = 7_000_000_000
_NAMES = itertools.count(1)
# PREPARE's errors for a statement whose parameters' types the server cannot work out without the values
# (indeterminate, mismatched, no such operator or function for `unknown`): it is sent as text from then on.
_UNPREPARABLE = {"42P18", "42P08", "42804", "42883", "42725"}
# Each parameter is declared with the type psycopg2's literal for its value has in the text, so that a statement
# means what its text meant: a column's type is not forced onto a value (7,000,000,000 against an integer column
# compares, where an integer parameter would overflow; a datetime against a date column compares as a datetime).
# Text (and None, JSON) stays `unknown`, typed by its context as a quoted literal is.
_PG_TYPES = {bool: "boolean", float: "numeric", decimal.Decimal: "numeric", dt.date: "date", dt.time: "time",
             bytes: "bytea"}
_INT4 = 2**31


def _signature(values) -> tuple:
    kinds = []
    for value in values:
        kind = type(value)
        if kind is int:
            kinds.append("int4" if -_INT4 <= value < _INT4 else "int8")
        elif kind is dt.datetime:
            kinds.append("timestamp" if value.tzinfo is None else "timestamptz")
        else:
            kinds.append(_PG_TYPES.get(kind, "unknown"))
    return tuple(kinds)


def instance(model, data: dict):
    """A model instance from column values keyed by field name (a foreign key's by its name, holding
    the id), as a query would return it: for rows a hot path has just written itself."""
    made = object.__new__(model)
    made.__data__, made._dirty, made.__rel__ = data, set(), {}
    return made


def _driver_type(field):
    """The Python type whose values a field's conversion leaves as they are (integers and text, as
    both drivers return them; dates and datetimes, as psycopg2 does), or None when it converts (booleans,
    JSON)."""
    if isinstance(field, ForeignKeyField):
        field = field.rel_field
    if type(field).python_value is not Field.python_value:
        return None
    if type(field).adapt is DateTimeField.adapt:
        return dt.datetime  # as psycopg2 returns them (SQLite's driver gives text, which converts)
    if type(field).adapt is DateField.adapt:
        return dt.date
    if type(field).adapt is IntegerField.adapt:
        return int
    if type(field).adapt in (CharField.adapt, TextField.adapt):
        return str
    return None


def _converting(plain, checked, converted):
    """A row's values keyed by name: `plain` (name, index) as the driver returned them; `checked` (name, index,
    type, converter) converted unless the driver's value is of that type already; `converted` (name, index,
    converter) always converted."""

    def make(row):
        data = {name: row[i] for name, i in plain}
        for name, i, expected, convert in checked:
            value = row[i]
            data[name] = value if value is None or type(value) is expected else convert(value)
        for name, i, convert in converted:
            data[name] = convert(row[i])
        return data

    return make


def _row_maker(wrapper, fields):
    """A row's values keyed by column, converted as the wrapper would, except where the driver already returned
    what the conversion would leave as it is (`_driver_type`): no converter call for those."""
    columns = wrapper.unique_columns
    plain = [(columns[i], i) for i in wrapper.no_convert]
    converted, checked = [], []
    for i in wrapper.convert:
        expected = _driver_type(fields[i]) if isinstance(fields[i], Field) else None
        if expected is None:
            converted.append((columns[i], i, wrapper.converters[i]))
        else:
            checked.append((columns[i], i, expected, wrapper.converters[i]))
    return _converting(plain, checked, converted)


def values_maker(model):
    """For a row of `model`'s columns in field order (`sorted_fields`), as the driver returned them: the instance,
    each value converted as peewee's cursor wrapper would, without a converter call where the driver already
    returned what the conversion would leave (`_driver_type`)."""
    plain, checked, converted = [], [], []
    for i, field in enumerate(model._meta.sorted_fields):
        if type(field).python_value is Field.python_value and type(field).adapt is Field.adapt:
            plain.append((field.name, i))
        elif (expected := _driver_type(field)) is not None:
            checked.append((field.name, i, expected, field.python_value))
        else:
            converted.append((field.name, i, field.python_value))

    values = _converting(plain, checked, converted)
    return lambda row: instance(model, values(row))


def _model_maker(wrapper, query):
    """For rows of one model whose every column is one of its fields: build the instance
    directly (what `Model(**row)` ends with, without a descriptor call per field); for `.dicts()` rows, the
    dict without a converter call per value the driver returned as it stays."""
    if type(wrapper) is ModelDictCursorWrapper:
        return _row_maker(wrapper, wrapper.fields)
    model = getattr(query, "model", None)
    if type(wrapper) is not ModelObjectCursorWrapper or wrapper.constructor is not model:
        return None
    columns = wrapper.unique_columns
    if not set(columns) <= set(model._meta.fields):
        return None
    values = _row_maker(wrapper, [model._meta.fields[name] for name in columns])
    return lambda row: instance(model, values(row))


class _ServerStatement:
    """A `Prepared` query's SQL as a PostgreSQL prepared statement: `PREPARE lb_<n> AS …` once per connection,
    then `EXECUTE lb_<n>(…)` (PostgreSQL parses and plans a text statement on every run: for a primary-key
    lookup that was a quarter of the backend's time; docs/benchmarks.md, "Prepared statements").

    Which connection holds which statement is the connection's own `prepared` set (server/db/connection.py's
    `PreparingConnection`): a connection the pool opens afresh, or a reconnect's, starts empty. A statement
    survives the transaction it was prepared in (PREPARE is not transactional), and a cached plan is
    replanned by the server when a table it reads changes.
    """

    def __init__(self, sql: str, kinds: tuple):
        self.name = f"lb_{next(_NAMES)}"
        slots = []

        def number(match):
            if match.group() == "%%":
                return "%"  # PREPARE goes without parameters, so psycopg2 leaves its text as it is
            slots.append(match)
            return f"${len(slots)}"

        body = re.sub(r"%[%s]", number, sql)  # psycopg2's placeholders, constants' too, become $1, $2, …
        self.prepare_sql = f"PREPARE {self.name}({', '.join(kinds)}) AS {body}" if kinds else f"PREPARE {self.name} AS {body}"
        self.execute_sql = f"EXECUTE {self.name}({', '.join(['%s'] * len(slots))})" if slots else f"EXECUTE {self.name}"
        self.text_only = False  # PREPARE refused it: sent as text from then on

    def ready(self, conn, cursor) -> bool:
        """Prepare the statement on this connection; False when the server refused it (then send the text).

        In a transaction the PREPARE runs inside a savepoint, so that a refusal leaves the caller's
        transaction as it was."""
        in_transaction = transaction_open(conn)
        try:
            if in_transaction:
                cursor.execute(f"SAVEPOINT lb_prepare; {self.prepare_sql}; RELEASE SAVEPOINT lb_prepare")
            else:
                cursor.execute(self.prepare_sql)
        except _PgError as exc:
            if conn.closed or not (exc.pgcode or "").startswith("42"):
                raise  # not the statement's fault (a lost connection, a lock wait cancelled): as the text would
            if in_transaction:
                cursor.execute("ROLLBACK TO SAVEPOINT lb_prepare; RELEASE SAVEPOINT lb_prepare")
            if exc.pgcode in _UNPREPARABLE:
                self.text_only = True
            return False
        conn.prepared.add(self.name)
        return True


class Prepared:
    """A hot query whose SQL peewee builds once per database dialect, then runs with new parameters.

    peewee renders SQL on every execution, which costs more than SQLite takes to run
    a primary-key lookup; on the hot paths (login check, passbook, crediting) the SQL
    is rendered once per database class with sentinel parameters and reused. `build(*params)` must return
    the query; constants in it stay constants. Rows come back through the query's own
    cursor wrapper, so fields convert exactly as they would in peewee.
    """

    def __init__(self, build):
        self.build = build
        self._cache = {}
        self._resolved = {}

    def _compiled(self, arity: int):
        # The SQL depends on the dialect only. Keyed by id(database) it could outlive its
        # database: a new PostgreSQL database given a collected SQLite one's id ran "?" SQL.
        key = type(database.obj)
        compiled = self._cache.get(key)
        if compiled is None:
            sentinels = [_SENTINEL + n for n in range(arity)]
            query = self.build(*sentinels)
            sql, params = query.sql()
            slots = []
            for value in params:
                if value in sentinels or (isinstance(value, str) and value.isdigit() and int(value) in sentinels):
                    slots.append(int(value) - _SENTINEL)
                else:
                    slots.append(("const", value))
            if {s for s in slots if isinstance(s, int)} != set(range(arity)):
                raise ValueError(f"every parameter must appear in the query: {sql}")
            # Parameters in order with no constants (the usual case) go to the driver as given.
            plan = None if slots == list(range(arity)) else [
                (True, slot, None) if isinstance(slot, int) else (False, 0, slot[1]) for slot in slots]
            # On PostgreSQL: its prepared statements, one per signature of parameter types (`_signature`).
            server = {} if isinstance(database.obj, PostgresqlDatabase) else None
            compiled = self._cache[key] = (query, sql, plan, isinstance(query, Select), server)
        return compiled

    def _execute(self, params):
        query, sql, plan, reads, server = self._compiled(len(params))
        values = params if plan is None else [params[index] if given else constant for given, index, constant in plan]
        db = database.obj
        state = db._state
        if (reads or state.transactions) and not state.closed and not db.query_hooks \
                and not _query_log.isEnabledFor(logging.DEBUG):
            # A read, or any statement inside a transaction (the write queue has nothing to do), with
            # nobody listening: straight to the driver, as peewee's execute_sql ends, without its layers.
            # (Someone listening sees the SQL text: it is sent as text.)
            conn = state.conn
            cursor = conn.cursor()
            with __exception_wrapper__:
                prepared = getattr(conn, "prepared", None)  # a set on a PostgreSQL pool that prepares
                if prepared is not None:
                    kinds = _signature(values)
                    statement = server.get(kinds) or server.setdefault(kinds, _ServerStatement(sql, kinds))
                    if not statement.text_only and (statement.name in prepared or statement.ready(conn, cursor)):
                        sql = statement.execute_sql
                cursor.execute(sql, values)
            return query, cursor
        return query, db.execute_sql(sql, values)

    def rows(self, *params):
        """The rows (models, dicts or tuples, as the query was built).

        peewee's cursor wrapper matches the result's columns to the query's fields on
        every execution; for one SQL text the answer is always the same, so it is worked
        out once and handed to each new wrapper.
        """
        query, cursor = self._execute(params)
        raw = cursor.fetchall()
        cursor.close()
        if not raw:
            return []
        key = type(database.obj)
        resolved = self._resolved.get(key)
        if resolved is None:
            wrapper = query._get_cursor_wrapper(cursor)
            before = set(vars(wrapper))
            wrapper.initialize()
            state = {k: v for k, v in vars(wrapper).items() if k not in before}
            resolved = self._resolved[key] = (state, _model_maker(wrapper, query))
        state, make = resolved
        if make is None:
            wrapper = query._get_cursor_wrapper(cursor)
            vars(wrapper).update(state)
            make = wrapper.process_row
        return [make(row) for row in raw]

    def tuples(self, *params) -> list[tuple]:
        """The raw rows as the driver returns them (no field conversion): for the hottest lists,
        which convert only what they print."""
        _, cursor = self._execute(params)
        return cursor.fetchall()

    def first(self, *params):
        rows = self.rows(*params)
        return rows[0] if rows else None

    def scalar(self, *params):
        _, cursor = self._execute(params)
        row = cursor.fetchone()
        return row[0] if row else None

    def rowcount(self, *params) -> int:
        """For UPDATE / DELETE: how many rows changed."""
        _, cursor = self._execute(params)
        return cursor.rowcount

    def insert(self, *params) -> int:
        """For INSERT: the new row's id (PostgreSQL returns it, SQLite reports it).

        Parameters go to the driver as given: pass what the fields' `db_value` would
        (JSON as text); dates, datetimes and numbers pass as they are.
        """
        _, cursor = self._execute(params)
        if isinstance(database.obj, PostgresqlDatabase):
            return cursor.fetchone()[0]
        return cursor.lastrowid
