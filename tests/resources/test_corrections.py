"""Corrections (更正) of a credited record's times over HTTP: reversal + corrected credit, linked, and four eyes."""

import datetime as dt

from server import clock
from server.models import OutboxMessage, ServiceRecord, Transfer
from server.services.ledger import ledger_ops
from server.services.oversight import monthly_close
from tests.factories import (
    credited_record,
    headers,
    make_admin,
    make_community,
    make_coordinator,
    make_member,
    make_volunteer,
)

NOW = dt.datetime(2026, 11, 18, 16, 0)


def _setup(any_app, **record):
    clock.freeze(NOW)
    community = make_community()
    volunteer, _ = make_volunteer(community, name="周志强")
    witness = make_member(community, name="吴阿姨")
    first, second = make_coordinator(community, name="孙站长"), make_coordinator(community, name="李副站长")
    record = credited_record(volunteer, witness, minutes=record.get("minutes", 90), start_hour=9)
    return community, volunteer, witness, first, second, record, any_app.test_client()


def _correct(client, app, coordinator, record, minutes, reason="签退时间按错了", start=None):
    start = start or record.started_at
    return client.post(f"/api/v1/service-records/{record.id}/correction", headers=headers(app, coordinator), json={
        "started_at": start.isoformat(), "ended_at": (start + dt.timedelta(minutes=minutes)).isoformat(),
        "reason": reason})


def _told(template: str) -> dict[str, list[int]]:
    found = {}
    for message in OutboxMessage.select().order_by(OutboxMessage.id):
        if message.payload.get("template_key") == template:
            found.setdefault(message.payload["event_key"], []).extend(message.payload["member_ids"])
    return found


def test_a_small_correction_posts_a_reversal_and_the_corrected_credit_linked(any_app):
    community, volunteer, witness, first, _, record, client = _setup(any_app)
    old_transfer = record.transfer_id
    answer = _correct(client, any_app, first, record, 125)
    assert answer.status_code == 201, answer.json
    correction = answer.json
    assert (correction["status"], correction["old_minutes"], correction["new_minutes"]) == ("applied", 90, 120)
    assert correction["needs_approval"] is False and correction["status_label"] == "已更正入账"

    reversal = Transfer.get_by_id(correction["reversal_transfer_id"])
    credit = Transfer.get_by_id(correction["credit_transfer_id"])
    assert (reversal.code, reversal.reverses_id, reversal.idempotency_key) == (
        "reversal", old_transfer, f"correction:{correction['id']}:reversal")
    assert (credit.code, credit.minutes, credit.idempotency_key) == (
        "service_credit", 120, f"correction:{correction['id']}:credit")
    assert (credit.details["corrects_transfer_id"], credit.details["reversal_id"]) == (old_transfer, reversal.id)
    assert reversal.reason == credit.reason == "更正服务时间：签退时间按错了"

    shown = client.get(f"/api/v1/service-records/{record.id}", headers=headers(any_app, volunteer)).json
    assert (shown["status"], shown["duration_minutes"], shown["credited_minutes"], shown["transfer_id"]) == (
        "credited", 125, 120, credit.id)

    book = client.get("/api/v1/me/passbook", headers=headers(any_app, volunteer)).json
    assert book["balance_minutes"] == 120
    lines = [(e["code"], e["minutes"], e["reverses_transfer_id"], e["corrects_transfer_id"], e["reason"])
             for e in reversed(book["entries"])]
    assert lines == [("service_credit", 90, None, None, ""),
                     ("reversal", -90, old_transfer, None, "更正服务时间：签退时间按错了"),
                     ("service_credit", 120, None, old_transfer, "更正服务时间：签退时间按错了")]
    assert book["yearly_totals"][0]["minutes"] == 120
    verification = client.get("/api/v1/ledger/verification", headers=headers(any_app, first)).json
    assert verification == {"ok": True, "violations": []}
    told = _told("record_corrected")[f"correction:{correction['id']}:applied"]
    assert sorted(told) == sorted([volunteer.id, witness.id])


def test_a_large_correction_waits_for_a_second_coordinator(any_app):
    community, volunteer, witness, first, second, record, client = _setup(any_app)
    asked = _correct(client, any_app, first, record, 240, reason="纸质记录单写的是上午9点到下午1点")
    assert asked.status_code == 201, asked.json
    correction = asked.json
    assert (correction["status"], correction["needs_approval"], correction["change_minutes"]) == ("pending", True, 150)
    assert client.get("/api/v1/me/passbook", headers=headers(any_app, volunteer)).json["balance_minutes"] == 90
    assert _told("coordinator_alert")[f"correction:{correction['id']}:asked"] == [second.id]

    url = f"/api/v1/corrections/{correction['id']}"
    own = client.post(f"{url}/approve", headers=headers(any_app, first))
    assert own.status_code == 403 and own.json["errors"]["rule"] == "four_eyes"
    assert client.post(f"{url}/approve", headers=headers(any_app, volunteer)).status_code == 403
    waiting = client.get("/api/v1/corrections?status=pending", headers=headers(any_app, second)).json
    assert [c["id"] for c in waiting["items"]] == [correction["id"]] and waiting["next_cursor"] is None
    again = _correct(client, any_app, second, record, 60)
    assert again.status_code == 409 and again.json["errors"]["rule"] == "correction_state"

    approved = client.post(f"{url}/approve", headers=headers(any_app, second))
    assert approved.status_code == 200, approved.json
    assert (approved.json["status"], approved.json["decided_by_name"], approved.json["new_minutes"]) == (
        "applied", "李副站长", 240)
    assert client.get("/api/v1/me/passbook", headers=headers(any_app, volunteer)).json["balance_minutes"] == 240
    twice = client.post(f"{url}/approve", headers=headers(any_app, make_admin(community)))
    assert twice.status_code == 409
    assert client.get("/api/v1/ledger/verification", headers=headers(any_app, first)).json["ok"] is True


def test_a_rejected_correction_changes_nothing_and_the_admin_may_decide(any_app):
    community, volunteer, witness, first, second, record, client = _setup(any_app)
    correction = _correct(client, any_app, first, record, 300).json
    refused = client.post(f"/api/v1/corrections/{correction['id']}/reject", json={"reason": "没有纸质依据"},
                          headers=headers(any_app, make_admin()))
    assert refused.status_code == 200 and refused.json["status"] == "rejected"
    shown = client.get(f"/api/v1/service-records/{record.id}", headers=headers(any_app, volunteer)).json
    assert (shown["duration_minutes"], shown["credited_minutes"], shown["transfer_id"]) == (90, 90, record.transfer_id)
    # another station cannot see it
    other = make_coordinator(make_community())
    assert client.get(f"/api/v1/corrections/{correction['id']}", headers=headers(any_app, other)).status_code == 404


def test_a_correction_keeps_the_rules_of_a_service(any_app):
    community, volunteer, witness, first, second, record, client = _setup(any_app)
    other = credited_record(volunteer, witness, minutes=60, start_hour=13)
    overlap = _correct(client, any_app, first, record, 250)  # 09:00–13:10 would run into the 13:00 service
    assert overlap.status_code == 422 and overlap.json["errors"]["json"].keys() == {"started_at"}
    capped = _correct(client, any_app, first, record, 8 * 60)
    assert capped.status_code == 422
    same = _correct(client, any_app, first, record, 90)
    assert same.status_code == 422 and same.json["errors"]["rule"] == "no_change"
    by_volunteer = client.post(f"/api/v1/service-records/{other.id}/correction", headers=headers(any_app, volunteer),
                               json={"started_at": NOW.isoformat(), "ended_at": NOW.isoformat(), "reason": "错了"})
    assert by_volunteer.status_code == 403  # only the station corrects


def test_a_correction_of_a_closed_month_posts_today(any_app):
    """October is closed into statements; a correction of an October record posts in November, dated today."""
    clock.freeze(dt.datetime(2026, 10, 20, 16, 0))
    community = make_community()
    volunteer, _ = make_volunteer(community)
    witness = make_member(community)
    coordinator = make_coordinator(community)
    record = credited_record(volunteer, witness, minutes=90, start_hour=9)
    clock.freeze(NOW)
    monthly_close.close_last_month()
    client = any_app.test_client()
    answer = _correct(client, any_app, coordinator, record, 65, reason="实际服务一小时左右")
    assert answer.status_code == 201, answer.json
    assert answer.json["new_minutes"] == 60
    for transfer_id in (answer.json["reversal_transfer_id"], answer.json["credit_transfer_id"]):
        assert Transfer.get_by_id(transfer_id).effective_date == NOW.date()
    assert client.get("/api/v1/ledger/verification", headers=headers(any_app, coordinator)).json["ok"] is True


def test_a_correction_the_household_cannot_cover_is_refused_whole(any_app):
    """The hours were given away since: the reversal would overdraw, so nothing of the correction stays."""
    community, volunteer, witness, first, second, record, client = _setup(any_app)
    ledger_ops.donate(volunteer, minutes=60, note="捐给爱心池", key="give-most-away")
    answer = _correct(client, any_app, first, record, 65)
    assert answer.status_code == 422 and answer.json["errors"]["rule"] == "insufficient_minutes"
    assert client.get("/api/v1/corrections", headers=headers(any_app, first)).json["items"] == []
    assert Transfer.select().where(Transfer.code == "reversal").count() == 0


def test_a_payback_service_is_reversed_not_corrected(any_app):
    """Its minutes were also the recipient household's spending: correcting one side only would split them."""
    community, volunteer, witness, first, second, record, client = _setup(any_app)
    ServiceRecord.update(source="payback").where(ServiceRecord.id == record.id).execute()
    answer = _correct(client, any_app, first, record, 125)
    assert answer.status_code == 422 and answer.json["errors"]["rule"] == "payback_record"
