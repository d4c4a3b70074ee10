"""SQLite as Love Bank runs it: WAL, foreign keys on, and writers queued on a file lock.

Every transaction begins IMMEDIATE so concurrent writers wait for the lock instead of failing
with "database is locked" half-way through a read-then-write; `QueuedSqliteDatabase` makes them
wait in line (an OS file lock) rather than in SQLite's busy handler, and runs the WAL checkpoints
itself. Importing this module registers the sqlite3 adapters for dates and datetimes.
"""

import datetime as dt
import fcntl
import itertools
import logging
import os
import sqlite3
import threading
from operator import methodcaller

from peewee import OperationalError, SqliteDatabase

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
