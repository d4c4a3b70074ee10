"""Hours that cross communities (通存通兑, issue #15 §1–2): clearing accounts, networks, limits, settlements.

Story tests over HTTP on SQLite and PostgreSQL. After each story every community and the network verify.
"""

import datetime as dt

from server import clock
from server.services.oversight import monthly_close
from tests.factories import headers, make_admin, make_community, make_coordinator, make_member


def _post(client, url, body, who, key=None):
    extra = {"Idempotency-Key": key} if key else {}
    return client.post(url, json=body, headers={**who, **extra})


def _related(app, client, giver, relative, station):
    """The giver's household names the relative's (invite code); the giver's station confirms, and the relative's
    household confirms from its side (across communities, both households)."""
    kinship = _post(client, "/api/v1/kinships", {"invite_code": relative.household.invite_code, "relation": "母亲"},
                    headers(app, giver)).json
    assert client.post(f"/api/v1/kinships/{kinship['id']}/confirm", headers=station).status_code == 200
    accepted = client.post(f"/api/v1/kinships/{kinship['id']}/accept", headers=headers(app, relative))
    assert accepted.status_code == 200, accepted.json
    assert accepted.json["confirmed"] and accepted.json["waiting_for"] == []


def _fund(client, household_id, minutes, station, key):
    answer = _post(client, "/api/v1/ledger/adjustments", {"household_id": household_id, "minutes": minutes,
                   "reason": "历年服务补录"}, station, key=key)
    assert answer.status_code == 201, answer.json


def _verified(client, *stations):
    for station in stations:
        answer = client.get("/api/v1/ledger/verification", headers=station).json
        assert answer["ok"], answer["violations"]


def test_a_gift_to_a_relative_in_another_community_keeps_both_ledgers_whole(any_app):
    app, client = any_app, any_app.test_client()
    hpl, xfy = make_community("和平里"), make_community("幸福苑")
    hpl_station, xfy_station = headers(app, make_coordinator(hpl)), headers(app, make_coordinator(xfy))
    admin = headers(app, make_admin())
    volunteer, wu = make_member(hpl, name="王志愿"), make_member(xfy, name="吴奶奶")
    network = _post(client, "/api/v1/networks", {"name": "和平街道", "kind": "街道", "community_ids": [hpl.id, xfy.id],
                    "limits": [{"community_id": hpl.id, "limit_minutes": 600}, {"community_id": xfy.id, "limit_minutes": 600}]}, admin, key="network-1")
    assert network.status_code == 201, network.json
    _fund(client, volunteer.household_id, 300, hpl_station, "fund-volunteer")
    _related(app, client, volunteer, wu, hpl_station)

    gift = _post(client, "/api/v1/ledger/gifts", {"to_household_id": wu.household_id, "minutes": 60, "note": "给妈妈"},
                 headers(app, volunteer), key="gift-to-wu")
    assert gift.status_code == 201, gift.json

    _verified(client, hpl_station, xfy_station)
    for station in (hpl_station, xfy_station):  # both stations see the transfer that touched their community
        seen = client.get(f"/api/v1/transfers/{gift.json['id']}", headers=station)
        assert seen.status_code == 200, seen.json
    # giver −60, giver's clearing +60 | receiver's clearing −60, receiver +60: each community's legs sum to zero.
    legs = {(leg["community_id"], leg["account_kind"]): leg["minutes"] for leg in gift.json["legs"]}
    assert legs == {(hpl.id, "household"): -60, (hpl.id, "clearing"): 60, (xfy.id, "clearing"): -60,
                    (xfy.id, "household"): 60}
    assert (gift.json["community_id"], gift.json["counter_community_id"]) == (hpl.id, xfy.id)
    # Each community's legs sum to zero; 和平里 is owed an hour by the network, 幸福苑 owes it one.
    detail = client.get(f"/api/v1/networks/{network.json['id']}", headers=admin).json
    positions = {m["community_id"]: m["position_minutes"] for m in detail["members"]}
    assert positions == {hpl.id: 60, xfy.id: -60}
    # The passbooks name the other community.
    wu_book = client.get(f"/api/v1/households/{wu.household_id}/passbook", headers=headers(app, wu)).json
    assert wu_book["entries"][0]["other_community"] == "和平里"
    assert "和平里" in wu_book["entries"][0]["content"]
    giver_book = client.get(f"/api/v1/households/{volunteer.household_id}/passbook", headers=headers(app, volunteer)).json
    assert giver_book["entries"][0]["other_community"] == "幸福苑"


def _network(client, admin, communities, limit=600, name="和平街道"):
    answer = _post(client, "/api/v1/networks", {
        "name": name, "kind": "街道", "community_ids": [c.id for c in communities],
        "limits": [{"community_id": c.id, "limit_minutes": limit} for c in communities]}, admin, key=f"network-{name}")
    assert answer.status_code == 201, answer.json
    return answer.json


def _two_communities(app):
    hpl, xfy = make_community("和平里"), make_community("幸福苑")
    return hpl, xfy, headers(app, make_coordinator(hpl)), headers(app, make_coordinator(xfy))


def test_a_gift_past_a_limit_is_refused_with_the_figures(any_app):
    app, client = any_app, any_app.test_client()
    hpl, xfy, hpl_station, xfy_station = _two_communities(app)
    admin = headers(app, make_admin())
    network = _network(client, admin, [hpl, xfy], limit=120)
    giver, relative = make_member(hpl), make_member(xfy)
    _fund(client, giver.household_id, 600, hpl_station, "fund-giver")
    _related(app, client, giver, relative, hpl_station)
    me = headers(app, giver)
    assert _post(client, "/api/v1/ledger/gifts", {"to_household_id": relative.household_id, "minutes": 90},
                 me, key="gift-one").status_code == 201

    refused = _post(client, "/api/v1/ledger/gifts", {"to_household_id": relative.household_id, "minutes": 60},
                    me, key="gift-two")
    assert refused.status_code == 422, refused.json
    errors, message = refused.json["errors"], refused.json["message"]
    assert errors["rule"] == "network_limit" and errors["json"] == {"minutes": [message]}
    figures = errors["details"]
    assert (figures["limit_minutes"], figures["position_minutes"], figures["asked_minutes"]) == (120, 90, 60)
    assert "和平里" in message and "额度为2小时" in message and "网络欠本社区1.5小时" in message and "转出1小时" in message
    # Nothing moved: the passbook, the positions and both ledgers are as after the first gift.
    book = client.get(f"/api/v1/households/{giver.household_id}/passbook", headers=me).json
    assert book["balance_minutes"] == 510
    detail = client.get(f"/api/v1/networks/{network['id']}", headers=hpl_station).json
    assert {m["community_id"]: m["position_minutes"] for m in detail["members"]} == {hpl.id: 90, xfy.id: -90}
    assert detail["members"][0]["position_label"] == "网络欠本社区1.5小时"
    # A limit below the position is refused too; raising it lets the gift through.
    lower = client.patch(f"/api/v1/networks/{network['id']}", json={
        "limits": [{"community_id": xfy.id, "limit_minutes": 60}]}, headers=admin)
    assert lower.status_code == 422 and lower.json["errors"]["rule"] == "limit_below_position"
    raise_ = client.patch(f"/api/v1/networks/{network['id']}", json={
        "limits": [{"community_id": hpl.id, "limit_minutes": 300}, {"community_id": xfy.id, "limit_minutes": 300}]},
        headers=admin)
    assert raise_.status_code == 200, raise_.json
    assert _post(client, "/api/v1/ledger/gifts", {"to_household_id": relative.household_id, "minutes": 60},
                 me, key="gift-two").status_code == 201
    _verified(client, hpl_station, xfy_station)


def test_a_gift_to_a_community_outside_the_network_is_refused(any_app):
    app, client = any_app, any_app.test_client()
    hpl, xfy, hpl_station, xfy_station = _two_communities(app)
    giver, relative = make_member(hpl), make_member(xfy)
    _fund(client, giver.household_id, 300, hpl_station, "fund-giver")
    _related(app, client, giver, relative, hpl_station)
    refused = _post(client, "/api/v1/ledger/gifts", {"to_household_id": relative.household_id, "minutes": 60},
                    headers(app, giver), key="gift-out")
    assert refused.status_code == 422 and refused.json["errors"]["rule"] == "not_in_one_network"
    assert "不在同一个通存通兑网络里" in refused.json["message"]
    _verified(client, hpl_station, xfy_station)


def test_the_receiving_station_reverses_a_gift_and_both_ledgers_stay_whole(any_app):
    app, client = any_app, any_app.test_client()
    hpl, xfy, hpl_station, xfy_station = _two_communities(app)
    admin = headers(app, make_admin())
    network = _network(client, admin, [hpl, xfy])
    giver, relative = make_member(hpl), make_member(xfy)
    _fund(client, giver.household_id, 300, hpl_station, "fund-giver")
    _related(app, client, giver, relative, hpl_station)
    gift = _post(client, "/api/v1/ledger/gifts", {"to_household_id": relative.household_id, "minutes": 120},
                 headers(app, giver), key="gift-rev").json
    reversal = _post(client, f"/api/v1/transfers/{gift['id']}/reversal", {"reason": "误转，家属要求退回"},
                     xfy_station, key="reverse-gift")
    assert reversal.status_code == 201, reversal.json
    assert sorted((leg["community_id"], leg["minutes"]) for leg in reversal.json["legs"]) == sorted(
        (leg["community_id"], -leg["minutes"]) for leg in gift["legs"])
    detail = client.get(f"/api/v1/networks/{network['id']}", headers=xfy_station).json
    assert {m["position_minutes"] for m in detail["members"]} == {0}
    _verified(client, hpl_station, xfy_station)
    # A third community's station sees neither the gift nor the network.
    other = headers(app, make_coordinator(make_community("安华里")))
    assert client.get(f"/api/v1/transfers/{gift['id']}", headers=other).status_code == 404
    assert client.get(f"/api/v1/networks/{network['id']}", headers=other).status_code == 404
    assert client.get(f"/api/v1/networks/{network['id']}/settlements?year=2026&month=1", headers=other).status_code == 404
    assert client.get("/api/v1/networks", headers=other).json == []


def test_only_admins_make_or_change_networks(any_app):
    app, client = any_app, any_app.test_client()
    hpl, xfy, hpl_station, _ = _two_communities(app)
    body = {"name": "和平街道", "kind": "街道", "community_ids": [hpl.id, xfy.id]}
    assert _post(client, "/api/v1/networks", body, hpl_station).status_code == 403
    admin = headers(app, make_admin())
    network = _network(client, admin, [hpl, xfy])
    assert client.patch(f"/api/v1/networks/{network['id']}", json={"name": "新名"}, headers=hpl_station).status_code == 403
    # A community is in one network at most.
    third = make_community("安华里")
    again = _post(client, "/api/v1/networks", {**body, "name": "另一个", "community_ids": [xfy.id, third.id]}, admin)
    assert again.status_code == 409 and again.json["errors"]["rule"] == "community_in_network"
    # The station of a member community sees its network in the list.
    assert [n["id"] for n in client.get("/api/v1/networks", headers=hpl_station).json] == [network["id"]]


def test_a_month_of_settlements_is_closed_with_the_monthly_close(any_app):
    app, client = any_app, any_app.test_client()
    clock.freeze(dt.datetime(2026, 3, 10, 10, 0))
    hpl, xfy, hpl_station, xfy_station = _two_communities(app)
    third = make_community("安华里")
    third_station = headers(app, make_coordinator(third))
    admin = headers(app, make_admin())
    network = _network(client, admin, [hpl, xfy, third], limit=1000)
    a, b, c = make_member(hpl), make_member(xfy), make_member(third)
    for member, station in ((a, hpl_station), (b, xfy_station), (c, third_station)):
        _fund(client, member.household_id, 600, station, f"fund-member-{member.id}")
    _related(app, client, a, b, hpl_station)
    _related(app, client, b, c, xfy_station)
    _related(app, client, c, a, third_station)

    def gift(giver, to, minutes, key):
        answer = _post(client, "/api/v1/ledger/gifts", {"to_household_id": to.household_id, "minutes": minutes},
                       headers(app, giver), key=key)
        assert answer.status_code == 201, answer.json
        return answer.json

    gift(a, b, 120, "march-a-b-1")   # 和平里 → 幸福苑 120
    gift(a, b, 60, "march-a-b-2")    # 和平里 → 幸福苑 60 (180 in two)
    gift(b, c, 90, "march-b-c")      # 幸福苑 → 安华里 90
    gift(c, a, 30, "march-c-a")      # 安华里 → 和平里 30
    clock.freeze(dt.datetime(2026, 4, 2, 9, 0))
    gift(a, b, 240, "april-a-b")     # April: not in March's settlement
    # Hand-computed March: positions 和平里 +180−30 = +150, 幸福苑 −180+90 = −90, 安华里 −90+30 = −60.
    expected_flows = {(hpl.id, xfy.id): (180, 2), (xfy.id, third.id): (90, 1), (third.id, hpl.id): (30, 1)}
    expected_positions = {hpl.id: 150, xfy.id: -90, third.id: -60}
    url = f"/api/v1/networks/{network['id']}/settlements?year=2026&month=3"
    live = client.get(url, headers=hpl_station).json
    assert live["closed"] is False

    with app.app_context():
        monthly_close.close_last_month()
    for station in (hpl_station, xfy_station, third_station):
        answer = client.get(url, headers=station)
        assert answer.status_code == 200, answer.json
        closed = answer.json
        assert closed["closed"] is True
        assert {(f["from_community_id"], f["to_community_id"]): (f["minutes"], f["transfers"])
                for f in closed["flows"]} == expected_flows
        assert {p["community_id"]: p["position_minutes"] for p in closed["positions"]} == expected_positions
    assert closed["flows"][0]["from_community_name"] in ("和平里", "幸福苑", "安华里")
    # Now (April) the positions include April's gift; the register of March balances with the clearing account.
    detail = client.get(f"/api/v1/networks/{network['id']}", headers=admin).json
    assert {m["community_id"]: m["position_minutes"] for m in detail["members"]} == {hpl.id: 390, xfy.id: -330,
                                                                                    third.id: -60}
    with app.app_context():
        assert monthly_close.register(hpl, 2026, 3)["balanced"]
        assert monthly_close.register(xfy, 2026, 3)["clearing_minutes"] == -90
    _verified(client, hpl_station, xfy_station, third_station)


def test_the_relatives_station_confirms_for_an_elder_without_a_phone(any_app):
    app, client = any_app, any_app.test_client()
    hpl, xfy, third = make_community("和平里"), make_community("幸福苑"), make_community("东风里")
    hpl_station, xfy_station = headers(app, make_coordinator(hpl)), headers(app, make_coordinator(xfy))
    volunteer, wu = make_member(hpl, name="王志愿"), make_member(xfy, name="吴奶奶")
    _post(client, "/api/v1/networks", {"name": "和平街道", "kind": "街道", "community_ids": [hpl.id, xfy.id]},
          headers(app, make_admin()), key="network-1")
    _fund(client, volunteer.household_id, 300, hpl_station, "fund-volunteer")
    kinship = _post(client, "/api/v1/kinships", {"invite_code": wu.household.invite_code, "relation": "母亲"},
                    headers(app, volunteer)).json
    assert kinship["across_communities"] and kinship["waiting_for"] == ["station", "relative"]
    assert client.post(f"/api/v1/kinships/{kinship['id']}/confirm", headers=hpl_station).status_code == 200
    refused = _post(client, "/api/v1/ledger/gifts", {"to_household_id": wu.household_id, "minutes": 60, "note": ""},
                    headers(app, volunteer), key="gift-early")
    assert refused.status_code == 422 and refused.json["errors"]["rule"] == "kinship_not_accepted"
    # 幸福苑's station lists the kinship and confirms for 吴奶奶; a third community's station gets 404.
    listed = client.get("/api/v1/kinships", headers=xfy_station).json
    assert [k["id"] for k in listed] == [kinship["id"]] and listed[0]["waiting_for"] == ["relative"]
    outsider = client.post(f"/api/v1/kinships/{kinship['id']}/accept", headers=headers(app, make_coordinator(third)))
    assert outsider.status_code == 404
    # Only the asking household's station confirms the relationship itself.
    assert client.post(f"/api/v1/kinships/{kinship['id']}/confirm", headers=xfy_station).status_code == 403
    accepted = client.post(f"/api/v1/kinships/{kinship['id']}/accept", headers=xfy_station)
    assert accepted.status_code == 200 and accepted.json["confirmed"], accepted.json
    gift = _post(client, "/api/v1/ledger/gifts", {"to_household_id": wu.household_id, "minutes": 60, "note": ""},
                 headers(app, volunteer), key="gift-late")
    assert gift.status_code == 201 and gift.json["minutes"] == 60, gift.json
    _verified(client, hpl_station, xfy_station)
