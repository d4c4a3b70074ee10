"""审计与回访: the quarterly audit — the ledger check, the flagged records, the weighted sample of visits —
run, worked through visit by visit (走访/电话回访 with the resident's answer) and closed, with the
committee's report as PDF or XLSX; through the audits service the API calls."""

from flask import flash, redirect, render_template, request, url_for

from server.console import forms, gate
from server.console.blueprint import bp
from server.errors import LoveBankError
from server.extensions import auth
from server.extensions.files import download
from server.resources.audits.schemas import AuditRunSchema, OutcomeSchema
from server.services.oversight import audit_report, audits, documents, periods
from server.services.people import core as people


@bp.route("/audits", methods=["GET", "POST"], endpoint="audits")
@gate.staff
def audits_page():
    """The community's audits, newest quarter first, and running one for an ended quarter."""
    me = auth.current_member()
    errors, values = {}, {}
    if request.method == "POST":
        values, errors = forms.parse(AuditRunSchema())
        if not errors:
            try:
                audit = audits.run(me, people.community_for(me, me.community_id), values["year"], values["quarter"],
                                   seed=values["seed"], sample_size=values["sample_size"])
                return redirect(url_for("console.audit", audit_id=audit.id))
            except LoveBankError as error:
                errors = gate.field_errors(error)
    else:
        values = dict(zip(("year", "quarter"), periods.last_ended_quarter(), strict=True))
    found = [audit_report.audit_view(a, with_details=False) for a in audits.listing(me, me.community_id)]
    return render_template("console/audits.html", title="季度检查与回访", audits=found, values=values, errors=errors), \
        (422 if errors else 200)


@bp.route("/audits/<int:audit_id>", endpoint="audit")
@gate.staff
def audit_page(audit_id):
    """One audit: ledger findings, flags, and every visit with a form for its outcome."""
    view = audit_report.audit_view(audits.audit_for(auth.current_member(), audit_id))
    return render_template("console/audit.html", title=f"{view['label']}检查", a=view, errors={})


@bp.route("/audit-visits/<int:visit_id>/outcome", methods=["POST"], endpoint="visit_outcome")
@gate.staff
def visit_outcome(visit_id):
    """What the resident said: 属实 (confirmed) or 有异议 (disputed, with notes: the credit is reversed)."""
    me = auth.current_member()
    visit = audits.visit_for(me, visit_id)
    body, errors = forms.parse(OutcomeSchema())
    if not errors:
        try:
            audits.record_outcome(me, visit, **body)
            flash(f"第{visit.draw_order}号走访已记录")
            return redirect(url_for("console.audit", audit_id=visit.audit_id, _anchor=f"visit-{visit.id}"))
        except LoveBankError as error:
            errors = gate.field_errors(error)
    view = audit_report.audit_view(audits.audit_for(me, visit.audit_id))
    return render_template("console/audit.html", title=f"{view['label']}检查", a=view, errors={visit.id: errors}), 422


@bp.route("/audits/<int:audit_id>/close", methods=["POST"], endpoint="close_audit")
@gate.staff
def close_audit(audit_id):
    """Close once every visit has an outcome (refused, in Chinese, while any is pending)."""
    me = auth.current_member()
    audits.close(me, audits.audit_for(me, audit_id))
    flash("本季度检查已结束")
    return redirect(url_for("console.audit", audit_id=audit_id))


@bp.route("/audits/<int:audit_id>/report", endpoint="audit_report")
@gate.staff
def audit_report_file(audit_id):
    """The committee's report: PDF (default) or `format=xlsx`."""
    audit = audits.audit_for(auth.current_member(), audit_id)
    name = audit_report.file_name(audit)
    if request.args.get("format") == "xlsx":
        return download(audit_report.xlsx(audit), f"{name}.xlsx", documents.XLSX_TYPE)
    return download(audit_report.pdf(audit), f"{name}.pdf", documents.PDF_TYPE)
