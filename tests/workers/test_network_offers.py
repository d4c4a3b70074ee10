"""The neighbours' offer, through the real jobs: a payback opened to the network reaches the inbox of the best
volunteers of the network's other communities, saying 来自XX社区 and opening the task's page (通存通兑, issue #15).

和平里 and 幸福苑 in one network; 王秀兰 of 和平里 asks for help and lets the neighbours help too. The API
enqueues matching (a payback: at once), the round's job asks, the notification job fills the inboxes.
"""

import datetime as dt

import pytest

from server import clock
from server.models import Notification, Task, TaskCandidate
from server.services.board import matching
from tests.factories import (
    headers,
    make_admin,
    make_community,
    make_coordinator,
    make_member,
    make_volunteer,
    need,
)

FRIDAY = dt.datetime(2026, 5, 15, 10, 0)


@pytest.fixture
def app(any_app):
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


def test_the_neighbours_inboxes_name_the_requesters_community_once(app, workers, run_jobs, flush):
    client = app.test_client()
    hpl, xfy = make_community("和平里社区"), make_community("幸福苑社区")
    made = client.post("/api/v1/networks", json={"name": "和平街道", "kind": "街道", "community_ids": [hpl.id, xfy.id]},
                       headers=headers(app, make_admin()))
    assert made.status_code == 201, made.json
    station = headers(app, make_coordinator(hpl))
    elder = make_member(hpl, name="王秀兰", building="3号楼", birth_date=dt.date(1950, 1, 1))
    funded = client.post("/api/v1/ledger/adjustments", json={"household_id": elder.household_id, "minutes": 600,
                         "reason": "历年服务补录"}, headers={**station, "Idempotency-Key": "fund-elder"})
    assert funded.status_code == 201, funded.json
    local, _ = make_volunteer(hpl, name="李建国", building="3号楼")
    neighbours = [make_volunteer(xfy, name=name, building="1号楼")[0] for name in ("孙幸福", "钱幸福", "周幸福")]

    opened = client.post("/api/v1/payback-requests", headers=headers(app, elder),
                         json={**_json(need(hours_from_now=24)), "open_to_network": True})
    assert opened.status_code == 201, opened.json
    task_id = opened.json["task_id"]
    flush()
    run_jobs()

    network = {c.volunteer_id for c in TaskCandidate.select().where(TaskCandidate.task == task_id,
                                                                     TaskCandidate.round == matching.NETWORK_ROUND)}
    assert len(network) == 2 and network <= {n.id for n in neighbours}
    offers = {n.recipient_id: n for n in Notification.select().where(Notification.template_key == "task_offer")}
    assert network <= set(offers) and local.id in offers  # round 1 asked at home as ever
    for member_id, offer in offers.items():
        assert offer.urgent and offer.link == f"pages/tasks/detail?id={task_id}"
        if member_id == local.id:
            assert offer.body.startswith("优先回馈·") and "地点：3号楼" in offer.body
        else:  # a neighbour, asked in the network round or in round 1 beside the home volunteer
            assert offer.body.startswith("来自和平里社区，优先回馈·") and "地点：和平里社区3号楼" in offer.body

    # Opened again, the jobs run again: nobody hears twice.
    client.post(f"/api/v1/requests/{opened.json['id']}/open-to-network", headers=station)
    flush()
    run_jobs()
    again = Notification.select().where(Notification.template_key == "task_offer")
    assert sorted(n.recipient_id for n in again) == sorted(offers)
    assert Task.get_by_id(task_id).status == "open"
