"""Two schedulers, one run per tick: ticks named alike everywhere, claimed once, caught up, written down."""

import datetime as dt

from rq import Queue
from rq.utils import now

from server import queues
from workers import ticks
from workers.scheduler import PatientCronScheduler
from workers.worker import LoveBankWorker

SWEEP = "workers.jobs.outbox.sweep"


def scheduler(redis) -> PatientCronScheduler:
    made = PatientCronScheduler(connection=redis)
    made.load_config_from_file("workers.cron")
    return made


def sweep_job(made: PatientCronScheduler) -> ticks.TickedCronJob:
    return next(job for job in made.get_jobs() if job.name == SWEEP)


def sweeps_queued(redis) -> list[str]:
    return [job_id for job_id in Queue(queues.DEFAULT, connection=redis).job_ids if job_id.startswith(ticks.job_id(SWEEP, ""))]


def test_every_job_is_ticked_and_interval_ticks_fall_on_multiples_of_the_interval(redis):
    made = scheduler(redis)
    assert made.get_jobs() and all(isinstance(job, ticks.TickedCronJob) for job in made.get_jobs())
    sweep = sweep_job(made)
    assert sweep.tick.timestamp() % sweep.interval == 0 and sweep.tick <= now() < sweep.tick + dt.timedelta(seconds=5)
    close = next(job for job in made.get_jobs() if job.cron == "10 17 * * *")
    assert close.tick > now() and (close.tick.hour, close.tick.minute, close.tick.second) == (17, 10, 0)


def test_two_of_rqs_own_schedulers_run_every_job_twice(redis):
    """Why ticks exist: rq 3's CronScheduler keeps its schedule in the process and dedupes nothing."""
    from rq.cron import CronScheduler

    for _ in range(2):
        plain = CronScheduler(connection=redis)
        plain.load_config_from_file("workers.cron")
        plain.enqueue_jobs()
    sweeps = [job for job in Queue(queues.DEFAULT, connection=redis).jobs if job.func_name == SWEEP]
    assert len(sweeps) == 2


def test_two_schedulers_enqueue_each_tick_once(redis):
    first, second = scheduler(redis), scheduler(redis)
    taken = first.enqueue_jobs()
    assert sweep_job(first) in taken
    assert second.enqueue_jobs() == []  # the same ticks: each claimed already
    assert len(sweeps_queued(redis)) == 1
    # every job due at start (the sweeper, and any other job run by interval) was refused to the second once
    assert ticks.refused(redis) == {job.name: 1 for job in taken} and ticks.refused(redis)[SWEEP] == 1
    assert sweep_job(first).tick == sweep_job(second).tick  # both wait for the same next one


def test_a_late_scheduler_catches_up_missed_ticks_but_not_stale_ones(redis):
    made = scheduler(redis)
    sweep = sweep_job(made)
    current = sweep.tick
    sweep.tick = current - dt.timedelta(seconds=15)  # held up three ticks
    made.enqueue_jobs()
    expected = [current - dt.timedelta(seconds=s) for s in (15, 10, 5, 0)]
    assert sorted(sweeps_queued(redis)) == [ticks.job_id(SWEEP, ticks.tick_text(t)) for t in expected]

    redis.flushdb()
    sweep.tick = current - dt.timedelta(hours=1)  # far older than a run may wait on its queue
    made.enqueue_jobs()
    queued = [ticks.parse_tick(job_id.rsplit("-", 1)[1]) for job_id in sweeps_queued(redis)]
    assert queued and min(queued) >= now() - sweep.catch_up - dt.timedelta(seconds=5)
    assert sweep.tick > now() - dt.timedelta(seconds=5)


def test_the_worker_writes_down_each_run_under_its_tick(redis, worker_settings):
    made = scheduler(redis)
    for job in made.get_jobs():
        if job.name != SWEEP:
            job.tick = job.next_enqueue_time = now() + dt.timedelta(days=30)  # only the sweep is due
    made.enqueue_jobs()
    fired = [ticks.parse_tick(job_id.rsplit("-", 1)[1]) for job_id in sweeps_queued(redis)]
    LoveBankWorker(queues.ALL, connection=redis).work(burst=True)
    assert fired and ticks.runs(redis, SWEEP) == {tick: 1 for tick in fired}
    assert not [key for key in redis.keys(f"{ticks.PREFIX}:runs:*") if not key.decode().endswith(SWEEP)]
