"""The community's calendar, run by `python -m workers.scheduler` (RQ's own CronScheduler).

rq 3.0 matches cron fields against the local time of the scheduler process, so it runs in
UTC (workers/scheduler.py sets TZ=UTC itself; a bare `rq cron` needs it from outside): every
string below is UTC, and the comment beside it gives Beijing time (UTC+8). Every job is idempotent, so
a missed or doubled run does no harm; the daily ones run once more the next day anyway.
"""

from rq import cron

from server import queues
from workers.jobs import coordinator, matching, outbox, schedules, sms

SWEEP_SECONDS = 5
MINUTE, HOUR, DAY, WEEK = 60, 3600, 24 * 3600, 7 * 24 * 3600
RESULT_TTL = 10 * MINUTE  # a finished run is kept ten minutes (rq info, dashboards); nothing reads it
KEPT_FAILURES = 1000  # a job failing on every tick keeps at most this many failed runs in Redis
SHORTEST_WAIT = 5 * MINUTE


def schedule(func, queue_name: str, *, period: int, cron_string: str | None = None, **options) -> None:
    """Register a job, every `period` seconds or at `cron_string` (whose period it names), with every
    TTL set from how often it runs (RQ would keep a failure a year, and never drop a waiting run):

    - a run may wait on its queue one period (at least five minutes): the next tick does the same
      work, and workers that were away for a day find one waiting run each, not 17,280 sweeps;
    - a finished run is kept RESULT_TTL; a failed one a week, or KEPT_FAILURES periods if shorter.
    """
    timing = {"cron": cron_string} if cron_string else {"interval": period}
    cron.register(func, queue_name, ttl=max(period, SHORTEST_WAIT), result_ttl=RESULT_TTL,
                  failure_ttl=min(WEEK, KEPT_FAILURES * period), **timing, **options)


# The outbox sweeper: hands requests' ordinary outbox rows to RQ (a request enqueues only the
# urgent kinds itself), and re-enqueues what Redis lost or what was emitted while it was down.
schedule(outbox.sweep, queues.DEFAULT, period=SWEEP_SECONDS, job_timeout=120)

# 每月汇总登记: daily at 01:10 Beijing (17:10 UTC); closes the previous month once, so the
# 1st does the work and a missed 1st is caught up the next day.
schedule(coordinator.close_last_month, queues.LOW, cron_string="10 17 * * *", period=DAY, job_timeout=1800)

# 每三个月检验 + 公告: daily at 02:10 Beijing (18:10 UTC); for the quarter that ended last,
# each community's audit, star proposals and public notice are made once.
schedule(coordinator.after_quarter, queues.LOW, cron_string="10 18 * * *", period=DAY, job_timeout=3600)
# Unclaimed tasks: round 2 after ESCALATE_AFTER_MINUTES, the coordinators after ALERT_AFTER_MINUTES.
schedule(matching.escalate, queues.DEFAULT, cron_string="*/5 * * * *", period=5 * MINUTE, job_timeout=120)

# Payback promises at risk (PAYBACK_AT_RISK_HOURS before promise_due_at, nobody assigned): one urgent alert each.
schedule(schedules.alert_promises_at_risk, queues.DEFAULT, cron_string="*/10 * * * *", period=10 * MINUTE,
         job_timeout=120)

# SMS delivery reports (PullSmsSendStatus): `sent` texts become `delivered` or `failed`; nothing when SMS is off.
schedule(sms.pull_reports, queues.DEFAULT, period=MINUTE, job_timeout=120)

schedule(schedules.expire_overdue, queues.DEFAULT, cron_string="7 * * * *", period=HOUR)  # hourly, at :07
schedule(schedules.generate_occurrences, queues.LOW, cron_string="30 17 * * *", period=DAY)  # 01:30 Beijing
schedule(schedules.remind_witnesses, queues.LOW, cron_string="0 2 * * *", period=DAY)  # 10:00 Beijing
schedule(schedules.ask_coordinators, queues.LOW, cron_string="10 2 * * *", period=DAY)  # 10:10 Beijing
schedule(schedules.remind_tasks, queues.DEFAULT, cron_string="0 11 * * *", period=DAY)  # 19:00 Beijing, the evening before
schedule(schedules.remind_events, queues.DEFAULT, cron_string="5 11 * * *", period=DAY)  # 19:05 Beijing, the day before
