"""Delivering outbox rows, and the sweeper that re-enqueues what Redis lost."""

import datetime as dt
import logging

from rq.exceptions import DuplicateJobError

from server import clock, queueing
from server.models import OutboxMessage
from server.services import outbox
from workers import bootstrap

log = logging.getLogger(__name__)

# kind -> handler(payload, message); registered by the areas that emit each kind.
HANDLERS: dict = {}


def handler(kind: str):
    def register(func):
        HANDLERS[kind] = func
        return func

    return register


def deliver(message_id: int) -> str:
    """Run the handler for one outbox row, once: a done row is skipped on a re-run."""
    with bootstrap.job_db():
        message = OutboxMessage.get_or_none(OutboxMessage.id == message_id)
        if message is None or message.done_at is not None:
            return "skipped"
        func = HANDLERS.get(message.kind)
        if func is None:
            raise LookupError(f"no handler for outbox kind {message.kind!r}")
        try:
            func(message.payload, message)
        except Exception as exc:
            outbox.record_failure(message.id, f"{type(exc).__name__}: {exc}")
            raise
        outbox.mark_done(message.id)
        flush_emitted()
        return "done"


def flush_emitted() -> int:
    """After a job's transaction committed: enqueue what it emitted (Redis down: the sweeper will)."""
    return outbox.flush(lambda m: queueing.enqueue_outbox(bootstrap.settings(), m))


def run_service(call, *args):
    """A scheduled job's body: the database open around one service call, then what it emitted enqueued."""
    with bootstrap.job_db():
        try:
            result = call(*args)
        except BaseException:
            outbox.discard_pending()
            raise
        flush_emitted()
        return result


def sweep(stale_after_seconds: int = 300, batch: int = 500) -> int:
    """Enqueue due rows that were never enqueued, or whose job was lost with Redis.

    Runs every few seconds (workers/cron.py): it is how a request's ordinary outbox rows
    reach RQ. Drains in batches, noting each batch as enqueued in one statement.
    """
    with bootstrap.job_db():
        settings = bootstrap.settings()
        sent = 0
        while True:
            rows = list(outbox.due(clock.now(), stale_after=dt.timedelta(seconds=stale_after_seconds), limit=batch))
            noted = []
            try:
                for message in rows:
                    try:
                        queueing.enqueue_outbox(settings, message, mark=False)
                        sent += 1
                    except DuplicateJobError:
                        pass  # the request that emitted it enqueued it already
                    noted.append(message.id)
            finally:
                outbox.mark_enqueued(*noted)
            if len(rows) < batch:
                return sent
