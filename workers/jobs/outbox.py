"""Delivering outbox rows, and the sweeper that re-enqueues what Redis lost."""

import datetime as dt
import logging
import time

from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus

from server import queueing, queues
from server.services.messaging import outbox
from workers import bootstrap

log = logging.getLogger(__name__)

# kind -> handler(payload, message); filled by workers.jobs.register() (workers/bootstrap calls it).
HANDLERS: dict = {}


def deliver(message_id: int) -> str:
    """Run the handler for one outbox row, once: a done row is skipped on a re-run."""
    with bootstrap.job_db():
        message = outbox.undone(message_id)
        if message is None:
            return "skipped"
        func = HANDLERS.get(message.kind)
        if func is None:
            raise LookupError(f"no handler for outbox kind {message.kind!r}")
        try:
            func(message.payload, message)
        except BaseException as exc:
            # What it emitted and committed is the sweeper's; this process may run other jobs next
            # (workers/worker.py), which must not enqueue it for this one.
            outbox.discard_pending()
            if isinstance(exc, Exception):
                try:
                    outbox.record_failure(message, f"{type(exc).__name__}: {exc}")
                except Exception:  # noqa: BLE001 - the database that failed the job may fail this too, or the
                    # kind's on_failure: either way the job reports its own error
                    log.exception("outbox %s: its failure could not be recorded or told", message.id)
            raise
        outbox.mark_done(message.id)
        flush_emitted()
        return "done"


def flush_emitted() -> int:
    """After a job's transaction committed: enqueue what it emitted (Redis down: the sweeper will)."""
    return outbox.flush(queueing.enqueue_outbox)


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
    reach RQ. Which rows, in what batches, noted how: `outbox.drain`; this job adds what only
    RQ knows (abandoned jobs, a Redis that came back empty, a job id already taken). A row
    enqueued lately is taken again only when Redis came back empty (its job is gone with
    it); otherwise after `stale_after_seconds`.
    """
    with bootstrap.job_db():
        sent = recover_abandoned()
        if queueing.redis_is_new():
            stale_after_seconds = 0
        return sent + outbox.drain(_enqueue_swept,
                                   stale_after=dt.timedelta(seconds=stale_after_seconds), batch=batch)


def _enqueue_swept(message) -> int:
    try:
        queueing.enqueue_outbox(message, mark=False)
        return 1
    except DuplicateJobError:
        # Usually the request that emitted it enqueued it already; but a job that is over
        # while the row is pending must not stand in for it.
        return int(queueing.enqueue_again_if_over(message))


# RQ keeps a running job in its started registry until the worker's next heartbeat is due
# plus 60 s (rq.worker: TTL = min(job timeout, monitoring interval) + 60). LoveBankWorker
# beats every 10 s; a job whose beat is 30 s overdue has lost its worker (SIGKILL, power).
RQ_HEARTBEAT_MARGIN = 60
ABANDONED_AFTER_SECONDS = 30


def recover_abandoned(timestamp: float | None = None) -> int:
    """Put back on its queue every outbox job whose worker died mid-run; returns how many.

    Without this, RQ notices only when the registry entry expires and its cleanup runs (up
    to ten minutes). Re-running is safe: a done row is skipped, and a WeChat send the dead
    worker had begun is marked "sending" before the call, so the re-run never sends twice
    (server/services/messaging/wechat_delivery.py).
    """
    now = time.time() if timestamp is None else timestamp
    cutoff = now + RQ_HEARTBEAT_MARGIN - ABANDONED_AFTER_SECONDS
    recovered = 0
    for name in queues.ALL:
        registry = queueing.queue(name).started_job_registry
        connection = registry.connection
        for entry in connection.zrangebyscore(registry.key, 0, cutoff):
            job_id = registry.parse_job_id(entry)
            if not job_id.startswith("outbox-"):
                continue
            try:
                job = Job.fetch(job_id, connection=connection)
            except NoSuchJobError:
                continue
            if job.get_status() != JobStatus.STARTED:
                continue
            message = outbox.undone(job.args[0])
            if message is None or queueing.job_id(message) != job_id:
                continue  # not this database's, or done: RQ's own clean-up will tidy it
            connection.zrem(registry.key, entry)
            job.delete()
            try:
                queueing.enqueue_outbox(message)
            except DuplicateJobError:
                continue  # another sweeper was quicker
            log.warning("outbox %s: job %s lost its worker mid-run; enqueued again", message.id, job_id)
            recovered += 1
    return recovered
