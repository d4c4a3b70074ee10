"""Communities: the list residents choose from when opening a household; admins add more."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.smorest import Blueprint
from server.resources.communities.schemas import CommunityCreateSchema, CommunitySchema, OutlookSchema
from server.services.oversight import outlook
from server.services.people import core as people

blp = Blueprint("communities", __name__, url_prefix="/api/v1/communities", description="Communities (社区)")
# Coordinator operations live under /communities/<community_id>/…: the gate lets in that
# community's coordinators (and admins) and answers 404 to everyone else's.
auth.register_scope("community_id", "Community", community_of=people.community_scope)


@blp.route("")
class Communities(MethodView):
    @auth.roles(auth.MEMBER)
    @blp.response(200, CommunitySchema(many=True))
    def get(self):
        """Every community (names only), to choose one when opening a household"""
        return people.communities()

    @auth.roles(auth.ADMIN)
    @blp.arguments(CommunityCreateSchema)
    @blp.response(201, CommunitySchema)
    def post(self, body):
        """Add a community (admins)"""
        return people.create_community(**body)


@blp.route("/<int:community_id>/outlook")
class Outlook(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, OutlookSchema)
    def get(self, community_id):
        """The ten-year outlook: will volunteers be enough to honour the hours banked? (兑付能力预警)

        For each of the next ten years: members reaching PAYBACK_AGE and all who may redeem; hours
        banked by their households today; projected demand (banked × OUTLOOK_REDEMPTION_RATE, plus the
        last twelve months' payback minutes); projected supply (today's active volunteers' last twelve
        months, each until OUTLOOK_VOLUNTEER_LEAVING_AGE); coverage. Red when coverage falls below
        OUTLOOK_WARN_COVERAGE within five years, naming the age bands to recruit from. `assumptions`
        says every assumption in Chinese with the values used. Minutes are integers; `*_text` fields
        are hours for display. Coordinators of the community and admins.
        """
        return outlook.outlook_answer(auth.current_member(), community_id)
