"""Priority payback served by a neighbouring community's volunteer (通存通兑, issue #15 §3), over HTTP on
SQLite and PostgreSQL.

A payback request opened to the network shows on the other communities' boards, marked with its
community; a volunteer there claims, checks in and out; the elder's household confirms; the volunteer is
credited in their own community, the hold posts in the elder's, and the minutes cross through both
clearing accounts. After each story every community and the network verify.
"""

import datetime as dt

from server import clock
from server.models import OutboxMessage, Request
from server.services.board import promise
from tests.factories import (
    headers,
    make_admin,
    make_community,
    make_coordinator,
    make_member,
    make_volunteer,
    need,
)

NOW = dt.datetime(2026, 5, 12, 8, 0)


def _json(body: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.datetime | dt.date) else v) for k, v in body.items()}


def _post(client, url, body, who, key=None):
    extra = {"Idempotency-Key": key} if key else {}
    return client.post(url, json=body, headers={**who, **extra})


def _verified(client, *stations):
    for station in stations:
        answer = client.get("/api/v1/ledger/verification", headers=station).json
        assert answer["ok"], answer["violations"]


def _setting(client, limit=600, network=True):
    """和平里 and 幸福苑 (in one network unless told), each with a station; an elder of 和平里 with 300 minutes."""
    app = client.application
    hpl, xfy = make_community("和平里"), make_community("幸福苑")
    hpl_station, xfy_station = headers(app, make_coordinator(hpl)), headers(app, make_coordinator(xfy))
    network_id = None
    if network:
        admin = headers(app, make_admin())
        made = _post(client, "/api/v1/networks", {
            "name": "和平街道", "kind": "街道", "community_ids": [hpl.id, xfy.id],
            "limits": [{"community_id": c.id, "limit_minutes": limit} for c in (hpl, xfy)]}, admin, key="network-hpl-xfy")
        assert made.status_code == 201, made.json
        network_id = made.json["id"]
    elder = make_member(hpl, name="王桂芳", birth_date=dt.date(1950, 3, 1))
    funded = _post(client, "/api/v1/ledger/adjustments", {"household_id": elder.household_id, "minutes": 300,
                   "reason": "纸质存折转入"}, hpl_station, key="fund-elder")
    assert funded.status_code == 201, funded.json
    return hpl, xfy, hpl_station, xfy_station, elder, network_id


def _board(client, who):
    return {line["id"]: line for line in client.get("/api/v1/tasks", headers=who).json["items"]}


def test_a_payback_served_by_a_neighbouring_volunteer_crosses_through_clearing(any_app):
    app, client = any_app, any_app.test_client()
    clock.freeze(NOW)
    hpl, xfy, hpl_station, xfy_station, elder, network_id = _setting(client)
    neighbour, _ = make_volunteer(xfy, name="李幸福")
    local, _ = make_volunteer(hpl, name="赵和平")
    me = headers(app, elder)

    opened = _post(client, "/api/v1/payback-requests", _json({**need(hours_from_now=0, minutes=120),
                                                               "open_to_network": True}), me)
    assert opened.status_code == 201, opened.json
    request = opened.json
    assert request["open_to_network"] and request["network_label"] == "已向邻近社区开放"
    assert request["network_opened_reason"] == "requester" and request["held_minutes"] == 120
    task_id = request["task_id"]

    # The neighbour sees it on their board, marked with its community; the local volunteer sees it as their own.
    line = _board(client, headers(app, neighbour))[task_id]
    assert line["from_other_community"] and line["community_name"] == "和平里" and line["open_to_network"]
    assert line["recipient_name"] == "王**"
    own = _board(client, headers(app, local))[task_id]
    assert not own["from_other_community"] and own["community_name"] == "和平里"

    # Matching counts the neighbour among the candidates now.
    from server.models import Task
    from server.services.board import matching
    ranked = matching.best_candidates(Task.get_by_id(task_id), None, now=clock.now())
    assert {facts.member_id for _, _, facts in ranked} >= {neighbour.id, local.id}

    claimed = client.post(f"/api/v1/tasks/{task_id}/claim", headers=headers(app, neighbour))
    assert claimed.status_code == 200, claimed.json
    assert claimed.json["recipient_name"] == "王桂芳" and claimed.json["from_other_community"]
    assert client.post(f"/api/v1/tasks/{task_id}/check-in", json={},
                       headers=headers(app, neighbour)).json["status"] == "in_progress"
    clock.freeze(NOW + dt.timedelta(minutes=95))
    out = client.post(f"/api/v1/tasks/{task_id}/check-out", headers=headers(app, neighbour))
    assert out.status_code == 200, out.json
    record = out.json["record"]
    assert record["witness_id"] == elder.id

    # Both stations see the record; a third community's does not.
    other_station = headers(app, make_coordinator(make_community("安华里")))
    for station in (hpl_station, xfy_station):
        assert client.get(f"/api/v1/service-records/{record['id']}", headers=station).status_code == 200
    assert client.get(f"/api/v1/service-records/{record['id']}", headers=other_station).status_code == 404
    assert client.get(f"/api/v1/tasks/{task_id}", headers=other_station).status_code == 404

    # The elder's household confirms: 90 minutes credited to the neighbour in 幸福苑, the hold posts in 和平里.
    confirmed = _post(client, f"/api/v1/service-records/{record['id']}/confirm", {"rating": 5}, me)
    assert confirmed.status_code == 200, confirmed.json
    assert confirmed.json["status"] == "credited" and confirmed.json["credited_minutes"] == 90
    after = client.get(f"/api/v1/requests/{request['id']}", headers=me).json
    assert (after["hold_state"], after["spent_minutes"]) == ("posted", 90)

    hold_id = Request.get_by_id(request["id"]).hold_id
    credit_id = confirmed.json["transfer_id"]
    for station in (hpl_station, xfy_station):  # both stations see both transfers; the third does not
        for transfer_id in (hold_id, credit_id):
            assert client.get(f"/api/v1/transfers/{transfer_id}", headers=station).status_code == 200
    assert client.get(f"/api/v1/transfers/{hold_id}", headers=other_station).status_code == 404
    hold = client.get(f"/api/v1/transfers/{hold_id}", headers=hpl_station).json
    assert (hold["community_id"], hold["counter_community_id"]) == (hpl.id, xfy.id)
    legs = {(leg["community_id"], leg["account_kind"]): leg["minutes"] for leg in hold["legs"]}
    assert legs == {(hpl.id, "household"): -90, (hpl.id, "clearing"): 90, (xfy.id, "clearing"): -90,
                    (xfy.id, "issuance"): 90}
    credit = client.get(f"/api/v1/transfers/{credit_id}", headers=xfy_station).json
    assert credit["community_id"] == xfy.id and {leg["community_id"] for leg in credit["legs"]} == {xfy.id}

    # 和平里's resident spent 90 minutes in 幸福苑: the network owes 和平里 nothing more, 幸福苑 is owed.
    detail = client.get(f"/api/v1/networks/{network_id}", headers=hpl_station).json
    assert {m["community_id"]: m["position_minutes"] for m in detail["members"]} == {hpl.id: 90, xfy.id: -90}
    # The passbooks name the other community.
    elder_line = client.get(f"/api/v1/households/{elder.household_id}/passbook", headers=me).json["entries"][0]
    assert (elder_line["code"], elder_line["minutes"], elder_line["other_community"]) == ("payback", -90, "幸福苑")
    assert elder_line["served_by"] == "李幸福"
    volunteer_book = client.get("/api/v1/me/passbook", headers=headers(app, neighbour)).json
    assert volunteer_book["balance_minutes"] == 90
    assert volunteer_book["entries"][0]["other_community"] == "和平里"
    _verified(client, hpl_station, xfy_station)


def test_opening_to_the_network_needs_a_network_and_is_the_households_or_stations(any_app):
    app, client = any_app, any_app.test_client()
    clock.freeze(NOW)
    hpl, xfy, hpl_station, xfy_station, elder, _ = _setting(client, network=False)
    me = headers(app, elder)
    refused = _post(client, "/api/v1/payback-requests", _json({**need(), "open_to_network": True}), me)
    assert refused.status_code == 422, refused.json
    assert refused.json["errors"]["json"] == {"open_to_network": [refused.json["message"]]}
    assert "没有加入通存通兑网络" in refused.json["message"]
    assert client.get("/api/v1/payback-requests", headers=me).json["items"] == []  # nothing held, nothing opened

    request = _post(client, "/api/v1/payback-requests", _json(need()), me).json
    later = client.post(f"/api/v1/requests/{request['id']}/open-to-network", headers=me)
    assert later.status_code == 422 and later.json["errors"]["rule"] == "not_in_network"

    admin = headers(app, make_admin())
    assert _post(client, "/api/v1/networks", {"name": "和平街道", "kind": "街道", "community_ids": [hpl.id, xfy.id]},
                 admin).status_code == 201
    # Another community's station and a stranger cannot open it (404); the household's member can.
    assert client.post(f"/api/v1/requests/{request['id']}/open-to-network", headers=xfy_station).status_code == 404
    stranger = headers(app, make_member(hpl))
    assert client.post(f"/api/v1/requests/{request['id']}/open-to-network", headers=stranger).status_code == 404
    neighbour, _ = make_volunteer(xfy)
    assert request["task_id"] not in _board(client, headers(app, neighbour))
    assert client.get(f"/api/v1/tasks/{request['task_id']}", headers=headers(app, neighbour)).status_code == 404

    by_station = client.post(f"/api/v1/requests/{request['id']}/open-to-network", headers=hpl_station)
    assert by_station.status_code == 200, by_station.json
    assert by_station.json["open_to_network"] and by_station.json["network_opened_reason"] == "coordinator"
    again = client.post(f"/api/v1/requests/{request['id']}/open-to-network", headers=me)
    assert again.status_code == 200 and again.json["network_opened_reason"] == "coordinator"  # once
    assert request["task_id"] in _board(client, headers(app, neighbour))

    # An ordinary booking is no payback: refused.
    booking = _post(client, "/api/v1/requests", _json(need()), me).json
    no = client.post(f"/api/v1/requests/{booking['id']}/open-to-network", headers=me)
    assert no.status_code == 422 and no.json["errors"]["rule"] == "not_payback"


def test_a_neighbour_cannot_claim_what_the_limits_could_not_credit(any_app):
    app, client = any_app, any_app.test_client()
    clock.freeze(NOW)
    hpl, xfy, hpl_station, xfy_station, elder, network_id = _setting(client, limit=60)
    neighbour, _ = make_volunteer(xfy, name="李幸福")
    request = _post(client, "/api/v1/payback-requests", _json({**need(hours_from_now=0, minutes=120),
                                                               "open_to_network": True}), headers(app, elder)).json
    refused = client.post(f"/api/v1/tasks/{request['task_id']}/claim", headers=headers(app, neighbour))
    assert refused.status_code == 422, refused.json
    figures = refused.json["errors"]["details"]
    assert refused.json["errors"]["rule"] == "network_limit"
    assert (figures["limit_minutes"], figures["position_minutes"], figures["asked_minutes"]) == (60, 0, 120)
    assert "额度为1小时" in refused.json["message"] and "转出2小时" in refused.json["message"]
    assert client.get(f"/api/v1/tasks/{request['task_id']}", headers=headers(app, neighbour)).json["status"] == "open"

    # Raised in time the claim goes through; lowered again before confirmation, the confirmation is refused
    # with the figures and nothing moves; raised again, it is credited.
    admin = headers(app, make_admin())

    def limit(minutes):
        answer = client.patch(f"/api/v1/networks/{network_id}", json={
            "limits": [{"community_id": c.id, "limit_minutes": minutes} for c in (hpl, xfy)]}, headers=admin)
        assert answer.status_code == 200, answer.json
    limit(300)
    assert client.post(f"/api/v1/tasks/{request['task_id']}/claim", headers=headers(app, neighbour)).status_code == 200
    client.post(f"/api/v1/tasks/{request['task_id']}/check-in", json={}, headers=headers(app, neighbour))
    clock.freeze(NOW + dt.timedelta(minutes=65))
    record = client.post(f"/api/v1/tasks/{request['task_id']}/check-out", headers=headers(app, neighbour)).json["record"]
    limit(30)
    blocked = _post(client, f"/api/v1/service-records/{record['id']}/confirm", {}, headers(app, elder))
    assert blocked.status_code == 422 and blocked.json["errors"]["rule"] == "network_limit", blocked.json
    assert client.get("/api/v1/me/passbook", headers=headers(app, neighbour)).json["balance_minutes"] == 0
    limit(300)
    done = _post(client, f"/api/v1/service-records/{record['id']}/confirm", {}, headers(app, elder))
    assert done.status_code == 200 and done.json["credited_minutes"] == 60, done.json
    _verified(client, hpl_station, xfy_station)


def test_an_at_risk_payback_nobody_claimed_is_opened_to_the_network(any_app):
    app, client = any_app, any_app.test_client()
    clock.freeze(NOW)
    hpl, xfy, hpl_station, xfy_station, elder, _ = _setting(client)
    neighbour, _ = make_volunteer(xfy)
    request = _post(client, "/api/v1/payback-requests", _json(need(hours_from_now=6)), headers(app, elder)).json
    assert not request["open_to_network"]
    assert request["task_id"] not in _board(client, headers(app, neighbour))

    assert promise.alert_at_risk() == 1  # the window starts in 6 hours: at risk from the start
    after = client.get(f"/api/v1/requests/{request['id']}", headers=headers(app, elder)).json
    assert after["open_to_network"] and after["network_opened_reason"] == "at_risk"
    line = _board(client, headers(app, neighbour))[request["task_id"]]
    assert line["from_other_community"] and line["community_name"] == "和平里"
    alert = [m for m in OutboxMessage.select()
             if m.payload.get("event_key") == f"request:{request['id']}:promise_at_risk"]
    assert alert and "邻近社区" in str(alert[0].payload)
    _verified(client, hpl_station, xfy_station)


def test_the_demo_shows_a_payback_served_by_a_volunteer_of_the_other_community(app):
    from server.models import Member
    from server.services.ledger import ledger_verify
    from server.services.people import demo

    assert demo.load()
    client = app.test_client()
    wu, sun = Member.get(Member.handle == "resident-b"), Member.get(Member.handle == "nurse")
    (request,) = client.get("/api/v1/payback-requests", headers=headers(app, wu)).json["items"]
    assert request["open_to_network"] and request["hold_state"] == "posted" and request["spent_minutes"] == 60
    line = client.get(f"/api/v1/households/{wu.household_id}/passbook", headers=headers(app, wu)).json["entries"][0]
    assert (line["code"], line["other_community"], line["served_by"]) == ("payback", "和平里社区", "孙丽")
    credit = client.get("/api/v1/me/passbook", headers=headers(app, sun)).json["entries"][0]
    assert (credit["code"], credit["other_community"]) == ("service_credit", "幸福苑社区")
    assert ledger_verify.verify() == []
