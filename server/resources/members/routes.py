"""Members: a coordinator looks a member up and marks hardship cases; an admin appoints coordinators."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.smorest import Blueprint
from server.resources.me.schemas import MemberSchema
from server.resources.members.schemas import HardshipPeriodSchema, HardshipSchema, RolesSchema
from server.services.people import core as people
from server.services.people import hardship

blp = Blueprint("members", __name__, url_prefix="/api/v1/members", description="Members (成员)")
auth.register_scope("member_id", "Member")


@blp.route("/<int:member_id>")
class MemberDetail(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, MemberSchema)
    def get(self, member_id):
        """A member of my community, with private fields"""
        me = auth.current_member()
        return people.member_view(people.member_for(me, member_id), me)


@blp.route("/<int:member_id>/roles")
class MemberRoles(MethodView):
    @auth.roles(auth.ADMIN)
    @blp.arguments(RolesSchema)
    @blp.response(200, MemberSchema)
    def put(self, body, member_id):
        """Appoint a coordinator or admin (admins, 联合党委)"""
        me = auth.current_member()
        return people.member_view(people.set_roles(people.member_for(me, member_id), **body), me)


@blp.route("/<int:member_id>/hardship")
class MemberHardship(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(HardshipSchema)
    @blp.response(201, HardshipPeriodSchema)
    def post(self, body, member_id):
        """Mark a member a hardship case (兜底对象)

        失独、孤寡、残疾 or 重病: from now on the member may open payback requests on the household's
        hours whatever their age. Recorded with who marked it and when; 409 while a period is open.
        """
        return hardship.period_view(hardship.mark(auth.current_member(), auth.scoped_object("member_id"), **body))

    @auth.roles(auth.COORDINATOR)
    @blp.response(200, HardshipPeriodSchema)
    def delete(self, member_id):
        """End a member's hardship case

        The period is kept with who ended it and when; from now on the member redeems only by
        age or retirement (409 when no period is open). Requests already open keep their hold.
        """
        return hardship.period_view(hardship.end(auth.current_member(), auth.scoped_object("member_id")))
