"""Members: a coordinator looks a member up; an admin appoints coordinators."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.smorest import Blueprint
from server.resources.me.schemas import MemberSchema
from server.resources.members.schemas import RolesSchema
from server.services.people import core as people

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
