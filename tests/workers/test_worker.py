"""The production worker class: notification jobs in its own process, other jobs in a horse, and what
a horse gave the former kept — timeouts, heartbeats, the kill of a stuck job, nothing of SQLite's across a fork."""

import os
import signal
import subprocess
import sys
import textwrap
import time

from rq import Queue, get_current_job
from rq.job import Job, JobStatus

from config.settings import ROOT
from server import queues
from server.db import database
from workers import bootstrap
from workers.worker import LoveBankWorker


def whose_process() -> int:
    return os.getpid()


def sleeper(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def started_scores(seconds: float) -> tuple[float, float]:
    """This job's score in its started registry (when it counts as abandoned), before and after a nap."""
    job = get_current_job()
    key = Queue(job.origin, connection=job.connection).started_job_registry.key

    def score():
        [(_, value)] = [(m, s) for m, s in job.connection.zrange(key, 0, -1, withscores=True)
                        if m.decode().startswith(job.id)]
        return value

    before = score()
    time.sleep(seconds)
    return before, score()


def open_before_this_job() -> bool:
    opened = not database.is_closed()
    with bootstrap.job_db():
        database.execute_sql("SELECT 1")
    return opened


def test_notification_jobs_run_in_the_worker_and_others_in_a_horse(worker_settings, redis):
    notices = Queue(queues.NOTIFICATIONS, connection=redis).enqueue(whose_process)
    urgent = Queue(queues.URGENT_NOTIFICATIONS, connection=redis).enqueue(whose_process)
    other = Queue(queues.DEFAULT, connection=redis).enqueue(whose_process)
    LoveBankWorker(queues.ALL, connection=redis).work(burst=True)
    assert notices.latest_result().return_value == os.getpid()
    assert urgent.latest_result().return_value == os.getpid()
    assert other.latest_result().return_value not in (os.getpid(), None)


def test_an_in_process_job_past_its_timeout_fails_and_the_next_runs(worker_settings, redis):
    """RQ's death penalty (SIGALRM) stops it, as in a horse; the worker goes on."""
    queue = Queue(queues.NOTIFICATIONS, connection=redis)
    slow = queue.enqueue(sleeper, 30, job_timeout=1)
    quick = queue.enqueue(sleeper, 0)
    started = time.monotonic()
    LoveBankWorker([queues.NOTIFICATIONS], connection=redis).work(burst=True)
    assert time.monotonic() - started < 10
    assert slow.get_status(refresh=True) == JobStatus.FAILED
    assert "JobTimeoutException" in slow.latest_result().exc_string
    assert quick.latest_result().return_value == "woke"


def test_an_in_process_job_beats_while_it_runs(worker_settings, redis):
    """The sweeper takes a started job whose beat is overdue for abandoned: a long job must keep beating."""
    job = Queue(queues.NOTIFICATIONS, connection=redis).enqueue(started_scores, 2.5)
    LoveBankWorker([queues.NOTIFICATIONS], connection=redis, job_monitoring_interval=1).work(burst=True)
    before, after = job.latest_result().return_value
    assert after >= before + 1
    assert Queue(queues.NOTIFICATIONS, connection=redis).started_job_registry.count == 0  # no beat after the end


def test_no_horse_to_kill_means_no_signal_sent(worker_settings, redis):
    """RQ's kill of a horse whose pid is 0 would signal the worker's own process group (`getpgid(0)`)."""
    worker = LoveBankWorker([queues.NOTIFICATIONS], connection=redis)
    assert worker.horse_pid == 0
    worker.kill_horse()  # this test still running says nothing was killed
    worker.kill_horse(signal.SIGTERM)


STUCK_WORKER = """
import signal, sys, time
from redis import Redis
from rq import Queue, Retry
from server import queues
from workers import bootstrap
from workers.worker import LoveBankWorker

def stuck():
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # where the death penalty cannot reach
    time.sleep(60)

class Quick(LoveBankWorker):
    HARD_KILL_GRACE_SECONDS = 1

if __name__ == "__main__":
    bootstrap.configure({"DATABASE_URL": sys.argv[1], "REDIS_URL": sys.argv[2], "ENV": "test", "SECRET_KEY": "t"})
    redis = Redis.from_url(sys.argv[2])
    job = Queue(queues.NOTIFICATIONS, connection=redis).enqueue("__main__.stuck", job_timeout=1,
                                                                 retry=Retry(max=1, interval=600))
    print(job.id, flush=True)
    Quick([queues.NOTIFICATIONS], connection=redis, job_monitoring_interval=1).work(burst=True)
"""


def test_a_job_stuck_past_its_timeout_ends_the_worker_and_is_retried(worker_settings, redis, redis_url, tmp_path):
    """What RQ's parent does to a horse stuck past timeout + grace: the job's failure is recorded (Retry
    schedules it again) and the worker process ends; its supervisor starts it again."""
    script = tmp_path / "stuck_worker.py"
    script.write_text(textwrap.dedent(STUCK_WORKER))
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(script), worker_settings["DATABASE_URL"], redis_url], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=50)
    assert done.returncode == 1, done.stderr[-3000:]
    assert time.monotonic() - started < 40
    job = Job.fetch(done.stdout.split()[0], connection=redis)
    assert job.get_status() == JobStatus.SCHEDULED  # its one retry, in ten minutes
    assert Queue(queues.NOTIFICATIONS, connection=redis).started_job_registry.count == 0


def test_sqlite_stays_open_between_in_process_jobs_and_never_crosses_a_fork(worker_settings, redis):
    """Opening SQLite costs more than a notification job (the schema is read again) and closing the last
    connection deletes the write-ahead log: the worker keeps its connection between the jobs it runs
    itself, and closes it before any fork."""
    queue = Queue(queues.NOTIFICATIONS, connection=redis)
    first, second = queue.enqueue(open_before_this_job), queue.enqueue(open_before_this_job)
    if not database.is_closed():
        database.close()
    LoveBankWorker([queues.NOTIFICATIONS], connection=redis).work(burst=True)
    assert (first.latest_result().return_value, second.latest_result().return_value) == (False, True)
    assert database.is_closed()  # the worker's teardown closed it

    bootstrap.keep_connection(True)
    with bootstrap.job_db():
        kept = database.connection()
    assert not database.is_closed()
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    assert database.is_closed()  # closed before the fork, and no longer kept
    with bootstrap.job_db():
        assert database.connection() is not kept
    assert database.is_closed()


def test_postgresql_connections_go_back_to_the_pool(pg_app, redis):
    from server.db import is_postgres

    bootstrap.keep_connection(True)
    assert is_postgres()
    with bootstrap.job_db():
        database.execute_sql("SELECT 1")
    assert database.is_closed()
