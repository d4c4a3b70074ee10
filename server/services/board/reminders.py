"""The calendar's reminders: tasks and events tomorrow, witnesses after 2 days, the station after 7.

The scheduler (workers/cron.py) calls each once a day. Every message carries an event
key naming the thing and the occasion, and the inbox keeps one row per (recipient,
event key, template): a second run the same day, or a job RQ delivers twice, tells
nobody twice. Each item is its own transaction, so one bad row does not hold up the rest.
"""

import datetime as dt

from peewee import JOIN, fn

from server import clock
from server.db import database
from server.models import Event, EventSignup, Member, Provider, ServiceRecord, Task
from server.services.board import catalog, records
from server.services.board.tasks import household_members
from server.services.messaging import notifications
from server.services.people import privacy

WITNESS_AFTER = dt.timedelta(days=2)
REVIEW_AFTER = dt.timedelta(days=7)


def _tomorrow(today: dt.date | None) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine((today or clock.today()) + dt.timedelta(days=1), dt.time())
    return start, start + dt.timedelta(days=1)


def tasks_tomorrow(today: dt.date | None = None) -> int:
    """The evening before: the volunteer who claimed it and the recipient's household."""
    start, end = _tomorrow(today)
    due = Task.select().where(Task.status == "claimed", Task.window_end >= start, Task.window_start >= start,
                              Task.window_start < end)
    count = 0
    for task in due:
        with database.atomic():
            notifications.notify([task.volunteer_id, *household_members(task.recipient_household_id)],
                                 f"task:{task.id}:reminder:{start.date().isoformat()}", "task_reminder", {
                                     "category": catalog.category_name(task.category_id),
                                     "summary": (task.description or task.title)[:30], "when": task.window_start,
                                     "place": task.place or task.building, "task_id": task.id,
                                 })
        count += 1
    return count


def events_tomorrow(today: dt.date | None = None) -> int:
    """The day before the monthly activity: everyone signed up (not the waitlist)."""
    start, end = _tomorrow(today)
    count = 0
    for event in Event.select().where(Event.status == "open", Event.starts_at >= start, Event.starts_at < end):
        signed = [s.volunteer_id for s in EventSignup.select(EventSignup.volunteer).where(
            EventSignup.event == event.id, EventSignup.status == "signed")]
        if not signed:
            continue
        with database.atomic():
            notifications.notify(signed, f"event:{event.id}:reminder", "event_reminder", {
                "name": event.title, "when": event.starts_at, "place": event.place, "event_id": event.id})
        count += 1
    return count


def _unconfirmed(before: dt.datetime):
    # Who served, by name: the volunteer, or the provider (签约服务机构) for a provider's visit.
    return (ServiceRecord.select(ServiceRecord, fn.COALESCE(Member.name, Provider.name).alias("volunteer_name"))
            .join(Member, JOIN.LEFT_OUTER, on=(ServiceRecord.volunteer == Member.id))
            .join_from(ServiceRecord, Provider, JOIN.LEFT_OUTER, on=(ServiceRecord.provider == Provider.id))
            .where(ServiceRecord.status == "reported", ServiceRecord.created_at <= before)
            .order_by(ServiceRecord.id).objects())


def witnesses(now: dt.datetime | None = None) -> int:
    """Records still unconfirmed 2 days after they were made: the witness is asked once more.

    After 7 days the station takes over (`review`), so older records are left to it.
    """
    now = now or clock.now()
    count = 0
    for record in _unconfirmed(now - WITNESS_AFTER).where(ServiceRecord.witness.is_null(False),
                                                         ServiceRecord.created_at > now - REVIEW_AFTER):
        with database.atomic():
            notifications.notify(records.witness_and_proxies(record.witness), f"record:{record.id}:witness:reminder",
                                 "witness_request", {
                                     "volunteer": record.volunteer_name,
                                     "category": catalog.category_name(record.category_id),
                                     "minutes": record.duration_minutes, "record_id": record.id,
                                 })
        count += 1
    return count


def review(now: dt.datetime | None = None) -> int:
    """Records unconfirmed after 7 days: the community's coordinators confirm, call or reject (once per record)."""
    now = now or clock.now()
    coordinators: dict[int, list[int]] = {}
    count = 0
    for record in _unconfirmed(now - REVIEW_AFTER):
        if record.community_id not in coordinators:
            coordinators[record.community_id] = privacy.coordinator_ids(record.community_id)
        if not coordinators[record.community_id]:
            continue
        with database.atomic():
            notifications.notify(coordinators[record.community_id], f"record:{record.id}:review", "coordinator_alert", {
                "subject": "服务记录待审核",
                "summary": f"{record.volunteer_name}的{catalog.category_name(record.category_id)}记录7天未确认",
                "when": record.started_at, "page": "pages/station/index",
            })
        count += 1
    return count
