"""The one way to put an outbox row on RQ (used by the API and the workers).

When Redis does not answer, enqueueing stops trying for a few seconds (a small circuit
breaker) so requests do not each wait for a connect timeout; the rows stay in the
outbox and the sweeper enqueues them once Redis is back.
"""

import hashlib
import time

from rq import Queue, Retry
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus

from server import runtime
from server.queues import DEFAULT
from server.redis_conn import get_redis, resolve_url
from server.services.messaging import outbox

RETRY_INTERVALS = [10, 30, 120, 600, 1800]
BREAKER_SECONDS = 5.0
_down_until = 0.0


_queues: dict[tuple[str, str], Queue] = {}


def queue(name: str) -> Queue:
    """One Queue object per Redis URL and name per process (it caches the server's version)."""
    key = (resolve_url(runtime.setting("REDIS_URL")), name)
    found = _queues.get(key)
    if found is None:
        found = _queues[key] = Queue(name, connection=get_redis(key[0]))
    return found


def job_id(message) -> str:
    """Deterministic per outbox row, and different for another database's row with the same id:
    the database's own token (migration 0008) is part of it, so a recreated or restored database,
    whose rows are numbered from 1 again, never finds an old job standing in for its new row."""
    digest = hashlib.sha1(message.key.encode("utf-8")).hexdigest()[:10]
    return f"outbox-{outbox.instance_token()[:12]}-{message.id}-{digest}"


def job_ttls() -> dict:
    """How long Redis keeps an outbox job: waiting on its queue (`ttl`; the sweeper enqueues its row
    again), finished (`result_ttl`: its id, which refuses a second copy of the row, and its result),
    and failed after its retries (`failure_ttl`). Every one is finite, so Redis holds the jobs of the
    last hours, never all of them (bench/jobs.py)."""
    return {"ttl": runtime.setting("JOB_QUEUED_TTL_SECONDS"), "result_ttl": runtime.setting("JOB_RESULT_TTL_SECONDS"),
            "failure_ttl": runtime.setting("JOB_FAILURE_TTL_SECONDS")}


def enqueue_outbox(message, *, mark: bool = True) -> None:
    """One RQ job per outbox row: `job_id` from the row id, `unique=True` refuses a second copy.

    `mark=False` (after a request) skips noting `enqueued_at`: a request should not spend a
    database write on it. The sweeper then meets the job's id already taken and notes it.
    """
    global _down_until
    if time.monotonic() < _down_until:
        raise ConnectionError("Redis was down a moment ago")
    try:
        queue(outbox.QUEUE_OF.get(message.kind, DEFAULT)).enqueue(
            "workers.jobs.outbox.deliver",
            message.id,
            job_id=job_id(message),
            unique=True,
            retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
            job_timeout=outbox.TIMEOUT_OF.get(message.kind),  # None: RQ's default
            **job_ttls(),
        )
    except (ConnectionError, TimeoutError, OSError):
        _down_until = time.monotonic() + BREAKER_SECONDS
        raise
    except Exception as exc:
        if type(exc).__module__.startswith("redis"):
            _down_until = time.monotonic() + BREAKER_SECONDS
        raise
    if mark:
        outbox.mark_enqueued(message.id)


# A job in one of these states will not run again by itself.
OVER = {JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}


def enqueue_again_if_over(message) -> bool:
    """The row's job id is taken: if that job is over while the row is still not done, put a
    fresh job in its place (True when it did). A finished job whose row is pending ran against
    another database or before a restore; a failed one used up RQ's retries. Queued, scheduled
    or started jobs are left alone (an abandoned started one is the sweeper's `recover_abandoned`)."""
    name = job_id(message)
    try:
        job = Job.fetch(name, connection=queue(DEFAULT).connection)
    except NoSuchJobError:
        job = None  # expired since the enqueue that found it
    if job is not None:
        if job.get_status() not in OVER or not outbox.is_pending(message.id):
            return False
        job.delete()
    try:
        enqueue_outbox(message, mark=False)
    except DuplicateJobError:
        return False  # another sweeper was quicker
    return True


def redis_is_new() -> bool:
    """True the first time the sweeper asks after Redis started empty (restarted without its
    data, or replaced): a key it leaves there is gone. One round trip per sweep."""
    marker = f"lovebank:outbox-sweeper:{outbox.instance_token()}"
    return bool(queue(DEFAULT).connection.set(marker, "1", nx=True))


def reset_breaker() -> None:
    global _down_until
    _down_until = 0.0


def init_app(app) -> None:
    """After a successful request the transaction is committed: enqueue its immediate kinds now
    (the sweeper takes the rest within seconds, so most requests never wait on Redis)."""

    @app.after_request
    def _flush_outbox(response):
        if response.status_code < 400:
            outbox.flush(lambda message: enqueue_outbox(message, mark=False), immediate_only=True)
        else:
            outbox.discard_pending()
        return response

    @app.teardown_request
    def _forget_outbox(exc):
        if exc is not None:
            outbox.discard_pending()
