"""The worker class `make run` and production start (`rq worker -w workers.worker.LoveBankWorker`).

Most queues run each job in a forked work horse, as RQ's `Worker` does: the parent beats for it and
kills it when it outlives its timeout. The notification queues (`IN_PROCESS`) run their jobs in
the worker's own process, as RQ's `SimpleWorker` does: a notification job is a few statements
(one inbox row per recipient), and a fork per job cost more than the job (docs/benchmarks.md).
What the horse gave those jobs is kept:

- **Timeouts.** The job runs under RQ's death penalty (SIGALRM raises JobTimeoutException in the
  job, exactly as in a horse: the job fails and RQ's Retry takes it). A job stuck where no signal
  reaches Python for RQ's grace of 60 s more is what a horse's parent would SIGKILL: a watchdog
  thread records the failure as the parent would (Retry or the failed registry) and ends the
  worker process, which its supervisor starts again (docs/architecture.md, "Supervision").
- **Heartbeats.** The same thread beats every `HEARTBEAT_SECONDS` while the job runs, so the outbox
  sweeper tells a live job from an abandoned one as it does for a horse; a worker killed mid-job
  leaves the job in the started registry, and the sweeper puts it back within a minute.
- **Nothing shared crosses a fork.** On SQLite the worker keeps its connection open between the
  jobs it runs itself (`bootstrap.keep_connection`: opening one cost more than the job) and closes
  it before any fork (a horse for another queue, RQ's scheduler process); a horse's job opens and
  closes its own, as before. PostgreSQL's pool is unchanged.
"""

import logging
import os
import signal
import threading
import time

from rq import Worker
from rq.defaults import DEFAULT_JOB_MONITORING_INTERVAL, DEFAULT_MAINTENANCE_TASK_INTERVAL
from rq.worker import SHUTDOWN_SIGNAL, WorkerStatus

from server import queues
from workers import bootstrap, ticks

log = logging.getLogger(__name__)

# Short jobs, safe to run twice, whose work is rows in the database and at most one call out (WeChat, SMS)
# with its own timeout: run in the worker's process, no fork.
IN_PROCESS = frozenset({queues.URGENT_NOTIFICATIONS, queues.NOTIFICATIONS})


class _Watch:
    """One thread beside a worker that runs jobs in its own process: what RQ's parent does for a horse
    (a beat every `job_monitoring_interval`; the kill past the job's timeout and its grace).

    One thread for the worker's life, not one per job: starting a thread, or waking one at the end of
    every job, costs a GIL hand-over each time, which was more than a notification job's own work. A
    job is watched by setting it under the lock; the thread looks at it when it wakes."""

    def __init__(self, worker: "LoveBankWorker"):
        self.worker = worker
        self._lock = threading.Lock()
        self._watched = None  # (job, queue, execution, deadline) while a job runs
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, job, queue, execution) -> None:
        timeout = job.timeout or self.worker.queue_class.DEFAULT_TIMEOUT
        deadline = None if timeout == -1 else time.monotonic() + timeout + self.worker.HARD_KILL_GRACE_SECONDS
        with self._lock:
            self._watched = (job, queue, execution, deadline)
        if self._thread is None or not self._thread.is_alive():
            self._closed.clear()
            self._thread = threading.Thread(target=self._run, name=f"watch {self.worker.name}", daemon=True)
            self._thread.start()

    def unwatch(self) -> None:
        """No beat after this (a late one would put the finished job back in the started registry)."""
        with self._lock:
            self._watched = None

    def close(self) -> None:
        self.unwatch()
        self._closed.set()

    def _run(self) -> None:
        while not self._closed.wait(self.worker.job_monitoring_interval):
            with self._lock:
                if self._watched is None:
                    continue
                job, queue, execution, deadline = self._watched
                if deadline is not None and time.monotonic() > deadline:
                    self._kill(job, queue, execution)
                try:
                    self.worker.maintain_heartbeats(job, execution)
                except Exception as exc:  # noqa: BLE001 - Redis away: the next beat tries again
                    log.warning("heartbeat of job %s not sent: %s", job.id, exc)

    def _kill(self, job, queue, execution) -> None:
        """The job outlived its death penalty: record it as a killed horse's, then end the process."""
        log.critical("job %s outlived its timeout by %s s: ending worker %s", job.id,
                     self.worker.HARD_KILL_GRACE_SECONDS, self.worker.name)
        try:
            self.worker.handle_job_failure(job, queue, exc_string="Job stuck past its timeout; worker ended",
                                           execution=execution)
        finally:
            os._exit(1)


class LoveBankWorker(Worker):
    """RQ's forking worker, with settings loaded once in the parent before any fork, running the
    notification queues' jobs in its own process (see the module docstring)."""

    # A heartbeat every 10 s (RQ's default is 30): the outbox sweeper tells a job whose worker
    # died from a slow one by its overdue beat, and should know within a minute.
    HEARTBEAT_SECONDS = 10
    # While Redis is away the worker retries with backoff; RQ's ceiling of 60 s could leave work
    # waiting a minute after Redis is back: at most 10 s here.
    max_connection_wait_time = 10.0
    # Maintenance restarts the worker's RQ scheduler (it dies with Redis; it moves Retry's
    # delayed jobs back to their queues) and cleans registries: every minute, not ten.
    MAINTENANCE_SECONDS = 60
    # RQ's parent kills a horse this long after its job's timeout; the watch does the same in-process.
    HARD_KILL_GRACE_SECONDS = 60
    # A plain heartbeat, or the same state, is not written again within this (see `heartbeat`).
    ECHO_SECONDS = 1.0
    in_process_queues = IN_PROCESS

    def __init__(self, *args, **kwargs):
        # `rq worker` passes RQ's defaults explicitly: ours replace them unless told otherwise.
        for name, rq_default, ours in (
            ("job_monitoring_interval", DEFAULT_JOB_MONITORING_INTERVAL, self.HEARTBEAT_SECONDS),
            ("maintenance_interval", DEFAULT_MAINTENANCE_TASK_INTERVAL, self.MAINTENANCE_SECONDS),
        ):
            if kwargs.get(name, rq_default) == rq_default:
                kwargs[name] = ours
        bootstrap.settings()  # every outbox handler too (workers.jobs.register), once before any fork
        self._watch = _Watch(self)
        self._beat_at = self._state_at = float("-inf")
        self._state_written: str | None = None

        super().__init__(*args, **kwargs)

    def execute_job(self, job, queue):
        """A horse for most queues (RQ's Worker); the notification queues' jobs in this process."""
        if queue.name not in self.in_process_queues:
            bootstrap.keep_connection(False)  # before the fork (the at-fork hook would too): said where it matters
            return super().execute_job(job, queue)
        bootstrap.keep_connection(True)
        execution = self.prepare_execution(job)
        self._watch.watch(job, queue, execution)
        try:
            self.perform_job(job, queue, execution)
        finally:
            self._watch.unwatch()
        self.set_state(WorkerStatus.IDLE)

    def heartbeat(self, timeout=None, pipeline=None):
        """RQ's loop beats four times per job: after the job, then riding on its suspension check's
        round trip, then before and after the next dequeue, each beat three commands sent one by one.
        Here a beat of its own (RQ's plain one: the worker's TTL, about eight minutes) goes in one round
        trip, and is not sent within `ECHO_SECONDS` of the last beat of any kind: it would only move
        `last_heartbeat` by less than that. After a job the beat riding on the suspension check, which
        always comes before the next dequeue waits, renews the worker's TTL. A beat with a TTL of its
        own (a job's) is always sent."""
        moment = time.monotonic()
        if pipeline is None and timeout is None and moment - self._beat_at < self.ECHO_SECONDS:
            return None
        self._beat_at = moment
        if pipeline is not None:
            return super().heartbeat(timeout, pipeline=pipeline)
        with self.connection.pipeline(transaction=False) as beat:
            super().heartbeat(timeout, pipeline=beat)
            beat.execute()
        return None

    def set_state(self, state, pipeline=None):
        """RQ writes IDLE after a job and again as the next dequeue begins: the same value is not
        written again within `ECHO_SECONDS`."""
        moment = time.monotonic()
        if pipeline is None and state == self._state_written and moment - self._state_at < self.ECHO_SECONDS:
            self._state = state
            return
        self._state_written, self._state_at = state, moment
        super().set_state(state, pipeline=pipeline)

    def perform_job(self, job, queue, *args, **kwargs):
        """In the work horse (or this process): a cron job's run is written down under its tick first
        (workers/ticks.py)."""
        ticks.record_run(self.connection, job)
        return super().perform_job(job, queue, *args, **kwargs)

    def handle_execution_ended(self, job, queue, heartbeat_ttl):
        """The job's outcome is being written: its watch beats no more."""
        if not self.is_horse:
            self._watch.unwatch()
        return super().handle_execution_ended(job, queue, heartbeat_ttl)

    def kill_horse(self, sig: signal.Signals = SHUTDOWN_SIGNAL):
        """A job running in this process has no horse: RQ's kill would signal `getpgid(0)`, our own group.
        (`rq job stop` cannot stop it: its timeout ends it.)"""
        if not self.horse_pid:
            log.warning("worker %s runs its job in its own process: nothing to kill", self.name)
            self._stopped_job_id = None
            return
        super().kill_horse(sig)

    def teardown(self):
        self._watch.close()
        bootstrap.keep_connection(False)
        super().teardown()
