"""The database proxy, the database a URL names, and what a lost PostgreSQL connection needs.

SQLite (the default) is `server.db.sqlite`'s queued database; PostgreSQL is chosen by
DATABASE_URL and is always pooled (`PostgresPool`: `postgresql://` and its old alias
`postgresql+pool://` name the same thing). Row-level guards (conditional UPDATEs) keep both honest.
"""

import os
import select
import threading
import weakref
from functools import cache, partial
from pathlib import Path

from peewee import (
    DatabaseProxy,
    InterfaceError,
    OperationalError,
    PeeweeException,
    PostgresqlDatabase,
    SqliteDatabase,
)
from playhouse.db_url import connect, parse
from playhouse.pool import PooledDatabase, PooledPostgresqlDatabase
from psycopg2.extensions import TRANSACTION_STATUS_IDLE
from psycopg2.extensions import connection as _psycopg2_connection
from psycopg2.extensions import cursor as _psycopg2_cursor

from server.db.sqlite import SQLITE_PRAGMAS, QueuedSqliteDatabase

database = DatabaseProxy()

POSTGRES_SCHEMES = ("postgresql://", "postgres://", "postgresql+pool://", "postgres+pool://")

# Every pool this process made, so that a forked child can forget the parent's connections.
_pools: "weakref.WeakSet[PostgresPool]" = weakref.WeakSet()


class BeginningMixin:
    """A cursor that sends its connection's deferred `BEGIN` in front of the transaction's first statement.

    `PostgresPool.begin` does not send `BEGIN` on its own (a round trip that only says a transaction
    starts): it leaves it on the connection (`deferred_begin`), and the first statement goes as
    `BEGIN; <statement>`, one query string. PostgreSQL runs the two in order, and the transaction the
    `BEGIN` opened goes on after the string (the protocol's "multiple statements in a simple query").
    The statement's rows, row count and errors are its own, as without the `BEGIN`.

    - A string that never ran (refused by psycopg2 before it was sent, or by PostgreSQL whole, as a
      syntax error is: the connection is still idle) leaves the `BEGIN` deferred, for the next statement.
    - A statement that fails after the `BEGIN` ran leaves the transaction failed, as it would have
      been; the caller rolls it back as before.
    - Anything that cannot carry it (a COPY, a named cursor's DECLARE, `executemany`, a procedure
      call) sends the `BEGIN` on its own first.

    Every cursor of a `PreparingConnection` carries it, whatever its class (`PreparingConnection.cursor`)."""

    def execute(self, query, vars=None):
        conn = self.connection
        begin = conn.deferred_begin
        if begin is None:  # the usual case: no transaction begun and unsent
            return super().execute(query, vars)
        if self.name is not None:  # a named cursor's DECLARE cannot carry it
            _begin_now(conn)
            return super().execute(query, vars)
        try:
            if not isinstance(query, str | bytes):
                query = query.as_string(conn)  # a psycopg2.sql composition
            joined = f"{begin}; {query}" if isinstance(query, str) else begin.encode() + b"; " + query
            conn.deferred_begin = None
            return super().execute(joined, vars)
        except BaseException:
            _keep_unless_sent(conn, begin)
            raise

    def executemany(self, query, vars_list):
        _begin_now(self.connection)
        return super().executemany(query, vars_list)

    def callproc(self, procname, parameters=None):
        _begin_now(self.connection)
        return super().callproc(procname, parameters)

    def copy_expert(self, sql, file, size=8192):
        _begin_now(self.connection)
        return super().copy_expert(sql, file, size)

    def copy_from(self, *args, **kwargs):
        _begin_now(self.connection)
        return super().copy_from(*args, **kwargs)

    def copy_to(self, *args, **kwargs):
        _begin_now(self.connection)
        return super().copy_to(*args, **kwargs)


class BeginningCursor(BeginningMixin, _psycopg2_cursor):
    """psycopg2's own cursor, carrying the deferred `BEGIN` (a `PreparingConnection`'s default)."""


@cache
def _carrying(factory: type) -> type:
    """A cursor class of someone else's (`cursor_factory=`, psycopg2.extras' dictionary cursors) that carries
    the deferred `BEGIN` as ours do."""
    return type(f"Beginning{factory.__name__}", (BeginningMixin, factory), {})


def _keep_unless_sent(conn, begin: str) -> None:
    """After a failure: a `BEGIN` that did not reach the server (the connection is open and idle) waits again."""
    if not conn.closed and conn.get_transaction_status() == TRANSACTION_STATUS_IDLE:
        conn.deferred_begin = begin


def _begin_now(conn) -> None:
    """Send a deferred `BEGIN` by itself (a statement that cannot carry it is next)."""
    begin = conn.deferred_begin
    if begin is None:
        return
    conn.deferred_begin = None
    try:
        _psycopg2_cursor(conn).execute(begin)
    except BaseException:
        _keep_unless_sent(conn, begin)
        raise


def transaction_open(conn) -> bool:
    """Whether a transaction is open on this psycopg2 connection: on the server, or begun and not yet sent."""
    return conn.deferred_begin is not None or conn.get_transaction_status() != TRANSACTION_STATUS_IDLE


class PreparingConnection(_psycopg2_connection):
    """A psycopg2 connection that remembers which `Prepared` statements it holds on the server
    (server/db/prepared.py): `prepared` is the set of their names, or None when the pool does not
    prepare (PgBouncer in transaction mode). A new connection (a reconnect) starts with none.

    `deferred_begin` is the `BEGIN` its transaction's first statement will carry (None when none is
    waiting), and every cursor it makes carries it (`BeginningMixin`). (A cursor built around it by hand,
    `psycopg2.extensions.cursor(conn)`, would not: nothing here does that.)"""

    def __init__(self, *args, prepared: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared: set[str] | None = set() if prepared else None
        self.deferred_begin: str | None = None

    def cursor(self, name=None, cursor_factory=None, withhold=False, scrollable=None):
        factory = cursor_factory or self.cursor_factory or _psycopg2_cursor
        if not issubclass(factory, BeginningMixin):
            factory = BeginningCursor if factory is _psycopg2_cursor else _carrying(factory)
        return super().cursor(name=name, cursor_factory=factory, withhold=withhold, scrollable=scrollable)


class PostgresPool(PooledPostgresqlDatabase):
    """PostgreSQL with a pool of connections per process: a request or a job checks one out
    (`connect`) and puts it back (`close`), instead of opening a connection (a TCP handshake and a
    backend process started, about 7× a trivial request's cost) every time.

    - **Checked on checkout.** A connection PostgreSQL has closed is never handed out: a backend
      that was terminated, or a server that restarted, leaves the idle socket readable (its
      farewell message and end of file), which costs a `poll()` and no round trip to see; only
      then is the connection asked `SELECT 1`, and one that fails it is thrown away and the next
      (or a new one) taken. A transaction left open is rolled back first. Connections that die in
      the middle of a request are `server.extensions.reconnect`'s.
    - **Never shared across a fork.** A gunicorn or RQ child that inherited the parent's sockets
      would talk over the parent's sessions, or end them by closing its copies: right after
      `fork()` the child's pools forget every inherited connection, their descriptors pointed at
      /dev/null so that nothing the child does reaches the parent's sessions, and the child opens
      its own.
    - As many connections as the process's threads use at once (a sync gunicorn worker or an RQ
      job: one), as without a pool: peewee's default cap of 20 would answer a 21st thread with
      `MaxConnectionsExceeded`. URL parameters as in peewee: `?max_connections=` caps them
      (`timeout=` seconds to wait for a free one), `stale_timeout=` seconds after which a
      connection is opened afresh.
    - **Hot statements prepared on the server** (`prepare=True`, the setting `PG_PREPARED_STATEMENTS`):
      each connection is a `PreparingConnection`, on which a `Prepared` query is parsed once
      (`PREPARE`) and then only `EXECUTE`d. Off for PgBouncer in transaction mode (docs/scaling.md).
    - **`BEGIN` goes with the transaction's first statement** (`BeginningMixin`), not as a round trip of
      its own; a transaction that sent nothing commits or rolls back without a word to the server.
    """

    def __init__(self, *args, prepare: bool = True, **kwargs):
        self.prepare = prepare
        super().__init__(*args, **kwargs)
        _pools.add(self)

    def _connect(self):
        self.connect_params["connection_factory"] = partial(PreparingConnection, prepared=self.prepare)
        return super()._connect()

    def begin(self, isolation_level=None):
        conn = self.connection()  # a PreparingConnection: every connection of the pool is (`_connect`)
        if conn.deferred_begin is not None:
            return None  # begun already: a second BEGIN would only be PostgreSQL's warning
        level = self._isolation_level if isolation_level is None else isolation_level
        conn.deferred_begin = (f"BEGIN TRANSACTION ISOLATION LEVEL {self._adapter.isolation_level_str(level)}"
                               if level else "BEGIN")

    def commit(self):
        if not self._ended_unsent():
            super().commit()

    def rollback(self):
        if not self._ended_unsent():
            super().rollback()

    def _ended_unsent(self) -> bool:
        """A transaction whose BEGIN was never sent (no statement ran in it) ends here, with nothing to say."""
        conn = self._state.conn
        if conn is None or conn.deferred_begin is None:
            return False
        conn.deferred_begin = None
        return True

    def _close(self, conn, close_conn=False):
        conn.deferred_begin = None  # a transaction left open but never sent: nothing to roll back
        return super()._close(conn, close_conn)

    def _is_closed(self, conn) -> bool:
        if conn.closed:
            return True
        if self._adapter.txn_status(conn) != self._adapter.txn_idle:
            return self._adapter.is_connection_closed(conn)  # unknown: gone; in a transaction: rolled back
        # An idle connection has nothing to read unless the server spoke on its own: usually its
        # goodbye (terminated, shutting down). Then ask it, as peewee's own check always does.
        # (poll, not select: select refuses descriptors above 1023.)
        watch = select.poll()
        watch.register(conn.fileno(), select.POLLIN)
        return bool(watch.poll(0)) and self._adapter.is_connection_closed(conn)

    def _forget_after_fork(self) -> None:
        """In a forked child: the parent's connections (idle, checked out, this thread's) are not
        ours. Their descriptors are made /dev/null before they are dropped, so that closing them
        (psycopg2 says goodbye to the server on close) cannot end the parent's sessions."""
        inherited = [conn for *_, conn in self._connections]
        inherited += [checked_out.connection for checked_out in self._in_use.values()]
        if self._state.conn is not None:
            inherited.append(self._state.conn)
        self._pool_lock = threading.RLock()  # another parent thread may have held them at the fork
        self._pool_available = threading.Condition(self._pool_lock)
        self._lock = threading.Lock()
        self._connections, self._in_use = [], {}
        self._state = type(self._state)()
        _blind(inherited)


def _blind(connections) -> None:
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        for conn in connections:
            try:
                os.dup2(devnull, conn.fileno())
            except (OSError, InterfaceError, ValueError):
                pass  # already closed: nothing of the parent's left in it
    finally:
        os.close(devnull)


def _after_fork_in_child() -> None:
    for pool in list(_pools):
        pool._forget_after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)


def open_database(url: str, *, prepare: bool = True):
    """A peewee Database for a URL; SQLite files get their folder created; PostgreSQL is pooled, and
    prepares its hot statements on the server unless `prepare` is false."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        if path == ":memory:":
            return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE", timeout=15)
        return QueuedSqliteDatabase(path, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE", timeout=15)
    if url.startswith(POSTGRES_SCHEMES):
        return PostgresPool(prepare=prepare, **{"max_connections": None, **parse(url)})
    return connect(url)


def init_db(url: str, *, prepare: bool = True):
    """Point the `database` proxy at a new database (`prepare`: the setting `PG_PREPARED_STATEMENTS`). A pool
    it replaces closes its idle connections (it would otherwise keep them open until collected)."""
    db = open_database(url, prepare=prepare)
    previous = database.obj
    if isinstance(previous, PooledDatabase) and previous is not db:
        previous.close_idle()
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
