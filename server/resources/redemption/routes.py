"""兑付率: whether the bank keeps its word to the households that redeem their hours."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.smorest import Blueprint
from server.resources.redemption.schemas import CommunityHonourSchema, QuarterQuerySchema, SideBySideSchema
from server.services.board import redemption_report

blp = Blueprint("redemption", __name__, url_prefix="/api/v1", description="Honour rate of payback requests (兑付率)")


@blp.route("/communities/<int:community_id>/redemption")
class CommunityRedemption(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(QuarterQuerySchema, location="query")
    @blp.response(200, CommunityHonourSchema)
    def get(self, query, community_id):
        """A community's payback requests of a quarter: honoured on time, late, not honoured

        Requests count in the quarter they were opened. The honour rate is on time ÷ (on time + late +
        not honoured); requests the household cancelled and those still within their promise are shown
        but not counted (docs/redemption.md). Without `year` and `quarter`: the current quarter so far.
        """
        return redemption_report.report_for(auth.current_member(), community_id, query["year"], query["quarter"])


@blp.route("/redemption")
class AllRedemption(MethodView):
    @auth.roles(auth.ADMIN)
    @blp.arguments(QuarterQuerySchema, location="query")
    @blp.response(200, SideBySideSchema)
    def get(self, query):
        """Every community's honour rate of a quarter, side by side (admins)

        One line per community, by id, and the total of all. The same figures as
        `/communities/{community_id}/redemption`.
        """
        return redemption_report.side_by_side(auth.current_member(), query["year"], query["quarter"])
