"""A database connection for every request (the Flask hooks; the database itself is server/db/)."""

from peewee import SqliteDatabase

from server.db import database


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
