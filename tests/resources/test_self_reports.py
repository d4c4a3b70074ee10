"""A volunteer's self-report (自主开展) while it waits for its witness: who is told, and what the volunteer may change."""

import datetime as dt

from server import clock
from server.models import OutboxMessage
from server.services import people
from tests.factories import headers, make_community, make_member, make_volunteer


def _body(**overrides) -> dict:
    start = clock.now().replace(second=0, microsecond=0) - dt.timedelta(hours=3)
    body = {
        "category_code": "repairs", "item_code": "appliance_repair", "place": "3号楼2单元301",
        "started_at": start.isoformat(), "ended_at": (start + dt.timedelta(minutes=100)).isoformat(),
        "content": "修理洗衣机排水",
    }
    body.update(overrides)
    return body


def witness_asks(record_id: int) -> dict[str, list[int]]:
    """The witness requests the outbox holds for a record: event key → members asked."""
    asks = {}
    for message in OutboxMessage.select().order_by(OutboxMessage.id):
        payload = message.payload
        if payload.get("template_key") == "witness_request" and payload["data"].get("record_id") == record_id:
            asks.setdefault(payload["event_key"], []).extend(payload["member_ids"])
    return asks


def test_the_named_witness_is_asked_at_once_not_two_days_later(any_app):
    community = make_community()
    volunteer, _ = make_volunteer(community, name="李建国")
    witness = make_member(community, name="王秀兰")
    client = any_app.test_client()
    reported = client.post("/api/v1/service-records", json=_body(witness_member_id=witness.id),
                           headers=headers(any_app, volunteer))
    assert reported.status_code == 201, reported.json
    record_id = reported.json["id"]
    assert witness_asks(record_id) == {f"record:{record_id}:witness": [witness.id]}
    (message,) = [m for m in OutboxMessage.select() if m.payload.get("template_key") == "witness_request"]
    assert message.payload["data"]["volunteer"] == "李建国" and message.payload["data"]["minutes"] == 100


def test_a_witness_without_a_phone_is_asked_through_the_family(any_app):
    community = make_community()
    volunteer, _ = make_volunteer(community)
    daughter = make_member(community, name="王小红")
    grandpa = people.add_dependent(daughter, daughter.household, name="王德顺", relation="父亲")
    client = any_app.test_client()
    reported = client.post("/api/v1/service-records", json=_body(witness_member_id=grandpa.id),
                           headers=headers(any_app, volunteer))
    assert reported.status_code == 201, reported.json
    record_id = reported.json["id"]
    assert sorted(witness_asks(record_id)[f"record:{record_id}:witness"]) == sorted([daughter.id, grandpa.id])


def test_an_outside_witness_is_the_stations_to_call(any_app):
    community = make_community()
    volunteer, _ = make_volunteer(community)
    client = any_app.test_client()
    reported = client.post("/api/v1/service-records", json=_body(witness_name="路人甲", witness_phone="13700000000"),
                           headers=headers(any_app, volunteer))
    assert reported.status_code == 201, reported.json
    assert witness_asks(reported.json["id"]) == {}
