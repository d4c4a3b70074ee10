"""星级评定: the thresholds to the minute, the calendar and rolling years, and an award's way to a certificate."""

import datetime as dt

import pytest

from server import clock, runtime
from server.errors import Conflict, Forbidden, RuleBroken
from server.models import Certificate, MemberYear, Notice, StarAward
from server.services.ledger import core as ledger
from server.services.recognition import certificates, notices, stars
from tests.factories import (
    credited_record,
    make_award,
    make_community,
    make_coordinator,
    make_member,
    make_volunteer,
)


@pytest.mark.parametrize(("hours", "expected"), [
    (0, 0), (9.9, 0), (10, 1), (24.9, 1), (25, 2), (49.9, 2), (50, 3), (99.9, 3), (100, 4), (199.9, 4), (200, 5),
    (1000, 5),
])
def test_yearly_star_thresholds(app, hours, expected):
    assert stars.level(round(hours * 60)) == expected


@pytest.mark.parametrize(("hours", "expected"), [
    (99.9, 0), (100, 1), (299.9, 1), (300, 2), (599.9, 2), (600, 3), (999.9, 3), (1000, 4), (1499.9, 4), (1500, 5),
])
def test_national_cumulative_thresholds(app, hours, expected):
    assert stars.level(round(hours * 60), "NATIONAL_STAR_THRESHOLD_HOURS") == expected


def test_thresholds_follow_the_settings(app, monkeypatch):
    monkeypatch.setitem(runtime._settings, "STAR_THRESHOLD_HOURS", (5.0, 10.0, 20.0, 40.0, 80.0))
    assert [stars.level(m) for m in (299, 300, 600, 4800)] == [0, 1, 2, 5]


@pytest.fixture
def volunteer(any_app):
    community = make_community()
    member, _ = make_volunteer(community, name="李建国")
    return community, member


def _give(member, minutes, year=None):
    ledger.add_member_year(member.id, year or clock.today().year, minutes)


def test_applying_needs_the_first_threshold_exactly(volunteer):
    community, member = volunteer
    _give(member, 594)  # 9.9 hours
    with pytest.raises(RuleBroken) as refused:
        stars.apply(member)
    assert refused.value.field == "year" and "9.9小时" in refused.value.message
    _give(member, 6)  # 10.0 hours
    award = stars.apply(member)
    assert (award.stars, award.minutes, award.status, award.year) == (1, 600, "proposed", clock.today().year)
    assert award.applied_at is not None and stars.apply(member).id == award.id
    _give(member, 894)  # 24.9 hours: still one star
    assert stars.apply(member).stars == 1
    _give(member, 6)  # 25 hours: two stars, and the one-star proposal is superseded
    two = stars.apply(member)
    assert two.stars == 2 and StarAward.get_by_id(award.id).status == "superseded"


def test_standing_shows_the_next_level_and_the_national_level(volunteer):
    _, member = volunteer
    _give(member, 30 * 60)
    _give(member, 80 * 60, year=clock.today().year - 1)
    standing = stars.standing(member)
    assert (standing["minutes"], standing["stars"], standing["next_stars"], standing["minutes_to_next"]) == (
        1800, 2, 3, 1200)
    assert standing["period"]["label"] == f"{clock.today().year}年度"
    assert standing["national"]["minutes"] == 110 * 60 and standing["national"]["stars"] == 1


def test_rolling_twelve_months_counts_credited_records(volunteer, monkeypatch):
    community, member = volunteer
    monkeypatch.setitem(runtime._settings, "STAR_PERIOD", "rolling")
    resident = make_member(community)
    for day in (dt.datetime(2025, 3, 1, 18), dt.datetime(2025, 7, 1, 18), dt.datetime(2026, 2, 1, 18)):
        clock.freeze(day)
        for hour in (8, 11, 14):
            credited_record(member, resident, minutes=120, start_hour=hour)
    clock.freeze(dt.datetime(2026, 5, 1, 9))
    start, end, year = stars.period()
    assert (start, end, year) == (dt.date(2025, 5, 2), dt.date(2026, 5, 2), 2026)
    assert stars.minutes_in(member.id, start, end) == 12 * 60  # March 2025 is outside
    assert stars.apply(member).stars == 1
    assert "至" in stars.standing(member)["period"]["label"]
    clock.freeze(None)


def test_the_job_proposes_once_and_tells_the_volunteer(volunteer):
    community, member = volunteer
    _give(member, 60 * 60)
    made = stars.propose(community.id)
    assert [(a.member_id, a.stars, a.applied_at) for a in made] == [(member.id, 3, None)]
    assert stars.propose(community.id) == []


@pytest.fixture
def noticed(volunteer):
    """An applied two-star award listed in a notice published on 2 April."""
    community, member = volunteer
    coordinator = make_coordinator(community)
    clock.freeze(dt.datetime(2026, 3, 20, 9))
    _give(member, 30 * 60)
    award = stars.apply(member)
    clock.freeze(dt.datetime(2026, 4, 2, 9))
    notice = notices.publish_quarterly(coordinator, community, 2026, 1)
    yield community, member, coordinator, StarAward.get_by_id(award.id), notice
    clock.freeze(None)


def test_approval_waits_for_the_notice_and_its_objections(noticed):
    community, member, coordinator, award, notice = noticed
    assert award.notice_id == notice.id and notice.objection_until == dt.datetime(2026, 4, 9, 9)
    with pytest.raises(RuleBroken) as early:
        stars.approve(coordinator, award)
    assert early.value.rule == "notice_period"
    neighbour = make_member(community)
    objection = notices.object_to(neighbour, notice, award_id=award.id, reason="他去年搬走了")
    clock.freeze(dt.datetime(2026, 4, 10, 9))
    with pytest.raises(RuleBroken) as waiting:
        stars.approve(coordinator, award)
    assert waiting.value.rule == "objection_open"
    notices.resolve(coordinator, objection, decision="dismissed", note="核实仍在本社区居住")
    certificate = stars.approve(coordinator, StarAward.get_by_id(award.id))
    assert StarAward.get_by_id(award.id).status == "approved"
    assert (certificate.stars, certificate.minutes, certificate.name) == (2, 1800, "李建国")
    with pytest.raises(Conflict):
        stars.approve(coordinator, StarAward.get_by_id(award.id))
    assert Certificate.select().count() == 1


def test_an_upheld_objection_rejects_the_award(noticed):
    community, member, coordinator, award, notice = noticed
    objection = notices.object_to(make_member(community), notice, award_id=award.id, reason="时长有虚报")
    notices.resolve(coordinator, objection, decision="upheld", note="核实后时长不实")
    rejected = StarAward.get_by_id(award.id)
    assert rejected.status == "rejected" and "异议成立" in rejected.decision_note
    with pytest.raises(Conflict):
        stars.apply(member)


def test_approval_checks_the_hours_again(noticed):
    community, member, coordinator, award, notice = noticed
    clock.freeze(dt.datetime(2026, 4, 10, 9))
    MemberYear.update(minutes=20 * 60).where(MemberYear.member == member.id).execute()  # an audit reversed some
    with pytest.raises(RuleBroken) as short:
        stars.approve(coordinator, award)
    assert short.value.rule == "hours_short"


def test_an_award_must_be_applied_for_and_noticed(volunteer):
    community, member = volunteer
    coordinator = make_coordinator(community)
    proposed = make_award(member, stars=1, applied=False)
    with pytest.raises(RuleBroken) as refused:
        stars.approve(coordinator, proposed)
    assert refused.value.rule == "not_applied"
    applied = make_award(member, stars=2)
    with pytest.raises(RuleBroken) as refused:
        stars.approve(coordinator, applied)
    assert refused.value.rule == "not_noticed"
    other = make_coordinator(make_community())
    with pytest.raises(Forbidden):
        stars.approve(other, applied)
    assert Notice.select().count() == 0


def test_serials_are_unguessable_and_verification_shows_only_the_certificate(volunteer):
    _, member = volunteer
    award = make_award(member, stars=3, status="approved", minutes=3000)
    certificate = certificates.issue(award, None)
    other = certificates.new_serial(2026)
    assert certificate.serial != other and len(certificate.serial) == len("LB2026-") + 19
    checked = certificates.verify(certificate.serial.lower())
    assert set(checked) == {"valid", "serial", "name", "volunteer_no", "stars", "year", "period_label", "minutes",
                            "community_name", "issuer", "issued_on"}
    assert checked["issuer"].endswith("联合党委") and checked["volunteer_no"] == award.volunteer.volunteer_no
    with pytest.raises(certificates.NotFound):
        certificates.verify("LB2026-AAAA-AAAA-AAAA-AAAA")


def test_a_level_superseded_and_then_lost_is_wanted_again(volunteer):
    _, member = volunteer
    _give(member, 25 * 60)
    stars.apply(member)
    two = StarAward.get(StarAward.member == member.id, StarAward.stars == 2)
    StarAward.update(status="superseded").where(StarAward.id == two.id).execute()  # as if a 3-star came
    MemberYear.update(minutes=25 * 60).where(MemberYear.member == member.id).execute()
    again = stars.apply(member)
    assert again.id == two.id and again.status == "proposed" and again.notice_id is None
