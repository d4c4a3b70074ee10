"""Workers run in-process with RQ's SimpleWorker (burst) against the real Redis and database."""

import datetime as dt

import pytest
from rq import Queue, SimpleWorker

from config.notification_templates import TEMPLATES
from server import clock, queueing, queues
from server.services.messaging import outbox
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

    def run(names=None):
        names = names or queues.ALL
        before = finished(names)
        SimpleWorker(names, connection=redis).work(burst=True)
        return finished(names) - before

    return run


# A weekday morning: outside the quiet hours (22:00-08:00) unless a test moves the clock.
DAYTIME = dt.datetime(2026, 5, 15, 10, 0)
TEMPLATE_IDS = {key: f"TPL-{key}" for key in TEMPLATES}


@pytest.fixture
def wechat_workers(worker_settings, wechat, redis_url):
    """Workers with WeChat configured at the local stand-in, every template id set, the clock at 10:00."""
    settings = bootstrap.configure({**worker_settings, "WECHAT_APPID": "wx-test", "WECHAT_SECRET": "s",
                                    "WECHAT_API_BASE": wechat.base, "WECHAT_TEMPLATE_IDS": TEMPLATE_IDS,
                                    "QUIET_HOURS": "22:00-08:00"})
    clock.freeze(DAYTIME)
    yield settings
    clock.freeze(None)


@pytest.fixture
def flush(worker_settings):
    """Enqueue what this thread emitted (what the API does after its transaction commits)."""

    def run():
        return outbox.flush(lambda message: queueing.enqueue_outbox(message))

    yield run
    outbox.discard_pending()


def retry_now(redis, queue_name: str) -> int:
    """Move jobs RQ's Retry scheduled for later back onto their queue (as the scheduler will when due)."""
    registry = Queue(queue_name, connection=redis).scheduled_job_registry
    job_ids = registry.get_job_ids()
    for job_id in job_ids:
        registry.requeue(job_id)
    return len(job_ids)
