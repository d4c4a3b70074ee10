"""The community's calendar: the daily and hourly jobs workers/cron.py schedules.

Each is a plain function without arguments that opens the database, calls one
service and enqueues what it emitted; each is safe to run twice (the services'
rules: UNIQUE occurrences, guarded transitions, one inbox row per event key).
"""

from server.services.board import agreements, promise, reminders, tasks
from workers.jobs.outbox import run_service


def generate_occurrences() -> int:
    """Agreement visits for the next AGREEMENT_HORIZON_DAYS, pre-assigned (one per agreement, day, volunteer)."""
    return run_service(agreements.generate_occurrences)


def expire_overdue() -> int:
    """Open tasks whose time window has passed expire; a payback hold is released."""
    return run_service(tasks.expire_overdue)


def remind_tasks() -> int:
    """The evening before a task: its volunteer and the recipient's household."""
    return run_service(reminders.tasks_tomorrow)


def remind_events() -> int:
    """The day before the monthly activity: the volunteers signed up."""
    return run_service(reminders.events_tomorrow)


def remind_witnesses() -> int:
    """Records unconfirmed after 2 days: the witness is asked again."""
    return run_service(reminders.witnesses)


def ask_coordinators() -> int:
    """Records unconfirmed after 7 days: the station reviews them."""
    return run_service(reminders.review)


def alert_promises_at_risk() -> int:
    """Payback requests nobody is assigned to near their promise: the coordinators, urgently, once each."""
    return run_service(promise.alert_at_risk)
