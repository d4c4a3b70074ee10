"""What a member sees about themselves on the mini-program's first screen."""

from server.models import Volunteer
from server.services.people.core import member_view


def me_view(member) -> dict:
    view = member_view(member, member)
    volunteer = Volunteer.get_or_none(Volunteer.member == member)
    view["household_name"] = member.household.name if member.household_id else None
    view["community_name"] = member.community.name if member.community_id else None
    view["volunteer"] = (
        None
        if volunteer is None
        else {
            "id": volunteer.id,
            "volunteer_no": volunteer.volunteer_no,
            "status": volunteer.status,
            "retired_reason": volunteer.retired_reason,
            "status_note": volunteer.status_note,
        }
    )
    return view
