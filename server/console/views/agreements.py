"""服务协议与受助档案: the community's one-to-one assistance agreements — their parties, signatures and
status changes (暂停、恢复、终止、续签) — and the recipient files they stand on, through the agreements
service the API calls."""

from flask import flash, redirect, render_template, request, url_for

from server.console import forms, gate
from server.console.blueprint import bp
from server.console.tables import Column, Table
from server.extensions import auth
from server.resources.agreements.schemas import AgreementActionSchema
from server.services.board import agreements
from server.services.board.agreement_views import agreement_view, file_view

ACTIONS = {"suspend": "暂停", "resume": "恢复", "end": "终止", "renew": "续签"}


def _agreement_table(me) -> Table:
    return Table("服务协议", [
        Column("id", "编号", link=lambda r: url_for("console.agreement", agreement_id=r["id"])),
        Column("recipient_name", "受助人"), Column("volunteer_names", "志愿者"),
        Column("category_name", "服务"), Column("start_date", "开始"), Column("end_date", "结束"), Column("status_label", "状态"),
    ], {"new": ("最新在前", agreements.LISTING_ORDER)}, views=lambda rows: [agreement_view(a, me) for a in rows])


@bp.route("/agreements", endpoint="agreements")
@gate.staff
def agreements_page():
    """The community's agreements, newest first; export to Excel."""
    me = auth.current_member()
    table = _agreement_table(me)
    query = agreements.listing(me)
    if request.args.get("format") == "xlsx":
        return table.export(query, "agreements.xlsx")
    return render_template("console/agreements.html", title="服务协议", table=table.page(query))


@bp.route("/agreements/<int:agreement_id>", endpoint="agreement")
@gate.staff
def agreement_page(agreement_id):
    """One agreement: parties and signatures, schedule, and what the station may change now."""
    me = auth.current_member()
    view = agreement_view(agreements.agreement_for(me, auth.scoped_object("agreement_id")), me)
    return render_template("console/agreement.html", title=f"服务协议 第{view['id']}号", a=view, actions=ACTIONS,
                           errors={})


@bp.route("/agreements/<int:agreement_id>/status", methods=["POST"], endpoint="agreement_status")
@gate.staff
def agreement_status(agreement_id):
    """暂停 / 恢复 / 终止 / 续签 with a note (visits ahead are withdrawn on suspend and end)."""
    me = auth.current_member()
    body, errors = forms.parse(AgreementActionSchema())
    agreement = agreements.agreement_for(me, auth.scoped_object("agreement_id"))
    if errors:
        return render_template("console/agreement.html", title=f"服务协议 第{agreement.id}号",
                               a=agreement_view(agreement, me), actions=ACTIONS, errors=errors), 422
    agreements.set_status(me, agreement, **body)
    flash(f"协议已{ACTIONS[body['action']]}")
    return redirect(url_for("console.agreement", agreement_id=agreement.id))


@bp.route("/recipient-files", endpoint="recipient_files")
@gate.staff
def recipient_files_page():
    """受助档案: needs, risks, emergency contact and consent date of each recipient."""
    table = Table("受助档案", [
        Column("id", "编号"), Column("member_name", "受助人"), Column("needs", "需求"), Column("risks", "风险"),
        Column("emergency_contact_name", "紧急联系人"), Column("emergency_contact_phone", "联系电话"),
        Column("consent_date", "同意日期"),
    ], {"new": ("最新在前", agreements.FILE_ORDER)}, views=lambda rows: [file_view(f) for f in rows])
    query = agreements.file_listing(auth.current_member())
    if request.args.get("format") == "xlsx":
        return table.export(query, "recipient-files.xlsx")
    return render_template("console/recipient_files.html", title="受助档案", table=table.page(query))

