"""A volunteer's self-report (自主开展) while it waits for its witness: who is told, and what the volunteer may change."""

import datetime as dt

import pytest

from server import clock
from server.models import OutboxMessage
from server.services.people import core as people
from tests.factories import afternoon, headers, make_community, make_member, make_volunteer


@pytest.fixture(autouse=True)
def _afternoon():
    """Records here start hours before now; at 15:00 they never run over midnight."""
    clock.freeze(afternoon())
    yield
    clock.freeze(None)


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


def _reported(client, app, volunteer, witness, **overrides):
    answer = client.post("/api/v1/service-records", json=_body(witness_member_id=witness.id, **overrides),
                         headers=headers(app, volunteer))
    assert answer.status_code == 201, answer.json
    return answer.json


def test_a_withdrawn_report_frees_its_time_and_the_cap_and_cannot_be_confirmed(any_app):
    community = make_community()
    volunteer, _ = make_volunteer(community)
    witness = make_member(community)
    client = any_app.test_client()
    record = _reported(client, any_app, volunteer, witness)
    qr = client.post(f"/api/v1/service-records/{record['id']}/qr", headers=headers(any_app, volunteer)).json["token"]
    assert client.post(f"/api/v1/service-records/{record['id']}/withdraw",
                       headers=headers(any_app, witness)).status_code == 403  # not the witness's to withdraw
    withdrawn = client.post(f"/api/v1/service-records/{record['id']}/withdraw", headers=headers(any_app, volunteer))
    assert withdrawn.status_code == 200 and withdrawn.json["status"] == "withdrawn"
    assert withdrawn.json["status_label"] == "已撤回"
    again = client.post(f"/api/v1/service-records/{record['id']}/withdraw", headers=headers(any_app, volunteer))
    assert again.status_code == 409 and "已撤回" in again.json["message"]
    assert client.post("/api/v1/service-records/confirm-qr", json={"token": qr},
                       headers=headers(any_app, witness)).status_code == 409
    tap = client.post(f"/api/v1/service-records/{record['id']}/confirm", json={}, headers=headers(any_app, witness))
    assert tap.status_code == 409
    waiting = client.get("/api/v1/service-records?view=to_confirm", headers=headers(any_app, witness)).json["items"]
    assert waiting == []
    # the same time slot may be reported again
    assert _reported(client, any_app, volunteer, witness)["status"] == "reported"


def test_an_edit_before_confirmation_is_checked_asks_the_witness_again_and_voids_the_old_qr(any_app):
    community = make_community()
    volunteer, _ = make_volunteer(community)
    witness, other_witness = make_member(community), make_member(community)
    client = any_app.test_client()
    record = _reported(client, any_app, volunteer, witness)
    url = f"/api/v1/service-records/{record['id']}"
    old_qr = client.post(f"{url}/qr", headers=headers(any_app, volunteer)).json["token"]
    start = dt.datetime.fromisoformat(record["started_at"])
    edited = client.patch(url, json={"ended_at": (start + dt.timedelta(minutes=60)).isoformat(), "content": "修理水龙头",
                                     "witness_member_id": other_witness.id}, headers=headers(any_app, volunteer))
    assert edited.status_code == 200, edited.json
    assert (edited.json["duration_minutes"], edited.json["content"], edited.json["witness_id"]) == (
        60, "修理水龙头", other_witness.id)
    assert witness_asks(record["id"])[f"record:{record['id']}:witness:v2"] == [other_witness.id]
    stale = client.post("/api/v1/service-records/confirm-qr", json={"token": old_qr},
                        headers=headers(any_app, other_witness))
    assert stale.status_code == 409 and "重新出示二维码" in stale.json["message"]
    bad = client.patch(url, json={"ended_at": (start - dt.timedelta(minutes=5)).isoformat()},
                       headers=headers(any_app, volunteer))
    assert bad.status_code == 422 and "ended_at" in bad.json["errors"]["json"]
    new_qr = client.post(f"{url}/qr", headers=headers(any_app, volunteer)).json["token"]
    done = client.post("/api/v1/service-records/confirm-qr", json={"token": new_qr},
                       headers=headers(any_app, other_witness))
    assert done.status_code == 200 and done.json["status"] == "credited" and done.json["credited_minutes"] == 60
    late = client.patch(url, json={"content": "改一下"}, headers=headers(any_app, volunteer))
    assert late.status_code == 409
    assert client.post(f"{url}/withdraw", headers=headers(any_app, volunteer)).status_code == 409
