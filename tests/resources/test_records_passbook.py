"""Service records and the passbook through the HTTP API: the stories residents live."""

import datetime as dt

import pytest

from server import clock
from server.models import Member
from server.services.people import core as people
from tests.factories import (
    afternoon,
    headers,
    make_community,
    make_coordinator,
    make_member,
    make_record,
    make_volunteer,
)


@pytest.fixture(autouse=True)
def _afternoon():
    """Records here start hours before now; at 15:00 they never run over midnight."""
    clock.freeze(afternoon())
    yield
    clock.freeze(None)


def _report(client, app, volunteer, **overrides):
    start = clock.now().replace(second=0, microsecond=0) - dt.timedelta(hours=3)
    body = {
        "category_code": "repairs", "item_code": "appliance_repair", "place": "3号楼2单元301",
        "started_at": start.isoformat(), "ended_at": (start + dt.timedelta(minutes=100)).isoformat(),
        "content": "修理洗衣机排水",
    }
    body.update(overrides)
    return client.post("/api/v1/service-records", json=body, headers=headers(app, volunteer))


def test_self_report_witness_confirms_and_the_passbook_shows_it(app):
    community = make_community()
    volunteer, _ = make_volunteer(community, name="李建国")
    witness = make_member(community, name="王秀兰")
    client = app.test_client()
    reported = _report(client, app, volunteer, witness_member_id=witness.id, recipient_member_id=witness.id)
    assert reported.status_code == 201, reported.json
    record = reported.json
    assert record["status"] == "reported" and record["duration_minutes"] == 100

    waiting = client.get("/api/v1/service-records?view=to_confirm", headers=headers(app, witness)).json
    assert [r["id"] for r in waiting["items"]] == [record["id"]]
    confirmed = client.post(f"/api/v1/service-records/{record['id']}/confirm", json={"rating": 5, "comment": "修得很好"},
                            headers=headers(app, witness))
    assert confirmed.status_code == 200 and confirmed.json["status"] == "credited"
    assert confirmed.json["credited_minutes"] == 90 and confirmed.json["rating"] == 5

    book = client.get("/api/v1/me/passbook", headers=headers(app, volunteer)).json
    assert (book["balance_minutes"], book["held_minutes"], book["available_minutes"]) == (90, 0, 90)
    (line,) = book["entries"]
    assert line["direction"] == "deposit" and line["code_label"] == "服务存入"
    assert (line["minutes"], line["running_balance_minutes"], line["duration_minutes"]) == (90, 90, 100)
    assert (line["place"], line["content"], line["witness_name"], line["served_by"]) == (
        "3号楼2单元301", "修理洗衣机排水", "王秀兰", "李建国")
    assert book["yearly_totals"] == [{"member_id": volunteer.id, "name": "李建国", "year": clock.today().year, "minutes": 90}]
    again = client.post(f"/api/v1/service-records/{record['id']}/confirm", json={}, headers=headers(app, witness))
    assert again.status_code == 409 and "已存入存折" in again.json["message"]


def test_confirm_by_scanning_the_volunteers_qr(app):
    community = make_community()
    volunteer, _ = make_volunteer(community)
    witness = make_member(community)
    record = make_record(volunteer, witness=witness)
    client = app.test_client()
    qr = client.post(f"/api/v1/service-records/{record.id}/qr", headers=headers(app, volunteer))
    assert qr.status_code == 200
    stranger = make_member(community)
    refused = client.post("/api/v1/service-records/confirm-qr", json={"token": qr.json["token"]}, headers=headers(app, stranger))
    assert refused.status_code == 403
    done = client.post("/api/v1/service-records/confirm-qr", json={"token": qr.json["token"]}, headers=headers(app, witness))
    assert done.status_code == 200 and done.json["confirmed_via"] == "qr" and done.json["status"] == "credited"
    forged = client.post("/api/v1/service-records/confirm-qr", json={"token": "not-a-real-token-at-all"},
                         headers=headers(app, witness))
    assert forged.status_code == 422 and forged.json["errors"]["json"] == {"token": ["二维码无效，请扫描爱心银行的二维码"]}


def test_family_confirms_for_a_witness_without_a_phone(app):
    community = make_community()
    volunteer, _ = make_volunteer(community)
    daughter = make_member(community, name="王小红")
    grandpa = people.add_dependent(daughter, daughter.household, name="王德顺", relation="父亲")
    record = make_record(volunteer, witness=grandpa)
    client = app.test_client()
    waiting = client.get("/api/v1/service-records?view=to_confirm", headers=headers(app, daughter)).json["items"]
    assert [r["id"] for r in waiting] == [record.id]
    done = client.post(f"/api/v1/service-records/{record.id}/confirm", json={}, headers=headers(app, daughter)).json
    assert done["status"] == "credited" and done["confirmed_by_name"] == "王小红" and done["confirmed_for_name"] == "王德顺"


def test_the_volunteer_and_their_family_cannot_confirm(app):
    community = make_community()
    volunteer, _ = make_volunteer(community)
    witness = make_member(community)
    record = make_record(volunteer, witness=witness)
    spouse = make_member(household=False)
    people.join_household(spouse, invite_code=Member.get_by_id(volunteer.id).household.invite_code, relation="配偶")
    client = app.test_client()
    for who in (volunteer, spouse):
        answer = client.post(f"/api/v1/service-records/{record.id}/confirm", json={}, headers=headers(app, who))
        assert answer.status_code in (403, 404)


def test_dispute_then_coordinator_approves_or_rejects(app):
    community = make_community()
    volunteer, _ = make_volunteer(community)
    witness = make_member(community)
    coordinator = make_coordinator(community)
    client = app.test_client()
    first = make_record(volunteer, witness=witness, days_ago=1)
    disputed = client.post(f"/api/v1/service-records/{first.id}/dispute", json={"reason": "只修了一半"},
                           headers=headers(app, witness))
    assert disputed.json["status"] == "disputed"
    approved = client.post(f"/api/v1/service-records/{first.id}/approve", headers=headers(app, coordinator))
    assert approved.json["status"] == "credited"
    second = make_record(volunteer, witness=witness, days_ago=2)
    rejected = client.post(f"/api/v1/service-records/{second.id}/reject", json={"reason": "没有这回事"},
                           headers=headers(app, coordinator))
    assert rejected.json["status"] == "rejected"
    late = client.post(f"/api/v1/service-records/{first.id}/reject", json={"reason": "晚了"}, headers=headers(app, coordinator))
    assert late.status_code == 409


def test_outsider_witness_and_late_reports_wait_for_the_coordinator(app):
    community = make_community()
    volunteer, _ = make_volunteer(community)
    witness = make_member(community)
    coordinator = make_coordinator(community)
    client = app.test_client()
    outsider = _report(client, app, volunteer, witness_name="快递员小张", witness_phone="13712345678").json
    assert outsider["witness_id"] is None
    assert client.post(f"/api/v1/service-records/{outsider['id']}/confirm", json={},
                       headers=headers(app, witness)).status_code == 404  # a neighbour does not even see it
    late = make_record(volunteer, witness=witness, days_ago=10)
    assert late.needs_approval
    confirmed = client.post(f"/api/v1/service-records/{late.id}/confirm", json={}, headers=headers(app, witness)).json
    assert confirmed["status"] == "confirmed"  # witnessed, but 补录 waits for the station
    assert client.get("/api/v1/me/passbook", headers=headers(app, volunteer)).json["balance_minutes"] == 0
    approved = client.post(f"/api/v1/service-records/{late.id}/approve", headers=headers(app, coordinator)).json
    assert approved["status"] == "credited"


def test_bad_reports_are_422_naming_the_field(app):
    community = make_community()
    volunteer, _ = make_volunteer(community)
    client = app.test_client()
    no_witness = _report(client, app, volunteer)
    assert no_witness.status_code == 422 and "witness_member_id" in no_witness.json["errors"]["json"]
    backwards = _report(client, app, volunteer, witness_name="张三", witness_phone="13712345678",
                        ended_at=(clock.now() - dt.timedelta(hours=5)).isoformat())
    assert backwards.status_code == 422 and "ended_at" in backwards.json["errors"]["json"]
    future = _report(client, app, volunteer, witness_name="张三", witness_phone="13712345678",
                     ended_at=(clock.now() + dt.timedelta(hours=2)).isoformat())
    assert future.status_code == 422
    junk = client.post("/api/v1/service-records", json={"place": 5, "started_at": "yesterday"}, headers=headers(app, volunteer))
    assert junk.status_code == 422 and {"place", "started_at", "category_code"} <= set(junk.json["errors"]["json"])
    wrong_item = _report(client, app, volunteer, witness_name="张三", witness_phone="13712345678", item_code="free_clinic")
    assert wrong_item.status_code == 422 and "item_code" in wrong_item.json["errors"]["json"]


def test_passbook_pages_by_cursor_and_is_private(app):
    community = make_community()
    volunteer, _ = make_volunteer(community)
    witness = make_member(community)
    client = app.test_client()
    for day in range(5):
        record = make_record(volunteer, witness=witness, days_ago=day + 1, minutes=60)
        client.post(f"/api/v1/service-records/{record.id}/confirm", json={}, headers=headers(app, witness))
    seen, cursor = [], None
    while True:
        url = "/api/v1/me/passbook?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=headers(app, volunteer)).json
        seen += [line["running_balance_minutes"] for line in page["entries"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [300, 240, 180, 120, 60]  # newest first, running totals
    household = volunteer.household_id
    assert client.get(f"/api/v1/households/{household}/passbook", headers=headers(app, witness)).status_code == 404
    assert client.get(f"/api/v1/households/{household}/passbook",
                      headers=headers(app, make_coordinator(community))).json["balance_minutes"] == 300
    assert client.get(f"/api/v1/households/{household}/passbook",
                      headers=headers(app, make_coordinator(make_community()))).status_code == 404
    assert client.get("/api/v1/me/passbook?limit=0", headers=headers(app, volunteer)).status_code == 422


def test_coordinator_corrections_show_in_the_passbook_with_their_reason(app):
    community = make_community()
    resident = make_member(community)
    coordinator = make_coordinator(community)
    client = app.test_client()
    auth = {**headers(app, coordinator), "Idempotency-Key": "adjust-0001"}
    made = client.post("/api/v1/ledger/adjustments", json={"household_id": resident.household_id, "minutes": 120,
                                                           "reason": "九月活动漏记"}, headers=auth)
    assert made.status_code == 201 and made.json["code_label"] == "调整"
    replay = client.post("/api/v1/ledger/adjustments", json={"household_id": resident.household_id, "minutes": 120,
                                                             "reason": "九月活动漏记"}, headers=auth)
    assert replay.get_data() == made.get_data()
    changed = client.post("/api/v1/ledger/adjustments", json={"household_id": resident.household_id, "minutes": 60,
                                                              "reason": "九月活动漏记"}, headers=auth)
    assert changed.status_code == 409
    missing_key = client.post("/api/v1/ledger/adjustments", json={"household_id": resident.household_id, "minutes": 60,
                                                                  "reason": "x补"}, headers=headers(app, coordinator))
    assert missing_key.status_code == 422 and "Idempotency-Key" in missing_key.json["errors"]["headers"]
    reversed_ = client.post(f"/api/v1/transfers/{made.json['id']}/reversal", json={"reason": "重复记录"},
                            headers={**headers(app, coordinator), "Idempotency-Key": "reverse-0001"})
    assert reversed_.status_code == 201 and reversed_.json["reverses_id"] == made.json["id"]
    lines = client.get("/api/v1/me/passbook", headers=headers(app, resident)).json["entries"]
    assert [(line["code_label"], line["minutes"], line["reason"]) for line in lines] == [
        ("冲正", -120, "重复记录"), ("调整", 120, "九月活动漏记")]
    other_community = make_member(make_community())
    elsewhere = client.post("/api/v1/ledger/adjustments", json={"household_id": other_community.household_id,
                                                                "minutes": 60, "reason": "越权"},
                            headers={**headers(app, coordinator), "Idempotency-Key": "adjust-0002"})
    assert elsewhere.status_code == 422 and "household_id" in elsewhere.json["errors"]["json"]
    verification = client.get("/api/v1/ledger/verification", headers=headers(app, coordinator)).json
    assert verification == {"ok": True, "violations": []}


def test_month_close_endpoint_and_statements(app):
    community = make_community()
    resident = make_member(community)
    coordinator = make_coordinator(community)
    client = app.test_client()
    clock.freeze(dt.datetime(2026, 9, 15, 10, 0))
    client.post("/api/v1/ledger/adjustments", json={"household_id": resident.household_id, "minutes": 60, "reason": "九月"},
                headers={**headers(app, coordinator), "Idempotency-Key": "sept-0001"})
    clock.freeze(dt.datetime(2026, 10, 1, 9, 0))
    closed = client.post("/api/v1/statements/close", json={"year": 2026, "month": 9}, headers=headers(app, coordinator))
    assert closed.json == {"year": 2026, "month": 9, "statements": 1}
    twice = client.post("/api/v1/statements/close", json={"year": 2026, "month": 9}, headers=headers(app, coordinator))
    assert twice.json["statements"] == 1
    current = client.post("/api/v1/statements/close", json={"year": 2026, "month": 10}, headers=headers(app, coordinator))
    assert current.status_code == 422
    (statement,) = client.get(f"/api/v1/households/{resident.household_id}/statements", headers=headers(app, resident)).json
    assert (statement["opening_minutes"], statement["minutes_in"], statement["closing_minutes"]) == (0, 60, 60)


def test_the_volunteer_hears_when_hours_are_credited(app):
    from server.models import OutboxMessage

    community = make_community()
    volunteer, _ = make_volunteer(community)
    witness = make_member(community)
    record = make_record(volunteer, witness=witness)
    app.test_client().post(f"/api/v1/service-records/{record.id}/confirm", json={}, headers=headers(app, witness))
    (message,) = OutboxMessage.select().where(OutboxMessage.key.contains(f"record:{record.id}:credited"))
    assert message.payload["template_key"] == "hours_credited" and volunteer.id in message.payload["member_ids"]


def test_record_answers_are_what_their_schema_would_write(app):
    """A record's answer is built JSON-ready (marshmallow does not walk it again): it must be
    exactly what RecordSchema would write from the stored values, keys in the same order."""
    from server.ready import Ready
    from server.resources.records.schemas import RecordSchema
    from server.services.board import record_views, records
    from tests.factories import credited_record

    community = make_community()
    coordinator = make_coordinator(community)
    volunteer, _ = make_volunteer(community)
    witness = make_member(community)
    reported = make_record(volunteer, witness=witness)
    credited = credited_record(volunteer, witness, days_ago=1)
    rejected = records.reject(coordinator, make_record(volunteer, days_ago=2), "重复填报")
    schema = RecordSchema()
    for record in (reported, credited, rejected):  # each as its service returned it
        walked = schema.dump(dict(record_views.record_values(record.id)))
        answer = record_views.record_view(record)
        assert isinstance(answer, Ready) and schema.dump(answer) is answer
        assert answer == walked and list(answer) == list(walked)
        assert answer == record_views.record_view(record.id)  # the instance is what the database holds
    assert answer["started_at"].endswith("+08:00") and answer["confirmed_at"] is None
