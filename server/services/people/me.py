"""What a member sees about themselves on the mini-program's first screen."""

from peewee import JOIN

from server.db import Prepared
from server.models import Community, Household, Member, Volunteer
from server.ready import Ready, ready
from server.services.people.core import member_view

# What /me shows around the member: their household's and community's names and their volunteer profile.
_AROUND = (Household.name.alias("me_household_name"), Community.name.alias("me_community_name"),
           Volunteer.id.alias("me_volunteer_id"), Volunteer.volunteer_no.alias("me_volunteer_no"),
           Volunteer.status.alias("me_volunteer_status"), Volunteer.retired_reason.alias("me_retired_reason"),
           Volunteer.status_note.alias("me_status_note"))
_AROUND_NAMES = tuple(column._alias for column in _AROUND)


def _around(query):
    return (query.join(Household, JOIN.LEFT_OUTER, on=(Household.id == Member.household))
            .switch(Member).join(Community, JOIN.LEFT_OUTER, on=(Community.id == Member.community))
            .switch(Member).join(Volunteer, JOIN.LEFT_OUTER, on=(Volunteer.member == Member.id)))


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
