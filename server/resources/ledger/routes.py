"""Ledger operations: corrections, gifts, donations, love-pool grants, kinship, month close, verification."""

from flask.views import MethodView

from server.extensions import auth, limits
from server.extensions.idempotency import transfer_key
from server.extensions.smorest import Blueprint
from server.resources.ledger.schemas import (
    AdjustmentSchema,
    CloseResultSchema,
    DonationSchema,
    GiftSchema,
    GrantSchema,
    IdempotencyHeaderSchema,
    KinshipRequestSchema,
    KinshipSchema,
    LovePoolSchema,
    MonthSchema,
    ReversalSchema,
    StatementSchema,
    TransferSchema,
    VerificationSchema,
)
from server.services.ledger import ledger_ops, ledger_verify, passbook, statements
from server.services.ledger.transfer_views import kinship_view, transfer_view
from server.services.people import core as people

blp = Blueprint("ledger", __name__, url_prefix="/api/v1", description="Hours ledger (时间账本)")
auth.register_scope("transfer_id", "Transfer", community_of=ledger_ops.transfer_scope)
auth.register_scope("kinship_id", "Kinship", community_of=ledger_ops.kinship_scope)


@blp.route("/ledger/adjustments")
class Adjustments(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(IdempotencyHeaderSchema, location="headers")
    @blp.arguments(AdjustmentSchema)
    @blp.response(201, TransferSchema)
    def post(self, headers, body):
        """Adjust a household's hours by hand, with a reason (shown in the passbook)"""
        household = people.named_household(auth.current_member(), body["household_id"])
        return transfer_view(ledger_ops.adjust(auth.current_member(), household, minutes=body["minutes"],
                                               reason=body["reason"], key=transfer_key(headers["idempotency_key"])))


@blp.route("/transfers/<int:transfer_id>")
class TransferDetail(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.response(200, TransferSchema)
    def get(self, transfer_id):
        """One transfer and its legs (households it touched, coordinators)"""
        return transfer_view(ledger_ops.transfer_for(auth.current_member(), transfer_id))


@blp.route("/transfers/<int:transfer_id>/reversal")
class Reversal(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(IdempotencyHeaderSchema, location="headers")
    @blp.arguments(ReversalSchema)
    @blp.response(201, TransferSchema)
    def post(self, headers, body, transfer_id):
        """Reverse a posted transfer with a reason (冲正)

        A new transfer mirrors every leg; the original stays untouched. A credited
        service record becomes `reversed`. Refused when the hours were already spent.
        """
        return transfer_view(ledger_ops.reverse(auth.current_member(), transfer_id, reason=body["reason"],
                                                key=transfer_key(headers["idempotency_key"])))


@blp.route("/ledger/gifts")
class Gifts(MethodView):
    @auth.roles(auth.RESIDENT)
    @blp.arguments(IdempotencyHeaderSchema, location="headers")
    @blp.arguments(GiftSchema)
    @blp.response(201, TransferSchema)
    def post(self, headers, body):
        """Gift hours to a relative's household (亲情转赠), within the yearly cap

        Only to a household whose kinship a coordinator has confirmed (and, across communities, the relative
        household too: `POST /kinships/{id}/accept`).
        """
        return transfer_view(ledger_ops.gift(auth.current_member(), key=transfer_key(headers["idempotency_key"]), **body))


@blp.route("/ledger/donations")
class Donations(MethodView):
    @auth.roles(auth.RESIDENT)
    @blp.arguments(IdempotencyHeaderSchema, location="headers")
    @blp.arguments(DonationSchema)
    @blp.response(201, TransferSchema)
    def post(self, headers, body):
        """Donate hours to the community's love pool (爱心池), within the yearly cap"""
        return transfer_view(ledger_ops.donate(auth.current_member(), key=transfer_key(headers["idempotency_key"]), **body))


@blp.route("/ledger/grants")
class Grants(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(IdempotencyHeaderSchema, location="headers")
    @blp.arguments(GrantSchema)
    @blp.response(201, TransferSchema)
    def post(self, headers, body):
        """Grant love-pool hours to an elder's household in hardship (兜底), with a reason"""
        household = people.named_household(auth.current_member(), body["household_id"])
        return transfer_view(ledger_ops.grant(auth.current_member(), household, minutes=body["minutes"],
                                              reason=body["reason"], key=transfer_key(headers["idempotency_key"])))


@blp.route("/ledger/love-pool")
class LovePool(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.response(200, LovePoolSchema)
    def get(self):
        """My community's love pool (爱心池) balance"""
        return passbook.community_love_pool(auth.current_member())


@blp.route("/ledger/verification")
class Verification(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, VerificationSchema)
    def get(self):
        """Recompute every ledger invariant for my community and list what differs"""
        return ledger_verify.report(auth.current_member().community_id)


@blp.route("/kinships")
class Kinships(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.response(200, KinshipSchema(many=True))
    def get(self):
        """My household's relatives; for coordinators, their community's requests"""
        return [kinship_view(k) for k in ledger_ops.kinships(auth.current_member())]

    @auth.roles(auth.RESIDENT)
    @limits.area(limits.CODE)
    @blp.arguments(KinshipRequestSchema)
    @blp.response(201, KinshipSchema)
    def post(self, body):
        """Name a direct relative's household (by its invite code) for gifts; a coordinator confirms"""
        return kinship_view(ledger_ops.request_kinship(auth.current_member(), **body))


@blp.route("/kinships/<int:kinship_id>/confirm")
class KinshipConfirm(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, KinshipSchema)
    def post(self, kinship_id):
        """Confirm a kinship once (the coordinator has checked the relationship)"""
        me = auth.current_member()
        return kinship_view(ledger_ops.confirm_kinship(me, ledger_ops.kinship_for(me, kinship_id)))


@blp.route("/kinships/<int:kinship_id>/accept")
class KinshipAccept(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.response(200, KinshipSchema)
    def post(self, kinship_id):
        """The relative household confirms a kinship across communities (once)

        A member of the named relative household, or that household's own station on its behalf (an elder
        without a phone). Gifts across communities need this and the asking household's station.
        """
        me = auth.current_member()
        return kinship_view(ledger_ops.accept_kinship(me, ledger_ops.kinship_for(me, kinship_id)))


@blp.route("/households/<int:household_id>/statements")
class HouseholdStatements(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.response(200, StatementSchema(many=True))
    def get(self, household_id):
        """A household's monthly statements (每月汇总登记), newest first"""
        return [statements.view(s) for s in statements.listing(auth.current_member(), auth.scoped_object("household_id"))]


@blp.route("/statements/close")
class CloseMonth(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(MonthSchema)
    @blp.response(200, CloseResultSchema)
    def post(self, body):
        """Close a past month for every household of my community (running it twice changes nothing)"""
        count = statements.close_community_month(auth.current_member().community_id, body["year"], body["month"])
        return {**body, "statements": count}
