"""Dates a person could mean: births within a lifetime, services since records began and not to
come, plans within reach. Each refusal is 422 naming the field, from the service (not only the API)."""

import datetime as dt

import pytest

from server import clock, runtime
from server.errors import RuleBroken
from server.models import ServiceRecord, Transfer
from server.services.board import agreements, bookings, events, records
from server.services.people import core as people
from server.services.people import volunteers
from tests.factories import (
    headers,
    make_agreement,
    make_community,
    make_coordinator,
    make_member,
    make_record,
    make_volunteer,
    need,
)

NOW = dt.datetime(2026, 6, 10, 15, 0)


@pytest.fixture
def town(any_app):
    clock.freeze(NOW)
    community = make_community()
    coordinator = make_coordinator(community)
    volunteer, profile = make_volunteer(community)
    resident = make_member(community)
    yield any_app, community, coordinator, volunteer, profile, resident
    clock.freeze(None)


def _refused(call, field: str, rule: str) -> None:
    with pytest.raises(RuleBroken) as caught:
        call()
    assert (caught.value.field, caught.value.rule) == (field, rule), caught.value.message


@pytest.mark.parametrize(("birth", "rule"), [(dt.date(9999, 12, 31), "birth_in_future"), (dt.date(2026, 6, 11), "birth_in_future"),
                                             (dt.date(1896, 6, 9), "birth_too_early"), (dt.date(1900, 1, 1), None),
                                             (dt.date(2026, 6, 10), None)])
def test_a_birth_date_is_past_and_within_a_lifetime_wherever_it_is_given(town, birth, rule):
    app, community, coordinator, volunteer, profile, resident = town
    household = people.Household.get_by_id(resident.household_id)
    calls = [lambda: people.update_me(resident, {"birth_date": birth}),
             lambda: volunteers.update(volunteer, profile, {"birth_date": birth}),
             lambda: people.add_dependent(resident, household, name="小宝", relation="孙女", birth_date=birth),
             lambda: volunteers.register(make_member(community), {"birth_date": birth, "availability": []})]
    for call in calls:
        if rule is None:
            call()
        else:
            _refused(call, "birth_date", rule)


def test_patch_me_with_the_year_9999_is_422_naming_birth_date(town):
    app, _, _, _, _, resident = town
    for day, rule in (("9999-12-31", None), ("2999-12-31", "birth_in_future")):  # 9999: past any date the API reads
        answer = app.test_client().patch("/api/v1/me", json={"birth_date": day}, headers=headers(app, resident))
        assert answer.status_code == 422 and "birth_date" in answer.json["errors"]["json"], answer.json
        assert answer.json["errors"].get("rule") == rule


def test_a_self_report_dated_1900_is_refused(town):
    app, _, _, volunteer, _, resident = town
    body = {"category_code": "repairs", "item_code": "appliance_repair", "place": "3号楼", "content": "修理洗衣机",
            "started_at": "1900-01-01T09:00:00", "ended_at": "1900-01-01T10:00:00", "witness_member_id": resident.id}
    answer = app.test_client().post("/api/v1/service-records", json=body, headers=headers(app, volunteer))
    assert answer.status_code == 422, answer.json
    assert answer.json["errors"]["rule"] == "before_records_began" and "started_at" in answer.json["errors"]["json"]
    assert ServiceRecord.select().count() == 0


def test_records_begin_at_the_configured_date(town, monkeypatch):
    _, _, _, volunteer, _, resident = town
    monkeypatch.setitem(runtime._settings, "EARLIEST_SERVICE_DATE", dt.date(2026, 6, 1))
    _refused(lambda: make_record(volunteer, witness=resident, days_ago=10), "started_at", "before_records_began")
    assert make_record(volunteer, witness=resident, days_ago=9).status == "reported"


def test_a_record_stored_before_the_rule_is_not_credited(town):
    """A 1900 record already in the database (reported before the rule) cannot be approved."""
    _, _, coordinator, volunteer, _, resident = town
    record = make_record(volunteer, witness=resident, days_ago=10)
    ServiceRecord.update(started_at=dt.datetime(1900, 1, 1, 9), ended_at=dt.datetime(1900, 1, 1, 10)).where(
        ServiceRecord.id == record.id).execute()
    record = ServiceRecord.get_by_id(record.id)
    _refused(lambda: records.approve(coordinator, record), "started_at", "before_records_began")
    assert ServiceRecord.get_by_id(record.id).status == "reported"
    assert Transfer.select().where(Transfer.code == "service_credit").count() == 0


def test_plans_are_within_reach(town):
    _, _, coordinator, volunteer, _, resident = town
    far = NOW + dt.timedelta(days=367)
    _refused(lambda: bookings.book(resident, need(hours_from_now=367 * 24)), "window_start", "too_far_ahead")
    _refused(lambda: events.create(coordinator, {
        "title": "义诊", "starts_at": far, "place": "广场", "category_codes": ["environment"], "capacity": 5,
        "planned_minutes": 60}), "starts_at", "too_far_ahead")
    assert bookings.book(resident, need(hours_from_now=300 * 24)).id


def test_agreement_dates_are_bounded(town):
    _, _, coordinator, volunteer, _, resident = town
    today = NOW.date()
    _refused(lambda: make_agreement(coordinator, resident, [volunteer], start_date=dt.date(1900, 1, 1)),
             "start_date", "before_records_began")
    _refused(lambda: make_agreement(coordinator, resident, [volunteer], start_date=today + dt.timedelta(days=400),
                                    end_date=today + dt.timedelta(days=500)), "start_date", "too_far_ahead")
    _refused(lambda: make_agreement(coordinator, resident, [volunteer], end_date=dt.date(9999, 12, 31)),
             "end_date", "agreement_too_long")
    _refused(lambda: agreements.open_file(coordinator, {
        "member_id": resident.id, "needs": "独居", "risks": "", "emergency_contact_name": "王小红",
        "emergency_contact_phone": "13900000000", "consent_date": dt.date(1900, 1, 1)}), "consent_date", "before_records_began")
    agreement = make_agreement(coordinator, resident, [volunteer], end_date=dt.date(2029, 6, 10))
    agreement.status = "active"
    agreement.save()
    _refused(lambda: agreements.set_status(coordinator, agreement, action="renew", end_date=dt.date(2032, 6, 11)),
             "end_date", "agreement_too_long")
    assert agreements.set_status(coordinator, agreement, action="renew", end_date=dt.date(2032, 6, 10)).end_date == \
        dt.date(2032, 6, 10)
