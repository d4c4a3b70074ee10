"""Nothing lost under a hard kill: a real `rq worker` process and its work-horse SIGKILLed mid-job.

The worker is the production class (workers.worker.LoveBankWorker) started by `rq worker`,
configured only through the environment. It runs notification jobs in its own process (no
work-horse), so killing it kills the job; a horse (RQ 3's calls setpgrp()) would be killed
by its own pid, after its parent, as a machine losing power would take both.

Recovery. A killed job sits in RQ's StartedJobRegistry until its heartbeat expires and
a worker's maintenance cleans it up (minutes). The outbox sweeper does not wait for that:
a started outbox job whose heartbeat is 30 s overdue (LoveBankWorker beats every 10 s) is
put back on its queue, so it runs again within a minute of the kill. The test asks the
sweeper's recovery at "now" (nothing yet: the job may still be alive) and at one minute
after the kill (recovered), instead of sleeping through that minute; then a fresh worker
process runs the job again.
"""

import os
import signal
import subprocess
import time

import psutil
import pytest
from rq import Queue
from rq.registry import StartedJobRegistry

from config.settings import ROOT
from server import queueing, queues
from server.db import database
from server.models import Notification, OutboxMessage
from server.run import _bin
from server.services.messaging import notifications, outbox, subscriptions
from tests.factories import make_community, make_member
from tests.wechat_stub import SUBSCRIBE_SEND, TOKEN
from workers import bootstrap
from workers.jobs import outbox as outbox_jobs

OFFER = {"category": "义务维修", "summary": "修水龙头", "when": "2026-05-16T09:00:00", "place": "3号楼", "task_id": 7}

pytestmark = pytest.mark.slow


@pytest.fixture
def stack(app, worker_settings, wechat, redis_url, redis, tmp_path):
    """The environment a production worker gets, and a way to start one."""
    env = {
        **os.environ,
        "ENV": "test", "SECRET_KEY": "test-secret", "DATABASE_URL": app.config["DATABASE_URL"], "REDIS_URL": redis_url,
        "WECHAT_APPID": "wx-test", "WECHAT_SECRET": "s", "WECHAT_API_BASE": wechat.base,
        "WECHAT_TEMPLATE_IDS": "task_offer=TPL-offer", "QUIET_HOURS": "off", "PYTHONUNBUFFERED": "1",
    }
    started = []

    def start_worker() -> subprocess.Popen:
        log = open(tmp_path / f"worker-{len(started)}.log", "w")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            [_bin("rq"), "worker", "--url", redis_url, "--worker-class", "workers.worker.LoveBankWorker", "--burst",
             queues.URGENT_NOTIFICATIONS, queues.NOTIFICATIONS],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )
        started.append((proc, log))
        return proc

    yield start_worker
    for proc, log in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()


def _notify_one_volunteer(redis_url):
    volunteer = make_member(make_community(), openid="openid-li")
    subscriptions.record(volunteer, {"task_offer": "accept"})
    with database.atomic():
        notifications.notify([volunteer.id], "task:7:offered", "task_offer", OFFER)
    assert outbox.flush(lambda m: queueing.enqueue_outbox(m)) == 1
    return volunteer


def _hard_kill(worker: subprocess.Popen) -> None:
    """SIGKILL the worker, and the work-horse it would have for another queue (its own process group,
    so it is killed by pid): here the worker runs the notification job itself."""
    horses = psutil.Process(worker.pid).children()
    assert horses == [], "notification jobs run in the worker's own process (workers/worker.py)"
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def _recover(redis, queue_name: str, killed_at: float) -> None:
    """What the outbox sweeper does within a minute of the kill."""
    registry = StartedJobRegistry(queue_name, connection=redis)
    assert len(redis.zrange(registry.key, 0, -1)) == 1, "the killed job should still look started"
    bootstrap.settings()
    assert outbox_jobs.recover_abandoned() == 0  # its last heartbeat is recent: maybe alive
    assert outbox_jobs.recover_abandoned(timestamp=killed_at + 60) == 1
    assert redis.zrange(registry.key, 0, -1) == []
    assert Queue(queue_name, connection=redis).count == 1  # back on its queue, ready to run


def _wait(proc: subprocess.Popen, timeout: float = 60) -> None:
    assert proc.wait(timeout=timeout) == 0


def test_killed_while_wechat_holds_the_call(stack, wechat, redis, redis_url):
    """Killed with the message at WeChat but unanswered: one inbox row, and WeChat got it once."""
    _notify_one_volunteer(redis_url)
    held = wechat.hold(SUBSCRIBE_SEND)
    worker = stack()
    assert held.reached.wait(30), "the worker never called WeChat"
    row = Notification.get()
    assert (row.wechat_status, row.attempts) == ("sending", 1)  # committed before the call
    _hard_kill(worker)
    killed_at = time.time()
    held.release()  # WeChat answers a dead socket

    _recover(redis, queues.NOTIFICATIONS, killed_at)
    _wait(stack())
    assert Notification.select().count() == 1
    row = Notification.get()
    assert (row.wechat_status, row.wechat_note) == ("unknown", "interrupted during the call")
    assert len(wechat.calls(SUBSCRIBE_SEND)) == 1
    assert OutboxMessage.get().done_at is not None


def test_killed_before_the_send_delivers_once_after_recovery(stack, wechat, redis, redis_url):
    """Killed while fetching the access token (nothing marked yet): the re-run sends, exactly once."""
    volunteer = _notify_one_volunteer(redis_url)
    held = wechat.hold(TOKEN)
    worker = stack()
    assert held.reached.wait(30), "the worker never asked for a token"
    assert Notification.get().wechat_status == "pending"  # the inbox row is there already
    _hard_kill(worker)
    killed_at = time.time()
    held.release()

    _recover(redis, queues.NOTIFICATIONS, killed_at)
    _wait(stack())
    assert Notification.select().count() == 1
    row = Notification.get()
    assert (row.wechat_status, row.attempts) == ("sent", 1)
    [send] = wechat.calls(SUBSCRIBE_SEND)
    assert send["body"]["touser"] == "openid-li"
    assert subscriptions.credits_view(volunteer, {})[0]["credits"] == 0
    assert Queue(queues.NOTIFICATIONS, connection=redis).failed_job_registry.count == 0
