"""Outbox job ids belong to one database, and a job that is over never stands in for a pending row.

Redis keeps a finished job for an hour (result_ttl) and a failed one for a week. A database
recreated (`rm var/lovebank.db`, `make run`) or restored from a backup numbers its outbox rows
from 1 again while those jobs are still there: the work must still run.
"""

import uuid

import psycopg2
import pytest
from rq import SimpleWorker

from server import migrations, queueing, queues
from server.db import database, init_db
from server.models import OutboxMessage
from server.services.messaging import outbox
from tests.conftest import PG_ADMIN_DSN, is_postgres_db
from tests.workers.ping import DELIVERED, ping_handler  # noqa: F401 (the fixture, autouse)
from workers import bootstrap
from workers.jobs import outbox as outbox_jobs


@pytest.fixture
def workers_on(redis_url):
    """Point the workers (and this process) at a database, as a fresh `make run` would."""

    def configure(database_url: str) -> dict:
        settings = bootstrap.configure({"DATABASE_URL": database_url, "REDIS_URL": redis_url,
                                        "SECRET_KEY": "test-secret", "ENV": "test"})
        queueing.reset_breaker()
        return settings

    return configure


@pytest.fixture
def fresh_database(any_app, tmp_path):
    """A new, empty database of the same kind, migrated from scratch (dropped afterwards)."""
    made = []

    def create() -> str:
        if not is_postgres_db():
            url = f"sqlite:///{tmp_path / f'recreated-{len(made)}.db'}"
        else:
            name = f"lb_recreated_{uuid.uuid4().hex[:8]}"
            admin = psycopg2.connect(PG_ADMIN_DSN)
            admin.autocommit = True
            admin.cursor().execute(f'CREATE DATABASE "{name}"')
            admin.close()
            url = f"postgresql://postgres@127.0.0.1:5432/{name}"
        made.append(url)
        migrations.migrate(init_db(url))
        database.close()
        return url

    yield create
    if not database.is_closed():
        database.close()
    for url in made:
        if url.startswith("postgresql"):
            admin = psycopg2.connect(PG_ADMIN_DSN)
            admin.autocommit = True
            admin.cursor().execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
            admin.close()


def _emit_and_deliver(redis, n: int) -> OutboxMessage:
    with database.atomic():
        outbox.emit("test.ping", "the-same-event", {"n": n})
    outbox.discard_pending()  # left to the sweeper, as a request leaves ordinary kinds
    assert outbox_jobs.sweep() == 1
    SimpleWorker(queues.ALL, connection=redis).work(burst=True)
    return OutboxMessage.get(OutboxMessage.key == "test.ping:the-same-event")


def test_a_recreated_database_runs_its_work_while_redis_keeps_the_old_jobs(any_app, fresh_database, workers_on,
                                                                           redis):
    workers_on(any_app.config["DATABASE_URL"])
    first = _emit_and_deliver(redis, 1)
    assert first.done_at is not None and DELIVERED == [1]
    old_job = queueing.job_id(first)

    workers_on(fresh_database())  # the database is gone and made again; Redis still has job 1
    second = _emit_and_deliver(redis, 2)
    assert second.id == first.id  # the same row id and key as the old database's
    assert queueing.job_id(second) != old_job
    assert DELIVERED == [1, 2] and second.done_at is not None


def test_a_finished_job_does_not_stand_in_for_a_row_still_pending(any_app, workers_on, redis):
    """Restored from a backup taken before delivery: the row is pending again, the old job is finished."""
    workers_on(any_app.config["DATABASE_URL"])
    message = _emit_and_deliver(redis, 1)
    assert DELIVERED == [1]
    OutboxMessage.update(done_at=None, enqueued_at=None).where(OutboxMessage.id == message.id).execute()

    assert outbox_jobs.sweep() == 1  # the finished job is replaced by a fresh one
    SimpleWorker(queues.ALL, connection=redis).work(burst=True)
    assert DELIVERED == [1, 1] and OutboxMessage.get_by_id(message.id).done_at is not None


def test_a_queued_job_is_not_enqueued_twice(any_app, workers_on, redis):
    workers_on(any_app.config["DATABASE_URL"])
    with database.atomic():
        outbox.emit("test.ping", "queued", {"n": 3})
    assert outbox.flush(lambda m: queueing.enqueue_outbox(m, mark=False)) == 1
    assert outbox_jobs.sweep() == 0  # its job is waiting on the queue: noted, not replaced
    SimpleWorker(queues.ALL, connection=redis).work(burst=True)
    assert DELIVERED == [3]


def test_redis_back_empty_gets_every_pending_row_again_at_once(any_app, workers_on, redis):
    """Redis restarted without its data: rows enqueued a moment ago lost their jobs; the next sweep
    enqueues them again instead of waiting for them to look stale (5 minutes)."""
    workers_on(any_app.config["DATABASE_URL"])
    with database.atomic():
        outbox.emit("test.ping", "lost", {"n": 4})
    outbox.discard_pending()
    assert outbox_jobs.sweep() == 1 and outbox_jobs.sweep() == 0
    redis.flushdb()  # the outage took the queue with it
    assert outbox_jobs.sweep() == 1
    assert outbox_jobs.sweep() == 0  # once
    SimpleWorker(queues.ALL, connection=redis).work(burst=True)
    assert DELIVERED == [4]


def test_a_job_that_used_up_its_retries_is_run_again_but_not_forever(any_app, workers_on, redis):
    from tests.workers.conftest import retry_now

    workers_on(any_app.config["DATABASE_URL"])
    failing = {"still": True}

    def flaky(payload, message):
        if failing["still"]:
            raise ConnectionError("WeChat is down")
        DELIVERED.append(payload["n"])

    outbox_jobs.HANDLERS["test.flaky"] = flaky
    try:
        with database.atomic():
            outbox.emit("test.flaky", "x", {"n": 5})
        outbox.discard_pending()
        assert outbox_jobs.sweep() == 1
        for _ in range(len(queueing.RETRY_INTERVALS) + 1):  # the first run and every retry RQ allows
            SimpleWorker(queues.ALL, connection=redis).work(burst=True)
            retry_now(redis, queues.DEFAULT)
        message = OutboxMessage.get()
        assert message.attempts == len(queueing.RETRY_INTERVALS) + 1 and message.done_at is None
        assert queueing.queue(queues.DEFAULT).failed_job_registry.count == 1

        failing["still"] = False  # WeChat is back; the row's next turn comes when it looks stale
        assert outbox_jobs.sweep(stale_after_seconds=0) == 1
        SimpleWorker(queues.ALL, connection=redis).work(burst=True)
        assert DELIVERED == [5] and OutboxMessage.get().done_at is not None

        # a row that failed GIVE_UP_AFTER_ATTEMPTS times is left to an operator
        with database.atomic():
            outbox.emit("test.flaky", "hopeless", {"n": 6})
        outbox.discard_pending()
        OutboxMessage.update(attempts=outbox.GIVE_UP_AFTER_ATTEMPTS).where(
            OutboxMessage.key == "test.flaky:hopeless").execute()
        assert outbox_jobs.sweep(stale_after_seconds=0) == 0
    finally:
        outbox_jobs.HANDLERS.pop("test.flaky", None)
