"""Matching stories: who is asked about a task, in what order, why — and what happens when nobody takes it.

A seeded community (和平里, the resident in 3号楼 of 东区) with volunteers who fit a repair
request more or less well, and some who must never be asked. Weights are the defaults
(fit 3, availability 2, proximity 2, fairness 1.5, reliability 1.5, stars 1); K is 2 so
that a round leaves somebody for the next one.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from rq import Queue

from server import clock, queueing, queues
from server.db import database
from server.models import Member, Notification, OutboxMessage, Task, TaskCandidate, TaskEvent, TaskOpening
from server.services.board import bookings, matching, tasks
from server.services.ledger import core as ledger
from server.services.ledger import ledger_ops
from server.services.people import core as people
from server.services.people import volunteers
from tests.factories import (
    headers,
    make_community,
    make_coordinator,
    make_member,
    make_request,
    make_volunteer,
    need,
)
from workers import bootstrap
from workers.jobs import matching as matching_jobs
from workers.jobs import outbox as outbox_jobs

FRIDAY = dt.datetime(2026, 5, 15, 10, 0)  # bookings for tomorrow, Saturday 10:00–13:00
SATURDAY_MORNING = [{"weekday": 6, "slot": "morning"}]
MONDAY_MORNING = [{"weekday": 1, "slot": "morning"}]


@pytest.fixture
def app(any_app):
    """Matching's SQL runs on SQLite and on PostgreSQL."""
    return any_app


@pytest.fixture
def matching_workers(worker_settings):
    settings = bootstrap.configure({**worker_settings, "MATCH_TOP_K": 2, "QUIET_HOURS": "off"})
    clock.freeze(FRIDAY)
    yield settings
    clock.freeze(None)


def give_history(volunteer: Member, *outcomes: str, days_ago: int = 10) -> None:
    """Past tasks of `volunteer`, one per outcome ("completed" or "no_show"), claimed `days_ago`."""
    other = make_member(Member.get_by_id(volunteer.id).community)
    at = clock.now() - dt.timedelta(days=days_ago)
    for outcome in outcomes:
        task = Task.get(Task.request == make_request(other).id)
        final = "done" if outcome == "completed" else "no_show"
        Task.update(status=final, volunteer=volunteer.id).where(Task.id == task.id).execute()
        TaskEvent.create(task=task, kind="claim", from_status="open", to_status="claimed", actor=volunteer,
                         volunteer=volunteer, at=at)
        TaskEvent.create(task=task, kind="check_out" if outcome == "completed" else "no_show", from_status="claimed",
                         to_status=final, actor=volunteer, volunteer=volunteer, at=at)


def repair_world():
    """和平里: four volunteers who fit a repair in 3号楼 (best first), and six who must not be asked."""
    community = make_community(name="和平里社区")
    resident = make_member(community, name="王秀兰", building="3号楼", area="东区")
    coordinator = make_coordinator(community, name="赵敏")
    li, _ = make_volunteer(community, name="李建国", building="3号楼", area="东区", intentions=["repairs"],
                           team_codes=["home_care"], specialties="家电维修、水电", availability=SATURDAY_MORNING)
    sun, _ = make_volunteer(community, name="孙丽", building="4号楼", area="东区", intentions=["repairs"],
                            availability=SATURDAY_MORNING)
    give_history(sun, "completed", "completed")
    ledger.add_member_year(sun.id, clock.today().year, 12 * 60)  # 12 hours this year: one star
    zhou, _ = make_volunteer(community, name="周文", building="8号楼", area="西区", intentions=["hardship"],
                             team_codes=["home_care"], availability=SATURDAY_MORNING)  # fits through his team only
    zhao, _ = make_volunteer(community, name="赵强", building="3号楼", area="东区", intentions=["repairs"],
                             availability=MONDAY_MORNING)
    give_history(zhao, "no_show")

    never = {}
    never["retired"], profile = make_volunteer(community, name="钱退休", building="3号楼", intentions=["repairs"])
    volunteers.set_status(coordinator, profile, status="retired", reason="age")
    never["suspended"], profile = make_volunteer(community, name="孔暂停", building="3号楼", intentions=["repairs"])
    volunteers.set_status(coordinator, profile, status="suspended")
    son = make_member(community, household=False, name="王小军")
    people.join_household(son, invite_code=resident.household.invite_code, relation="儿子")
    volunteers.enrol(Member.get_by_id(son.id), {"intentions": ["repairs"], "availability": SATURDAY_MORNING})
    never["family"] = son
    never["applicant"] = make_member(community, name="申请中", building="3号楼")
    volunteers.register(never["applicant"], {"intentions": ["repairs"], "availability": SATURDAY_MORNING})
    never["tutor"], _ = make_volunteer(community, name="吴家教", building="3号楼", intentions=["tutoring"])
    never["elsewhere"], _ = make_volunteer(make_community(), name="郑外区", building="3号楼", intentions=["repairs"])
    never["resident"] = resident
    return SimpleNamespace(community=community, resident=resident, coordinator=coordinator, li=li, sun=sun,
                           zhou=zhou, zhao=zhao, never=never)


def asked(task, opening=None):
    query = TaskCandidate.select().where(TaskCandidate.task == task.id)
    if opening is not None:
        query = query.where(TaskCandidate.opening == opening.id)
    return [c.volunteer_id for c in query.order_by(TaskCandidate.opening, TaskCandidate.round, TaskCandidate.rank)]


def offers(task):
    """Who has a task_offer in their inbox for this task."""
    return {n.recipient_id for n in Notification.select().where(Notification.template_key == "task_offer",
                                                               Notification.event_key.startswith(f"task:{task.id}:offer:"))}


def test_repair_request_asks_the_best_fitting_volunteers_in_order(app, matching_workers, run_jobs, flush, redis):
    """Booking a repair: 李建国 then 孙丽 are asked; the coordinator sees why; 周文 and 赵强 come in round 2."""
    w = repair_world()
    task = Task.get(Task.request == bookings.book(w.resident, need(hours_from_now=24)).id)
    message = OutboxMessage.get(OutboxMessage.key.startswith(f"{matching.KIND}:task:{task.id}:"))
    assert message.kind == matching.KIND and message.payload["round"] == 1
    flush()
    assert queueing.job_id(message) in Queue(queues.MATCHING, connection=redis).job_ids
    run_jobs()

    assert asked(task) == [w.li.id, w.sun.id]
    assert offers(task) == {w.li.id, w.sun.id}
    offer = Notification.get(Notification.recipient == w.li.id)
    assert offer.urgent is False and "洗衣机不排水" in offer.body and "3号楼" in offer.body

    view = app.test_client().get(f"/api/v1/tasks/{task.id}/candidates", headers=headers(app, w.coordinator))
    assert view.status_code == 200, view.json
    (opening,) = view.json["openings"]
    assert opening["rounds"] == 1 and opening["alerted_at"] is None and opening["priority"] is False
    li, sun = opening["candidates"]
    assert (li["volunteer"]["name"], li["rank"], li["total"]) == ("李建国", 1, 9.25)
    assert {k: v["points"] for k, v in li["components"].items()} == {
        "fit": 3.0, "availability": 2.0, "proximity": 2.0, "fairness": 1.5, "reliability": 0.75, "stars": 0.0}
    assert li["components"]["fit"]["note"] == "服务意向含「义务维修」；居家养老服务队；专长对口"
    assert li["components"]["proximity"]["note"] == "同住3号楼"
    assert (sun["volunteer"]["name"], sun["rank"], sun["total"]) == ("孙丽", 2, 6.625)
    assert sun["components"]["proximity"]["note"] == "同在东区"
    assert sun["components"]["fairness"]["note"] == "近30天接单2次"
    assert sun["components"]["reliability"]["note"] == "完成2次，未到0次，放弃0次"
    assert sun["components"]["stars"]["note"] == "年度服务12.0小时（1星）"

    clock.freeze(FRIDAY + dt.timedelta(minutes=121))
    assert matching_jobs.escalate() == {"widened": 1, "alerted": 0}
    run_jobs()
    assert asked(task) == [w.li.id, w.sun.id, w.zhou.id, w.zhao.id]
    round_two = TaskCandidate.select().where(TaskCandidate.round == 2).order_by(TaskCandidate.rank)
    assert [c.total for c in round_two] == [5.15, 5.05]
    zhao = round_two[1].components
    assert zhao["availability"]["note"] == "登记的空闲时段不含服务时间" and zhao["reliability"]["score"] == 0.333
    assert set(offers(task)).isdisjoint(m.id for m in w.never.values())


def test_a_round_run_twice_asks_nobody_twice(app, matching_workers, run_jobs, flush):
    w = repair_world()
    task = Task.get(Task.request == make_request(w.resident, hours_from_now=24).id)
    flush()
    run_jobs()
    message = OutboxMessage.get(OutboxMessage.key.startswith(f"{matching.KIND}:task:{task.id}:"))
    opening = TaskOpening.get(TaskOpening.task == task.id)
    notes_before = OutboxMessage.select().where(OutboxMessage.kind == "notification").count()
    assert outbox_jobs.deliver(message.id) == "skipped"  # RQ delivered the job again
    again = matching.run_round(opening.id, 1)  # or the row ran again before it was marked done
    flush()
    run_jobs()
    assert [c.volunteer_id for c in again] == [w.li.id, w.sun.id] == asked(task)
    assert OutboxMessage.select().where(OutboxMessage.kind == "notification").count() == notes_before
    assert Notification.select().where(Notification.template_key == "task_offer").count() == 2


def test_payback_request_goes_to_the_priority_queue_and_asks_ten_urgently(app, matching_workers, run_jobs, flush,
                                                                          redis):
    """A retired volunteer's payback request: priority queue, K = 10, urgent offers; the nearest first."""
    community = make_community()
    coordinator = make_coordinator(community)
    retired, profile = make_volunteer(community, name="张桂芳", building="5号楼", area="西区",
                                      intentions=["culture_sports"])
    volunteers.set_status(coordinator, profile, status="retired", reason="age")
    ledger_ops.adjust(coordinator, retired.household, minutes=600, reason="历年服务", key="payback-fund")
    near, _ = make_volunteer(community, name="近邻", building="5号楼", area="西区", intentions=["hardship"],
                             availability=SATURDAY_MORNING)
    area, _ = make_volunteer(community, name="同区", building="6号楼", area="西区", intentions=["hardship"],
                             availability=SATURDAY_MORNING)
    others = [make_volunteer(community, name=f"东区{n}", building="1号楼", area="东区", intentions=["hardship"],
                             availability=SATURDAY_MORNING)[0] for n in range(8)]
    busy = [make_volunteer(community, name=f"没空{n}", building="1号楼", area="东区", intentions=["hardship"],
                           availability=MONDAY_MORNING)[0] for n in range(2)]

    body = need(hours_from_now=24, category_code="hardship", item_code="companionship", description="想找人陪我聊聊天")
    request = bookings.open_payback(Member.get_by_id(retired.id), body)
    task = Task.get(Task.request == request.id)
    assert task.priority
    flush()
    assert Queue(queues.PRIORITY_MATCHING, connection=redis).count == 1
    assert Queue(queues.MATCHING, connection=redis).count == 0
    run_jobs()

    chosen = asked(task)
    assert len(chosen) == 10 and chosen[:2] == [near.id, area.id]
    assert set(chosen[2:]) == {m.id for m in others} and not set(chosen) & {m.id for m in busy}
    urgent = Notification.select().where(Notification.template_key == "task_offer")
    assert urgent.count() == 10 and all(n.urgent for n in urgent)
    assert OutboxMessage.select().where(OutboxMessage.kind == "notification.urgent").exists()

    view = app.test_client().get(f"/api/v1/tasks/{task.id}/candidates", headers=headers(app, coordinator)).json
    candidates = view["openings"][0]["candidates"]
    assert view["openings"][0]["priority"] is True
    assert [c["total"] for c in candidates] == sorted((c["total"] for c in candidates), reverse=True)
    for c in candidates:
        assert c["total"] == pytest.approx(sum(part["points"] for part in c["components"].values()), abs=0.002)


def test_escalation_widens_once_then_alerts_the_coordinator_once(app, matching_workers, run_jobs, flush):
    w = repair_world()
    task = Task.get(Task.request == make_request(w.resident, hours_from_now=24).id)
    flush()
    run_jobs()
    for minutes, expected in [(119, (0, 0)), (121, (1, 0)), (122, (0, 0)), (479, (0, 0)), (481, (0, 1)),
                              (482, (0, 0)), (600, (0, 0))]:
        clock.freeze(FRIDAY + dt.timedelta(minutes=minutes))
        done = matching_jobs.escalate()
        assert (done["widened"], done["alerted"]) == expected, minutes
        run_jobs()
    assert len(asked(task)) == 4
    (alert,) = Notification.select().where(Notification.template_key == "coordinator_alert",
                                           Notification.event_key.startswith("task:"))
    assert alert.recipient_id == w.coordinator.id and alert.urgent is False
    assert alert.title == "有事项需要您处理" and "无人接单" in alert.body and "8小时" in alert.body
    opening = TaskOpening.get(TaskOpening.task == task.id)
    assert opening.rounds == 2 and opening.alerted_at == FRIDAY + dt.timedelta(minutes=481)


def test_payback_escalates_sooner_and_alerts_urgently(app, matching_workers, run_jobs, flush):
    w = repair_world()
    w.li  # noqa: B018 - the world's volunteers fit; the payback is the resident's own
    volunteers.set_status(w.coordinator, volunteers.profile_of(w.zhao), status="retired", reason="age")
    ledger_ops.adjust(w.coordinator, w.zhao.household, minutes=300, reason="历年服务", key="zhao-fund")
    task = Task.get(Task.request == bookings.open_payback(Member.get_by_id(w.zhao.id), need(hours_from_now=24)).id)
    flush()
    run_jobs()
    clock.freeze(FRIDAY + dt.timedelta(minutes=31))
    assert matching_jobs.escalate() == {"widened": 1, "alerted": 0}
    clock.freeze(FRIDAY + dt.timedelta(minutes=121))
    assert matching_jobs.escalate() == {"widened": 0, "alerted": 1}
    run_jobs()
    alert = Notification.get(Notification.event_key.startswith(f"task:{task.id}:unclaimed:"))
    assert alert.urgent is True and "优先回馈无人接单" in alert.body


def test_a_claimed_task_is_not_escalated(app, matching_workers, run_jobs, flush):
    w = repair_world()
    task = Task.get(Task.request == make_request(w.resident, hours_from_now=24).id)
    flush()
    run_jobs()
    tasks.claim(Member.get_by_id(w.sun.id), task)
    clock.freeze(FRIDAY + dt.timedelta(hours=9))
    assert matching_jobs.escalate() == {"widened": 0, "alerted": 0}


def test_released_and_no_show_tasks_are_matched_again_without_who_gave_them_back(app, matching_workers, run_jobs,
                                                                                 flush):
    w = repair_world()
    task = Task.get(Task.request == make_request(w.resident, hours_from_now=24).id)
    flush()
    run_jobs()
    first = TaskOpening.get(TaskOpening.task == task.id)

    tasks.claim(Member.get_by_id(w.li.id), task)
    with database.atomic():
        tasks.release(Member.get_by_id(w.li.id), Task.get_by_id(task.id))
    flush()
    run_jobs()
    second = TaskOpening.select().where(TaskOpening.task == task.id).order_by(TaskOpening.id.desc()).get()
    assert second.id != first.id and TaskOpening.get_by_id(first.id).closed_at is not None
    assert asked(task, second) == [w.sun.id, w.zhou.id]  # 李建国 gave it back

    tasks.claim(Member.get_by_id(w.sun.id), Task.get_by_id(task.id))
    reopened = tasks.mark_no_show(Member.get_by_id(w.coordinator.id), Task.get_by_id(task.id), note="没来")
    assert reopened.status == "open" and Task.get_by_id(task.id).volunteer_id is None
    flush()
    run_jobs()
    third = TaskOpening.select().where(TaskOpening.task == task.id).order_by(TaskOpening.id.desc()).get()
    assert asked(task, third) == [w.zhou.id, w.zhao.id]  # neither 李建国 nor 孙丽
    kinds = [e.kind for e in TaskEvent.select().where(TaskEvent.task == task.id).order_by(TaskEvent.id)]
    assert kinds == ["open", "claim", "release", "claim", "no_show", "reopen"]
    assert TaskEvent.get(TaskEvent.task == task.id, TaskEvent.kind == "release").volunteer_id == w.li.id


def test_a_no_show_after_the_window_ends_the_task(app, matching_workers, run_jobs, flush):
    w = repair_world()
    task = Task.get(Task.request == make_request(w.resident, hours_from_now=24).id)
    tasks.claim(Member.get_by_id(w.li.id), task)
    clock.freeze(FRIDAY + dt.timedelta(days=2))
    assert tasks.mark_no_show(Member.get_by_id(w.coordinator.id), task).status == "no_show"
    assert TaskOpening.select().where(TaskOpening.task == task.id).count() == 1


def test_nobody_to_ask_alerts_the_station_at_once(app, matching_workers, run_jobs, flush):
    w = repair_world()
    task = Task.get(Task.request == make_request(w.resident, hours_from_now=24, category_code="education",
                                                 item_code="english_corner").id)
    flush()
    run_jobs()
    assert asked(task) == []
    alert = Notification.get(Notification.template_key == "coordinator_alert", Notification.event_key.startswith("task:"))
    assert "没有合适的志愿者" in alert.body
    clock.freeze(FRIDAY + dt.timedelta(hours=9))
    assert matching_jobs.escalate() == {"widened": 0, "alerted": 0}


def test_a_held_request_is_matched_when_published(app, matching_workers, run_jobs, flush):
    w = repair_world()
    task = Task.get(Task.request == make_request(w.resident, hours_from_now=24).id)
    TaskOpening.delete().execute()
    OutboxMessage.delete().where(OutboxMessage.kind == matching.KIND).execute()
    Task.update(held=True).where(Task.id == task.id).execute()
    assert matching.task_opened(Task.get_by_id(task.id)) is None
    bookings.release_held(Member.get_by_id(w.coordinator.id), Task.get_by_id(task.id))
    bookings.release_held(Member.get_by_id(w.coordinator.id), Task.get_by_id(task.id))  # twice: one opening
    flush()
    run_jobs()
    assert TaskOpening.select().where(TaskOpening.task == task.id).count() == 1
    assert asked(task) == [w.li.id, w.sun.id]


def test_candidates_are_for_the_communitys_coordinators(app, matching_workers):
    w = repair_world()
    task = Task.get(Task.request == make_request(w.resident, hours_from_now=24).id)
    client = app.test_client()
    assert client.get(f"/api/v1/tasks/{task.id}/candidates", headers=headers(app, w.li)).status_code == 403
    other = make_coordinator(make_community())
    assert client.get(f"/api/v1/tasks/{task.id}/candidates", headers=headers(app, other)).status_code == 404
    empty = client.get(f"/api/v1/tasks/{task.id}/candidates", headers=headers(app, w.coordinator)).json
    assert empty["openings"][0]["candidates"] == []  # opened, not matched yet
