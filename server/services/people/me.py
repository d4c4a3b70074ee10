"""What a member sees about themselves on the mini-program's first screen."""

from peewee import JOIN

from server.db import Prepared
from server.models import Community, Household, Member, Volunteer
from server.services.people.core import member_view

# `/me` opens the mini-program every time: the household's and community's names and the volunteer
# profile in one round trip (four, when each was a lookup of its own: issue 17 goal 3).
_SURROUNDINGS = Prepared(lambda member_id: (
    Member.select(Household.name, Community.name, Volunteer.id, Volunteer.volunteer_no, Volunteer.status,
                  Volunteer.retired_reason, Volunteer.status_note)
    .join(Household, JOIN.LEFT_OUTER, on=(Household.id == Member.household))
    .switch(Member).join(Community, JOIN.LEFT_OUTER, on=(Community.id == Member.community))
    .switch(Member).join(Volunteer, JOIN.LEFT_OUTER, on=(Volunteer.member == Member.id))
    .where(Member.id == member_id)
    .tuples()
))


def me_view(member) -> dict:
    view = member_view(member, member)
    household_name, community_name, volunteer_id, volunteer_no, status, retired_reason, status_note = \
        _SURROUNDINGS.tuples(member.id)[0]
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
