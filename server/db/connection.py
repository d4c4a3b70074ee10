"""The database proxy, the database a URL names, and what a lost PostgreSQL connection needs.

SQLite (the default) is `server.db.sqlite`'s queued database; PostgreSQL is chosen by
DATABASE_URL. Row-level guards (conditional UPDATEs) keep both honest.
"""

from pathlib import Path

from peewee import (
    DatabaseProxy,
    InterfaceError,
    OperationalError,
    PeeweeException,
    PostgresqlDatabase,
    SqliteDatabase,
)
from playhouse.db_url import connect
from playhouse.pool import PooledDatabase

from server.db.sqlite import SQLITE_PRAGMAS, QueuedSqliteDatabase

database = DatabaseProxy()


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
