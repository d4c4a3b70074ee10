"""A resident's data: everything exported, and erasure that removes the person but keeps the ledger whole."""

import datetime as dt
import json

import pytest

from server import clock
from server.models import (
    Certificate,
    Entry,
    Household,
    Member,
    Notification,
    ServiceRecord,
    Statement,
    Transfer,
    Volunteer,
)
from server.services.ledger import core as ledger
from server.services.ledger import ledger_ops, ledger_verify, statements
from server.services.people import data_rights, volunteers
from server.services.recognition import certificates, notices
from tests.factories import (
    credited_record,
    headers,
    make_award,
    make_community,
    make_coordinator,
    make_member,
    make_volunteer,
)


@pytest.fixture
def neighbours(any_app):
    """李建国 (a volunteer living alone) served 王秀兰 in March; the month is closed, a certificate issued."""
    community = make_community()
    coordinator = make_coordinator(community)
    li, profile = make_volunteer(community, name="李建国")
    volunteers.update(li, profile, {"consent_political": True, "political_status": "中共党员"})
    wang = make_member(community, name="王秀兰")
    clock.freeze(dt.datetime(2026, 3, 10, 19, 0))
    record = credited_record(li, wang, minutes=120, start_hour=9, recipient_member_id=wang.id,
                             content="给王秀兰家修洗衣机")
    Notification.create(recipient=wang.id, community=community.id, event_key="e1", template_key="hours_credited",
                        title="服务已确认", body="志愿者李建国为您家修了洗衣机")
    Notification.create(recipient=li.id, community=community.id, event_key="e2", template_key="hours_credited",
                        title="爱心时间已存入存折", body="您的义务维修服务已确认，存入2小时。")
    clock.freeze(dt.datetime(2026, 4, 2, 9, 0))
    statements.close_community_month(community.id, 2026, 3)
    certificate = certificates.issue(make_award(li, stars=1, status="approved", minutes=600, year=2026), coordinator)
    yield {"community": community, "coordinator": coordinator, "li": li, "wang": wang, "record": record,
           "certificate": certificate}
    clock.freeze(None)


def test_export_holds_everything_about_the_resident(neighbours):
    li = Member.get_by_id(neighbours["li"].id)
    exported = data_rights.export(li)
    assert {"profile", "consents", "volunteer", "household", "records_served", "records_witnessed",
            "records_received", "passbook", "notifications", "star_awards", "objections", "audit_visits"} <= set(exported)
    assert exported["profile"]["name"] == "李建国" and exported["profile"]["phone"] == li.phone
    assert exported["volunteer"]["political_status"] == "中共党员"
    assert exported["consents"]["political_status_consented_at"] is not None
    assert [r["id"] for r in exported["records_served"]] == [neighbours["record"].id]
    assert [(line["minutes"], line["served_by"]) for line in exported["passbook"]] == [(120, "李建国")]
    assert [n["title"] for n in exported["notifications"]] == ["爱心时间已存入存折"]
    assert exported["star_awards"][0]["certificate_serial"] == neighbours["certificate"].serial
    wang = data_rights.export(Member.get_by_id(neighbours["wang"].id))
    assert [r["id"] for r in wang["records_witnessed"]] == [r["id"] for r in wang["records_received"]]
    assert json.loads(data_rights.export_json(li))["profile"]["name"] == "李建国"
    assert "openid" not in json.dumps(json.loads(data_rights.export_json(li))["profile"])


def test_erasure_removes_the_person_and_keeps_the_ledger(neighbours):
    li = Member.get_by_id(neighbours["li"].id)
    balance = ledger.household_account(li.household_id).posted_minutes
    entries = Entry.select().count()
    erased = data_rights.erase(li)
    assert (erased.name, erased.phone, erased.birth_date, erased.openid, erased.handle) == ("已注销用户", "", None, None,
                                                                                           None)
    assert erased.erased_at is not None and erased.token_version == li.token_version + 1
    profile = Volunteer.get(Volunteer.member == li.id)
    assert (profile.political_status, profile.consent_political_at, profile.status) == (None, None, "suspended")
    assert Notification.select().where(Notification.recipient == li.id).count() == 0
    transfer = Transfer.get_by_id(neighbours["record"].transfer_id)
    assert transfer.details["served_by"] == "已注销用户" and "李建国" not in json.dumps(transfer.details,
                                                                                       ensure_ascii=False)
    household = Household.get_by_id(li.household_id)  # he lived alone: the household is anonymous now
    assert household.name == "已注销家庭" and household.building == ""
    assert Statement.get(Statement.household == household.id).per_member[0]["name"] == "已注销用户"
    assert Certificate.get_by_id(neighbours["certificate"].id).name == "已注销用户"
    assert certificates.verify(neighbours["certificate"].serial)["name"] == "已注销用户"
    assert "李建国" not in Notification.get(Notification.recipient == neighbours["wang"].id).body
    assert ServiceRecord.get_by_id(neighbours["record"].id).content == "给王秀兰家修洗衣机"
    # the ledger is whole: nothing dropped; his emptied household's balance went to the love pool
    # in one transfer of two legs; every invariant holds
    assert household.closed_at is not None
    assert Entry.select().count() == entries + 2
    assert ledger.household_account(li.household_id).posted_minutes == 0
    closing = Transfer.get(Transfer.code == "household_closed")
    assert closing.minutes == balance and closing.effective_date == dt.date(2026, 4, 2)
    assert ledger_verify.verify() == []
    assert data_rights.erase(Member.get_by_id(li.id)).token_version == erased.token_version  # twice is once


def test_erasing_a_witness_scrubs_the_passbook_line_and_the_record(neighbours):
    wang = Member.get_by_id(neighbours["wang"].id)
    data_rights.erase(wang)
    transfer = Transfer.get_by_id(neighbours["record"].transfer_id)
    assert transfer.details["witness_name"] == "已注销用户" and "王秀兰" not in transfer.details["content"]
    record = ServiceRecord.get_by_id(neighbours["record"].id)
    assert record.witness_name == "已注销用户" and record.content == "给已注销用户家修洗衣机"
    assert ledger_verify.verify() == []


def test_notices_name_an_erased_volunteer_as_such(neighbours):
    community = neighbours["community"]
    notice = notices.publish_quarterly(neighbours["coordinator"], community, 2026, 1)
    data_rights.erase(Member.get_by_id(neighbours["li"].id))
    view = notices.notice_view(notice, neighbours["wang"])
    assert [v["name"] for v in view["activity"]["by_volunteer"]] == ["已注销用户"]


def test_gift_texts_lose_the_erased_households_name(neighbours):
    coordinator = neighbours["coordinator"]
    li = Member.get_by_id(neighbours["li"].id)
    wang = Member.get_by_id(neighbours["wang"].id)
    kinship = ledger_ops.request_kinship(li, invite_code=wang.household.invite_code, relation="女儿")
    ledger_ops.confirm_kinship(coordinator, kinship)
    gift = ledger_ops.gift(li, to_household_id=wang.household_id, minutes=30, note="", key="gift-1")
    assert "李建国家" in gift.details["content"]
    data_rights.erase(li)
    assert "李建国" not in Transfer.get_by_id(gift.id).details["content"]
    assert ledger_verify.verify() == []


def test_export_and_erasure_through_the_api(neighbours, any_app):
    client = any_app.test_client()
    token = headers(any_app, neighbours["wang"])
    exported = client.get("/api/v1/me/export", headers=token)
    assert exported.status_code == 200 and exported.mimetype == "application/json"
    assert "attachment" in exported.headers["Content-Disposition"]
    assert json.loads(exported.data)["profile"]["name"] == "王秀兰"
    unconfirmed = client.post("/api/v1/me/erasure", json={"confirm": False}, headers=token)
    assert unconfirmed.status_code == 422 and "confirm" in unconfirmed.json["errors"]["json"]
    assert client.post("/api/v1/me/erasure", json={"confirm": True}, headers=token).json["erased"] is True
    assert client.get("/api/v1/me", headers=token).status_code == 401
    assert client.get("/api/v1/me/export", headers=token).status_code == 401
