"""Service records: self-report, counter entry, witness confirmation (tap, QR or code), dispute, coordinator
review, correction."""

from flask.views import MethodView

from server.extensions import auth, limits
from server.extensions.pager import KeysetPage
from server.extensions.smorest import Blueprint
from server.resources.corrections.schemas import CorrectionSchema
from server.resources.records.schemas import (
    ConfirmCodeSchema,
    ConfirmQRSchema,
    ConfirmSchema,
    CorrectionRequestSchema,
    CounterEntrySchema,
    QRSchema,
    ReasonSchema,
    RecordEditSchema,
    RecordPageSchema,
    RecordQuerySchema,
    RecordReportSchema,
    RecordSchema,
)
from server.services.board import code_cards, corrections, counter, network_tasks, records
from server.services.board.record_views import record_view, record_views

blp = Blueprint("service_records", __name__, url_prefix="/api/v1/service-records",
                description="Service records (服务记录)")
auth.register_scope("record_id", "ServiceRecord", shared_with=network_tasks.record_shared_with)


def _record(record_id):
    """The record the auth gate loaded, if this member may see it."""
    return records.record_for(auth.current_member(), auth.scoped_object("record_id"))


class _Viewed(KeysetPage):
    """Newest first; each record as the viewer may see it (one batch of look-ups for the page)."""

    keyset = records.LISTING_ORDER

    @property
    def items(self):
        return record_views(super().items)


@blp.route("")
class Records(MethodView):
    @auth.roles(auth.MEMBER)
    @blp.arguments(RecordQuerySchema, location="query")
    @blp.response(200, RecordPageSchema)
    @blp.paginate(_Viewed)
    def get(self, query):
        """Records I served, records waiting for me as witness, or all (coordinators)

        Newest first; pass `next_cursor` back as `cursor` for the next page.
        """
        return records.listing(auth.current_member(), **query)

    @auth.roles(auth.VOLUNTEER)
    @blp.arguments(RecordReportSchema)
    @blp.response(201, RecordSchema)
    def post(self, body):
        """Report a self-organised service (自主开展), naming a witness

        Actual service time only (travel excluded). Refused when it overlaps another
        record or passes the daily cap; older than the back-date limit it waits for a
        coordinator (补录). A volunteer can never witness their own service.
        """
        return record_view(records.report(auth.current_member(), body))


@blp.route("/counter")
class RecordCounter(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(CounterEntrySchema)
    @blp.response(201, RecordSchema)
    def post(self, body):
        """Enter a service at the station's counter (柜台登记) for a volunteer without a phone

        From a paper service form: checked as a self-report (dates, overlaps, the daily cap, a
        witness). With `paper_signature` the coordinator's entry credits it at once and the
        quarterly audit flags it; otherwise it waits for its witness (a tap, a scan, or a code
        from the witness household's code card). `source` is `counter`, the coordinator its recorder.
        """
        return record_view(counter.enter(auth.current_member(), body))


@blp.route("/confirm-code")
class RecordConfirmCode(MethodView):
    @auth.roles(auth.MEMBER)
    @limits.area(limits.CODE)
    @blp.arguments(ConfirmCodeSchema)
    @blp.response(200, RecordSchema)
    def post(self, body):
        """Confirm with a code the elder reads out from their witness code card (见证码卡)

        The volunteer (or the station) enters it; the record is confirmed for the witness's
        household exactly as the witness's own scan would, and credited once. Each code works
        once; every try is kept; after CODE_MAX_WRONG_ATTEMPTS wrong codes the record is locked
        (409 `code_locked`) and the station confirms it.
        """
        me = auth.current_member()
        record = records.record_for(me, body["record_id"])
        return record_view(code_cards.confirm_with_code(me, record, body["code"]))


@blp.route("/<int:record_id>")
class RecordDetail(MethodView):
    @auth.roles(auth.MEMBER)
    @blp.response(200, RecordSchema)
    def get(self, record_id):
        """One record (the volunteer, the witness, the recipient's family, coordinators)"""
        return record_view(_record(record_id))

    @auth.roles(auth.VOLUNTEER)
    @blp.arguments(RecordEditSchema)
    @blp.response(200, RecordSchema)
    def patch(self, body, record_id):
        """Correct my self-report before its witness confirms

        Send only what changes; the report is checked again like a new one (overlaps, daily
        cap), the witness is asked again, and a QR shown for the old version no longer
        confirms. Refused (409) once the witness has confirmed or disputed it.
        """
        return record_view(records.edit(auth.current_member(), _record(record_id), body))


@blp.route("/<int:record_id>/confirm")
class RecordConfirm(MethodView):
    @auth.roles(auth.MEMBER)
    @blp.arguments(ConfirmSchema)
    @blp.response(200, RecordSchema)
    def post(self, body, record_id):
        """Confirm a service as its witness (见证确认), with an optional evaluation

        Credits the volunteer's household exactly once. A family member may confirm for
        a witness who has no phone; the record says who acted.
        """
        return record_view(records.confirm(auth.current_member(), _record(record_id), **body))


@blp.route("/confirm-qr")
class RecordConfirmQR(MethodView):
    @auth.roles(auth.MEMBER)
    @limits.area(limits.CODE)
    @blp.arguments(ConfirmQRSchema)
    @blp.response(200, RecordSchema)
    def post(self, body):
        """Confirm by scanning the volunteer's QR code"""
        token = body.pop("token")
        return record_view(records.confirm_by_qr(auth.current_member(), token, **body))


@blp.route("/<int:record_id>/withdraw")
class RecordWithdraw(MethodView):
    @auth.roles(auth.VOLUNTEER)
    @blp.response(200, RecordSchema)
    def post(self, record_id):
        """Withdraw my self-report while it waits for its witness (撤回)

        It no longer holds its time or counts toward the day's cap, and nobody can confirm
        it. Refused (409) once the witness has confirmed or disputed it.
        """
        return record_view(records.withdraw(auth.current_member(), _record(record_id)))


@blp.route("/<int:record_id>/qr")
class RecordQR(MethodView):
    @auth.roles(auth.VOLUNTEER)
    @blp.response(200, QRSchema)
    def post(self, record_id):
        """A short-lived QR token the volunteer shows for the witness to scan"""
        token, expires_at = records.qr_token(auth.current_member(), _record(record_id))
        return {"token": token, "expires_at": expires_at}


@blp.route("/<int:record_id>/dispute")
class RecordDispute(MethodView):
    @auth.roles(auth.MEMBER)
    @blp.arguments(ReasonSchema)
    @blp.response(200, RecordSchema)
    def post(self, body, record_id):
        """The witness says it did not happen as reported: the coordinator will look"""
        return record_view(records.dispute(auth.current_member(), _record(record_id), body["reason"]))


@blp.route("/<int:record_id>/approve")
class RecordApprove(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, RecordSchema)
    def post(self, record_id):
        """Coordinator confirms (outsider witness, resolved dispute, late report 补录) and credits"""
        return record_view(records.approve(auth.current_member(), _record(record_id)))


@blp.route("/<int:record_id>/reject")
class RecordReject(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(ReasonSchema)
    @blp.response(200, RecordSchema)
    def post(self, body, record_id):
        """Coordinator rejects a record that is not credited yet"""
        return record_view(records.reject(auth.current_member(), _record(record_id), body["reason"]))


@blp.route("/<int:record_id>/correction")
class RecordCorrection(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(CorrectionRequestSchema)
    @blp.response(201, CorrectionSchema)
    def post(self, body, record_id):
        """Correct a credited record's times (更正): a reversal and the corrected credit, linked

        Both post today in one transaction, carry the reason and show in the passbook; the
        volunteer and the witness are told. A change of more than CORRECTION_APPROVAL_MINUTES
        credited minutes waits (`pending`) for a second coordinator or the admin to approve.
        """
        return corrections.correction_view(corrections.request(auth.current_member(), _record(record_id), **body))
