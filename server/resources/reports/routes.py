"""Coordinators' downloads: the monthly register (每月汇总登记) and the half-year study report (专题调研)."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.files import download
from server.extensions.smorest import Blueprint
from server.models import Community
from server.resources.reports.schemas import RegisterQuerySchema
from server.services import documents, monthly_close

blp = Blueprint("reports", __name__, url_prefix="/api/v1/communities", description="Registers and reports (登记与调研)")


@blp.route("/<int:community_id>/statements/register")
class MonthlyRegister(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(RegisterQuerySchema, location="query")
    @blp.response(200, description="XLSX workbook", content_type=documents.XLSX_TYPE)
    def get(self, query, community_id):
        """The community's register of a closed month, as XLSX (每月汇总登记)

        One row per household (opening, in, out, closing and each member's service
        hours), a sheet per member and a sheet of totals checked against the
        community's love pool and issuance accounts. 422 when the month is not closed.
        """
        community = Community.get_by_id(community_id)
        data = monthly_close.register_xlsx(community, query["year"], query["month"])
        return download(data, f"{community.name}{query['year']}年{query['month']}月汇总登记.xlsx", documents.XLSX_TYPE)

