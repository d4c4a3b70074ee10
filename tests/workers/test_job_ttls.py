"""Every job Love Bank puts on RQ expires from Redis: waiting, finished or failed.

Enqueued by the real paths (an outbox row's `queueing.enqueue_outbox`, the scheduler's `CronJob.enqueue`
for every job in workers/cron.py), run by RQ's SimpleWorker against the real Redis, and the keys' TTLs read
back from Redis. Without them Redis keeps every job ever run (bench/jobs.py measures what that costs).
"""

from rq import Queue
from rq.job import Job, JobStatus

from server import queueing, queues, runtime
from server.db import database
from server.models import OutboxMessage
from server.services.messaging import outbox
from tests.workers.conftest import retry_now
from tests.workers.ping import DELIVERED, ping_handler  # noqa: F401 (the fixture, autouse)
from workers import cron
from workers.jobs import outbox as outbox_jobs
from workers.scheduler import PatientCronScheduler

# Keys RQ keeps for as long as there are queues and workers: a few per queue or worker, never per job.
SHARED = ("rq:queues", "rq:queue:", "rq:wip:", "rq:finished:", "rq:failed:", "rq:scheduled:", "rq:deferred:",
          "rq:canceled:", "rq:workers", "rq:worker:", "rq:cron", "rq:suspended", "rq:clean_registries:",
          "rq:active:", "rq:started:", "rq:executions:")


def _lasting(redis) -> list[str]:
    """Keys without an expiry that belong to one job (not RQ's shared structures)."""
    names = [key.decode() for key in redis.scan_iter()]
    return [name for name in names if redis.ttl(name) == -1 and not name.startswith(SHARED)
            and not name.startswith("lovebank:")]


def _ttl(redis, key: str) -> int:
    ttl = redis.ttl(key)
    assert ttl > 0, (key, ttl)
    return ttl


def test_an_outbox_job_expires_while_waiting_and_after_it_finished(app, worker_settings, run_jobs, redis):
    with database.atomic():
        outbox.emit("test.ping", "one", {"n": 1})
    assert outbox.flush(queueing.enqueue_outbox) == 1
    job = Job.fetch(queueing.job_id(OutboxMessage.get()), connection=redis)
    assert runtime.setting("JOB_RESULT_TTL_SECONDS") < _ttl(redis, job.key) <= runtime.setting("JOB_QUEUED_TTL_SECONDS")

    assert run_jobs() == 1 and DELIVERED == [1]
    assert job.get_status(refresh=True) == JobStatus.FINISHED
    assert _ttl(redis, job.key) <= runtime.setting("JOB_RESULT_TTL_SECONDS")
    results = [key.decode() for key in redis.scan_iter(f"rq:results:{job.id}*")]
    assert results and all(_ttl(redis, key) <= runtime.setting("JOB_RESULT_TTL_SECONDS") for key in results)
    assert _lasting(redis) == []


def test_the_ttls_are_settings(app, worker_settings, run_jobs, redis):
    from workers import bootstrap

    bootstrap.configure({**worker_settings, "JOB_QUEUED_TTL_SECONDS": 500, "JOB_RESULT_TTL_SECONDS": 40})
    with database.atomic():
        outbox.emit("test.ping", "two", {"n": 2})
    outbox.flush(queueing.enqueue_outbox)
    key = Job.key_for(queueing.job_id(OutboxMessage.get()))
    assert 40 < _ttl(redis, key) <= 500
    run_jobs()
    assert _ttl(redis, key) <= 40


def test_an_outbox_job_that_failed_its_retries_expires(app, worker_settings, run_jobs, redis):
    outbox_jobs.HANDLERS["test.broken"] = lambda payload, message: 1 / 0
    try:
        with database.atomic():
            outbox.emit("test.broken", "x", {})
        outbox.flush(queueing.enqueue_outbox)
        job = Job.fetch(queueing.job_id(OutboxMessage.get()), connection=redis)
        run_jobs()
        while retry_now(redis, queues.DEFAULT):  # each of RQ's retries, now instead of minutes later
            run_jobs()
        assert job.get_status(refresh=True) == JobStatus.FAILED
        assert Queue(queues.DEFAULT, connection=redis).failed_job_registry.get_job_ids() == [job.id]
        failure_ttl = runtime.setting("JOB_FAILURE_TTL_SECONDS")
        assert runtime.setting("JOB_RESULT_TTL_SECONDS") < _ttl(redis, job.key) <= failure_ttl
        assert _lasting(redis) == []
    finally:
        outbox_jobs.HANDLERS.pop("test.broken", None)


def test_every_scheduled_job_expires_waiting_finished_and_failed(app, worker_settings, run_jobs, redis):
    """Each job of workers/cron.py, enqueued as the scheduler does and run: its waiting run expires after
    its period (at least five minutes), its finished run after ten minutes, and a failure is kept a week
    or a thousand periods at most."""
    scheduler = PatientCronScheduler(connection=redis, name="test-ttls")  # production's, with its tick claims
    scheduler.load_config_from_file("workers.cron")
    jobs = {}
    for cron_job in scheduler.get_jobs():
        job = cron_job.enqueue(redis)
        period = cron_job.interval or _period(cron_job.cron)
        assert _ttl(redis, job.key) <= max(period, cron.SHORTEST_WAIT), cron_job.name
        assert 0 < job.failure_ttl <= min(cron.WEEK, cron.KEPT_FAILURES * period), cron_job.name
        jobs[cron_job.name] = job
    assert "workers.jobs.outbox.sweep" in jobs and len(jobs) >= 10  # tests/workers/test_schedules.py holds the list
    run_jobs()
    for name, job in jobs.items():
        assert job.get_status(refresh=True) == JobStatus.FINISHED, name
        assert _ttl(redis, job.key) <= cron.RESULT_TTL, name
    assert _lasting(redis) == []
    claims = [key.decode() for key in redis.scan_iter("lovebank:cron:*")]
    assert claims and all(_ttl(redis, key) for key in claims)


def _period(cron_string: str) -> int:
    import datetime as dt

    from croniter import croniter

    times = croniter(cron_string, dt.datetime(2026, 5, 15))
    first = times.get_next(dt.datetime)
    return int((times.get_next(dt.datetime) - first).total_seconds())
