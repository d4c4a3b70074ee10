"""A network's monthly settlement is published to its communities' coordinators when the month closes
(通存通兑, issue #15 §2), over HTTP on SQLite and PostgreSQL: each station is told its own figures once and
reads the whole settlement from the network page's link.
"""

import datetime as dt

from server import clock
from server.models import OutboxMessage
from server.services.messaging import message_format
from server.services.oversight import monthly_close
from tests.factories import headers, make_admin, make_community, make_coordinator, make_member


def _post(client, url, body, who, key=None):
    return client.post(url, json=body, headers={**who, **({"Idempotency-Key": key} if key else {})})


def _told(network_id):
    """{member id: the inbox text} of the settlement notices of the network."""
    told = {}
    for message in OutboxMessage.select().where(OutboxMessage.key.contains(f":network:{network_id}:settlement:")):
        payload = message.payload
        for member_id in payload["member_ids"]:
            assert member_id not in told, "told twice"
            told[member_id] = (payload["event_key"], message_format.render(payload["template_key"], payload["data"]))
    return told


def test_the_closed_settlement_is_published_to_each_communitys_coordinators_once(any_app):
    app, client = any_app, any_app.test_client()
    clock.freeze(dt.datetime(2026, 3, 10, 10, 0))
    hpl, xfy = make_community("和平里"), make_community("幸福苑")
    hpl_coordinator, xfy_coordinator = make_coordinator(hpl), make_coordinator(xfy)
    admin = headers(app, make_admin())
    network = _post(client, "/api/v1/networks", {"name": "和平街道", "kind": "街道", "community_ids": [hpl.id, xfy.id],
                    "limits": [{"community_id": c.id, "limit_minutes": 600} for c in (hpl, xfy)]}, admin).json
    giver, relative = make_member(hpl), make_member(xfy)
    hpl_station = headers(app, hpl_coordinator)
    funded = _post(client, "/api/v1/ledger/adjustments", {"household_id": giver.household_id, "minutes": 300,
                   "reason": "历年服务补录"}, hpl_station, key="fund-giver")
    assert funded.status_code == 201, funded.json
    kinship = _post(client, "/api/v1/kinships", {"invite_code": relative.household.invite_code, "relation": "母亲"},
                    headers(app, giver)).json
    assert client.post(f"/api/v1/kinships/{kinship['id']}/confirm", headers=hpl_station).status_code == 200
    assert client.post(f"/api/v1/kinships/{kinship['id']}/accept", headers=headers(app, relative)).status_code == 200
    assert _post(client, "/api/v1/ledger/gifts", {"to_household_id": relative.household_id, "minutes": 90},
                 headers(app, giver), key="gift-across").status_code == 201
    assert _told(network["id"]) == {}

    clock.freeze(dt.datetime(2026, 4, 1, 3, 0))
    with app.app_context():
        monthly_close.close_last_month()
        monthly_close.close_last_month()  # the job runs again: nobody is told twice
    told = _told(network["id"])
    assert set(told) == {hpl_coordinator.id, xfy_coordinator.id}
    key, text = told[hpl_coordinator.id]
    assert key == f"network:{network['id']}:settlement:2026-03:{hpl.id}"
    assert text["body"] == "通存通兑月度结算：和平街道2026年3月：本社区转出1.5小时、转入0小时，月末网络欠本社区1.5小时"
    assert text["link"] == "pages/station/network"
    assert told[xfy_coordinator.id][1]["body"].endswith("本社区转出0小时、转入1.5小时，月末本社区欠网络1.5小时")

    answer = client.get(f"/api/v1/networks/{network['id']}/settlements?year=2026&month=3", headers=hpl_station)
    assert answer.status_code == 200 and answer.json["closed"] is True
