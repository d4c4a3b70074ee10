"""The database proxy, its initialisation from a URL, the base model and request hooks.

SQLite (the default) runs in WAL mode with foreign keys on, and every transaction
begins IMMEDIATE so concurrent writers wait for the lock instead of failing with
"database is locked" half-way through a read-then-write. PostgreSQL is chosen by
DATABASE_URL; row-level guards (conditional UPDATEs) keep both honest.
"""

import json
from pathlib import Path

from peewee import DatabaseProxy, Model, PostgresqlDatabase, SqliteDatabase, TextField
from playhouse.db_url import connect

database = DatabaseProxy()

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


def open_database(url: str):
    """A peewee Database for a URL; SQLite files get their folder created."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE", timeout=15)
    return connect(url)


def init_db(url: str):
    db = open_database(url)
    database.initialize(db)
    return db


def is_postgres() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)


def init_app(app) -> None:
    """Open a connection per request and always give it back."""

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not database.is_closed():
            database.close()
