"""待审核记录, 柜台登记 and 更正: the station's work on service records, through the records, counter and
corrections services the API calls."""

from flask import flash, redirect, render_template, request, url_for

from server.console import forms, gate
from server.console.blueprint import bp
from server.console.tables import Column, Table
from server.errors import LoveBankError
from server.extensions import auth
from server.resources.corrections.schemas import CorrectionRejectSchema
from server.resources.records.schemas import CorrectionRequestSchema, CounterEntrySchema, ReasonSchema
from server.services.board import corrections, counter, directory, records, review
from server.services.board.record_views import record_view, record_views

STATUS_LABELS = {"waiting": "待服务站审核", "reported": "待见证", "confirmed": "已见证", "credited": "已入账",
                 "disputed": "有异议", "rejected": "已驳回", "reversed": "已冲正", "withdrawn": "已撤回",
                 "too_short": "时长不足", "redeemed": "已兑换"}
_sources = {"task": "需求任务", "agreement": "服务协议", "event": "活动", "self_report": "自主开展", "payback": "回馈服务",
            "provider": "服务商", "counter": "柜台登记"}
assert set(STATUS_LABELS) == {review.WAITING, *review.STATUSES}


def _record_table() -> Table:
    return Table("服务记录", [
        Column("id", "编号"), Column("volunteer_name", "志愿者"),
        Column("service", "服务", lambda r: r["item_name"] or r["category_name"]),
        Column("started_at", "开始时间"), Column("hours", "时长（小时）", lambda r: f"{r['duration_minutes'] / 60:.1f}"),
        Column("witness_name", "见证人"), Column("status_label", "状态"), Column("source", "来源", lambda r: _sources.get(r["source"], r["source"])),
    ], {"new": ("最新在前", review.NEWEST_FIRST), "old": ("最早在前", review.OLDEST_FIRST)}, views=record_views)


@bp.route("/records", endpoint="review")
@gate.staff
def review_page():
    """The records only the station can settle (or all of one status): approve or reject each."""
    status = request.args.get("status", review.WAITING)
    if status not in STATUS_LABELS:
        raise LoveBankError("没有这个状态", field="status")
    table = _record_table()
    query = review.queue(auth.current_member(), status)
    if request.args.get("format") == "xlsx":
        return table.export(query, "service-records.xlsx")
    title = "待审核记录" if status == review.WAITING else f"服务记录 · {STATUS_LABELS[status]}"
    return render_template("console/review.html", title=title, table=table.page(query), status=status,
                           statuses=STATUS_LABELS)


def _record_row(record):
    return render_template("console/_record_row.html", r=record_view(record), columns=_record_table().columns)


@bp.route("/records/<int:record_id>/approve", methods=["POST"])
@gate.staff
def approve_record(record_id):
    """Approve and credit (htmx: the row comes back with its new status)."""
    me = auth.current_member()
    return _record_row(records.approve(me, records.record_for(me, auth.scoped_object("record_id"))))


@bp.route("/records/<int:record_id>/reject", methods=["POST"])
@gate.staff
def reject_record(record_id):
    """Reject with a reason (htmx)."""
    body, errors = forms.parse(ReasonSchema())
    if errors:
        return render_template("console/_error.html", error=LoveBankError("请填写驳回理由（至少2个字）")), 422
    me = auth.current_member()
    return _record_row(records.reject(me, records.record_for(me, auth.scoped_object("record_id")), body["reason"]))


@bp.route("/counter", methods=["GET", "POST"], endpoint="counter")
@gate.staff
def counter_entry():
    """柜台登记: a service from a paper form, for a volunteer without a phone."""
    me = auth.current_member()
    values, errors = {}, {}
    if request.method == "POST":
        category, _, item = request.form.get("service", "").partition("/")
        values, errors = forms.parse(CounterEntrySchema(), {"category_code": category, "item_code": item or None}
                                     if category else {})
        if not errors:
            try:
                record = counter.enter(me, values)
            except LoveBankError as error:
                errors = gate.field_errors(error)
            else:
                flash(f"已登记第{record.id}号记录：{record_view(record)['status_label']}")
                return redirect(url_for("console.record", record_id=record.id))
        values = dict(request.form)
    return render_template("console/counter.html", title="柜台登记", choices=directory.counter_choices(me),
                           values=values, errors=errors), 422 if errors else 200


@bp.route("/records/<int:record_id>")
@gate.staff
def record(record_id):
    """One record, and the form to correct it when it is credited."""
    me = auth.current_member()
    found = records.record_for(me, auth.scoped_object("record_id"))
    return render_template("console/record.html", title=f"服务记录 第{found.id}号", r=record_view(found),
                           values={}, errors={})


@bp.route("/records/<int:record_id>/correction", methods=["POST"])
@gate.staff
def correct_record(record_id):
    """更正: the credited record's times put right (a reversal and the corrected credit, or a pending one)."""
    me = auth.current_member()
    found = records.record_for(me, auth.scoped_object("record_id"))
    body, errors = forms.parse(CorrectionRequestSchema())
    if not errors:
        try:
            correction = corrections.request(me, found, **body)
        except LoveBankError as error:
            errors = gate.field_errors(error)
        else:
            view = corrections.correction_view(correction)
            flash(f"更正已{view['status_label']}")
            return redirect(url_for("console.record", record_id=found.id))
    return render_template("console/record.html", title=f"服务记录 第{found.id}号", r=record_view(found),
                           values=dict(request.form), errors=errors), 422


CORRECTION_STATUSES = {"pending": "待第二位协调员审核", "applied": "已生效", "rejected": "已驳回", "": "全部"}


@bp.route("/corrections", endpoint="corrections")
@gate.staff
def corrections_page():
    """Corrections of the community, the waiting ones first to approve."""
    status = request.args.get("status", "pending")
    if status not in CORRECTION_STATUSES:
        raise LoveBankError("没有这个状态", field="status")
    table = Table("更正", [
        Column("id", "编号"), Column("record_id", "记录", link=lambda r: url_for("console.record", record_id=r["record_id"])),
        Column("old_started_at", "原开始"), Column("old_ended_at", "原结束"), Column("started_at", "更正为开始"),
        Column("ended_at", "更正为结束"), Column("change", "增减（小时）", lambda r: f"{r['change_minutes'] / 60:+.1f}"),
        Column("reason", "理由"), Column("requested_by_name", "申请人"), Column("status_label", "状态"),
    ], {"new": ("最新在前", corrections.LISTING_ORDER)},
        views=lambda rows: [corrections.correction_view(row) for row in rows])
    query = corrections.listing(auth.current_member(), status=status or None)
    if request.args.get("format") == "xlsx":
        return table.export(query, "corrections.xlsx")
    return render_template("console/corrections.html", title="更正", table=table.page(query), status=status,
                           statuses=CORRECTION_STATUSES)


@bp.route("/corrections/<int:correction_id>/approve", methods=["POST"])
@gate.staff
def approve_correction(correction_id):
    """A second coordinator lets a large correction post."""
    me = auth.current_member()
    done = corrections.approve(me, corrections.correction_for(me, auth.scoped_object("correction_id")))
    flash(f"第{done.id}号更正已审核通过")
    return redirect(url_for("console.corrections", status="pending"))


@bp.route("/corrections/<int:correction_id>/reject", methods=["POST"])
@gate.staff
def reject_correction(correction_id):
    """A second coordinator refuses a waiting correction."""
    body, errors = forms.parse(CorrectionRejectSchema())
    if errors:
        raise LoveBankError("请填写驳回理由（至少2个字）", field="reason")
    me = auth.current_member()
    done = corrections.reject(me, corrections.correction_for(me, auth.scoped_object("correction_id")), body["reason"])
    flash(f"第{done.id}号更正已驳回")
    return redirect(url_for("console.corrections", status="pending"))
