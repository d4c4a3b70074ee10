"""Workers open the database without Flask: settings, clock and connection, once per process."""

import os
import threading
from contextlib import contextmanager

from peewee import SqliteDatabase

from config import settings as settings_module
from server import clock, runtime
from server.db import database, init_db

_settings: dict | None = None
_clients: dict = {}
# The thread whose SQLite connection stays open between jobs (`keep_connection`), if any.
_kept_by: int | None = None


def settings() -> dict:
    global _settings
    if _settings is None:
        _settings = settings_module.load()
        clock.configure(_settings["TIMEZONE"])
        runtime.configure(_settings)
        init_db(_settings["DATABASE_URL"], prepare=_settings["PG_PREPARED_STATEMENTS"])
        _wire()
    return _settings


def _wire() -> None:
    """The server's registries and the workers' outbox handlers, in their one place each."""
    from server import hooks
    from workers import jobs

    hooks.install()
    jobs.register()


def configure(overrides: dict) -> dict:
    """Tests point the workers at their database and Redis."""
    global _settings
    _settings = settings_module.load(overrides)
    clock.configure(_settings["TIMEZONE"])
    runtime.configure(_settings)
    init_db(_settings["DATABASE_URL"], prepare=_settings["PG_PREPARED_STATEMENTS"])
    _wire()
    return _settings


@contextmanager
def job_db():
    """A job opens the database and closes it after, whatever happens (docs/architecture.md, the outbox),
    unless the worker keeps SQLite's connection between the jobs it runs in its own process."""
    settings()
    database.connect(reuse_if_open=True)
    try:
        yield
    finally:
        if not database.is_closed() and not (_kept_by == threading.get_ident() and not database.in_transaction()):
            database.close()


def keep_connection(keep: bool) -> None:
    """Keep this thread's SQLite connection open between jobs (True), or close it now (False).

    For a worker running jobs one after another in its own process (workers/worker.py). Opening an
    SQLite connection costs more than a notification job's statements (SQLite reads the whole schema
    again on its first statement), and closing the last connection to the file checkpoints the
    write-ahead log into the database, with its fsyncs, and deletes it, for the next job to create
    again. Kept, the log is copied back every few hundred commits (`QueuedSqliteDatabase.checkpoint`),
    as in the API's processes. Never across a fork: SQLite's locks and its file descriptors must not
    be inherited, so the connection is closed before any fork of this process (below).
    PostgreSQL is unchanged: a job puts its connection back in the pool, which keeps it open."""
    global _kept_by
    if keep and isinstance(database.obj, SqliteDatabase):
        _kept_by = threading.get_ident()
        return
    _kept_by = None
    if not database.is_closed():
        database.close()


def _close_kept_before_fork() -> None:
    # The worker forks (a horse, RQ's scheduler) from the thread that runs its jobs.
    if _kept_by is not None and _kept_by == threading.get_ident():
        keep_connection(False)


os.register_at_fork(before=_close_kept_before_fork)


def wechat_client():
    """The WeChat client for these settings (None when WeChat is off); its token lives in Redis."""
    from server.redis_conn import get_redis, resolve_url
    from server.services.messaging.wechat import make_client

    settings()
    key = tuple(runtime.setting(name) for name in ("WECHAT_APPID", "WECHAT_SECRET", "WECHAT_API_BASE", "REDIS_URL",
                                                    "WECHAT_TIMEOUT_SECONDS"))
    if key not in _clients:
        _clients[key] = make_client(get_redis(resolve_url(runtime.setting("REDIS_URL"))))
    return _clients[key]
