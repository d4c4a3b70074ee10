"""A household that moves (迁移, issue #15 §3): asked, refused while something is open, accepted, rejected,
cancelled; the balance crosses through clearing and both communities and the network still verify.

Story tests over HTTP on SQLite and PostgreSQL.
"""

import datetime as dt

from server.models import Household, Member, Task
from tests.factories import (
    credited_record,
    headers,
    make_admin,
    make_community,
    make_coordinator,
    make_member,
    make_record,
    make_request,
    make_volunteer,
    need,
)
from tests.resources.test_clearing import _fund, _network, _post, _verified


def _json(body: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.datetime | dt.date) else v) for k, v in body.items()}


def _world(app, limit=600):
    client = app.test_client()
    hpl, xfy = make_community("和平里"), make_community("幸福苑")
    hpl_station, xfy_station = headers(app, make_coordinator(hpl)), headers(app, make_coordinator(xfy))
    network = _network(client, headers(app, make_admin()), [hpl, xfy], limit=limit)
    return client, hpl, xfy, hpl_station, xfy_station, network


def _ask(client, household_id, to, who, key=None):
    return _post(client, f"/api/v1/households/{household_id}/moves", {"to_community_id": to.id, "reason": "搬去女儿家住"},
                 who, key=key)


def test_a_move_waits_for_a_hold_then_crosses_through_clearing(any_app):
    app = any_app
    client, hpl, xfy, hpl_station, xfy_station, network = _world(app)
    elder, _ = make_volunteer(hpl, name="王奶奶", birth_date=dt.date(1950, 1, 1))
    spouse = make_member(hpl, name="王爷爷")
    Member.update(household=elder.household_id).where(Member.id == spouse.id).execute()
    _fund(client, elder.household_id, 300, hpl_station, "fund-elder")
    me = headers(app, elder)

    payback = client.post("/api/v1/payback-requests", json=_json(need(minutes=60)),
                          headers={**me, "Idempotency-Key": "payback-before-move"})
    assert payback.status_code == 201, payback.json
    refused = _ask(client, elder.household_id, xfy, me)
    assert refused.status_code == 409, refused.json
    assert refused.json["errors"]["rule"] == "move_not_settled"
    blocking = refused.json["errors"]["details"]["blocking"]
    assert [(b["kind"], b["request_id"]) for b in blocking] == [("hold", payback.json["id"])]
    assert "优先回馈冻结了1小时" in refused.json["message"]

    cancelled = client.post(f"/api/v1/payback-requests/{payback.json['id']}/cancel", json={"reason": "要搬家"}, headers=me)
    assert cancelled.status_code == 200, cancelled.json
    asked = _ask(client, elder.household_id, xfy, me, key="move-wang")
    assert asked.status_code == 201, asked.json
    assert (asked.json["status"], asked.json["status_label"]) == ("pending", "等待新社区确认")
    assert (asked.json["from_community"], asked.json["to_community"]) == ("和平里", "幸福苑")
    again = _ask(client, elder.household_id, xfy, me, key="move-wang")  # the same tap twice: one move
    assert (again.status_code, again.json["id"]) == (201, asked.json["id"])
    assert _ask(client, elder.household_id, xfy, me).json["errors"]["rule"] == "move_pending"
    move_id = asked.json["id"]

    # The old station cannot accept for the new one; another community's station does not even see it.
    assert client.post(f"/api/v1/moves/{move_id}/accept", headers=hpl_station).status_code == 403
    stranger = headers(app, make_coordinator(make_community("远方")))
    assert client.post(f"/api/v1/moves/{move_id}/accept", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/moves/{move_id}", headers=xfy_station).status_code == 200

    accepted = client.post(f"/api/v1/moves/{move_id}/accept", headers=xfy_station)
    assert accepted.status_code == 200, accepted.json
    assert (accepted.json["status"], accepted.json["minutes"]) == ("accepted", 300)
    assert client.post(f"/api/v1/moves/{move_id}/accept", headers=xfy_station).status_code == 409  # once

    # The household and both its members belong to 幸福苑 now; its balance came along.
    assert Household.get_by_id(elder.household_id).community_id == xfy.id
    assert {m.community_id for m in Member.select().where(Member.household == elder.household_id)} == {xfy.id}
    book = client.get(f"/api/v1/households/{elder.household_id}/passbook", headers=me).json
    assert (book["balance_minutes"], book["available_minutes"]) == (300, 300)
    moved = [(line["code_label"], line["minutes"], line["other_community"]) for line in book["entries"][:2]]
    assert moved == [("迁入", 300, "和平里"), ("迁出", -300, "幸福苑")]
    assert book["entries"][2]["code"] == "adjustment"  # the history stays readable
    # The network owes 和平里 the five hours it let go; 幸福苑 owes them.
    detail = client.get(f"/api/v1/networks/{network['id']}", headers=xfy_station).json
    assert {m["community_id"]: m["position_minutes"] for m in detail["members"]} == {hpl.id: 300, xfy.id: -300}
    _verified(client, hpl_station, xfy_station)
    # The move cannot be reversed (a household moves back by moving again).
    reversal = _post(client, f"/api/v1/transfers/{accepted.json['transfer_id']}/reversal", {"reason": "试试"},
                     xfy_station, key="reverse-move")
    assert reversal.status_code == 422 and reversal.json["errors"]["rule"] == "not_reversible", reversal.json

    # The new community's station sees the household; its members see the new community's board.
    assert client.get(f"/api/v1/households/{elder.household_id}", headers=xfy_station).status_code == 200
    assert client.get(f"/api/v1/households/{elder.household_id}", headers=hpl_station).status_code == 404
    there = make_request(make_member(xfy))
    here = make_request(make_member(hpl))
    board = {t["id"] for t in client.get("/api/v1/tasks", headers=me).json["items"]}
    assert Task.get(Task.request == there.id).id in board and Task.get(Task.request == here.id).id not in board


def test_a_move_is_rejected_or_cancelled_and_nothing_moves(any_app):
    app = any_app
    client, hpl, xfy, hpl_station, xfy_station, _ = _world(app)
    resident = make_member(hpl)
    me = headers(app, resident)
    _fund(client, resident.household_id, 120, hpl_station, "fund-resident")

    first = _ask(client, resident.household_id, xfy, hpl_station).json  # the station asks for the household
    assert client.post(f"/api/v1/moves/{first['id']}/reject", json={"reason": ""}, headers=xfy_station).status_code == 422
    rejected = client.post(f"/api/v1/moves/{first['id']}/reject", json={"reason": "本社区暂无空余住房登记"},
                           headers=xfy_station)
    assert rejected.status_code == 200, rejected.json
    assert (rejected.json["status_label"], rejected.json["decision_reason"]) == ("新社区未同意", "本社区暂无空余住房登记")
    assert client.post(f"/api/v1/moves/{first['id']}/cancel", headers=me).status_code == 409

    second = _ask(client, resident.household_id, xfy, me).json
    assert client.post(f"/api/v1/moves/{second['id']}/cancel", headers=headers(app, make_member(hpl))).status_code == 404
    cancelled = client.post(f"/api/v1/moves/{second['id']}/cancel", headers=me)
    assert (cancelled.status_code, cancelled.json["status"]) == (200, "cancelled")
    assert client.post(f"/api/v1/moves/{second['id']}/accept", headers=xfy_station).status_code == 409

    listed = client.get(f"/api/v1/households/{resident.household_id}/moves", headers=me).json
    assert [m["status"] for m in listed] == ["cancelled", "rejected"]
    assert Household.get_by_id(resident.household_id).community_id == hpl.id
    book = client.get(f"/api/v1/households/{resident.household_id}/passbook", headers=me).json
    assert book["balance_minutes"] == 120 and [line["code"] for line in book["entries"]] == ["adjustment"]
    _verified(client, hpl_station, xfy_station)


def test_a_move_past_a_limit_or_outside_the_network_is_refused(any_app):
    app = any_app
    client, hpl, xfy, hpl_station, xfy_station, network = _world(app, limit=120)
    resident = make_member(hpl)
    me = headers(app, resident)
    _fund(client, resident.household_id, 180, hpl_station, "fund-resident")
    move = _ask(client, resident.household_id, xfy, me).json

    refused = client.post(f"/api/v1/moves/{move['id']}/accept", headers=xfy_station)
    assert refused.status_code == 422, refused.json
    figures = refused.json["errors"]["details"]
    assert refused.json["errors"]["rule"] == "network_limit"
    assert (figures["limit_minutes"], figures["asked_minutes"]) == (120, 180)
    assert "额度为2小时" in refused.json["message"]
    # Nothing happened: the move still waits, the household stays, both ledgers are whole.
    assert client.get(f"/api/v1/moves/{move['id']}", headers=me).json["status"] == "pending"
    assert Household.get_by_id(resident.household_id).community_id == hpl.id
    _verified(client, hpl_station, xfy_station)

    outside = make_community("外区")
    answer = _ask(client, make_member(hpl).household_id, outside, hpl_station)
    assert answer.status_code == 422 and answer.json["errors"]["rule"] == "not_in_one_network"
    assert "不在同一个通存通兑网络里" in answer.json["message"]


def test_an_unresolved_record_blocks_a_move(any_app):
    app = any_app
    client, hpl, xfy, hpl_station, _, _ = _world(app)
    volunteer, _ = make_volunteer(hpl)
    record = make_record(volunteer, witness=make_member(hpl))
    refused = _ask(client, volunteer.household_id, xfy, headers(app, volunteer))
    assert refused.status_code == 409, refused.json
    assert [(b["kind"], b["id"]) for b in refused.json["errors"]["details"]["blocking"]] == [("record", record.id)]
    assert f"服务记录{record.id}" in refused.json["message"] and "待确认" in refused.json["message"]


def test_a_volunteer_who_moved_keeps_serving_and_both_communities_verify(any_app):
    """Yearly totals are per member across communities: credits before the move and after it both count."""
    app = any_app
    client, hpl, xfy, hpl_station, xfy_station, _ = _world(app)
    volunteer, _ = make_volunteer(hpl)
    credited_record(volunteer, make_member(hpl), minutes=60, days_ago=1)
    move = _ask(client, volunteer.household_id, xfy, headers(app, volunteer)).json
    assert client.post(f"/api/v1/moves/{move['id']}/accept", headers=xfy_station).json["minutes"] == 60
    credited_record(Member.get_by_id(volunteer.id), make_member(xfy), minutes=60, days_ago=0)

    book = client.get(f"/api/v1/households/{volunteer.household_id}/passbook", headers=headers(app, volunteer)).json
    assert book["balance_minutes"] == 120
    assert sum(t["minutes"] for t in book["yearly_totals"]) == 120
    _verified(client, hpl_station, xfy_station)
