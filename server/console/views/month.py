"""月结: the community's closed months and each month's register (每月汇总登记) — households' opening, in,
out and closing, checked against the love pool, issuance and clearing — on screen, printed, or as the
API's XLSX. The monthly close itself runs on the scheduler's first day of the month."""

from flask import render_template, request

from server.console import forms, gate
from server.console.blueprint import bp
from server.extensions import auth
from server.extensions.files import download
from server.resources.reports.schemas import RegisterQuerySchema
from server.services.oversight import documents, monthly_close
from server.services.people import core as people


@bp.route("/month", endpoint="month")
@gate.staff
def month_page():
    """The closed months, newest first, each with its register."""
    me = auth.current_member()
    community = people.community_for(me, me.community_id)
    return render_template("console/month.html", title="月结与汇总登记",
                           months=monthly_close.closed_months(community.id))


@bp.route("/month/register", endpoint="register")
@gate.staff
def register_page():
    """One closed month's register; `format=xlsx` downloads the same workbook as the API."""
    me = auth.current_member()
    community = people.community_for(me, me.community_id)
    asked = forms.query(RegisterQuerySchema())
    year, month = asked["year"], asked["month"]
    if request.args.get("format") == "xlsx":
        data = monthly_close.register_xlsx(community, year, month)
        return download(data, f"{community.name}{year}年{month}月汇总登记.xlsx", documents.XLSX_TYPE)
    return render_template("console/register.html", title=f"{year}年{month}月汇总登记",
                           r=monthly_close.register(community, year, month))
