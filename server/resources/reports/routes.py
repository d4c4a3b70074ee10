"""Coordinators' downloads: the monthly register (每月汇总登记) and the half-year study report (专题调研)."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.files import FILE, download
from server.extensions.smorest import Blueprint
from server.resources.reports.schemas import HalfYearQuerySchema, HalfYearReportSchema, RegisterQuerySchema
from server.services.oversight import documents, monthly_close, study_report, study_report_files
from server.services.people import core as people

HALF_YEAR_ANSWERS = "format=json: the report's data; xlsx, pdf: the report as a file; png: one chart"

blp = Blueprint("reports", __name__, url_prefix="/api/v1/communities", description="Registers and reports (登记与调研)")


@blp.route("/<int:community_id>/statements/register")
class MonthlyRegister(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(RegisterQuerySchema, location="query")
    @blp.response(200, FILE, description="XLSX workbook", content_type=documents.XLSX_TYPE)
    def get(self, query, community_id):
        """The community's register of a closed month, as XLSX (每月汇总登记)

        One row per household (opening, in, out, closing and each member's service
        hours), a sheet per member and a sheet of totals checked against the
        community's love pool and issuance accounts. 422 when the month is not closed.
        """
        community = people.community_for(auth.current_member(), community_id)
        data = monthly_close.register_xlsx(community, query["year"], query["month"])
        return download(data, f"{community.name}{query['year']}年{query['month']}月汇总登记.xlsx", documents.XLSX_TYPE)


@blp.route("/<int:community_id>/reports/half-year")
class HalfYearReport(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(HalfYearQuerySchema, location="query")
    @blp.response(200, HalfYearReportSchema, description=HALF_YEAR_ANSWERS)
    @blp.alt_response(200, schema=FILE, description=HALF_YEAR_ANSWERS, content_type=documents.XLSX_TYPE)
    @blp.alt_response(200, schema=FILE, description=HALF_YEAR_ANSWERS, content_type=documents.PDF_TYPE)
    @blp.alt_response(200, schema=FILE, description=HALF_YEAR_ANSWERS, content_type=documents.PNG_TYPE)
    def get(self, query, community_id):
        """The half-year study report (每六个月专题调研): JSON, XLSX with charts, PDF, or one chart as PNG

        `format=json` answers the schema below; `xlsx`, `pdf` and `png` answer the file.
        Sections in order: overview, household accounts, hours by month, by category
        and by team, active and new volunteers, party members' share (only volunteers
        who consented), audits and visits; more are added by other areas.
        """
        community = people.community_for(auth.current_member(), community_id)
        period = study_report.period_of(community, query["year"], query["half"])
        sections = study_report.build(period)
        name = study_report_files.title(period)
        if query["format"] == "xlsx":
            return download(study_report_files.xlsx(period, sections), f"{name}.xlsx", documents.XLSX_TYPE)
        if query["format"] == "pdf":
            return download(study_report_files.pdf(period, sections), f"{name}.pdf", documents.PDF_TYPE)
        if query["format"] == "png":
            chart = query["chart"] or "hours_by_month"
            return download(study_report_files.png(sections, chart), f"{name}-{chart}.png", documents.PNG_TYPE,
                            inline=True)
        return study_report_files.as_json(period, sections)
