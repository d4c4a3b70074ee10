"""Who sees what in the lists whose rules moved from the routes into the services (#13 §3):
agreements, kinships, recipient files, a household's statements, the love pool."""

import datetime as dt

from server import clock
from server.models import Member
from server.services.ledger import ledger_ops, statements
from server.services.people import core as people
from tests.factories import (
    headers,
    make_agreement,
    make_community,
    make_coordinator,
    make_member,
    make_volunteer,
)


def _ids(answer):
    assert answer.status_code == 200, answer.json
    rows = answer.json["items"] if isinstance(answer.json, dict) else answer.json  # a page, or a bounded list
    return sorted(row["id"] for row in rows)


def test_agreements_are_listed_to_their_parties_the_recipients_family_and_the_coordinators(any_app):
    community, other = make_community(), make_community()
    coordinator, stranger_coordinator = make_coordinator(community), make_coordinator(other)
    elder, neighbour = make_member(community), make_member(community)
    helper, other_helper = make_volunteer(community)[0], make_volunteer(community)[0]
    daughter = make_member(community, household=False)
    people.join_household(daughter, invite_code=Member.get_by_id(elder.id).household.invite_code, relation="女儿")
    theirs = make_agreement(coordinator, elder, [helper])
    unrelated = make_agreement(coordinator, neighbour, [other_helper])
    make_agreement(stranger_coordinator, make_member(other), [make_volunteer(other)[0]])
    client = any_app.test_client()
    for member, expected in ((coordinator, [theirs.id, unrelated.id]), (helper, [theirs.id]), (elder, [theirs.id]),
                             (daughter, [theirs.id]), (neighbour, [unrelated.id]), (other_helper, [unrelated.id]),
                             (make_member(community), [])):
        assert _ids(client.get("/api/v1/agreements", headers=headers(any_app, member))) == sorted(expected)
    files = client.get("/api/v1/recipient-files", headers=headers(any_app, coordinator))
    assert sorted(f["member_id"] for f in files.json) == sorted([elder.id, neighbour.id])


def test_kinships_are_listed_to_both_households_and_their_communitys_coordinators(any_app):
    community, other = make_community(), make_community()
    son, mother, neighbour = make_member(community), make_member(community), make_member(community)
    invite = Member.get_by_id(mother.id).household.invite_code
    kinship = ledger_ops.request_kinship(Member.get_by_id(son.id), invite_code=invite, relation="母亲")
    client = any_app.test_client()
    for member, expected in ((son, [kinship.id]), (mother, [kinship.id]), (neighbour, []),
                             (make_coordinator(community), [kinship.id]), (make_coordinator(other), [])):
        assert _ids(client.get("/api/v1/kinships", headers=headers(any_app, member))) == expected


def test_statements_and_the_love_pool_through_the_services(any_app):
    community = make_community()
    resident, coordinator = make_member(community), make_coordinator(community)
    client = any_app.test_client()
    clock.freeze(dt.datetime(2026, 5, 3, 10, 0))
    try:
        running = client.post("/api/v1/statements/close", json={"year": 2026, "month": 5},
                              headers=headers(any_app, coordinator))
        assert running.status_code == 422 and running.json["errors"]["rule"] == "month_not_over"
        assert running.json["message"] == "只能结已经过完的月份"
        closed = client.post("/api/v1/statements/close", json={"year": 2026, "month": 4},
                             headers=headers(any_app, coordinator))
        assert closed.json == {"year": 2026, "month": 4, "statements": 1}
    finally:
        clock.freeze(None)
    listed = client.get(f"/api/v1/households/{resident.household_id}/statements", headers=headers(any_app, resident))
    assert [(s["year"], s["month"]) for s in listed.json] == [(2026, 4)]
    assert [(s.year, s.month) for s in statements.listing(coordinator, resident.household_id)] == [(2026, 4)]
    pool = client.get("/api/v1/ledger/love-pool", headers=headers(any_app, resident))
    assert pool.json == {"community_id": community.id, "balance_minutes": 0}
    admin_without_community = make_member(None, household=False, roles="admin")
    nowhere = client.get("/api/v1/ledger/love-pool", headers=headers(any_app, admin_without_community))
    assert nowhere.status_code == 422 and nowhere.json["errors"]["rule"] == "community_required"


def test_the_kinships_list_reads_its_households_and_communities_with_the_kinships(any_app):
    """A station's list names both households and both communities of every kinship: one query for all of them,
    whether the station has one kinship or four (it read four more rows for each)."""
    from tests.sql_log import statements

    community, other = make_community(), make_community()
    coordinator = make_coordinator(community)
    client, token = any_app.test_client(), headers(any_app, coordinator)

    def listed():
        with statements() as seen:
            answer = client.get("/api/v1/kinships", headers=token)
        assert answer.status_code == 200
        return answer.json, len(seen)

    mother = make_member(other)
    son = make_member(community)
    ledger_ops.request_kinship(Member.get_by_id(son.id), invite_code=Member.get_by_id(mother.id).household.invite_code,
                               relation="母亲")
    one, one_count = listed()
    for _ in range(3):
        ledger_ops.request_kinship(Member.get_by_id(make_member(community).id),
                                   invite_code=Member.get_by_id(make_member(other).id).household.invite_code,
                                   relation="父亲")
    four, four_count = listed()
    assert len(four) == 4 and four_count == one_count
    first = four[0]
    assert (first["household_name"], first["relative_household_name"], first["household_community_name"],
            first["relative_community_name"]) == (Member.get_by_id(son.id).household.name,
                                                  Member.get_by_id(mother.id).household.name, community.name,
                                                  other.name)
    assert first == one[0]
