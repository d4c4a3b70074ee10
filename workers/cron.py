"""The community's calendar for `rq cron workers.cron` (RQ's own CronScheduler).

rq 3.0 matches cron fields against the local time of the `rq cron` process, so it is
started with TZ=UTC (`make run`, docker-compose, the README): every string below is
UTC, and the comment beside it gives Beijing time (UTC+8). Every job is idempotent, so
a missed or doubled run does no harm; the daily ones run once more the next day anyway.
"""

from rq import cron

from server import queueing
from workers.jobs import matching, operations, outbox, schedules

# The outbox sweeper: what Redis lost, or what was emitted while it was down.
cron.register(outbox.sweep, queueing.DEFAULT, interval=60, job_timeout=120)
# Unclaimed tasks: round 2 after ESCALATE_AFTER_MINUTES, the coordinators after ALERT_AFTER_MINUTES.
cron.register(matching.escalate, queueing.DEFAULT, cron="*/5 * * * *", job_timeout=120)  # every 5 minutes

cron.register(schedules.expire_overdue, queueing.DEFAULT, cron="7 * * * *")  # hourly, at :07
cron.register(schedules.generate_occurrences, queueing.LOW, cron="30 17 * * *")  # 01:30 Beijing
cron.register(schedules.remind_witnesses, queueing.LOW, cron="0 2 * * *")  # 10:00 Beijing
cron.register(schedules.ask_coordinators, queueing.LOW, cron="10 2 * * *")  # 10:10 Beijing
cron.register(schedules.remind_tasks, queueing.DEFAULT, cron="0 11 * * *")  # 19:00 Beijing, the evening before
cron.register(schedules.remind_events, queueing.DEFAULT, cron="5 11 * * *")  # 19:05 Beijing, the day before

# --- coordinator operations (issue 7): ready; skipped with a log line until their services exist ---
cron.register(operations.monthly_close, queueing.LOW, cron="30 0 1 * *", job_timeout=1800)  # 08:30 Beijing, the 1st
cron.register(operations.quarterly_audit, queueing.LOW, cron="0 1 1 1,4,7,10 *", job_timeout=1800)  # 09:00 Beijing, 1 Jan/Apr/Jul/Oct
cron.register(operations.yearly_stars, queueing.LOW, cron="0 2 1 1 *", job_timeout=1800)  # 10:00 Beijing, 1 January
