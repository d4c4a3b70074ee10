"""Cron ticks: every scheduled job runs once per tick, however many schedulers run.

RQ 3's `CronScheduler` keeps its schedule in the process: two of them (two machines, or a
scheduler started twice) each enqueue every job on every tick, and nothing in Redis says
which tick a run was for. Here each registered job is a `TickedCronJob`:

- **Ticks are the same everywhere.** A cron string's ticks are its times (as in RQ); an
  interval's are the multiples of the interval since the Unix epoch, not "every n seconds
  from whenever this process started", so two schedulers name the same tick alike.
- **One claim per tick.** Before enqueuing, a scheduler claims `(job, tick)` with `SET NX`
  in Redis (kept a day longer than a tick may be caught up), and the job id is made from
  the tick with RQ's `unique=True`: the loser of the race enqueues nothing.
- **A late tick is caught up, a stale one is not.** A scheduler held up (a busy machine)
  enqueues the ticks it missed, oldest first, as long as a run of them could still wait on
  its queue (the job's `ttl`, at least a minute); older ticks are skipped, the next one does
  the same work.
- **Every run is written down.** The worker (workers/worker.py) adds one to
  `lovebank:cron:runs:<job>` at the tick's field before the job runs: `runs(job)` shows, per
  tick, how many times it ran (1, or the tick ran twice), and the claims' losers are counted in
  `lovebank:cron:refused`. Both are kept `RECORD_DAYS` days.
"""

import datetime as dt
import logging
import re

from rq import cron_job_registry
from rq.cron import CronJob
from rq.defaults import DEFAULT_CRON_JOB_HISTORY_LIMIT, DEFAULT_CRON_JOB_HISTORY_TTL
from rq.exceptions import DuplicateJobError
from rq.queue import Queue
from rq.utils import now

log = logging.getLogger(__name__)

PREFIX = "lovebank:cron"
REFUSED = f"{PREFIX}:refused"
RECORD_DAYS = 8
TICK_FORMAT = "%Y%m%dT%H%M%SZ"
META_KEY, META_NAME = "cron_tick", "cron_job"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
LEAST_CATCH_UP_SECONDS = 60


def runs_key(name: str) -> str:
    return f"{PREFIX}:runs:{name}"


def claim_key(name: str, tick: str) -> str:
    return f"{PREFIX}:claim:{name}:{tick}"


def job_id(name: str, tick: str) -> str:
    """RQ allows letters, digits, _ and - in a job id."""
    return f"cron-{re.sub(r'[^A-Za-z0-9_-]', '_', name)}-{tick}"


def tick_text(tick: dt.datetime) -> str:
    return tick.astimezone(dt.UTC).strftime(TICK_FORMAT)


def parse_tick(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, TICK_FORMAT).replace(tzinfo=dt.UTC)


class TickedCronJob(CronJob):
    """An RQ CronJob whose runs are named by their tick, claimed once across every scheduler."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # How late a tick may still be enqueued: as long as a run may wait on its queue.
        self.catch_up = dt.timedelta(seconds=max(self.job_options.get("ttl") or 0, LEAST_CATCH_UP_SECONDS))
        self.tick = self.first_tick(now())
        self.next_enqueue_time = self.tick

    def first_tick(self, moment: dt.datetime) -> dt.datetime:
        """An interval job's current tick (it runs at once, as in RQ); a cron string's next time."""
        if self.interval:
            return EPOCH + dt.timedelta(seconds=(moment - EPOCH).total_seconds() // self.interval * self.interval)
        return self.tick_after(moment)

    def tick_after(self, moment: dt.datetime) -> dt.datetime:
        if self.interval:
            return EPOCH + dt.timedelta(seconds=((moment - EPOCH).total_seconds() // self.interval + 1) * self.interval)
        saved = self.latest_enqueue_time
        self.latest_enqueue_time = moment  # RQ's croniter walk, from this moment
        try:
            return CronJob.get_next_enqueue_time(self)
        finally:
            self.latest_enqueue_time = saved

    def get_next_enqueue_time(self) -> dt.datetime:
        if "tick" not in vars(self):  # RQ's __init__ asks before ours has run
            return CronJob.get_next_enqueue_time(self)
        return self.tick

    def should_run(self) -> bool:
        return now() >= self.tick

    def stale(self, moment: dt.datetime) -> bool:
        """Too late to enqueue: a run would have expired on its queue by now."""
        return moment - self.tick > self.catch_up

    def advance(self, moment: dt.datetime) -> None:
        """On to the tick after this one, or, when that is too old to catch up, the first one that is not."""
        following = self.tick_after(self.tick)
        if moment - following > self.catch_up:
            following = self.tick_after(moment - self.catch_up)
        self.tick = self.next_enqueue_time = following

    def enqueue(self, connection):
        """Claim this tick and enqueue its run; None when another scheduler has claimed it."""
        if not self.func:
            raise ValueError("CronJob has no function to enqueue")
        tick = tick_text(self.tick)
        keep = int(self.catch_up.total_seconds()) + (self.interval or 0) + 24 * 3600
        if not connection.set(claim_key(self.name, tick), "1", nx=True, ex=keep):
            self._refused(connection)
            return None
        queue = Queue(self.queue_name, connection=connection)
        try:
            job = queue.enqueue(self.func, args=self.args, kwargs=self.kwargs, job_id=job_id(self.name, tick),
                                unique=True, **{**self.job_options, "meta": {**self.job_options.get("meta", {}),
                                                                           META_KEY: tick, META_NAME: self.name}})
        except DuplicateJobError:  # the claim expired, the run is still there: it is the same tick's
            self._refused(connection)
            return None
        with connection.pipeline() as pipeline:  # RQ's own history of this cron job (rq cron's monitoring)
            pipeline.zadd(self.job_history_key, {job.id: job.enqueued_at.timestamp()})
            pipeline.zremrangebyrank(self.job_history_key, 0, -(DEFAULT_CRON_JOB_HISTORY_LIMIT + 1))
            pipeline.expire(self.job_history_key, DEFAULT_CRON_JOB_HISTORY_TTL)
            cron_job_registry.add(self.name, pipeline, enqueue_timestamp=job.enqueued_at.timestamp())
            pipeline.execute()
        log.info("enqueued %s for tick %s", self.name, tick)
        return job

    def _refused(self, connection) -> None:
        with connection.pipeline() as pipeline:
            pipeline.hincrby(REFUSED, self.name, 1)
            pipeline.expire(REFUSED, RECORD_DAYS * 24 * 3600)
            pipeline.execute()


def record_run(connection, job) -> None:
    """The worker, as a job starts: one more run of its (cron job, tick). Other jobs: nothing."""
    meta = job.meta or {}
    tick, name = meta.get(META_KEY), meta.get(META_NAME)
    if not tick or not name:
        return
    with connection.pipeline() as pipeline:
        pipeline.hincrby(runs_key(name), tick, 1)
        pipeline.expire(runs_key(name), RECORD_DAYS * 24 * 3600)
        pipeline.execute()


def runs(connection, name: str) -> dict[dt.datetime, int]:
    """How many times each tick of the named cron job ran (the last RECORD_DAYS days)."""
    return {parse_tick(k.decode()): int(v) for k, v in connection.hgetall(runs_key(name)).items()}


def refused(connection) -> dict[str, int]:
    """Ticks each cron job's schedulers found already claimed by another (the last RECORD_DAYS days)."""
    return {k.decode(): int(v) for k, v in connection.hgetall(REFUSED).items()}
