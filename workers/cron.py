"""The community's calendar for `rq cron workers.cron` (RQ's own CronScheduler).

Cron strings are evaluated in UTC; the comments give Beijing time (UTC+8). Every job
is idempotent, so a missed or doubled run does no harm.
"""

from rq import cron

from server import queueing
from workers.jobs import coordinator, outbox

# The outbox sweeper: what Redis lost, or what was emitted while it was down.
cron.register(outbox.sweep, queueing.DEFAULT, interval=60, job_timeout=120)

# 每月汇总登记: daily at 01:10 Beijing (17:10 UTC); closes the previous month once, so the
# 1st does the work and a missed 1st is caught up the next day.
cron.register(coordinator.close_last_month, queueing.LOW, cron="10 17 * * *", job_timeout=1800)

# 每三个月检验 + 公告: daily at 02:10 Beijing (18:10 UTC); for the quarter that ended last,
# each community's audit, star proposals and public notice are made once.
cron.register(coordinator.after_quarter, queueing.LOW, cron="10 18 * * *", job_timeout=3600)
