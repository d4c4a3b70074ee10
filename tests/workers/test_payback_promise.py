"""回报有保障, told as stories over HTTP: a payback request's promise, its preferred volunteer, the at-risk alert.

和平里: 王秀兰 (72, 3号楼) redeems hours her household banked. 李建国 repaired her washing machine last
month (a credited record), so she may name him (指定服务人); 孙丽 and 周文 fit the job but never served
her. Defaults: the promise is 48 hours (or the window's start), the preferred volunteer is asked alone
for 4 hours, a promise is at risk 12 hours before it.
"""

import datetime as dt

import pytest

from server import clock
from server.models import Notification, Request, Task, TaskCandidate, TaskOpening
from server.services.ledger import ledger_verify
from tests.factories import (
    credited_record,
    headers,
    make_community,
    make_coordinator,
    make_member,
    make_volunteer,
    need,
)
from tests.wechat_stub import SUBSCRIBE_SEND
from workers.jobs import matching as matching_jobs
from workers.jobs import schedules

FRIDAY = dt.datetime(2026, 5, 15, 10, 0)
SATURDAY_MORNING = [{"weekday": 6, "slot": "morning"}]


@pytest.fixture
def app(any_app):
    """The promise's SQL (the board's reservation, the candidates, the at-risk scan) runs on SQLite and PostgreSQL."""
    return any_app


@pytest.fixture
def workers(worker_settings):
    from workers import bootstrap

    settings = bootstrap.configure({**worker_settings, "MATCH_TOP_K_PAYBACK": 2, "QUIET_HOURS": "off"})
    clock.freeze(FRIDAY)
    yield settings
    clock.freeze(None)


def _json(body: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.datetime | dt.date) else v) for k, v in body.items()}


def world(app):
    community = make_community(name="和平里社区")
    coordinator = make_coordinator(community, name="赵敏")
    elder = make_member(community, name="王秀兰", building="3号楼", area="东区", birth_date=dt.date(1954, 1, 1))
    li, _ = make_volunteer(community, name="李建国", building="3号楼", area="东区", intentions=["repairs"],
                           availability=SATURDAY_MORNING)
    sun, _ = make_volunteer(community, name="孙丽", building="4号楼", area="东区", intentions=["repairs"],
                            availability=SATURDAY_MORNING)
    zhou, _ = make_volunteer(community, name="周文", building="5号楼", area="东区", intentions=["repairs"],
                             availability=SATURDAY_MORNING)
    credited_record(li, elder, days_ago=3, recipient_member_id=elder.id)  # he served her household: she may name him
    client = app.test_client()
    station = headers(app, coordinator)
    funded = client.post("/api/v1/ledger/adjustments", json={"household_id": elder.household_id, "minutes": 600,
                         "reason": "历年服务补录"}, headers={**station, "Idempotency-Key": "fund-elder"})
    assert funded.status_code == 201, funded.json
    return community, coordinator, elder, li, sun, zhou, client


def asked(task_id: int, round_no: int | None = None) -> list[int]:
    query = TaskCandidate.select().where(TaskCandidate.task == task_id)
    if round_no is not None:
        query = query.where(TaskCandidate.round == round_no)
    return [c.volunteer_id for c in query.order_by(TaskCandidate.round, TaskCandidate.rank)]


def board_ids(client, who) -> list[int]:
    return [t["id"] for t in client.get("/api/v1/tasks", headers=who).json["items"]]


def test_a_preferred_volunteer_is_asked_first_and_alone_then_matching_goes_on(app, workers, run_jobs, flush):
    """She names 李建国: only he is asked and sees it for 4 hours; 孙丽 cannot claim it; then the others are asked."""
    community, coordinator, elder, li, sun, zhou, client = world(app)
    mine = headers(app, elder)

    answer = client.get("/api/v1/payback-requests/eligibility", headers=mine).json
    assert [(c["member_id"], c["name"], c["times_served"]) for c in answer["preferred_candidates"]] == [
        (li.id, "李建国", 1)]

    body = _json(need(hours_from_now=72))
    refused = client.post("/api/v1/payback-requests", json={**body, "preferred_volunteer_id": sun.id}, headers=mine)
    assert refused.status_code == 422, refused.json
    assert refused.json["errors"]["json"] == {"preferred_volunteer_id": ["只能指定曾为您家服务过、现在仍在服务的志愿者"]}
    assert refused.json["errors"]["rule"] == "preferred_not_eligible"

    opened = client.post("/api/v1/payback-requests", json={**body, "preferred_volunteer_id": li.id}, headers=mine)
    assert opened.status_code == 201, opened.json
    view = opened.json
    assert view["preferred_volunteer"] == {"id": li.id, "name": "李建国"}
    assert view["preferred_until"].startswith("2026-05-15T14:00:00")
    assert (view["promise_label"], view["promise_state"], view["coming"]) == ("还剩 48 小时", "waiting", None)
    task_id = view["task_id"]

    flush()
    run_jobs()
    assert asked(task_id) == [li.id]
    (offer,) = Notification.select().where(Notification.template_key == "task_offer")
    assert offer.recipient_id == li.id and offer.urgent is True

    # Only he sees it on the board; 孙丽 cannot claim it yet.
    assert task_id in board_ids(client, headers(app, li))
    assert task_id not in board_ids(client, headers(app, sun))
    line = next(t for t in client.get("/api/v1/tasks", headers=headers(app, li)).json["items"] if t["id"] == task_id)
    assert line["reserved_for_me"] is True and line["promise_label"] == "还剩 48 小时"
    claim = client.post(f"/api/v1/tasks/{task_id}/claim", headers=headers(app, sun))
    assert claim.status_code == 422 and claim.json["errors"]["rule"] == "reserved_for_preferred"

    # During the preferred time nobody else is asked, however often escalation runs.
    for minutes in (31, 121, 239):
        clock.freeze(FRIDAY + dt.timedelta(minutes=minutes))
        assert matching_jobs.escalate() == {"widened": 0, "alerted": 0}
        run_jobs()
    assert asked(task_id) == [li.id]

    # After it, round 1 asks the others (not him again), and the payback timers count from there.
    clock.freeze(FRIDAY + dt.timedelta(hours=4, minutes=1))
    assert matching_jobs.escalate() == {"widened": 1, "alerted": 0}
    run_jobs()
    assert set(asked(task_id, 1)) == {sun.id, zhou.id}
    assert task_id in board_ids(client, headers(app, sun))
    clock.freeze(FRIDAY + dt.timedelta(hours=4, minutes=20))
    assert matching_jobs.escalate() == {"widened": 0, "alerted": 0}  # 30 minutes from the reservation's end
    claimed = client.post(f"/api/v1/tasks/{task_id}/claim", headers=headers(app, sun))
    assert claimed.status_code == 200, claimed.json
    after = client.get(f"/api/v1/requests/{view['id']}", headers=mine).json
    assert after["promise_state"] == "assigned" and after["coming"]["label"] == "志愿者：孙丽"
    assert ledger_verify.verify() == []


def test_the_preferred_volunteer_who_cannot_come_hands_it_on_at_once(app, workers, run_jobs, flush):
    community, coordinator, elder, li, sun, zhou, client = world(app)
    body = {**_json(need(hours_from_now=72)), "preferred_volunteer_id": li.id}
    task_id = client.post("/api/v1/payback-requests", json=body, headers=headers(app, elder)).json["task_id"]
    flush()
    run_jobs()
    assert client.post(f"/api/v1/tasks/{task_id}/pass", headers=headers(app, sun)).status_code == 422
    passed = client.post(f"/api/v1/tasks/{task_id}/pass", headers=headers(app, li))
    assert passed.status_code == 200, passed.json
    assert passed.json["reserved_until"] is None
    flush()
    run_jobs()
    assert set(asked(task_id, 1)) == {sun.id, zhou.id}
    assert TaskOpening.get(TaskOpening.task == task_id).rounds == 1
    assert task_id in board_ids(client, headers(app, sun))


def test_the_promise_is_48_hours_or_the_windows_start_if_sooner(app, workers):
    community, coordinator, elder, li, sun, zhou, client = world(app)
    mine = headers(app, elder)
    later = client.post("/api/v1/payback-requests", json=_json(need(hours_from_now=72)), headers=mine).json
    assert later["promise_due_at"] == "2026-05-17T10:00:00+08:00" and later["promise_minutes_left"] == 48 * 60
    assert later["preferred_volunteer"] is None and later["preferred_until"] is None
    sooner = client.post("/api/v1/payback-requests", json=_json(need(hours_from_now=24)), headers=mine).json
    assert sooner["promise_due_at"] == sooner["window_start"] == "2026-05-16T10:00:00+08:00"
    # 12 hours before it the promise is at risk; once past, 已超时 and never a negative count.
    clock.freeze(FRIDAY + dt.timedelta(hours=13))
    seen = client.get(f"/api/v1/requests/{sooner['id']}", headers=mine).json
    assert (seen["promise_label"], seen["promise_state"], seen["promise_minutes_left"]) == ("还剩 11 小时", "at_risk", 660)
    task = client.get(f"/api/v1/tasks/{sooner['task_id']}", headers=headers(app, coordinator)).json
    assert task["promise_state"] == "at_risk" and task["promise_label"] == "还剩 11 小时"
    clock.freeze(FRIDAY + dt.timedelta(hours=25))
    seen = client.get(f"/api/v1/requests/{later['id']}", headers=mine).json
    assert seen["promise_state"] == "waiting"
    Request.update(promise_due_at=FRIDAY + dt.timedelta(hours=24, minutes=30)).where(
        Request.id == later["id"]).execute()
    seen = client.get(f"/api/v1/requests/{later['id']}", headers=mine).json
    assert (seen["promise_label"], seen["promise_state"], seen["promise_minutes_left"]) == ("已超时", "overdue", 0)
    booked = client.post("/api/v1/requests", json=_json(need(hours_from_now=24)), headers=mine).json
    assert booked["promise_due_at"] is None and booked["promise_state"] is None


def test_an_at_risk_promise_alerts_the_coordinators_once_urgently_even_at_night(app, wechat_workers, wechat, run_jobs,
                                                                                flush):
    """23:00, in the quiet hours: a request whose window starts in 10 hours is at risk at once; one urgent alert."""
    from server.services.messaging import subscriptions

    clock.freeze(dt.datetime(2026, 5, 15, 23, 0))
    community, coordinator, elder, li, sun, zhou, client = world(app)
    coordinator = coordinator.__class__.get_by_id(coordinator.id)
    coordinator.openid = "openid-zhao"
    coordinator.save()
    opened = client.post("/api/v1/payback-requests", json=_json(need(hours_from_now=10)), headers=headers(app, elder))
    assert opened.status_code == 201, opened.json
    task_id = opened.json["task_id"]
    far = client.post("/api/v1/payback-requests", json=_json(need(hours_from_now=40)), headers=headers(app, elder))
    assert far.status_code == 201  # 40 hours off: not at risk yet
    flush()
    run_jobs()  # the usual "payback request opened" alerts go first
    subscriptions.record(coordinator, {"coordinator_alert": "accept"})  # the coordinator allows one more message

    assert schedules.alert_promises_at_risk() == 1
    assert schedules.alert_promises_at_risk() == 0  # never twice for the same request
    flush()
    run_jobs()
    (alert,) = Notification.select().where(Notification.event_key.endswith(":promise_at_risk"))
    assert alert.recipient_id == coordinator.id and alert.urgent is True
    assert alert.link == f"pages/station/assign/assign?task_id={task_id}"
    assert "无人接单" in alert.body and "还剩 10 小时" in alert.body
    assert alert.wechat_status == "sent" and len(wechat.calls(SUBSCRIBE_SEND)) == 1  # the quiet hours do not wait

    desk = client.get("/api/v1/desk", headers=headers(app, coordinator)).json
    assert [t["id"] for t in desk["payback_at_risk"]] == [task_id] and desk["at_risk_hours"] == 12
    assert desk["payback_at_risk"][0]["promise_label"] == "还剩 10 小时"

    # Once someone is assigned it leaves the desk, and a later run alerts nobody.
    clock.freeze(dt.datetime(2026, 5, 16, 7, 0))
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=headers(app, sun)).status_code == 200
    assert client.get("/api/v1/desk", headers=headers(app, coordinator)).json["payback_at_risk"] == []
    assert schedules.alert_promises_at_risk() == 0
    assert Task.get_by_id(task_id).volunteer_id == sun.id


def test_the_demo_shows_a_preferred_volunteer_and_a_promise_at_risk(app, workers):
    """王秀兰's request for her husband names 李建国 (only he sees it on the board); her own is on the desk, at risk."""
    from server.models import Member
    from server.services.people import demo

    demo.load()
    client = app.test_client()
    wang, li, sun = (Member.get(Member.handle == h) for h in ("resident", "volunteer", "nurse"))
    mine = client.get("/api/v1/payback-requests", headers=headers(app, wang)).json["items"]
    (named,) = [r for r in mine if r["preferred_volunteer"]]
    assert named["preferred_volunteer"]["name"] == "李建国" and named["requester_name"] == "王德顺"
    assert named["promise_state"] == "waiting" and named["promise_label"] == "还剩 48 小时"
    assert named["task_id"] in board_ids(client, headers(app, li))
    assert named["task_id"] not in board_ids(client, headers(app, sun))
    desk = client.get("/api/v1/desk", headers=headers(app, Member.get(Member.handle == "coordinator"))).json
    (risk,) = desk["payback_at_risk"]
    assert risk["recipient_name"] == "王秀兰" and risk["promise_state"] == "at_risk" and risk["coming"] is None
    assert ledger_verify.verify() == []
