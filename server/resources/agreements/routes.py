"""Recipient files and one-to-one agreements: draft, sign, countersign, suspend, end, renew."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.pager import KeysetPage, page_of
from server.extensions.smorest import Blueprint
from server.resources.agreements.schemas import (
    AgreementActionSchema,
    AgreementCreateSchema,
    AgreementSchema,
    GenerateResultSchema,
    RecipientFileCreateSchema,
    RecipientFileSchema,
)
from server.services.board import agreements
from server.services.board.agreement_views import agreement_view, file_view

blp = Blueprint("agreements", __name__, url_prefix="/api/v1", description="Recipient files and agreements (建档立卡 · 帮扶协议)")
auth.register_scope("file_id", "RecipientFile")
auth.register_scope("agreement_id", "Agreement")


class _Agreements(KeysetPage):
    """Newest first, each as the viewer may see it."""

    keyset = agreements.LISTING_ORDER

    @property
    def items(self):
        me = auth.current_member()
        return [agreement_view(a, me) for a in super().items]


@blp.route("/recipient-files")
class RecipientFiles(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, RecipientFileSchema(many=True))
    def get(self):
        """My community's recipient files"""
        return [file_view(f) for f in agreements.file_listing(auth.current_member())]

    @auth.roles(auth.COORDINATOR)
    @blp.arguments(RecipientFileCreateSchema)
    @blp.response(201, RecipientFileSchema)
    def post(self, body):
        """Open a recipient file (建档立卡): needs, risks, emergency contact, consent date"""
        return file_view(agreements.open_file(auth.current_member(), body))


@blp.route("/recipient-files/<int:file_id>")
class RecipientFileDetail(MethodView):
    @auth.roles(auth.MEMBER)
    @blp.response(200, RecipientFileSchema)
    def get(self, file_id):
        """One recipient file (the coordinators and the person themself)"""
        return file_view(agreements.file_for(auth.current_member(), file_id))


@blp.route("/agreements")
class Agreements(MethodView):
    @auth.roles(auth.MEMBER)
    @blp.response(200, page_of(AgreementSchema, name="AgreementPage"))
    @blp.paginate(_Agreements)
    def get(self):
        """Agreements I am a party to (for coordinators: the community's), newest first"""
        return agreements.listing(auth.current_member())

    @auth.roles(auth.COORDINATOR)
    @blp.arguments(AgreementCreateSchema)
    @blp.response(201, AgreementSchema)
    def post(self, body):
        """Draft an agreement: recipient, items, weekly schedule, dates, volunteer(s); parties are asked to sign"""
        me = auth.current_member()
        return agreement_view(agreements.draft(me, body), me)


@blp.route("/agreements/<int:agreement_id>")
class AgreementDetail(MethodView):
    @auth.roles(auth.MEMBER)
    @blp.response(200, AgreementSchema)
    def get(self, agreement_id):
        """One agreement with its signatures (its parties, the recipient's family, coordinators)"""
        me = auth.current_member()
        return agreement_view(agreements.agreement_for(me, auth.scoped_object("agreement_id")), me)


@blp.route("/agreements/<int:agreement_id>/sign")
class AgreementSign(MethodView):
    @auth.roles(auth.MEMBER)
    @blp.response(200, AgreementSchema)
    def post(self, agreement_id):
        """Sign as what I am in it: the recipient (or their guardian), a volunteer, or — last — the coordinator

        Nobody signs for another party; the coordinator's countersignature makes it active.
        """
        me = auth.current_member()
        agreement = agreements.agreement_for(me, auth.scoped_object("agreement_id"))
        return agreement_view(agreements.sign(me, agreement), me)


@blp.route("/agreements/<int:agreement_id>/status")
class AgreementStatus(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(AgreementActionSchema)
    @blp.response(200, AgreementSchema)
    def post(self, body, agreement_id):
        """Suspend, resume, end or renew an agreement (visits ahead are withdrawn on suspend and end)"""
        me = auth.current_member()
        agreement = agreements.agreement_for(me, auth.scoped_object("agreement_id"))
        return agreement_view(agreements.set_status(me, agreement, **body), me)


@blp.route("/agreements/occurrences")
class AgreementOccurrences(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, GenerateResultSchema)
    def post(self):
        """Put the next days' agreement visits on the board now (the scheduler does it daily)

        A coordinator's community only; an admin's, every community. Running it again adds
        nothing; activation (the countersignature) already puts the visits up to the horizon on the board.
        """
        return {"created": agreements.generate_for(auth.current_member())}
