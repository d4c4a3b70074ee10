"""What a member sees about themselves on the mini-program's first screen."""

from peewee import JOIN

from server.db import Prepared
from server.models import Community, Household, Member, Volunteer
from server.ready import Ready, ready
from server.services.people.core import member_view

# What /me shows around the member: their household's and community's names (scalar subqueries, which
# PostgreSQL plans in about half the time of joins) and their volunteer profile.
_AROUND_NAMES = ("me_household_name", "me_community_name", "me_volunteer_id", "me_volunteer_no", "me_volunteer_status",
                 "me_retired_reason", "me_status_note")
_AROUND = (Household.select(Household.name).where(Household.id == Member.household),
           Community.select(Community.name).where(Community.id == Member.community),
           Volunteer.id, Volunteer.volunteer_no, Volunteer.status, Volunteer.retired_reason, Volunteer.status_note)
_AROUND = tuple(column.alias(name) for column, name in zip(_AROUND, _AROUND_NAMES, strict=True))


def _around(query):
    return query.join(Volunteer, JOIN.LEFT_OUTER, on=(Volunteer.member == Member.id))


_SURROUNDINGS = Prepared(lambda member_id: _around(Member.select(*_AROUND)).where(Member.id == member_id).tuples())
# `/me` opens the mini-program every time: the login check reads the member and what surrounds them in one
# statement (`signed_in`, which the route's gate calls); three, then two, when each was a lookup of its own.
_SIGNED_IN = Prepared(lambda member_id: _around(Member.select(Member, *_AROUND)).where(Member.id == member_id)
                      .objects())


def signed_in(member_id: int) -> Member | None:
    """The gate's lookup for /me: the member, carrying what /me shows around them (None: no such member)."""
    member = _SIGNED_IN.first(member_id)
    if member is not None:
        member.me_around = tuple(getattr(member, name) for name in _AROUND_NAMES)
    return member


def me_view(member) -> Ready:
    """What /me answers, built JSON-ready in MeSchema's order (tests/resources/test_me.py compares it with
    what the schema writes from `me_values`)."""
    return ready(me_values(member))


def me_values(member) -> dict:
    """/me's values as stored (dates as dates)."""
    view = member_view(member, member)
    around = getattr(member, "me_around", None) or _SURROUNDINGS.tuples(member.id)[0]
    household_name, community_name, volunteer_id, volunteer_no, status, retired_reason, status_note = around
    view["household_name"] = household_name if member.household_id else None
    view["community_name"] = community_name if member.community_id else None
    view["volunteer"] = (
        None
        if volunteer_id is None
        else {
            "id": volunteer_id,
            "volunteer_no": volunteer_no,
            "status": status,
            "retired_reason": retired_reason,
            "status_note": status_note,
        }
    )
    return view
