"""Moves on the station's desk (迁移, issue #15 §3): does the receiving station's desk list the moves waiting for it,
with the household, the reason, the minutes that would cross and what still blocks it; does the community the
household leaves see its own move waiting elsewhere; does nobody else; and do both lists empty once it is decided?
Over HTTP on SQLite and PostgreSQL."""

import datetime as dt

from server import clock
from tests.factories import (
    headers,
    make_community,
    make_coordinator,
    make_member,
    make_record,
    make_volunteer,
)
from tests.resources.test_clearing import _fund, _verified
from tests.resources.test_moves import _ask, _world


def _desk(client, station):
    answer = client.get("/api/v1/desk", headers=station)
    assert answer.status_code == 200, answer.json
    return answer.json


def test_the_desk_lists_moves_in_and_out_until_they_are_decided(any_app):
    app = any_app
    clock.freeze(dt.datetime(2026, 11, 20, 10, 0))
    client, hpl, xfy, hpl_station, xfy_station, _ = _world(app)
    wang = make_member(hpl, name="王奶奶")
    _fund(client, wang.household_id, 150, hpl_station, "fund-wang")
    volunteer, _ = make_volunteer(hpl, name="李建国")
    asked = _ask(client, wang.household_id, xfy, headers(app, wang))
    assert asked.status_code == 201, asked.json
    clock.freeze(dt.datetime(2026, 11, 20, 11, 0))
    later = _ask(client, volunteer.household_id, xfy, headers(app, volunteer))
    assert later.status_code == 201, later.json
    # After asking, the volunteer's household took part in a service still unconfirmed: it blocks the move.
    record = make_record(volunteer, witness=make_member(hpl))

    waiting = _desk(client, xfy_station)
    assert [m["id"] for m in waiting["moves_in"]] == [asked.json["id"], later.json["id"]]  # oldest first
    first, second = waiting["moves_in"]
    assert (first["household_name"], first["from_community"], first["reason"]) == (
        asked.json["household_name"], "和平里", "搬去女儿家住")
    assert (first["available_minutes"], first["blocking"]) == (150, [])
    assert [(b["kind"], b["id"]) for b in second["blocking"]] == [("record", record.id)]
    assert f"服务记录{record.id}" in second["blocking"][0]["words"]
    assert waiting["moves_out"] == []
    leaving = _desk(client, hpl_station)
    assert [m["id"] for m in leaving["moves_out"]] == [asked.json["id"], later.json["id"]]
    assert leaving["moves_in"] == []
    stranger = headers(app, make_coordinator(make_community("远方")))
    assert (_desk(client, stranger)["moves_in"], _desk(client, stranger)["moves_out"]) == ([], [])

    # The blocked one cannot be accepted yet (409 naming the record); the other is, and the second is rejected.
    blocked = client.post(f"/api/v1/moves/{later.json['id']}/accept", headers=xfy_station)
    assert blocked.status_code == 409 and blocked.json["errors"]["rule"] == "move_not_settled"
    assert client.post(f"/api/v1/moves/{asked.json['id']}/accept", headers=xfy_station).status_code == 200
    rejected = client.post(f"/api/v1/moves/{later.json['id']}/reject", json={"reason": "请先办完服务记录再来"},
                           headers=xfy_station)
    assert rejected.status_code == 200, rejected.json
    assert "available_minutes" not in rejected.json and "blocking" not in rejected.json  # only while pending
    assert (_desk(client, xfy_station)["moves_in"], _desk(client, hpl_station)["moves_out"]) == ([], [])
    _verified(client, hpl_station, xfy_station)
