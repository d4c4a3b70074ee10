"""A payback opened to the network tells the neighbours who fit it (通存通兑, issue #15 §3), over HTTP on SQLite
and PostgreSQL.

Opening a payback request to its network — by the elder when asking, later through
POST /requests/{id}/open-to-network, or by the at-risk job — runs matching's network round for the task's
current opening: the best K volunteers of the network's *other* communities whose limits leave room for its
minutes get a `task_offer` saying 来自XX社区, once per opening. The round runs here as the worker would run
its outbox row (matching.run_round); tests/workers/test_network_offers.py runs the real jobs.
"""

import datetime as dt

import pytest

from server import clock, runtime
from server.models import OutboxMessage, Task, TaskCandidate, TaskOpening
from server.services.board import matching, promise
from server.services.messaging import message_format, notifications
from tests.factories import (
    credited_record,
    headers,
    make_admin,
    make_community,
    make_coordinator,
    make_member,
    make_volunteer,
    need,
)

NOW = dt.datetime(2026, 5, 12, 8, 0)
ROUND = matching.NETWORK_ROUND


@pytest.fixture
def app(any_app, monkeypatch):
    monkeypatch.setitem(runtime._settings, "MATCH_TOP_K_PAYBACK", 2)  # a round leaves somebody for the next
    clock.freeze(NOW)
    return any_app


def _json(body: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.datetime | dt.date) else v) for k, v in body.items()}


def _post(client, url, body, who, key=None):
    return client.post(url, json=body, headers={**who, **({"Idempotency-Key": key} if key else {})})


def _world(client, limits=None):
    """和平里, 幸福苑 and 安华里 in one network (limits in minutes by name, 600 unless told), 长安 outside it; an elder of
    和平里 with 300 minutes; repair volunteers: one at home, three in 幸福苑, one in 安华里, one in 长安; and a
    幸福苑 tutor who does not fit."""
    app = client.application
    hpl, xfy, ahl, far = (make_community(name) for name in ("和平里", "幸福苑", "安华里", "长安"))
    limits = {c.id: (limits or {}).get(c.name, 600) for c in (hpl, xfy, ahl)}
    admin = headers(app, make_admin())
    made = _post(client, "/api/v1/networks", {
        "name": "和平街道", "kind": "街道", "community_ids": [hpl.id, xfy.id, ahl.id],
        "limits": [{"community_id": c, "limit_minutes": m} for c, m in limits.items()]}, admin)
    assert made.status_code == 201, made.json
    station = headers(app, make_coordinator(hpl))
    elder = make_member(hpl, name="王桂芳", birth_date=dt.date(1950, 3, 1))
    funded = _post(client, "/api/v1/ledger/adjustments", {"household_id": elder.household_id, "minutes": 300,
                   "reason": "纸质存折转入"}, station, key="fund-elder")
    assert funded.status_code == 201, funded.json
    local, _ = make_volunteer(hpl, name="赵和平")
    xfy_volunteers = [make_volunteer(xfy, name=name)[0] for name in ("李幸福", "钱幸福", "孙幸福")]
    ahl_volunteer, _ = make_volunteer(ahl, name="周安华")
    outsider, _ = make_volunteer(far, name="吴长安")
    tutor, _ = make_volunteer(xfy, name="郑家教", intentions=["tutoring"])
    return dict(hpl=hpl, xfy=xfy, ahl=ahl, admin=admin, network_id=made.json["id"], limits=limits, station=station, elder=elder, local=local, xfy_volunteers=xfy_volunteers,
                ahl_volunteer=ahl_volunteer, outsider=outsider, tutor=tutor)


def _network_rounds(task_id):
    return list(OutboxMessage.select().where(OutboxMessage.kind == matching.PRIORITY_KIND,
                                             OutboxMessage.key.startswith(f"{matching.PRIORITY_KIND}:task:{task_id}:"),
                                             OutboxMessage.key.endswith(f":round:{ROUND}")))


def _offers(task_id, round_no=ROUND):
    """{member id: the inbox text they will read} for the offers of one round of the task."""
    told = {}
    for message in OutboxMessage.select().where(OutboxMessage.kind.in_((notifications.KIND, notifications.URGENT_KIND))):
        payload = message.payload
        key = payload.get("event_key", "")
        if payload.get("template_key") == "task_offer" and key.startswith(f"task:{task_id}:offer:") \
                and key.endswith(f":{round_no}"):
            for member_id in payload["member_ids"]:
                told[member_id] = message_format.render("task_offer", payload["data"])["body"]
    return told


def _open(client, who, hours_from_now=0, **extra):
    body = {**need(hours_from_now=hours_from_now, minutes=120), **extra}
    opened = _post(client, "/api/v1/payback-requests", _json(body), who)
    assert opened.status_code == 201, opened.json
    return opened.json


def _verified(client, station):
    answer = client.get("/api/v1/ledger/verification", headers=station).json
    assert answer["ok"], answer["violations"]


def test_asking_with_open_to_network_tells_the_best_neighbours_once(app):
    client = app.test_client()
    w = _world(client)
    request = _open(client, headers(app, w["elder"]), open_to_network=True)
    task_id = request["task_id"]
    (row,) = _network_rounds(task_id)
    opening = TaskOpening.get(TaskOpening.task == task_id)
    assert row.payload == {"opening_id": opening.id, "round": ROUND}

    chosen = matching.run_round(opening.id, ROUND)
    neighbours = {v.id for v in w["xfy_volunteers"]} | {w["ahl_volunteer"].id}
    asked = [c.volunteer_id for c in chosen]
    assert len(asked) == 2 and set(asked) <= neighbours  # K of them, never the home community's or an outsider
    told = _offers(task_id)
    assert set(told) == set(asked)
    for text in told.values():
        assert text.startswith("来自和平里，优先回馈·") and "地点：和平里" in text

    # Run again, opened again: nobody is asked or told twice.
    rows = OutboxMessage.select().count()
    assert [c.volunteer_id for c in matching.run_round(opening.id, ROUND)] == asked
    again = client.post(f"/api/v1/requests/{request['id']}/open-to-network", headers=headers(app, w["elder"]))
    assert again.status_code == 200, again.json
    assert OutboxMessage.select().count() == rows and len(_network_rounds(task_id)) == 1

    # The ordinary round 1 asks the best two not asked yet, across the network: the home volunteer reads
    # the plain offer, a neighbour the one naming 和平里.
    first = [c.volunteer_id for c in matching.run_round(opening.id, 1)]
    assert w["local"].id in first and not set(first) & set(asked) and len(first) == 2
    told = _offers(task_id, 1)
    assert not told[w["local"].id].startswith("来自")
    (other,) = set(first) - {w["local"].id}
    assert other in neighbours and told[other].startswith("来自和平里，")
    everyone = {c.volunteer_id for c in TaskCandidate.select().where(TaskCandidate.task == task_id)}
    assert not everyone & {w["outsider"].id, w["tutor"].id}

    # The coordinators see the network round among the candidates, with its reasons.
    view = client.get(f"/api/v1/tasks/{task_id}/candidates", headers=w["station"]).json
    rounds = {c["volunteer"]["member_id"]: c["round"] for c in view["openings"][0]["candidates"]}
    assert {m for m, r in rounds.items() if r == ROUND} == set(asked)
    _verified(client, w["station"])


def test_neighbours_whose_limit_has_no_room_are_not_told(app):
    client = app.test_client()
    # 幸福苑 may be owed only an hour: a two-hour service by its volunteer could not be credited.
    w = _world(client, limits={"幸福苑": 60})
    request = _open(client, headers(app, w["elder"]), open_to_network=True)
    opening = TaskOpening.get(TaskOpening.task == request["task_id"])
    asked = {c.volunteer_id for c in matching.run_round(opening.id, ROUND)}
    assert asked == {w["ahl_volunteer"].id}
    first = {c.volunteer_id for c in matching.run_round(opening.id, 1)}
    assert first == {w["local"].id}  # the ordinary rounds leave out 幸福苑 too
    assert not set(_offers(request["task_id"])) & {v.id for v in w["xfy_volunteers"]}

    # The home community's own limit lowered: no room, no neighbour is asked at all.
    lowered = client.patch(f"/api/v1/networks/{w['network_id']}", json={"limits": [
        {"community_id": w["hpl"].id, "limit_minutes": 60}]}, headers=w["admin"])
    assert lowered.status_code == 200, lowered.json
    second = _open(client, headers(app, w["elder"]), open_to_network=True, description="第二次求助，请帮忙")
    opening = TaskOpening.get(TaskOpening.task == second["task_id"])
    assert matching.run_round(opening.id, ROUND) == []
    assert _offers(second["task_id"]) == {}


def test_opened_later_by_the_station_or_the_at_risk_job_the_neighbours_are_told(app):
    client = app.test_client()
    w = _world(client)
    me = headers(app, w["elder"])
    later = _open(client, me)
    at_risk = _open(client, me, description="另一件事，也请帮忙")
    assert _network_rounds(later["task_id"]) == [] and _network_rounds(at_risk["task_id"]) == []

    assert client.post(f"/api/v1/requests/{later['id']}/open-to-network", headers=w["station"]).status_code == 200
    assert promise.alert_at_risk() >= 1  # both start now: at risk from the start; the second is opened by the job
    for request in (later, at_risk):
        (row,) = _network_rounds(request["task_id"])
        assert [c.volunteer_id for c in matching.run_round(row.payload["opening_id"], ROUND)]
        assert all(text.startswith("来自和平里，") for text in _offers(request["task_id"]).values())
    assert client.get(f"/api/v1/requests/{at_risk['id']}", headers=me).json["network_opened_reason"] == "at_risk"


def test_a_reserved_task_tells_the_neighbours_when_its_reservation_ends(app):
    client = app.test_client()
    w = _world(client)
    credited_record(w["local"], w["elder"], days_ago=3, recipient_member_id=w["elder"].id)  # he may be named
    request = _open(client, headers(app, w["elder"]), hours_from_now=24, open_to_network=True,
                    preferred_volunteer_id=w["local"].id)
    task = Task.get_by_id(request["task_id"])
    assert task.reserved_until is not None and task.reserved_until > NOW
    (row,) = _network_rounds(task.id)
    assert row.due_at == task.reserved_until  # the sweeper hands it to the workers then, not before
    assert matching.run_round(row.payload["opening_id"], ROUND) == []  # run early anyway: nobody is asked

    clock.freeze(task.reserved_until + dt.timedelta(minutes=1))
    assert len(matching.run_round(row.payload["opening_id"], ROUND)) == 2


def test_a_task_given_back_opens_again_and_asks_the_network_again_once(app):
    client = app.test_client()
    w = _world(client)
    request = _open(client, headers(app, w["elder"]), open_to_network=True)
    task_id = request["task_id"]
    (first,) = _network_rounds(task_id)
    asked = [c.volunteer_id for c in matching.run_round(first.payload["opening_id"], ROUND)]
    neighbour = headers(app, TaskCandidate.get(TaskCandidate.volunteer == asked[0]).volunteer)
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=neighbour).status_code == 200
    released = client.post(f"/api/v1/tasks/{task_id}/release", headers=neighbour)
    assert released.status_code == 200, released.json

    rows = _network_rounds(task_id)
    assert len(rows) == 2 and rows[1].payload["opening_id"] != first.payload["opening_id"]
    again = [c.volunteer_id for c in matching.run_round(rows[1].payload["opening_id"], ROUND)]
    assert again and asked[0] not in again  # who gave it back is not asked about it again


def test_a_neighbour_in_a_building_of_the_same_name_does_not_live_near(app):
    """3号楼 of 幸福苑 is not 3号楼 of 和平里: the score's proximity counts the task's community only."""
    client = app.test_client()
    hpl, xfy = make_community("和平里"), make_community("幸福苑")
    made = _post(client, "/api/v1/networks", {"name": "和平街道", "kind": "街道", "community_ids": [hpl.id, xfy.id]},
                 headers(app, make_admin()))
    assert made.status_code == 201, made.json
    elder = make_member(hpl, name="王桂芳", building="3号楼", area="东区", birth_date=dt.date(1950, 3, 1))
    funded = _post(client, "/api/v1/ledger/adjustments", {"household_id": elder.household_id, "minutes": 300,
                   "reason": "纸质存折转入"}, headers(app, make_coordinator(hpl)), key="fund-elder")
    assert funded.status_code == 201, funded.json
    neighbour, _ = make_volunteer(xfy, name="李幸福", building="3号楼", area="东区")
    local, _ = make_volunteer(hpl, name="赵和平", building="3号楼", area="东区")
    request = _open(client, headers(app, elder), open_to_network=True)
    opening = TaskOpening.get(TaskOpening.task == request["task_id"])
    (asked,) = matching.run_round(opening.id, ROUND)
    assert asked.volunteer_id == neighbour.id
    assert asked.components["proximity"]["score"] == 0 and asked.components["proximity"]["note"] == "不在同楼或同片区"
    first = {c.volunteer_id: c for c in matching.run_round(opening.id, 1)}
    assert first[local.id].components["proximity"]["score"] == 1
