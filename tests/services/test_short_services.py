"""A service shorter than the rounding step (issue 12 #17): named 不足30分钟，不计时, never "credited"."""

import datetime as dt

import pytest

from server import clock
from server.models import Household, Member, OutboxMessage, ServiceRecord, Task, Transfer
from server.services.board import bookings, records, tasks
from server.services.board import core as board
from server.services.ledger import core as ledger
from server.services.ledger import ledger_ops, ledger_verify
from server.services.people import volunteers
from tests.factories import (
    headers,
    make_community,
    make_coordinator,
    make_member,
    make_record,
    make_volunteer,
    need,
)

TOO_SHORT = "不足30分钟，不计时"


def test_checked_in_and_straight_out_credits_nothing_and_releases_the_payback_hold(any_app):
    community = make_community()
    coordinator = make_coordinator(community)
    elder, profile = make_volunteer(community, name="张桂芳")
    volunteers.set_status(coordinator, profile, status="retired", reason="age")
    helper, _ = make_volunteer(community)
    ledger_ops.adjust(coordinator, Household.get_by_id(elder.household_id), minutes=180, reason="历年服务补录",
                      key="fund-elder")
    request = bookings.open_payback(Member.get_by_id(elder.id), need(hours_from_now=0, minutes=60))
    task = Task.get(Task.request == request.id)
    helper = Member.get_by_id(helper.id)
    tasks.claim(helper, task)
    clock.freeze(clock.now())
    tasks.check_in(helper, task)
    clock.freeze(clock.now() + dt.timedelta(minutes=10))
    task, record = tasks.check_out(helper, task)

    assert (record.status, record.credited_minutes, record.transfer_id) == ("too_short", 0, None)
    assert Task.get_by_id(task.id).status == task.status == "too_short"
    hold = Transfer.get_by_id(request.hold_id)
    assert hold.state == "voided" and hold.posted_minutes is None  # released in full, not "posted, spent 0"
    account = ledger.household_account(elder.household_id)
    assert (account.posted_minutes, account.pending_minutes) == (180, 0)
    assert not OutboxMessage.select().where(OutboxMessage.key.contains(f"record:{record.id}:witness")).exists()
    with pytest.raises(records.RecordStateError):  # nothing left to confirm
        records.confirm(Member.get_by_id(elder.id), record)

    client = any_app.test_client()
    seen = client.get(f"/api/v1/requests/{request.id}", headers=headers(any_app, elder)).json
    assert (seen["status"], seen["status_label"], seen["hold_state"]) == ("too_short", TOO_SHORT, "voided")
    shown = client.get(f"/api/v1/service-records/{record.id}", headers=headers(any_app, helper)).json
    assert (shown["status"], shown["status_label"]) == ("too_short", TOO_SHORT)
    assert [(t["id"], t["status_label"]) for t in board.mine(helper, active=False)] == [(task.id, TOO_SHORT)]
    assert ledger_verify.verify() == []


def test_a_short_record_reported_before_is_named_when_it_would_be_credited(any_app):
    community = make_community()
    volunteer, _ = make_volunteer(community)
    witness = make_member(community)
    record = make_record(volunteer, witness=witness, minutes=60)
    ServiceRecord.update(duration_minutes=20).where(ServiceRecord.id == record.id).execute()  # as stored before
    confirmed = records.confirm(Member.get_by_id(witness.id), ServiceRecord.get_by_id(record.id))
    assert (confirmed.status, confirmed.credited_minutes, confirmed.transfer_id) == ("too_short", 0, None)
    assert records.status_label(confirmed.status) == TOO_SHORT
    assert not OutboxMessage.select().where(OutboxMessage.key.contains(f"record:{record.id}:credited")).exists()
    assert ledger.household_account(volunteer.household_id).posted_minutes == 0
    assert ledger_verify.verify() == []


def test_a_self_report_too_short_to_count_is_refused_naming_the_step(any_app):
    community = make_community()
    volunteer, _ = make_volunteer(community)
    with pytest.raises(records.RuleBroken) as refused:
        make_record(volunteer, witness=make_member(community), minutes=25)
    assert refused.value.rule == "too_short" and refused.value.field == "ended_at"
    assert TOO_SHORT in refused.value.message
    any_app.config["ROUNDING_STEP_MINUTES"] = 15
    from server import runtime

    runtime.configure(any_app.config)
    assert records.status_label("too_short") == "不足15分钟，不计时"
    assert make_record(volunteer, witness=make_member(community), minutes=25).status == "reported"


def test_spending_nothing_of_a_hold_releases_it(any_app):
    community = make_community()
    coordinator = make_coordinator(community)
    resident = make_member(community)
    household = Household.get_by_id(resident.household_id)
    ledger_ops.adjust(coordinator, household, minutes=120, reason="补记", key="fund")
    hold = ledger.hold(household_id=household.id, minutes=60, key="hold", body={"m": 60})
    released = ledger.post_hold(hold.id, minutes=0)
    assert (released.state, released.posted_minutes) == ("voided", None)
    assert ledger.household_account(household.id).pending_minutes == 0
    with pytest.raises(ledger.AlreadyResolved):
        ledger.post_hold(hold.id, minutes=0)
    assert ledger_verify.verify() == []
