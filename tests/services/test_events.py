"""The monthly activity's honest hours (issue 12 #16): check-in only around the event, no closing
before it starts, and never more credit than the time that actually passed."""

import datetime as dt

import pytest

from server import clock
from server.errors import Conflict, RuleBroken
from server.models import Member, ServiceRecord, Transfer
from server.services.board import events
from server.services.ledger import core as ledger
from server.services.ledger import ledger_verify
from tests.factories import headers, make_community, make_coordinator, make_event, make_volunteer


def _check_in(coordinator, volunteer, event):
    token, _ = events.checkin_token(coordinator, event)
    return events.check_in(Member.get_by_id(volunteer.id), token)


def test_an_event_two_days_ahead_can_be_neither_checked_into_nor_closed(any_app):
    community = make_community()
    coordinator = make_coordinator(community)
    volunteer, _ = make_volunteer(community)
    clock.freeze(dt.datetime(2026, 12, 6, 9, 0))
    event = make_event(coordinator, hours_ahead=48)  # the 8th, 09:00–11:00
    events.signup(Member.get_by_id(volunteer.id), event)
    with pytest.raises(RuleBroken) as early:
        _check_in(coordinator, volunteer, event)
    assert early.value.rule == "too_early" and "最早可以提前60分钟签到" in early.value.message
    with pytest.raises(Conflict) as refused:
        events.close(coordinator, event)
    assert refused.value.status == 409 and refused.value.rule == "event_not_started"
    assert "12月8日9:00才开始" in refused.value.message
    answer = any_app.test_client().post(f"/api/v1/events/{event.id}/close", headers=headers(any_app, coordinator))
    assert answer.status_code == 409 and answer.json["message"] == refused.value.message
    assert Transfer.select().where(Transfer.code == "event_credit").count() == 0
    assert ledger.household_account(volunteer.household_id).posted_minutes == 0
    assert ledger_verify.verify() == []


def test_closing_early_credits_only_the_time_that_passed_from_each_arrival(any_app):
    community = make_community()
    coordinator = make_coordinator(community)
    early_bird, _ = make_volunteer(community)
    latecomer, _ = make_volunteer(community)
    clock.freeze(dt.datetime(2026, 12, 6, 9, 0))
    event = make_event(coordinator, hours_ahead=48)  # the 8th, 09:00–11:00 (120 minutes planned)
    for volunteer in (early_bird, latecomer):
        events.signup(Member.get_by_id(volunteer.id), event)
    clock.freeze(dt.datetime(2026, 12, 8, 8, 30))
    _check_in(coordinator, early_bird, event)
    clock.freeze(dt.datetime(2026, 12, 8, 9, 50))
    _check_in(coordinator, latecomer, event)
    clock.freeze(dt.datetime(2026, 12, 8, 10, 10))  # closed 70 minutes after the start
    answer = events.close(coordinator, event)
    assert (answer["credited_now"], answer["attended"]) == (1, 2)
    first = ServiceRecord.get(ServiceRecord.volunteer == early_bird.id)
    assert (first.started_at, first.ended_at) == (dt.datetime(2026, 12, 8, 9, 0), dt.datetime(2026, 12, 8, 10, 10))
    assert (first.status, first.credited_minutes) == ("credited", 60)  # 70 minutes, rounded down
    late = ServiceRecord.get(ServiceRecord.volunteer == latecomer.id)
    assert (late.duration_minutes, late.status, late.transfer_id) == (20, "too_short", None)
    assert ledger.household_account(early_bird.household_id).posted_minutes == 60
    assert ledger.household_account(latecomer.household_id).posted_minutes == 0
    assert events.close(coordinator, event)["credited_now"] == 0  # closing twice credits nobody twice
    assert ledger_verify.verify() == []


def test_check_in_closes_at_the_planned_end(any_app):
    community = make_community()
    coordinator = make_coordinator(community)
    volunteer, _ = make_volunteer(community)
    clock.freeze(dt.datetime(2026, 12, 6, 9, 0))
    event = make_event(coordinator, hours_ahead=48)
    events.signup(Member.get_by_id(volunteer.id), event)
    clock.freeze(dt.datetime(2026, 12, 8, 11, 1))
    with pytest.raises(Conflict) as late:
        _check_in(coordinator, volunteer, event)
    assert late.value.rule == "checkin_closed" and "12月8日11:00结束" in late.value.message
    answer = events.close(coordinator, event)  # after its end: credits the whole planned time to attendees (none)
    assert (answer["credited_now"], answer["attended"]) == (0, 0)
    assert ledger_verify.verify() == []
