"""Witness code cards (见证码卡) of a household: issue one (revoking the old), list them."""

from flask.views import MethodView

from server.extensions import auth, idempotency
from server.extensions.smorest import Blueprint
from server.resources.code_cards.schemas import CodeCardSchema
from server.services.board import code_cards

blp = Blueprint("code_cards", __name__, url_prefix="/api/v1/households", description="Witness code cards (见证码卡)")


@blp.route("/<int:household_id>/code-cards")
class HouseholdCodeCards(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, CodeCardSchema(many=True))
    def get(self, household_id):
        """The household's code cards, newest first, without their codes (at most 50)"""
        return code_cards.household_cards(auth.current_member(), auth.scoped_object("household_id"))

    @auth.roles(auth.COORDINATOR)
    @blp.response(201, CodeCardSchema)
    @idempotency.shown_once("codes")
    def post(self, household_id):
        """Issue a card of numbered one-time codes for the household (its old card stops working)

        The answer lists the codes once, for printing; only their HMACs are kept, so they can
        never be read again (a retry with the same Idempotency-Key answers without them). The
        elder reads one out for a volunteer to enter (`POST /service-records/confirm-code`).
        """
        card, codes = code_cards.issue(auth.current_member(), auth.scoped_object("household_id"))
        return code_cards.card_view(card, codes)
