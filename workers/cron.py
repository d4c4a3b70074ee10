"""The community's calendar for `rq cron workers.cron` (RQ's own CronScheduler).

Cron strings are evaluated in UTC; the comments give Beijing time (UTC+8). Every job
is idempotent, so a missed or doubled run does no harm.
"""

from rq import cron

from server import queueing
from workers.jobs import outbox

# The outbox sweeper: what Redis lost, or what was emitted while it was down.
cron.register(outbox.sweep, queueing.DEFAULT, interval=60, job_timeout=120)
