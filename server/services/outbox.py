"""Emit work for the workers inside a transaction; hand it to RQ after commit.

`emit()` writes an OutboxMessage row in the caller's transaction (its `key` is unique,
so emitting the same event twice writes one row) and remembers its id. After the
request (or job) commits, `flush()` enqueues the remembered ids to RQ with a
deterministic job id. If Redis is down nothing is lost: the row stays due and the
sweeper enqueues it later. Delivery handlers are registered by kind in `workers/`.
"""

import datetime as dt
import logging
import threading

from server import clock
from server.models import OutboxMessage

log = logging.getLogger(__name__)
_local = threading.local()

# kind -> queue name; urgent kinds (payback matching) go to their own queues.
QUEUE_OF: dict[str, str] = {}


def route(kind: str, queue: str) -> None:
    QUEUE_OF[kind] = queue


def emit(kind: str, key: str, payload: dict | None = None, *, due_at: dt.datetime | None = None) -> None:
    """Record work for the workers; call inside the transaction that makes the change."""
    full_key = f"{kind}:{key}"
    OutboxMessage.insert(
        kind=kind, key=full_key, payload=payload or {}, created_at=clock.now(), due_at=due_at or clock.now()
    ).on_conflict_ignore().execute()
    pending = getattr(_local, "pending", None)
    if pending is None:
        pending = _local.pending = []
    pending.append(full_key)


def discard_pending() -> None:
    """The transaction rolled back: nothing to enqueue."""
    _local.pending = []


def flush(enqueue) -> int:
    """Enqueue what this thread emitted, now committed. `enqueue(message)` may fail: the sweeper retries."""
    keys, _local.pending = getattr(_local, "pending", []), []
    if not keys:
        return 0
    sent = 0
    for message in OutboxMessage.select().where(OutboxMessage.key.in_(keys), OutboxMessage.done_at.is_null()):
        if message.due_at > clock.now():
            continue
        try:
            enqueue(message)
            sent += 1
        except Exception as exc:  # noqa: BLE001 - Redis down: the sweeper will pick it up
            log.warning("outbox %s not enqueued now (%s); the sweeper will retry", message.id, type(exc).__name__)
            return sent
    return sent


def due(now: dt.datetime, *, stale_after: dt.timedelta, limit: int = 500):
    """Rows to (re-)enqueue: due, not done, never enqueued or enqueued long ago."""
    return (
        OutboxMessage.select()
        .where(
            OutboxMessage.done_at.is_null(),
            OutboxMessage.due_at <= now,
            OutboxMessage.enqueued_at.is_null() | (OutboxMessage.enqueued_at < now - stale_after),
        )
        .order_by(OutboxMessage.due_at)
        .limit(limit)
    )


def mark_enqueued(message_id: int) -> None:
    OutboxMessage.update(enqueued_at=clock.now()).where(OutboxMessage.id == message_id).execute()


def mark_done(message_id: int) -> bool:
    """True for the one caller that marks it done (a guarded update)."""
    return bool(
        OutboxMessage.update(done_at=clock.now())
        .where(OutboxMessage.id == message_id, OutboxMessage.done_at.is_null())
        .execute()
    )


def record_failure(message_id: int, error: str) -> None:
    OutboxMessage.update(attempts=OutboxMessage.attempts + 1, last_error=error[:2000]).where(
        OutboxMessage.id == message_id
    ).execute()
