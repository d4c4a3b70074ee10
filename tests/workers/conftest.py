"""Workers run in-process with RQ's SimpleWorker (burst) against the real Redis and database."""

import pytest
from rq import Queue, SimpleWorker

from server import queueing
from workers import bootstrap


@pytest.fixture
def worker_settings(app, sqlite_url, redis_url):
    return bootstrap.configure({"DATABASE_URL": app.config["DATABASE_URL"], "REDIS_URL": redis_url,
                                "SECRET_KEY": "test-secret", "ENV": "test"})


@pytest.fixture
def run_jobs(worker_settings, redis):
    """Run every queued job to completion in this process; returns how many ran."""

    def finished(names):
        return sum(Queue(name, connection=redis).finished_job_registry.count for name in names)

    def run(queues=None):
        names = queues or queueing.ALL
        before = finished(names)
        SimpleWorker(names, connection=redis).work(burst=True)
        return finished(names) - before

    return run
