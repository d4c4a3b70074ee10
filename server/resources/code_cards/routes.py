"""Witness code cards (见证码卡) of a household: issue one (revoking the old), as JSON or as a printable PDF; list them."""

from flask import request
from flask.views import MethodView

from server.extensions import auth, idempotency
from server.extensions.files import FILE, download
from server.extensions.smorest import Blueprint
from server.resources.code_cards.schemas import CodeCardQuerySchema, CodeCardSchema
from server.services.board import code_cards
from server.services.oversight import code_card_pdf, documents

blp = Blueprint("code_cards", __name__, url_prefix="/api/v1/households", description="Witness code cards (见证码卡)")

ISSUE_ANSWERS = "JSON: the card with its codes (this once); PDF (`format=pdf` or `Accept: application/pdf`): the card to print"


def _wants_pdf(query) -> bool:
    return query["format"] == "pdf" or request.accept_mimetypes.best == documents.PDF_TYPE


@blp.route("/<int:household_id>/code-cards")
class HouseholdCodeCards(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, CodeCardSchema(many=True))
    def get(self, household_id):
        """The household's code cards, newest first, without their codes (at most 50)"""
        return code_cards.household_cards(auth.current_member(), auth.scoped_object("household_id"))

    @auth.roles(auth.COORDINATOR)
    @blp.arguments(CodeCardQuerySchema, location="query")
    @blp.response(201, CodeCardSchema, description=ISSUE_ANSWERS)
    @blp.alt_response(201, schema=FILE, description=ISSUE_ANSWERS, content_type=documents.PDF_TYPE)
    @idempotency.shown_once("codes")
    def post(self, query, household_id):
        """Issue a card of numbered one-time codes for the household (its old card stops working)

        The answer lists the codes once, for printing; only their HMACs are kept, so they can
        never be read again (a retry with the same Idempotency-Key answers without them). The
        elder reads one out for a volunteer to enter (`POST /service-records/confirm-code`).
        With `format=pdf` (or `Accept: application/pdf`) the answer is the card itself, ready to
        print (A4: the household, the community, the issue date, the numbered codes in a grid and
        how to use them in large Chinese text); it cannot be printed again later, and a retry with
        the same Idempotency-Key answers the card as JSON without its codes.
        """
        if _wants_pdf(query):
            pdf, name, card = code_card_pdf.issue_printed(auth.current_member(), auth.scoped_object("household_id"))
            return idempotency.kept_as(download(pdf, name, documents.PDF_TYPE), 201, CodeCardSchema().dumps(card))
        card, codes = code_cards.issue(auth.current_member(), auth.scoped_object("household_id"))
        return code_cards.card_view(card, codes)
