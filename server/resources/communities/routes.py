"""Communities: the list residents choose from when opening a household; admins add more."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.smorest import Blueprint
from server.resources.communities.schemas import CommunityCreateSchema, CommunitySchema
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
