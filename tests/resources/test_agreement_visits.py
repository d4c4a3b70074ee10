"""Agreement visits (一对一帮扶) reach the board when the agreement becomes active, and a coordinator may move the horizon."""

import datetime as dt

from server import clock
from server.models import Member, Task
from server.services.board import agreements
from tests.factories import (
    headers,
    make_admin,
    make_agreement,
    make_community,
    make_coordinator,
    make_member,
    make_volunteer,
)

FRIDAY_MORNING = dt.datetime(2026, 5, 15, 8, 0)


def _active(coordinator, elder, volunteers, **overrides):
    agreement = make_agreement(coordinator, elder, volunteers, **overrides)
    for signer in (*volunteers, elder, coordinator):
        agreements.sign(Member.get_by_id(signer.id), agreement)
    return agreement


def _visits(agreement) -> list[dt.datetime]:
    return [t.window_start for t in Task.select().where(Task.agreement == agreement.id).order_by(Task.window_start)]


def test_the_countersignature_puts_the_horizon_on_the_board_including_later_today(any_app):
    clock.freeze(FRIDAY_MORNING)
    community = make_community()
    coordinator = make_coordinator(community)
    volunteer, _ = make_volunteer(community)
    elder = make_member(community)
    agreement = make_agreement(coordinator, elder, [volunteer], days=30)
    client = any_app.test_client()
    for signer in (volunteer, elder):
        assert client.post(f"/api/v1/agreements/{agreement.id}/sign", headers=headers(any_app, signer)).status_code == 200
    assert _visits(agreement) == []
    active = client.post(f"/api/v1/agreements/{agreement.id}/sign", headers=headers(any_app, coordinator))
    assert active.status_code == 200 and active.json["status"] == "active"
    visits = _visits(agreement)
    assert visits[0] == dt.datetime(2026, 5, 15, 9, 0)  # later the same day: on the board at once
    assert len(visits) == 15  # today and the 14 days of AGREEMENT_HORIZON_DAYS, every weekday
    assert agreements.generate_occurrences() == 0  # the nightly job finds nothing left to do


def test_a_visit_already_over_today_is_not_made_but_one_later_today_is(any_app):
    clock.freeze(dt.datetime(2026, 5, 15, 12, 0))  # a Friday (weekday 5) at noon
    community = make_community()
    coordinator = make_coordinator(community)
    volunteer, _ = make_volunteer(community)
    morning = _active(coordinator, make_member(community), [volunteer], days=6,
                      schedule=[{"weekday": 5, "start": "09:00", "minutes": 60}])
    afternoon = _active(coordinator, make_member(community), [volunteer], days=6,
                        schedule=[{"weekday": 5, "start": "15:00", "minutes": 60}])
    assert _visits(morning) == []  # next Friday is past the agreement's end (6 days on)
    assert _visits(afternoon) == [dt.datetime(2026, 5, 15, 15, 0)]


def test_a_coordinator_moves_the_horizon_for_their_own_community_an_admin_for_all(any_app):
    clock.freeze(FRIDAY_MORNING)
    here, there = make_community(), make_community()
    coordinator, other_coordinator = make_coordinator(here), make_coordinator(there)
    volunteer, _ = make_volunteer(here)
    other_volunteer, _ = make_volunteer(there)
    ours = _active(coordinator, make_member(here), [volunteer], days=60)
    theirs = _active(other_coordinator, make_member(there), [other_volunteer], days=60)
    assert len(_visits(ours)) == len(_visits(theirs)) == 15

    clock.freeze(FRIDAY_MORNING + dt.timedelta(days=3))  # the nightly job has not run: three days short
    client = any_app.test_client()
    resident = make_member(here)
    assert client.post("/api/v1/agreements/occurrences", headers=headers(any_app, resident)).status_code == 403
    moved = client.post("/api/v1/agreements/occurrences", headers=headers(any_app, coordinator))
    assert moved.status_code == 200 and moved.json == {"created": 3}
    assert (len(_visits(ours)), len(_visits(theirs))) == (18, 15)
    again = client.post("/api/v1/agreements/occurrences", headers=headers(any_app, coordinator))
    assert again.json == {"created": 0}
    everyone = client.post("/api/v1/agreements/occurrences", headers=headers(any_app, make_admin(here)))
    assert everyone.json == {"created": 3} and len(_visits(theirs)) == 18
