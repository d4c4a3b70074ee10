"""Providers and assignment (签约服务机构, 指派), told as stories over HTTP on SQLite and PostgreSQL.

A payback task nobody took is assigned to a provider; the station records its visit, the elder
confirms, the hold is spent for the minutes served and nobody is credited; the ledger verifies. A
volunteer assigned declines and the task is back on the board. Another community's coordinator
cannot see or touch any of it.
"""

import datetime as dt

from server import clock
from server.models import MemberYear, OutboxMessage, ServiceRecord, Task, TaskEvent, Transfer
from server.services.board import catalog
from server.services.ledger import ledger_verify
from tests.factories import headers, make_community, make_coordinator, make_member, make_volunteer, need

NOW = dt.datetime(2026, 5, 12, 8, 0)


def _json(body: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.datetime | dt.date) else v) for k, v in body.items()}


def _post(client, url, body, who, key=None):
    extra = {"Idempotency-Key": key} if key else {}
    return client.post(url, json=body, headers={**who, **extra})


def _told(event_key: str) -> list[int]:
    """Whom the outbox holds a message for under this event key."""
    return [m for message in OutboxMessage.select() if message.payload.get("event_key") == event_key
            for m in message.payload["member_ids"]]


def _elder_with_payback(client, app, community, station, minutes=120):
    """A 72-year-old whose household holds 300 minutes opens a payback request for `minutes`."""
    elder = make_member(community, name="王桂芳", birth_date=dt.date(1954, 3, 1))
    funded = _post(client, "/api/v1/ledger/adjustments", {"household_id": elder.household_id, "minutes": 300,
                   "reason": "纸质存折转入"}, station, key=f"fund-elder-{elder.id:04d}")
    assert funded.status_code == 201, funded.json
    opened = _post(client, "/api/v1/payback-requests", _json(need(minutes=minutes)), headers(app, elder))
    assert opened.status_code == 201, opened.json
    return elder, opened.json


def _provider(client, station, name="安康居家养老服务中心", categories=("repairs",), **fields):
    body = {"name": name, "contact_name": "周经理", "phone": "13812345678",
            "category_ids": [catalog.category_id(c) for c in categories], **fields}
    answer = _post(client, "/api/v1/providers", body, station)
    assert answer.status_code == 201, answer.json
    return answer.json


def test_a_provider_serves_a_payback_nobody_took_and_nobody_is_credited(any_app):
    app, client = any_app, any_app.test_client()
    clock.freeze(NOW)
    community = make_community()
    coordinator = make_coordinator(community, name="刘站长")
    station = headers(app, coordinator)
    elder, request = _elder_with_payback(client, app, community, station)
    volunteer, _ = make_volunteer(community)  # on the board, but nobody claims
    provider = _provider(client, station)
    assert provider["status_label"] == "服务中" and [c["code"] for c in provider["categories"]] == ["repairs"]
    task_id = request["task_id"]

    # Exactly one of the two; a provider of another category or stopped is refused, naming the field.
    both = _post(client, f"/api/v1/tasks/{task_id}/assign", {"provider_id": provider["id"],
                 "volunteer_id": volunteer.id}, station)
    assert both.status_code == 422 and "provider_id" in both.json["errors"]["json"]
    neither = _post(client, f"/api/v1/tasks/{task_id}/assign", {"note": "谁来都行"}, station)
    assert neither.status_code == 422 and "volunteer_id" in neither.json["errors"]["json"]
    tutors = _provider(client, station, name="启明家教中心", categories=("tutoring",))
    wrong = _post(client, f"/api/v1/tasks/{task_id}/assign", {"provider_id": tutors["id"]}, station)
    assert wrong.status_code == 422 and wrong.json["errors"]["rule"] == "provider_category"

    assigned = _post(client, f"/api/v1/tasks/{task_id}/assign", {"provider_id": provider["id"],
                     "note": "周三上午上门"}, station)
    assert assigned.status_code == 200, assigned.json
    assert (assigned.json["status"], assigned.json["status_label"]) == ("claimed", "服务机构已接单")
    assert assigned.json["provider"]["name"] == "安康居家养老服务中心" and assigned.json["volunteer"] is None
    event = TaskEvent.get(TaskEvent.task == task_id, TaskEvent.kind == "assign")
    assert event.volunteer_id is None and "安康居家养老服务中心" in event.note
    again = _post(client, f"/api/v1/tasks/{task_id}/assign", {"volunteer_id": volunteer.id}, station)
    assert again.status_code == 409 and again.json["errors"]["rule"] == "illegal_transition"
    # The household sees who is coming, and was told.
    mine = client.get(f"/api/v1/requests/{request['id']}", headers=headers(app, elder)).json
    assert mine["provider"]["name"] == "安康居家养老服务中心" and mine["status_label"] == "服务机构已接单"
    assert elder.id in _told(f"task:{task_id}:provider:{provider['id']}")

    # The provider comes at the window's start and serves 95 minutes; the station records it.
    start = Task.get_by_id(task_id).window_start
    clock.freeze(start + dt.timedelta(minutes=100))
    reported = _post(client, f"/api/v1/tasks/{task_id}/provider-service", {
        "started_at": start.isoformat(), "ended_at": (start + dt.timedelta(minutes=95)).isoformat(),
        "content": "更换洗衣机排水管"}, station)
    assert reported.status_code == 200, reported.json
    record = reported.json["record"]
    assert (record["source"], record["status"], record["volunteer_id"], record["provider_name"]) == (
        "provider", "reported", None, "安康居家养老服务中心")
    assert reported.json["task"]["status_label"] == "机构服务已登记，待确认"
    waiting = client.get(f"/api/v1/requests/{request['id']}", headers=headers(app, elder)).json
    assert (waiting["record_id"], waiting["status_label"]) == (record["id"], "机构服务已登记，待确认")

    # The elder confirms it with one tap, like any record.
    confirmed = _post(client, f"/api/v1/service-records/{record['id']}/confirm", {"rating": 5}, headers(app, elder))
    assert confirmed.status_code == 200, confirmed.json
    assert (confirmed.json["status"], confirmed.json["credited_minutes"], confirmed.json["transfer_id"]) == (
        "redeemed", 90, None)
    assert confirmed.json["status_label"] == "已确认，已从存折扣除"

    # The hold posted for the 90 minutes served (of 120 held), the rest released; nobody credited.
    hold = Transfer.get_by_id(Transfer.get(Transfer.code == "payback").id)
    assert (hold.state, hold.posted_minutes) == ("posted", 90)
    assert hold.details["served_by"] == "安康居家养老服务中心"
    assert Transfer.select().where(Transfer.code == "service_credit").count() == 0
    assert MemberYear.select().count() == 0
    book = client.get("/api/v1/me/passbook", headers=headers(app, elder)).json
    assert (book["balance_minutes"], book["held_minutes"], book["available_minutes"]) == (210, 0, 210)
    line = book["entries"][0]
    assert (line["code"], line["minutes"], line["provider"], line["served_by"]) == (
        "payback", -90, "安康居家养老服务中心", "安康居家养老服务中心")
    assert client.get("/api/v1/me/passbook", headers=headers(app, volunteer)).json["balance_minutes"] == 0
    task = client.get(f"/api/v1/tasks/{task_id}", headers=station).json
    assert (task["status"], task["status_label"]) == ("credited", "服务已完成，已从存折扣除")
    assert client.get("/api/v1/ledger/verification", headers=station).json["ok"] is True
    assert ledger_verify.verify() == []


def test_an_assigned_volunteer_declines_and_the_task_is_back_on_the_board(any_app):
    app, client = any_app, any_app.test_client()
    clock.freeze(NOW)
    community = make_community()
    coordinator = make_coordinator(community)
    station = headers(app, coordinator)
    _elder, request = _elder_with_payback(client, app, community, station)
    volunteer, _ = make_volunteer(community, name="张志强")
    task_id = request["task_id"]

    assigned = _post(client, f"/api/v1/tasks/{task_id}/assign", {"volunteer_id": volunteer.id,
                     "note": "您住得近，麻烦跑一趟"}, station)
    assert assigned.status_code == 200, assigned.json
    assert assigned.json["volunteer"]["name"] == "张志强" and assigned.json["assigned_by_coordinator"] is True
    assert TaskEvent.get(TaskEvent.task == task_id, TaskEvent.kind == "assign").volunteer_id == volunteer.id
    seen = client.get(f"/api/v1/tasks/{task_id}", headers=headers(app, volunteer)).json
    assert (seen["claimed_by_me"], seen["may_decline"], seen["assign_note"]) == (True, True, "您住得近，麻烦跑一趟")
    assert _told(f"task:{task_id}:assigned:{volunteer.id}:1") == [volunteer.id]

    declined = _post(client, f"/api/v1/tasks/{task_id}/decline", {"reason": "这周出差"}, headers(app, volunteer))
    assert declined.status_code == 200, declined.json
    assert (declined.json["status"], declined.json["volunteer"]) == ("open", None)
    board = client.get("/api/v1/tasks", headers=headers(app, make_volunteer(community)[0])).json
    assert task_id in [t["id"] for t in board["items"]]
    assert _told(f"task:{task_id}:declined:{volunteer.id}:1") == [coordinator.id]
    # A volunteer who claimed a task themself gives it back with release, not decline.
    claimed = client.post(f"/api/v1/tasks/{task_id}/claim", headers=headers(app, volunteer))
    assert claimed.status_code == 200
    refused = _post(client, f"/api/v1/tasks/{task_id}/decline", {"reason": ""}, headers(app, volunteer))
    assert refused.status_code == 422 and refused.json["errors"]["rule"] == "not_assigned"
    assert ledger_verify.verify() == []


def test_an_inactive_or_outside_volunteer_cannot_be_assigned(app):
    client = app.test_client()
    clock.freeze(NOW)
    community, elsewhere = make_community(), make_community()
    station = headers(app, make_coordinator(community))
    _elder, request = _elder_with_payback(client, app, community, station)
    stranger, _ = make_volunteer(elsewhere)
    resident = make_member(community)
    for volunteer_id, rule in ((stranger.id, "unknown_member"), (resident.id, "volunteer_not_active")):
        answer = _post(client, f"/api/v1/tasks/{request['task_id']}/assign", {"volunteer_id": volunteer_id}, station)
        assert answer.status_code == 422 and "volunteer_id" in answer.json["errors"]["json"], answer.json
        assert answer.json["errors"]["rule"] == rule


def test_providers_are_the_communitys_own(any_app):
    app, client = any_app, any_app.test_client()
    clock.freeze(NOW)
    community, elsewhere = make_community(), make_community()
    station = headers(app, make_coordinator(community))
    other_station = headers(app, make_coordinator(elsewhere))
    _elder, request = _elder_with_payback(client, app, community, station)
    provider = _provider(client, station)

    twin = _post(client, "/api/v1/providers", {"name": "安康居家养老服务中心",
                 "category_ids": [catalog.category_id("repairs")]}, station)
    assert twin.status_code == 409 and "已有名为「安康居家养老服务中心」" in twin.json["message"]
    bad_phone = _post(client, "/api/v1/providers", {"name": "新机构", "phone": "12345",
                      "category_ids": [catalog.category_id("repairs")]}, station)
    assert bad_phone.status_code == 422 and "phone" in bad_phone.json["errors"]["json"]

    assert client.get("/api/v1/providers", headers=other_station).json == []
    assert client.patch(f"/api/v1/providers/{provider['id']}", json={"active": False},
                        headers=other_station).status_code in (403, 404)
    assert _post(client, f"/api/v1/tasks/{request['task_id']}/assign", {"provider_id": provider["id"]},
                 other_station).status_code in (403, 404)
    theirs = _provider(client, other_station, name="别家机构")
    foreign = _post(client, f"/api/v1/tasks/{request['task_id']}/assign", {"provider_id": theirs["id"]}, station)
    assert foreign.status_code == 422 and "provider_id" in foreign.json["errors"]["json"]

    stopped = client.patch(f"/api/v1/providers/{provider['id']}", json={"active": False, "contact_name": "吴主任"},
                           headers=station)
    assert stopped.status_code == 200 and (stopped.json["status_label"], stopped.json["contact_name"]) == (
        "已停用", "吴主任")
    assert [p["name"] for p in client.get("/api/v1/providers?active=true", headers=station).json] == []
    refused = _post(client, f"/api/v1/tasks/{request['task_id']}/assign", {"provider_id": provider["id"]}, station)
    assert refused.status_code == 422 and refused.json["errors"]["rule"] == "provider_inactive"
    assert ServiceRecord.select().count() == 0
