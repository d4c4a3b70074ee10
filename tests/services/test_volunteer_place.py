"""A volunteer's building and area (copied from the household for matching's index) stay the household's
after every write that gives a volunteer a household, a household an address, or takes it away — on
SQLite and PostgreSQL."""

from peewee import JOIN

from server.models import Household, Member, Task, Volunteer
from server.services.board import match_score
from server.services.people import core as people
from server.services.people import data_rights, volunteers
from tests.factories import make_community, make_coordinator, make_member, make_request, make_volunteer

WEIGHTS = {"fit": 3, "availability": 2, "proximity": 2, "fairness": 1.5, "reliability": 1.5, "stars": 1}


def misplaced() -> list[dict]:
    """Volunteers whose building or area is not their household's ("" without one): none, when in step."""
    rows = (Volunteer.select(Volunteer.id, Volunteer.building, Volunteer.area,
                             Household.building.alias("household_building"), Household.area.alias("household_area"))
            .join(Member, on=(Volunteer.member == Member.id))
            .join(Household, JOIN.LEFT_OUTER, on=(Member.household == Household.id)).dicts())
    return [row for row in rows
            if (row["building"], row["area"]) != (row["household_building"] or "", row["household_area"] or "")]


def test_enrolling_and_applying_copy_the_households_address(any_app):
    community = make_community()
    _, enrolled = make_volunteer(community, building="3号楼", area="东区")
    assert (enrolled.building, enrolled.area) == ("3号楼", "东区")
    applicant = make_member(community, building="7号楼", area="西区")
    applied = volunteers.register(applicant, {"intentions": ["repairs"]})
    assert (Volunteer.get_by_id(applied.id).building, Volunteer.get_by_id(applied.id).area) == ("7号楼", "西区")
    assert misplaced() == []


def test_opening_or_joining_a_household_places_a_volunteer_without_one(any_app):
    """Volunteers always have a household through the services; one loaded without (an old record) is
    placed when its member opens or joins one."""
    community = make_community()
    head = make_member(community, household=False)
    joiner = make_member(community, household=False)
    for n, member in enumerate((head, joiner)):
        Volunteer.create(member=member.id, community=community.id, volunteer_no=f"OLD-{n}", status="active")
    assert misplaced() == []  # "" and "": nothing to copy yet
    household = people.open_household(Member.get_by_id(head.id), community_id=community.id, name="赵家",
                                      building="5号楼", area="北区")
    people.join_household(Member.get_by_id(joiner.id), invite_code=household.invite_code, relation="配偶")
    assert {(v.building, v.area) for v in Volunteer.select()} == {("5号楼", "北区")}
    assert misplaced() == []


def test_erasing_a_households_last_member_takes_its_address_off_the_volunteer(any_app):
    community = make_community()
    member, volunteer = make_volunteer(community, building="3号楼", area="东区")
    data_rights.erase(Member.get_by_id(member.id))
    assert Household.get_by_id(member.household_id).closed_at is not None
    assert (Volunteer.get_by_id(volunteer.id).building, Volunteer.get_by_id(volunteer.id).area) == ("", "")
    assert misplaced() == []


def test_a_household_that_moves_takes_its_volunteers_and_their_address(any_app):
    """迁移 (docs/exchange.md): the volunteer changes community with the household, and keeps its address."""
    from tests.factories import headers
    from tests.resources.test_moves import _ask, _world

    client, hpl, xfy, _, xfy_station, _ = _world(any_app)
    member, volunteer = make_volunteer(hpl, building="3号楼", area="东区")
    asked = _ask(client, member.household_id, xfy, headers(any_app, member), key="move-place")
    assert asked.status_code == 201, asked.json
    accepted = client.post(f"/api/v1/moves/{asked.json['id']}/accept", headers=xfy_station)
    assert accepted.status_code == 200, accepted.json
    moved = Volunteer.get_by_id(volunteer.id)
    assert (moved.community_id, moved.building, moved.area) == (xfy.id, "3号楼", "东区")
    assert misplaced() == []


def test_matching_finds_the_neighbours_through_the_copied_address(any_app):
    """The short list's proximity comes from the volunteer's copy of the address: the building, then the
    area, then the rest, whatever order they registered in."""
    community = make_community()
    resident = make_member(community, building="3号楼", area="东区")
    far = make_volunteer(community, building="9号楼", area="西区")[1]
    area = make_volunteer(community, building="5号楼", area="东区")[1]
    near = make_volunteer(community, building="3号楼", area="东区")[1]
    make_coordinator(community)
    task = Task.get(Task.request == make_request(resident, hours_from_now=24).id)
    rows = match_score.shortlist(task, bits=match_score.window_bits(task.window_start, task.window_end),
                                 weights=WEIGHTS, limit=10)
    assert [(row["member_id"], row["proximity"]) for row in rows] == [
        (near.member_id, 1.0), (area.member_id, 0.5), (far.member_id, 0.0)]
