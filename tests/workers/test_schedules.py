"""The community's calendar: every scheduled job run twice has one effect, and the schedule itself loads."""

import datetime as dt

import pytest
from croniter import croniter
from rq.cron import CronScheduler

from server import clock
from server.models import Member, Notification, Task, TaskEvent
from server.services.board import agreements, events, records, tasks
from server.services.people import core as people
from tests.factories import (
    make_agreement,
    make_community,
    make_coordinator,
    make_event,
    make_member,
    make_record,
    make_request,
    make_volunteer,
)
from workers.jobs import schedules

FRIDAY = dt.datetime(2026, 5, 15, 10, 0)


@pytest.fixture
def friday(worker_settings):
    clock.freeze(FRIDAY)
    yield FRIDAY
    clock.freeze(None)


def inbox(template: str, event_key: str | None = None) -> list[int]:
    query = Notification.select().where(Notification.template_key == template)
    if event_key:
        query = query.where(Notification.event_key == event_key)
    return sorted(n.recipient_id for n in query)


def twice(job, run_jobs) -> tuple:
    """Run a scheduled job twice (a doubled cron tick, or RQ delivering it again), with the workers after each."""
    first = job()
    run_jobs()
    second = job()
    run_jobs()
    return first, second


def test_the_schedule_loads_with_utc_cron_strings(redis):
    scheduler = CronScheduler(connection=redis, name="test-cron")
    scheduler.load_config_from_file("workers.cron")
    jobs = {job.func.__name__: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"sweep", "escalate", "expire_overdue", "generate_occurrences", "remind_witnesses",
                         "ask_coordinators", "remind_tasks", "remind_events", "close_last_month", "after_quarter",
                         "alert_promises_at_risk", "pull_reports"}
    # the sweeper is how a request's ordinary outbox rows reach RQ: seconds, not minutes
    assert jobs["sweep"].interval <= 10
    for name, job in jobs.items():
        assert job.cron is None or croniter.is_valid(job.cron), name
    # 19:00 in Beijing is 11:00 UTC: reminders go out the evening before
    nxt = croniter(jobs["remind_tasks"].cron, dt.datetime(2026, 5, 15, 0, 0)).get_next(dt.datetime)
    assert nxt == dt.datetime(2026, 5, 15, 11, 0)
    assert jobs["escalate"].cron == "*/5 * * * *"
    assert jobs["alert_promises_at_risk"].cron == "*/10 * * * *"  # an at-risk promise is heard within minutes
    assert jobs["pull_reports"].interval == 60  # SMS delivery reports: every minute


def test_agreement_occurrences_once(friday, run_jobs):
    community = make_community()
    coordinator = make_coordinator(community)
    elder = make_member(community)
    volunteer, _ = make_volunteer(community)
    agreement = make_agreement(coordinator, elder, [volunteer], days=30)
    for signer in (volunteer, elder, coordinator):
        agreements.sign(Member.get_by_id(signer.id), agreement)
    # put on the board at activation: 14 days ahead (today's 09:00 visit was over at 10:00)
    assert Task.select().where(Task.agreement == agreement.id).count() == 14
    clock.freeze(FRIDAY + dt.timedelta(days=1))
    assert twice(schedules.generate_occurrences, run_jobs) == (1, 0)  # the next night moves the horizon a day
    assert Task.select().where(Task.agreement == agreement.id).count() == 15


def test_overdue_tasks_expire_once(friday, run_jobs):
    community = make_community()
    request = make_request(make_member(community))
    clock.freeze(FRIDAY + dt.timedelta(days=1))
    assert twice(schedules.expire_overdue, run_jobs) == (1, 0)
    task = Task.get(Task.request == request.id)
    assert task.status == "expired"
    assert TaskEvent.select().where(TaskEvent.task == task.id, TaskEvent.kind == "expire").count() == 1


def test_the_evening_before_a_task_its_volunteer_and_the_household_are_reminded_once(friday, run_jobs):
    community = make_community()
    elder = make_member(community, name="王秀兰")
    grandpa = people.add_dependent(elder, elder.household, name="王德顺", relation="配偶")
    volunteer, _ = make_volunteer(community)
    tomorrow = Task.get(Task.request == make_request(elder, hours_from_now=24).id)
    later = Task.get(Task.request == make_request(elder, hours_from_now=48).id)
    for task in (tomorrow, later):
        tasks.claim(Member.get_by_id(volunteer.id), task)
    make_request(elder, hours_from_now=25)  # unclaimed: nobody to remind
    clock.freeze(FRIDAY.replace(hour=19))
    assert twice(schedules.remind_tasks, run_jobs) == (1, 1)
    assert inbox("task_reminder") == sorted([volunteer.id, elder.id, grandpa.id])
    reminder = Notification.get(Notification.recipient == volunteer.id, Notification.template_key == "task_reminder")
    assert reminder.title == "明天有服务安排" and reminder.event_key == f"task:{tomorrow.id}:reminder:2026-05-16"


def test_the_day_before_an_event_the_signed_up_are_reminded_once(friday, run_jobs):
    community = make_community()
    coordinator = make_coordinator(community)
    event = make_event(coordinator, capacity=2, hours_ahead=24)
    signed = [make_volunteer(community)[0] for _ in range(3)]
    for volunteer in signed:
        events.signup(Member.get_by_id(volunteer.id), event)  # the third is waitlisted
    make_event(coordinator, hours_ahead=72, title="后天的活动")
    assert twice(schedules.remind_events, run_jobs) == (1, 1)
    assert inbox("event_reminder", f"event:{event.id}:reminder") == sorted(v.id for v in signed[:2])


def test_witnesses_are_reminded_after_two_days_and_the_station_after_seven(friday, run_jobs):
    community = make_community()
    coordinator = make_coordinator(community)
    volunteer, _ = make_volunteer(community, name="李建国")
    witness = make_member(community, name="王秀兰")
    phoneless = people.add_dependent(witness, witness.household, name="王德顺", relation="配偶")
    ages = {}
    for days, who, hour in ((1, witness, 8), (3, witness, 8), (3, phoneless, 12), (8, witness, 8), (8, None, 12)):
        clock.freeze((FRIDAY - dt.timedelta(days=days)).replace(hour=20))
        ages[(days, who.id if who else None)] = make_record(volunteer, witness=who, start_hour=hour)
    clock.freeze((FRIDAY - dt.timedelta(days=9)).replace(hour=20))
    records.confirm(Member.get_by_id(witness.id), make_record(volunteer, witness=witness))  # settled: left alone
    clock.freeze(FRIDAY)

    assert twice(schedules.remind_witnesses, run_jobs) == (2, 2)
    three_days = ages[(3, witness.id)]
    assert inbox("witness_request", f"record:{three_days.id}:witness:reminder") == [witness.id]
    # 王德顺 has no phone: the family who confirm for him are reminded
    proxied = ages[(3, phoneless.id)]
    assert inbox("witness_request", f"record:{proxied.id}:witness:reminder") == sorted([witness.id, phoneless.id])
    assert not inbox("witness_request", f"record:{ages[(1, witness.id)].id}:witness:reminder")
    assert not inbox("witness_request", f"record:{ages[(8, witness.id)].id}:witness:reminder")

    # after 7 days the station is asked, also about the record whose witness is not on the mini-program
    assert twice(schedules.ask_coordinators, run_jobs) == (2, 2)
    alerts = Notification.select().where(Notification.template_key == "coordinator_alert").order_by(Notification.id)
    assert [(a.recipient_id, a.event_key) for a in alerts] == [
        (coordinator.id, f"record:{ages[(8, witness.id)].id}:review"), (coordinator.id, f"record:{ages[(8, None)].id}:review")]
    assert "李建国的义务维修记录7天未确认" in alerts[0].body
