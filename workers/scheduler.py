"""`python -m workers.scheduler`: RQ's cron scheduler for workers/cron.py, through Redis outages.

`rq cron` exits at the first Redis error, and the outbox then stops draining until someone
starts it again. This runs the same `rq.cron.CronScheduler` loop, but a Redis that does not
answer is logged and tried again (1, 2, 4, 8, then every 10 s): when Redis is back, the
sweeper runs within seconds and due work flows again, with nothing restarted by hand. A
supervisor (`make run`, compose's `restart:`, systemd) still restarts it if it dies.

Run as many as you like (one per machine, for a scheduler that outlives a machine): each tick
of each job is claimed once in Redis, so it runs once (workers/ticks.py). A bare `rq cron`
does not know of the claims: two of those run every job twice.
"""

import argparse
import logging
import os
import time

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq.cron import CronScheduler
from rq.exceptions import StopRequested
from rq.utils import now

from server.backoff import Backoff
from workers.ticks import TickedCronJob

log = logging.getLogger("workers.scheduler")

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
MOST_WAIT_SECONDS = 10.0


class PatientCronScheduler(CronScheduler):
    """RQ's CronScheduler whose loop waits out a Redis outage instead of exiting, and whose jobs
    run once per tick however many schedulers run (workers/ticks.py)."""

    def register(self, func, queue_name, **options) -> TickedCronJob:
        job = TickedCronJob(queue_name=queue_name, func=func, **options)
        self._cron_jobs.append(job)
        log.info("registered %s on %s, %s", job.name, queue_name,
                 f"every {job.interval} s" if job.interval else f"at {job.cron!r}")
        return job

    def enqueue_jobs(self) -> list[TickedCronJob]:
        """Every due tick of every job, oldest first, claimed once across schedulers (a tick another
        scheduler claimed is passed over); a Redis error leaves the tick due, to try again."""
        enqueued = []
        for job in self._cron_jobs:
            while job.should_run():
                moment = now()
                if job.stale(moment):
                    log.warning("%s: tick %s is too old to run now; skipped", job.name, job.tick)
                elif job.enqueue(self.connection) is not None:
                    enqueued.append(job)
                job.latest_enqueue_time = moment
                job.advance(moment)
        return enqueued

    def start(self):
        self._install_signal_handlers()
        backoff = Backoff(1.0, MOST_WAIT_SECONDS)
        registered = False
        try:
            while True:
                try:
                    if not registered:
                        self.register_birth()
                        registered = True
                    if self.enqueue_jobs():
                        self.save()
                    self.heartbeat()
                    if backoff.failures:
                        log.info("Redis answers again; the schedule goes on")
                    backoff.reset()
                    wait = self.calculate_sleep_interval()
                except REDIS_DOWN as exc:
                    registered = False
                    wait = backoff.next()
                    log.warning("Redis does not answer (%s); trying again in %.0f s", type(exc).__name__, wait)
                if wait > 0:
                    time.sleep(wait)
        except (KeyboardInterrupt, StopRequested):
            log.info("stopping")
        finally:
            try:
                self.register_death()
            except REDIS_DOWN:
                pass  # nothing to unregister from


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workers.scheduler", description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="Redis URL (default: the REDIS_URL setting)")
    parser.add_argument("--config", default="workers.cron", help="the cron schedule module")
    args = parser.parse_args(argv)
    # rq matches cron strings against local time; workers/cron.py writes them in UTC.
    os.environ["TZ"] = "UTC"
    time.tzset()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from config import settings as settings_module
    from server.redis_conn import get_redis, resolve_url

    url = args.url or resolve_url(settings_module.load()["REDIS_URL"])
    scheduler = PatientCronScheduler(connection=get_redis(url))
    scheduler.load_config_from_file(args.config)
    scheduler.start()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
