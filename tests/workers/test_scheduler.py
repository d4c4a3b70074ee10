"""The cron scheduler outlives a Redis outage: when Redis is back, due work flows with nothing restarted."""

import subprocess
import sys

import pytest
from rq import Queue, SimpleWorker

from config.settings import ROOT
from server import queueing, queues
from server.backoff import Backoff
from server.db import database
from server.models import OutboxMessage
from server.redis_conn import get_redis
from server.services.messaging import outbox
from tests.own_redis import own_redis_fixture, wait_for  # noqa: F401 - the fixture `own_redis`
from workers import bootstrap
from workers.jobs import outbox as outbox_jobs

DELIVERED = []


def test_backoff_doubles_to_its_ceiling_and_starts_again():
    backoff = Backoff(1, 10)
    assert [backoff.next() for _ in range(6)] == [1, 2, 4, 8, 10, 10]
    backoff.reset()
    assert backoff.next() == 1


@pytest.fixture
def scheduler(own_redis, tmp_path):
    """`python -m workers.scheduler`, as make run, compose and systemd start it, on the test's own Redis."""
    log = open(tmp_path / "scheduler.log", "w+")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "-m", "workers.scheduler", "--url", own_redis.url],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    proc.log_path = tmp_path / "scheduler.log"
    yield proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    log.close()


@pytest.mark.slow
def test_the_scheduler_waits_out_a_redis_outage(app, own_redis, scheduler):
    bootstrap.configure({"DATABASE_URL": app.config["DATABASE_URL"], "REDIS_URL": own_redis.url,
                         "SECRET_KEY": "test-secret", "ENV": "test"})
    outbox_jobs.HANDLERS["test.ping"] = lambda payload, message: DELIVERED.append(payload["n"])
    connection = get_redis(own_redis.url)
    sweeps = Queue(queues.DEFAULT, connection=connection)
    try:
        wait_for(lambda: sweeps.count, message="the scheduler's first sweep")

        own_redis.kill()
        wait_for(lambda: scheduler.poll() is not None or "Redis does not answer" in scheduler.log_path.read_text(),
                 message="the outage noticed")
        with database.atomic():  # a request during the outage: committed, left to the sweeper
            outbox.emit("test.ping", "during-the-outage", {"n": 1})
        outbox.discard_pending()
        assert scheduler.poll() is None, scheduler.log_path.read_text()

        own_redis.start()  # empty: whatever was queued before is gone with it
        queueing.reset_breaker()

        def delivered():
            SimpleWorker(queues.ALL, connection=connection).work(burst=True)
            return DELIVERED == [1]

        wait_for(delivered, message="the row emitted during the outage delivered", every=1)
        assert OutboxMessage.get().done_at is not None
        assert scheduler.poll() is None  # the same process throughout: nothing restarted by hand
    finally:
        outbox_jobs.HANDLERS.pop("test.ping", None)
    scheduler.terminate()
    assert scheduler.wait(timeout=30) == 0
    assert "Traceback" not in scheduler.log_path.read_text()
