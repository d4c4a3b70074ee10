"""The task board's one query against the rules written out in Python, on SQLite and PostgreSQL.

The board is one statement once the volunteer's network is known (their teams and the names are subqueries,
the two pages of a community in a network a UNION ALL: server/services/board/core.py). Whatever the viewer
and the filters, paging through it must give exactly the open tasks the rules let them see, in the board's
order: their community's, and the payback tasks opened to their network by its other communities (volunteers
only); for a volunteer, nothing held, nothing reserved for someone else, no other team's task.
"""

import datetime as dt
import random

import pytest

from server import clock
from server.models import Household, ServiceCategory, Task, Team, Volunteer, VolunteerTeam
from server.services.board import core as board
from server.services.ledger import networks
from server.services.people import volunteers
from tests.factories import make_community, make_coordinator, make_member, make_volunteer
from tests.sql_log import statements

NOW = dt.datetime(2026, 6, 10, 9, 0)


@pytest.fixture
def town(any_app):
    """Three communities, two of them in a network; tasks of every kind in all three."""
    clock.freeze(NOW)
    rng = random.Random(17)
    here, neighbour, elsewhere = make_community(), make_community(), make_community()
    network = networks.create(None, name="和平街道", kind="街道", community_ids=[here.id, neighbour.id])
    medical, other = Team.get(Team.code == "medical"), Team.select().where(Team.code != "medical").first()
    viewers = {
        "volunteer in a team": make_volunteer(here)[0],
        "neighbour's volunteer": make_volunteer(neighbour)[0],
        "volunteer outside the network": make_volunteer(elsewhere)[0],
        "coordinator": make_coordinator(here),
    }
    volunteers.join_team(viewers["volunteer in a team"], medical)
    categories = [c.id for c in ServiceCategory.select().limit(2)]
    residents = {c.id: make_member(c) for c in (here, neighbour, elsewhere)}
    rows = []
    for n in range(90):
        community = rng.choice((here, neighbour, elsewhere))
        resident = residents[community.id]
        start = NOW + dt.timedelta(hours=rng.randrange(-30, 60))
        reserved_for = rng.choice((None, None, viewers["volunteer in a team"].id, resident.id))
        rows.append({
            "community": community.id, "source": "payback", "category": rng.choice(categories), "title": f"任务{n}",
            "area": rng.choice(("东区", "西区")), "window_start": start, "window_end": start + dt.timedelta(hours=3),
            "estimated_minutes": 60, "board_order": rng.randrange(4), "held": rng.random() < 0.15,
            "team": rng.choice((None, None, None, medical.id, other.id)), "recipient": resident.id,
            "recipient_household": Household.get_by_id(resident.household_id).id,
            "status": rng.choice(("open", "open", "open", "claimed")),
            "reserved_for": reserved_for,
            "reserved_until": None if reserved_for is None else NOW + dt.timedelta(hours=rng.choice((-2, 5))),
            "network": network.id if community.id != elsewhere.id and rng.random() < 0.4 else None,
            "created_at": NOW - dt.timedelta(minutes=rng.randrange(40)),  # ties: the id decides
        })
    Task.insert_many(rows).execute()
    yield viewers, categories, medical, other
    clock.freeze(None)


def _rules(viewer, coordinator: bool, *, category=None, team_id=None, date=None, area=None) -> list[int]:
    """The board written out: every task read, each rule checked in Python, sorted."""
    membership = networks.membership(viewer.community_id)
    network_id = None if coordinator or membership is None else membership.network_id
    teams = set() if coordinator else {team for (team,) in VolunteerTeam.select(VolunteerTeam.team).join(Volunteer)
                                       .where(Volunteer.member == viewer.id).tuples()}
    seen = []
    for task in Task.select():
        if task.status != "open":
            continue
        if task.community_id != viewer.community_id and (network_id is None or task.network_id != network_id):
            continue
        if not coordinator:
            if task.held:
                continue
            if task.reserved_until is not None and task.reserved_until > NOW and task.reserved_for_id != viewer.id:
                continue
            if task.team_id is not None and task.team_id not in teams:
                continue
        if category is not None and task.category_id != category:
            continue
        if team_id is not None and task.team_id != team_id:
            continue
        if date is not None:
            start = dt.datetime.combine(date, dt.time())
            if not (task.window_end >= start and task.window_start < start + dt.timedelta(days=1)):
                continue
        if area is not None and task.area != area:
            continue
        seen.append(task)
    return [t.id for t in sorted(seen, key=lambda t: (t.board_order, t.created_at, t.id))]


def _paged(viewer, limit: int, **filters) -> list[int]:
    ids, after = [], None
    while True:
        lines, after = board.listing(viewer, after=after, limit=limit, **filters)
        ids += [line["id"] for line in lines]
        if after is None:
            return ids


def test_every_viewer_and_filter_pages_through_exactly_what_the_rules_allow(town):
    viewers, categories, medical, other = town
    code = ServiceCategory.get_by_id(categories[0]).code
    filters = [{}, {"category": (code, categories[0])}, {"team_id": (medical.id, medical.id)},
               {"team_id": (other.id, other.id)}, {"date": (NOW.date(), NOW.date())}, {"area": ("东区", "东区")}]
    for name, viewer in viewers.items():
        coordinator = name == "coordinator"
        for given in filters:
            asked = {key: value[0] for key, value in given.items()}
            expected = _rules(viewer, coordinator, **{key: value[1] for key, value in given.items()})
            for limit in (1, 7, 50):
                assert _paged(viewer, limit, **asked) == expected, (name, given, limit)
        assert _rules(viewer, coordinator), name  # each viewer sees something: the comparison says something


def test_a_volunteer_sees_the_networks_tasks_marked_with_their_community(town):
    viewers, *_ = town
    volunteer = viewers["volunteer in a team"]
    lines, _ = board.listing(volunteer, limit=50)
    theirs = [line for line in lines if line["from_other_community"]]
    assert theirs and all(line["open_to_network"] and line["community_name"] for line in theirs)
    assert {line["community_name"] for line in lines if not line["from_other_community"]} == {volunteer.community.name}
    outside, _ = board.listing(viewers["volunteer outside the network"], limit=50)
    assert outside and not any(line["from_other_community"] for line in outside)


def test_the_board_is_one_statement_after_its_network(town):
    """The login check aside, a volunteer's board asks the database twice (their community's network, then the
    board with teams and names), a coordinator's once."""
    viewers, categories, medical, _ = town
    with statements() as seen:
        for name, viewer in viewers.items():
            for filters in ({}, {"team_id": medical.id}):
                seen.clear()
                board.listing(viewer, limit=20, **filters)
                assert len(seen) == (1 if name == "coordinator" else 2), seen
