"""Volunteer teams (服务队): list, add (coordinators), join and leave (volunteers)."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.smorest import Blueprint
from server.resources.catalog.schemas import TeamSchema
from server.resources.teams.schemas import TeamCreateSchema
from server.services.board import catalog
from server.services.people import volunteers

blp = Blueprint("teams", __name__, url_prefix="/api/v1/teams", description="Volunteer teams (志愿者服务队)")
auth.register_scope("team_id", "Team")


def _team_view(team_id):
    return catalog.team_view(auth.current_member().community_id, team_id)


@blp.route("")
class Teams(MethodView):
    @auth.roles(auth.MEMBER)
    @blp.response(200, TeamSchema(many=True))
    def get(self):
        """The six seeded teams and my community's own"""
        return catalog.teams(auth.current_member().community_id)

    @auth.roles(auth.COORDINATOR)
    @blp.arguments(TeamCreateSchema)
    @blp.response(201, TeamSchema)
    def post(self, body):
        """Add a team to my community"""
        team = volunteers.create_team(
            auth.current_member(), name=body["name"], description=body["description"], category_codes=body["categories"]
        )
        return _team_view(team.id)


@blp.route("/<int:team_id>/membership")
class TeamMembership(MethodView):
    @auth.roles(auth.VOLUNTEER)
    @blp.response(200, TeamSchema)
    def post(self, team_id):
        """Join a team"""
        me = auth.current_member()
        volunteers.join_team(me, volunteers.team_for(me, team_id))
        return _team_view(team_id)

    @auth.roles(auth.VOLUNTEER)
    @blp.response(204)
    def delete(self, team_id):
        """Leave a team"""
        me = auth.current_member()
        volunteers.leave_team(me, volunteers.team_for(me, team_id))
