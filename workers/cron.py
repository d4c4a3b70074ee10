"""The community's calendar, run by `python -m workers.scheduler` (RQ's own CronScheduler).

rq 3.0 matches cron fields against the local time of the scheduler process, so it runs in
UTC (workers/scheduler.py sets TZ=UTC itself; a bare `rq cron` needs it from outside): every
string below is UTC, and the comment beside it gives Beijing time (UTC+8). Every job is idempotent, so
a missed or doubled run does no harm; the daily ones run once more the next day anyway.
"""

from rq import cron

from server import queues
from workers.jobs import coordinator, matching, outbox, schedules

SWEEP_SECONDS = 5

# The outbox sweeper: hands requests' ordinary outbox rows to RQ (a request enqueues only the
# urgent kinds itself), and re-enqueues what Redis lost or what was emitted while it was down.
cron.register(outbox.sweep, queues.DEFAULT, interval=SWEEP_SECONDS, job_timeout=120)

# 每月汇总登记: daily at 01:10 Beijing (17:10 UTC); closes the previous month once, so the
# 1st does the work and a missed 1st is caught up the next day.
cron.register(coordinator.close_last_month, queues.LOW, cron="10 17 * * *", job_timeout=1800)

# 每三个月检验 + 公告: daily at 02:10 Beijing (18:10 UTC); for the quarter that ended last,
# each community's audit, star proposals and public notice are made once.
cron.register(coordinator.after_quarter, queues.LOW, cron="10 18 * * *", job_timeout=3600)
# Unclaimed tasks: round 2 after ESCALATE_AFTER_MINUTES, the coordinators after ALERT_AFTER_MINUTES.
cron.register(matching.escalate, queues.DEFAULT, cron="*/5 * * * *", job_timeout=120)  # every 5 minutes

# Payback promises at risk (PAYBACK_AT_RISK_HOURS before promise_due_at, nobody assigned): one urgent alert each.
cron.register(schedules.alert_promises_at_risk, queues.DEFAULT, cron="*/10 * * * *", job_timeout=120)  # every 10 minutes
cron.register(schedules.expire_overdue, queues.DEFAULT, cron="7 * * * *")  # hourly, at :07
cron.register(schedules.generate_occurrences, queues.LOW, cron="30 17 * * *")  # 01:30 Beijing
cron.register(schedules.remind_witnesses, queues.LOW, cron="0 2 * * *")  # 10:00 Beijing
cron.register(schedules.ask_coordinators, queues.LOW, cron="10 2 * * *")  # 10:10 Beijing
cron.register(schedules.remind_tasks, queues.DEFAULT, cron="0 11 * * *")  # 19:00 Beijing, the evening before
cron.register(schedules.remind_events, queues.DEFAULT, cron="5 11 * * *")  # 19:05 Beijing, the day before

