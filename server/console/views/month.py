"""月结: the community's closed months and each month's register (每月汇总登记) — households' opening, in,
out and closing, checked against the love pool, issuance and clearing — on screen, printed, or as the
API's XLSX. The monthly close itself runs on the scheduler's first day of the month."""

from flask import render_template, request

from server.console import gate
from server.console.blueprint import bp
from server.errors import RuleBroken
from server.extensions import auth
from server.extensions.files import download
from server.services.oversight import documents, monthly_close
from server.services.people import core as people


def _month() -> tuple[int, int]:
    try:
        year, month = int(request.args["year"]), int(request.args["month"])
    except (KeyError, ValueError):
        raise RuleBroken("请选择年份和月份", field="month") from None
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise RuleBroken("没有这个月份", field="month")
    return year, month


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
    year, month = _month()
    if request.args.get("format") == "xlsx":
        data = monthly_close.register_xlsx(community, year, month)
        return download(data, f"{community.name}{year}年{month}月汇总登记.xlsx", documents.XLSX_TYPE)
    return render_template("console/register.html", title=f"{year}年{month}月汇总登记",
                           r=monthly_close.register(community, year, month))
