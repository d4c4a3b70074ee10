"""Networks of communities (通存通兑): admins group communities; member stations see positions and settlements."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.smorest import Blueprint
from server.resources.networks.schemas import (
    MonthQuerySchema,
    NetworkCreateSchema,
    NetworkSchema,
    NetworkUpdateSchema,
    SettlementSchema,
)
from server.services.ledger import networks

blp = Blueprint("networks", __name__, url_prefix="/api/v1/networks", description="Exchange networks (通存通兑)")
# A network belongs to its member communities: their coordinators (and admins) get in, others get 404.
auth.register_scope("network_id", "Network", community_of=networks.network_scope)


@blp.route("")
class Networks(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, NetworkSchema(many=True))
    def get(self):
        """Networks with each member's net position and limit (admins: all; a station: its community's)"""
        return networks.listing(auth.current_member())

    @auth.roles(auth.ADMIN)
    @blp.arguments(NetworkCreateSchema)
    @blp.response(201, NetworkSchema)
    def post(self, body):
        """Group communities into a network (a 街道, a 区 or a city), each with its limit (admins)

        A community belongs to at most one network (409 `community_in_network`). Hours cross between
        two communities only when both are in one network.
        """
        return networks.created(auth.current_member(), **body)


@blp.route("/<int:network_id>")
class NetworkDetail(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, NetworkSchema)
    def get(self, network_id):
        """A network: its members, each one's net position (clearing balance) and limit"""
        return networks.view(networks.network_for(auth.current_member(), network_id))

    @auth.roles(auth.ADMIN)
    @blp.arguments(NetworkUpdateSchema)
    @blp.response(200, NetworkSchema)
    def patch(self, body, network_id):
        """Change a network's limits, membership or name (admins)

        A limit below the community's current net position, or a community leaving with a position
        other than 0, is refused with the figures.
        """
        return networks.updated(auth.current_member(), network_id, **body)


@blp.route("/<int:network_id>/settlements")
class Settlements(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(MonthQuerySchema, location="query")
    @blp.response(200, SettlementSchema)
    def get(self, query, network_id):
        """A month's settlement: flows between each pair of member communities, and positions at month end

        Stored when the month closes (`closed`: true); a month not yet closed is worked out now.
        """
        return networks.settlement_for(auth.current_member(), network_id, query["year"], query["month"])
