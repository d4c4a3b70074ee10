"""Emit work for the workers inside a transaction; hand it to RQ after commit.

`emit()` writes an OutboxMessage row in the caller's transaction (its `key` is unique,
so emitting the same event twice writes one row). Who hands it to RQ after commit:

- the sweeper (`workers.jobs.outbox.sweep`, every few seconds on the scheduler) enqueues every
  due row not yet enqueued, and re-enqueues rows whose job Redis lost;
- a request enqueues its *immediate* kinds itself (payback matching and urgent
  notifications: someone is waiting), and a job everything it emitted, via `flush()`.

Every enqueue uses a deterministic job id, so the two paths never make two jobs of one
row. A request that emits only ordinary kinds never touches Redis. Delivery handlers
are wired by kind in `workers/jobs/__init__.py` (`register()`).
"""

import datetime as dt
import logging
import threading
import uuid
from collections.abc import Callable

from server import clock
from server.db import Prepared, database
from server.models import DatabaseInstance, OutboxMessage

log = logging.getLogger(__name__)
_local = threading.local()

# kind -> queue name, filled by server/hooks.py; urgent kinds (payback matching) go to their own queues.
QUEUE_OF: dict[str, str] = {}
# kinds a request enqueues right after its commit instead of leaving them to the sweeper
IMMEDIATE: set[str] = set()
# kind -> seconds its job may run, for the kinds that may need longer than RQ's default (180 s)
TIMEOUT_OF: dict[str, int] = {}
# kind -> on_failure(payload, gave_up), for the kinds someone is waiting on (a large import's station): called
# after each failure of its handler, gave_up True when it was the last one the row is given
ON_FAILURE: dict[str, Callable[[dict, bool], None]] = {}


def route(kind: str, queue: str, *, immediate: bool = False, job_timeout: int | None = None,
          on_failure: Callable[[dict, bool], None] | None = None) -> None:
    QUEUE_OF[kind] = queue
    if immediate:
        IMMEDIATE.add(kind)
    if job_timeout is not None:
        TIMEOUT_OF[kind] = job_timeout
    if on_failure is not None:
        ON_FAILURE[kind] = on_failure


def emitting(kind, key, payload, created_at, due_at):
    """The INSERT of an outbox row (the values as `emitted` returns them), for a caller that sends it in
    another statement (a data-modifying WITH)."""
    return OutboxMessage.insert(kind=kind, key=key, payload=payload, created_at=created_at,
                                due_at=due_at).on_conflict_ignore()


# Most writing requests emit a row: its SQL is rendered once.
_EMIT = Prepared(emitting)


def emitted(kind: str, key: str, payload: dict | None = None, *, due_at: dt.datetime | None = None) -> list:
    """`emit`'s row as the values of `emitting`, noted for `flush`: the caller must write it in its
    transaction (flush enqueues only rows it finds after the commit)."""
    full_key = f"{kind}:{key}"
    now = clock.now()
    pending = getattr(_local, "pending", None)
    if pending is None:
        pending = _local.pending = []
    pending.append((kind, full_key))
    return [kind, full_key, OutboxMessage.payload.db_value(payload or {}), now, due_at or now]


def emit(kind: str, key: str, payload: dict | None = None, *, due_at: dt.datetime | None = None) -> None:
    """Record work for the workers; call inside the transaction that makes the change."""
    _EMIT.rowcount(*emitted(kind, key, payload, due_at=due_at))


def discard_pending() -> None:
    """The transaction rolled back: nothing to enqueue."""
    _local.pending = []


def flush(enqueue, *, immediate_only: bool = False) -> int:
    """Enqueue what this thread emitted, now committed (only the immediate kinds if asked).

    `enqueue(message)` may fail: the sweeper retries. The rest is left to the sweeper.
    """
    emitted, _local.pending = getattr(_local, "pending", []), []
    keys = [key for kind, key in emitted if not immediate_only or kind in IMMEDIATE]
    if not keys:
        return 0
    sent, now = 0, clock.now()
    # Read back after commit, in one query: a row emitted in a savepoint that rolled back is not there.
    for message in OutboxMessage.select(OutboxMessage.id, OutboxMessage.kind, OutboxMessage.key,
                                        OutboxMessage.due_at).where(OutboxMessage.key.in_(keys),
                                                                    OutboxMessage.done_at.is_null()):
        if message.due_at > now:
            continue
        try:
            enqueue(message)
            sent += 1
        except Exception as exc:  # noqa: BLE001 - Redis down: the sweeper will pick it up
            log.warning("outbox %s not enqueued now (%s); the sweeper will retry", message.id, type(exc).__name__)
            return sent
    return sent


# A row whose handler failed this often (three rounds of RQ's retries) is left to an operator:
# its last_error and RQ's failed registry say why; the sweeper stops handing it to RQ.
GIVE_UP_AFTER_ATTEMPTS = 18


def due(now: dt.datetime, *, stale_after: dt.timedelta, limit: int = 500):
    """Rows to (re-)enqueue: due, not done, not given up, never enqueued or enqueued long ago."""
    return (
        OutboxMessage.select()
        .where(
            OutboxMessage.done_at.is_null(),
            OutboxMessage.attempts < GIVE_UP_AFTER_ATTEMPTS,
            OutboxMessage.due_at <= now,
            OutboxMessage.enqueued_at.is_null() | (OutboxMessage.enqueued_at < now - stale_after),
        )
        .order_by(OutboxMessage.due_at)
        .limit(limit)
    )


def drain(enqueue, *, stale_after: dt.timedelta, batch: int = 500) -> int:
    """The sweeper's pass: hand every `due` row to `enqueue(message)` (which returns how many jobs
    it made of it) in batches, noting each batch as enqueued in one statement; returns the total.

    Rows noted during this pass are not taken again by it. When `enqueue` raises (Redis went
    down), what was handed over so far is still noted and the error goes up to the job.
    """
    started, sent = clock.now(), 0
    while True:
        rows = list(due(started, stale_after=stale_after, limit=batch))
        noted = []
        try:
            for message in rows:
                sent += enqueue(message)
                noted.append(message.id)
        finally:
            mark_enqueued(*noted)
        if len(rows) < batch:
            return sent


# Every outbox job reads its row and marks it done, and a notification job is only a few statements
# more (bench/notifications.py): their SQL is rendered once.
_ROW = Prepared(lambda message_id: OutboxMessage.select().where(OutboxMessage.id == message_id))
_DONE = Prepared(lambda done_at, message_id: OutboxMessage.update(done_at=done_at).where(
    OutboxMessage.id == message_id, OutboxMessage.done_at.is_null()))


def undone(message_id: int) -> OutboxMessage | None:
    """The row a job was made for, unless it is gone (another database's job) or already done."""
    message = _ROW.first(message_id)
    return None if message is None or message.done_at is not None else message


def is_pending(message_id: int) -> bool:
    return OutboxMessage.select().where(OutboxMessage.id == message_id, OutboxMessage.done_at.is_null()).exists()


_instance: tuple[object, str] | None = None


def instance_token() -> str:
    """This database's random token (migration 0008), read once per database and cached.

    A table found empty (emptied by hand) gets a fresh token: any new one is as good, since
    it only has to differ from every other database's.
    """
    global _instance
    db = database.obj
    if _instance is None or _instance[0] is not db:
        row = DatabaseInstance.select(DatabaseInstance.token).order_by(DatabaseInstance.id).first()
        if row is None:
            DatabaseInstance.insert(token=uuid.uuid4().hex).execute()
            row = DatabaseInstance.select(DatabaseInstance.token).order_by(DatabaseInstance.id).first()
        _instance = (db, row.token)
    return _instance[1]


def mark_enqueued(*message_ids: int) -> None:
    """Note that these rows are on RQ (one statement for a whole batch)."""
    if message_ids:
        OutboxMessage.update(enqueued_at=clock.now()).where(OutboxMessage.id.in_(message_ids)).execute()


def mark_done(message_id: int) -> bool:
    """True for the one caller that marks it done (a guarded update)."""
    return bool(_DONE.rowcount(clock.now(), message_id))


def record_failure(message, error: str) -> None:
    """Count a failure of the row's handler, then tell its kind's `on_failure`, with whether the row is now given
    up (GIVE_UP_AFTER_ATTEMPTS: the sweeper hands it to RQ no more)."""
    counted = OutboxMessage.update(attempts=OutboxMessage.attempts + 1, last_error=error[:2000]).where(
        OutboxMessage.id == message.id).returning(OutboxMessage.attempts).execute()
    on_failure = ON_FAILURE.get(message.kind)
    if on_failure is not None:
        on_failure(message.payload, any(row.attempts >= GIVE_UP_AFTER_ATTEMPTS for row in counted))
