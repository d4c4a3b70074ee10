"""The database proxy, its initialisation from a URL, the base model and request hooks.

SQLite (the default) runs in WAL mode with foreign keys on, and every transaction
begins IMMEDIATE so concurrent writers wait for the lock instead of failing with
"database is locked" half-way through a read-then-write. PostgreSQL is chosen by
DATABASE_URL; row-level guards (conditional UPDATEs) keep both honest.
"""

import datetime as dt
import fcntl
import itertools
import json
import logging
import os
import sqlite3
import threading
from operator import methodcaller
from pathlib import Path

from peewee import (
    CharField,
    DatabaseProxy,
    Field,
    ForeignKeyField,
    IntegerField,
    InterfaceError,
    Model,
    ModelObjectCursorWrapper,
    OperationalError,
    PeeweeException,
    PostgresqlDatabase,
    Select,
    SqliteDatabase,
    TextField,
    __exception_wrapper__,
)
from peewee import logger as _query_log
from playhouse.db_url import connect
from playhouse.pool import PooledDatabase

database = DatabaseProxy()
logger = logging.getLogger(__name__)

# How SQLite stores dates and datetimes: the text sqlite3's default adapters write, without their
# Python function call per value (and those defaults are deprecated from Python 3.12).
sqlite3.register_adapter(dt.datetime, methodcaller("isoformat", " "))
sqlite3.register_adapter(dt.date, methodcaller("isoformat"))

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "busy_timeout": 15000,
}


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


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC")


class QueuedSqliteDatabase(SqliteDatabase):
    """SQLite whose writing transactions queue on an OS file lock before BEGIN IMMEDIATE.

    While one process holds SQLite's write lock, SQLite's busy handler makes the others
    sleep 1, 2, 5, 10 … ms between retries, so two gunicorn workers writing at once
    spend more time asleep than working. A blocking flock hands the lock to the next
    writer the moment the last one commits. (Reads never take it: WAL readers do not wait.)
    """

    # SQLite's own checkpoint runs inside the committing call, holding the queue through
    # the checkpoint's copying and fsyncs while every other writer waits. It is switched off
    # (`wal_autocheckpoint=0`) and run here instead, every CHECKPOINT_EVERY commits of this
    # process, in two steps:
    # 1. outside the queue, a PASSIVE checkpoint copies the log into the database file and
    #    syncs it while the other writers carry on;
    # 2. inside the queue, a second one copies the few frames committed meanwhile. With the
    #    whole log copied and no writer between, the next writer starts the log again from
    #    its beginning. Without step 2, under steady writes some writer always commits
    #    between a checkpoint and the next transaction, and the log never restarts: it grew
    #    by every page ever written (hundreds of MB in a benchmark's minute).
    CHECKPOINT_EVERY = 200  # about 4,000 pages: each checkpoint's fsyncs cost ~1.5 ms plus the bytes

    def __init__(self, database, *args, pragmas=None, **kwargs):
        super().__init__(database, *args, pragmas={**dict(pragmas or {}), "wal_autocheckpoint": 0}, **kwargs)
        self._queue_path = f"{database}.writers"
        self._queue = threading.local()
        self._commits = itertools.count(1)

    def _queue_fd(self) -> int:
        return self._lock_fd("fd", self._queue_path)

    def _lock_fd(self, name: str, path: str) -> int:
        """This thread's descriptor of a lock file (flock excludes other threads' descriptors too)."""
        fd = getattr(self._queue, name, None)
        if fd is None:
            fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
            setattr(self._queue, name, fd)
        return fd

    def execute_sql(self, sql, params=None):
        """A write outside a transaction (autocommit) queues too: SQLite would otherwise make it
        sleep in the busy handler while a transaction holds the write lock."""
        if self.in_transaction() or sql.lstrip()[:6].upper() not in _WRITES:
            return super().execute_sql(sql, params)
        fcntl.flock(self._queue_fd(), fcntl.LOCK_EX)
        try:
            cursor = super().execute_sql(sql, params)
        finally:
            fcntl.flock(self._queue_fd(), fcntl.LOCK_UN)
        self._committed()
        return cursor

    def begin(self, *args, **kwargs):
        fcntl.flock(self._queue_fd(), fcntl.LOCK_EX)
        try:
            super().begin(*args, **kwargs)
        except BaseException:
            fcntl.flock(self._queue_fd(), fcntl.LOCK_UN)
            raise

    def commit(self):
        try:
            super().commit()
        finally:
            fcntl.flock(self._queue_fd(), fcntl.LOCK_UN)
        self._committed()

    def _committed(self) -> None:
        if next(self._commits) % self.CHECKPOINT_EVERY == 0:
            self.checkpoint()

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database file, so that the log starts again (see above).

        One process at a time: SQLite refuses a checkpoint while another runs (SQLITE_BUSY), so a
        process finding another at it leaves the work to it. A checkpoint never fails the write
        that made it due: SQLite also refuses one while this connection is still reading (a loop
        over a query that writes as it goes), and the log, which keeps every commit, waits for
        the next one."""
        fd = self._lock_fd("checkpointer", f"{self.database}.checkpointer")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return
        try:
            if self._passive_checkpoint():
                fcntl.flock(self._queue_fd(), fcntl.LOCK_EX)
                try:
                    self._passive_checkpoint()
                finally:
                    fcntl.flock(self._queue_fd(), fcntl.LOCK_UN)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def _passive_checkpoint(self) -> bool:
        try:
            super().execute_sql("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except OperationalError as exc:
            logger.debug("SQLite checkpoint put off: %s", exc)
            return False
        return True

    def rollback(self):
        try:
            super().rollback()
        finally:
            fcntl.flock(self._queue_fd(), fcntl.LOCK_UN)


def open_database(url: str):
    """A peewee Database for a URL; SQLite files get their folder created."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        if path == ":memory:":
            return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE", timeout=15)
        return QueuedSqliteDatabase(path, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE", timeout=15)
    return connect(url)


def init_db(url: str):
    db = open_database(url)
    database.initialize(db)
    return db


def is_postgres() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)


def connection_lost(exc: BaseException) -> bool:
    """Whether a database error means PostgreSQL's connection is gone (the server restarted or
    terminated our backend, the network dropped): psycopg2 marks the connection closed, and
    whatever transaction it held was rolled back with it. Never true on SQLite."""
    if not isinstance(exc, OperationalError | InterfaceError) or not is_postgres():
        return False
    conn = database.obj._state.conn
    return conn is None or bool(conn.closed)


def discard_connection() -> None:
    """Forget a lost connection, so that the next statement opens a fresh one. A pool also drops
    its idle connections: a server that dropped one has usually dropped them all (the pool
    would find each dead with a ping on checkout, one round trip per connection)."""
    db = database.obj
    try:
        db.close()  # a closed psycopg2 connection is not put back in the pool
    except PeeweeException:
        db._state.reset()
    if isinstance(db, PooledDatabase):
        db.close_idle()


def init_app(app) -> None:
    """A connection for every request: PostgreSQL's goes back (to the pool) after each request;
    SQLite's stays open in its thread, since opening one (pragmas, WAL checkpoint on the
    last close) costs more than most requests."""

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not database.is_closed() and not isinstance(database.obj, SqliteDatabase):
            database.close()


_SENTINEL = 7_000_000_000


def instance(model, data: dict):
    """A model instance from column values keyed by field name (a foreign key's by its name, holding
    the id), as a query would return it: for rows a hot path has just written itself."""
    made = object.__new__(model)
    made.__data__, made._dirty, made.__rel__ = data, set(), {}
    return made


def _driver_type(field):
    """The Python type whose values a field's conversion leaves as they are (integers and text, as
    both drivers return them), or None when it converts (dates, booleans, JSON)."""
    if isinstance(field, ForeignKeyField):
        field = field.rel_field
    if type(field).python_value is not Field.python_value:
        return None
    if type(field).adapt is IntegerField.adapt:
        return int
    if type(field).adapt in (CharField.adapt, TextField.adapt):
        return str
    return None


def _model_maker(wrapper, query):
    """For rows of one model whose every column is one of its fields: build the instance
    directly (what `Model(**row)` ends with, without a descriptor call per field)."""
    model = getattr(query, "model", None)
    if type(wrapper) is not ModelObjectCursorWrapper or wrapper.constructor is not model:
        return None
    columns = wrapper.unique_columns
    if not set(columns) <= set(model._meta.fields):
        return None
    plain = [(columns[i], i) for i in wrapper.no_convert]
    converted, checked = [], []
    for i in wrapper.convert:
        expected = _driver_type(model._meta.fields[columns[i]])
        if expected is None:
            converted.append((columns[i], i, wrapper.converters[i]))
        else:
            checked.append((columns[i], i, expected, wrapper.converters[i]))

    def make(row):
        data = {name: row[i] for name, i in plain}
        for name, i, expected, convert in checked:
            value = row[i]
            data[name] = value if value is None or type(value) is expected else convert(value)
        for name, i, convert in converted:
            data[name] = convert(row[i])
        return instance(model, data)

    return make


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
            compiled = self._cache[key] = (query, sql, plan, isinstance(query, Select))
        return compiled

    def _execute(self, params):
        query, sql, plan, reads = self._compiled(len(params))
        values = params if plan is None else [params[index] if given else constant for given, index, constant in plan]
        db = database.obj
        state = db._state
        if (reads or state.transactions) and not state.closed and not db.query_hooks \
                and not _query_log.isEnabledFor(logging.DEBUG):
            # A read, or any statement inside a transaction (the write queue has nothing to do), with
            # nobody listening: straight to the driver, as peewee's execute_sql ends, without its layers.
            cursor = state.conn.cursor()
            with __exception_wrapper__:
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
