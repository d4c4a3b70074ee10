"""公示与星级: the community's public notices (quarterly figures and the star awards they list, open to
residents' objections for a while) and the star awards themselves — approved with a certificate, or
rejected with a reason — through the notices and stars services the API calls."""

from flask import flash, redirect, render_template, request, url_for

from server.console import forms, gate
from server.console.blueprint import bp
from server.console.tables import Column, Table
from server.errors import LoveBankError
from server.extensions import auth
from server.extensions.files import download
from server.resources.notices.schemas import QuarterSchema
from server.resources.stars.schemas import AwardQuerySchema, RejectionSchema
from server.services.oversight import documents, periods
from server.services.people import core as people
from server.services.recognition import certificates, notices, stars


@bp.route("/notices", methods=["GET", "POST"], endpoint="notices")
@gate.staff
def notices_page():
    """The notices published, newest first; publishing an ended quarter's notice (again: the same one)."""
    me = auth.current_member()
    errors, values = {}, dict(zip(("year", "quarter"), periods.last_ended_quarter(), strict=True))
    if request.method == "POST":
        values, errors = forms.parse(QuarterSchema())
        if not errors:
            try:
                notice = notices.publish_quarterly(me, people.community_for(me, me.community_id), values["year"],
                                                   values["quarter"])
                return redirect(url_for("console.notice", notice_id=notice.id))
            except LoveBankError as error:
                errors = gate.field_errors(error)
    table = Table("公示", [
        Column("published_at", "发布时间"), Column("title", "标题", link=lambda r: url_for("console.notice", notice_id=r["id"])),
        Column("award_count", "星级人数"), Column("objection_until", "异议截止"),
    ], {"new": ("最新在前", notices.LISTING_ORDER)}, views=lambda rows: [notices.notice_view(n, me, brief=True) for n in rows])
    return render_template("console/notices.html", title="公示", table=table.page(notices.listing(me)), values=values,
                           errors=errors), \
        (422 if errors else 200)


@bp.route("/notices/<int:notice_id>", endpoint="notice")
@gate.staff
def notice_page(notice_id):
    """A notice as residents see it (names masked unless the volunteer opted in), printable for the board."""
    me = auth.current_member()
    return render_template("console/notice.html", title="公示", n=notices.notice_view(notices.notice_for(me, notice_id), me))


@bp.route("/notices/awards", methods=["POST"], endpoint="publish_awards")
@gate.staff
def publish_awards():
    """Publish the star awards proposed since the last notice, so residents may object before approval."""
    me = auth.current_member()
    notice = notices.publish_awards(me, people.community_for(me, me.community_id))
    return redirect(url_for("console.notice", notice_id=notice.id))


@bp.route("/stars", endpoint="stars")
@gate.staff
def stars_page():
    """The community's star awards of a year (and status), with approval and rejection."""
    me = auth.current_member()
    query = forms.query(AwardQuerySchema())
    table = Table("星级评定", [
        Column("name", "志愿者"), Column("volunteer_no", "编号"), Column("stars", "星级"),
        Column("hours", "时长（小时）", lambda r: f"{r['minutes'] / 60:.1f}"), Column("period_label", "期间"),
        Column("applied", "已申请"), Column("objection_until", "公示截止"), Column("open_objections", "异议"),
        Column("status_label", "状态"),
    ], {"new": ("最新在前", stars.LISTING_ORDER)}, views=lambda rows: [stars.award_view(a, me) for a in rows])
    found = stars.listing(me, me.community_id, **query)
    if request.args.get("format") == "xlsx":
        return table.export(found, "star-awards.xlsx")
    return render_template("console/stars.html", title="星级评定", table=table.page(found), labels=stars.STATUS_LABELS,
                           query=query)


@bp.route("/star-awards/<int:award_id>/approval", methods=["POST"], endpoint="approve_award")
@gate.staff
def approve_award(award_id):
    """Approve after the notice's objection window (the hours are checked again) and issue the certificate."""
    me = auth.current_member()
    certificate = stars.approve(me, stars.award_for(me, award_id))
    flash(f"已批准，证书编号{certificate.serial}")
    return redirect(url_for("console.stars"))


@bp.route("/star-awards/<int:award_id>/rejection", methods=["POST"], endpoint="reject_award")
@gate.staff
def reject_award(award_id):
    """Reject a proposed award with the reason."""
    body, errors = forms.parse(RejectionSchema())
    if errors:
        raise LoveBankError("请写明不通过的理由（至少2个字）", field="reason")
    me = auth.current_member()
    stars.reject(me, stars.award_for(me, award_id), body["reason"])
    flash("已驳回")
    return redirect(url_for("console.stars"))


@bp.route("/star-awards/<int:award_id>/certificate", endpoint="certificate")
@gate.staff
def certificate_file(award_id):
    """The approved award's certificate (A4 landscape PDF), for printing at the station."""
    me = auth.current_member()
    certificate = certificates.certificate_for(me, stars.award_for(me, award_id))
    return download(certificates.pdf(certificate), f"星级志愿者证书-{certificate.serial}.pdf", documents.PDF_TYPE)
