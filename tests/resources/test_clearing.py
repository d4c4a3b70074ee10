"""Hours that cross communities (通存通兑, issue #15 §1–2): clearing accounts, networks, limits, settlements.

Story tests over HTTP on SQLite and PostgreSQL. After each story every community and the network verify.
"""

from tests.factories import headers, make_admin, make_community, make_coordinator, make_member


def _post(client, url, body, who, key=None):
    extra = {"Idempotency-Key": key} if key else {}
    return client.post(url, json=body, headers={**who, **extra})


def _related(app, client, giver, relative, station):
    """The giver's household names the relative's (invite code); the giver's station confirms."""
    kinship = _post(client, "/api/v1/kinships", {"invite_code": relative.household.invite_code, "relation": "母亲"},
                    headers(app, giver)).json
    assert client.post(f"/api/v1/kinships/{kinship['id']}/confirm", headers=station).status_code == 200


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
