"""The logged-in member: who am I, and edit my details."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.smorest import Blueprint
from server.resources.me.schemas import MeSchema, MeUpdateSchema
from server.services import people
from server.services.me import me_view

blp = Blueprint("me", __name__, url_prefix="/api/v1/me", description="The logged-in member")


@blp.route("")
class Me(MethodView):
    @auth.roles(auth.MEMBER)
    @blp.response(200, MeSchema)
    def get(self):
        """Who am I: roles, household, community and volunteer status"""
        return me_view(auth.current_member())

    @auth.roles(auth.MEMBER)
    @blp.arguments(MeUpdateSchema)
    @blp.response(200, MeSchema)
    def patch(self, body):
        """Edit my details and consents

        Health needs are kept only after `consent_health: true`; `consent_health: false`
        erases them.
        """
        return me_view(people.update_me(auth.current_member(), body))
