"""The quarterly audit: ledger check, anomaly flags, a reproducible weighted sample, visits and outcomes."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.files import FILE, download
from server.extensions.smorest import Blueprint
from server.resources.audits.schemas import (
    AuditBriefSchema,
    AuditRunSchema,
    AuditSchema,
    OutcomeSchema,
    ReportQuerySchema,
    VisitEditSchema,
    VisitSchema,
)
from server.services.oversight import audit_report, audits, documents
from server.services.people import core as people

blp = Blueprint("audits", __name__, url_prefix="/api/v1", description="Quarterly audits (季度检查与抽样走访)")
auth.register_scope("audit_id", "Audit")
auth.register_scope("visit_id", "AuditVisit")


@blp.route("/communities/<int:community_id>/audits")
class CommunityAudits(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, AuditBriefSchema(many=True))
    def get(self, community_id):
        """The community's audits, newest quarter first

        Each with its ledger result, sample size and how many visits are pending,
        confirmed or disputed; open one for its flags and visits.
        """
        found = audits.listing(auth.current_member(), community_id)
        return [audit_report.audit_view(a, with_details=False) for a in found]

    @auth.roles(auth.COORDINATOR)
    @blp.arguments(AuditRunSchema)
    @blp.response(201, AuditSchema)
    def post(self, body, community_id):
        """Audit an ended quarter (running it again returns the same audit)

        Verifies the ledger, flags unusual records, draws a weighted random sample of
        the quarter's credited records (the seed is recorded: the draw can be
        repeated) and makes a visit for each, shared among the coordinators.
        """
        me = auth.current_member()
        audit = audits.run(me, people.community_for(me, community_id), body["year"], body["quarter"],
                           seed=body["seed"], sample_size=body["sample_size"])
        return audit_report.audit_view(audit)


@blp.route("/audits/<int:audit_id>")
class AuditDetail(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, AuditSchema)
    def get(self, audit_id):
        """An audit with its ledger findings, flags and visits

        Flags say why a record looks unusual (kinds and thresholds in the settings);
        visits are in the order drawn, with whom to visit or call.
        """
        return audit_report.audit_view(audits.audit_for(auth.current_member(), audit_id))


@blp.route("/audits/<int:audit_id>/close")
class AuditClose(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, AuditSchema)
    def post(self, audit_id):
        """Close the audit once every visit has an outcome

        422 while any visit is pending; a closed audit takes no more outcomes.
        """
        me = auth.current_member()
        return audit_report.audit_view(audits.close(me, audits.audit_for(me, audit_id)))


@blp.route("/audits/<int:audit_id>/report")
class AuditReport(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(ReportQuerySchema, location="query")
    @blp.response(200, FILE, description="The report as PDF or XLSX", content_type=documents.PDF_TYPE)
    @blp.alt_response(200, schema=FILE, description="The report as PDF or XLSX", content_type=documents.XLSX_TYPE)
    def get(self, query, audit_id):
        """The audit report for the committee, as PDF (default) or XLSX

        Overview, ledger findings, flagged records and every visit with its outcome;
        phone numbers are partly hidden.
        """
        audit = audits.audit_for(auth.current_member(), audit_id)
        name = audit_report.file_name(audit)
        if query["format"] == "xlsx":
            return download(audit_report.xlsx(audit), f"{name}.xlsx", documents.XLSX_TYPE)
        return download(audit_report.pdf(audit), f"{name}.pdf", documents.PDF_TYPE)


@blp.route("/audit-visits/<int:visit_id>")
class VisitDetail(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, VisitSchema)
    def get(self, visit_id):
        """One visit: the record, whom to visit or call, and the outcome so far

        The contact is the recipient, or the witness when the service had none
        (phone in full: coordinators only).
        """
        return audit_report.visit_view(audits.visit_for(auth.current_member(), visit_id))

    @auth.roles(auth.COORDINATOR)
    @blp.arguments(VisitEditSchema)
    @blp.response(200, VisitSchema)
    def patch(self, body, visit_id):
        """Hand the visit to another coordinator, or switch between a home visit and a call

        `assignee_id` must be a coordinator of the same community (422 otherwise).
        """
        me = auth.current_member()
        return audit_report.visit_view(audits.assign(me, audits.visit_for(me, visit_id), **body))


@blp.route("/audit-visits/<int:visit_id>/outcome")
class VisitOutcome(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(OutcomeSchema)
    @blp.response(200, VisitSchema)
    def post(self, body, visit_id):
        """Record what the recipient said: confirmed, or disputed with notes (the record is reversed)

        A disputed record's credit is reversed through the ledger with the audit as
        reason; the passbook shows it. If the household has already spent the hours the
        outcome stands and `reversal_note` says why; posting the same outcome again retries.
        """
        me = auth.current_member()
        return audit_report.visit_view(audits.record_outcome(me, audits.visit_for(me, visit_id), **body))
