"""报表: the half-year study report (on screen, as PDF or XLSX), this quarter's honour rate (兑付率) and the
ten-year outlook (兑付能力预警), through the report services the API calls."""

from flask import render_template, request

from server import clock
from server.console import forms, gate
from server.console.blueprint import bp
from server.extensions import auth
from server.extensions.files import download
from server.resources.reports.schemas import HalfYearQuerySchema
from server.services.board import redemption_report
from server.services.oversight import documents, outlook, study_report, study_report_files
from server.services.people import core as people


def _half() -> tuple[int, int]:
    """The half-year asked for; by default the last one that has ended."""
    today = clock.today()
    year, half = (today.year, 1) if today.month > 6 else (today.year - 1, 2)
    asked = forms.query(HalfYearQuerySchema(), defaults={"year": year, "half": half})
    return asked["year"], asked["half"]


@bp.route("/reports", endpoint="reports")
@gate.staff
def reports_page():
    """The half-year report's sections as tables, with its files; the honour rate and the outlook beside."""
    me = auth.current_member()
    community = people.community_for(me, me.community_id)
    year, half = _half()
    period = study_report.period_of(community, year, half)
    name = study_report_files.title(period)
    if request.args.get("format") == "xlsx":
        return download(study_report_files.xlsx(period, study_report.build(period)), f"{name}.xlsx", documents.XLSX_TYPE)
    if request.args.get("format") == "pdf":
        return download(study_report_files.pdf(period, study_report.build(period)), f"{name}.pdf", documents.PDF_TYPE)
    report = study_report_files.as_json(period, study_report.build(period))
    return render_template("console/reports.html", title="报表", report=report, year=year, half=half,
                           years=range(clock.today().year, 2019, -1),
                           honour=redemption_report.report_for(me, community.id),
                           outlook=outlook.outlook_for(me, community.id))
