"""The RQ queue names, in the order a worker serves them: the one list everything uses.

Services route their outbox kinds to these names (server/services/messaging/outbox.py `route`),
server/queueing.py enqueues on them, workers/cron.py schedules on them, `make run` starts a
worker on all of them. It imports nothing, so any layer may use it.
"""

PRIORITY_MATCHING = "matching-priority"
MATCHING = "matching"
URGENT_NOTIFICATIONS = "notifications-urgent"
NOTIFICATIONS = "notifications"
DEFAULT = "default"
LOW = "low"
ALL = [PRIORITY_MATCHING, URGENT_NOTIFICATIONS, MATCHING, NOTIFICATIONS, DEFAULT, LOW]
