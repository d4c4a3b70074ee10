"""Household moves (迁移): ask, see, accept or reject (the receiving community), cancel."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.smorest import Blueprint
from server.resources.moves.schemas import MoveRejectSchema, MoveRequestSchema, MoveSchema
from server.services.ledger import moves

blp = Blueprint("moves", __name__, url_prefix="/api/v1", description="Household moves (迁移)")
auth.register_scope("move_id", "Move", community_of=moves.move_scope)


@blp.route("/households/<int:household_id>/moves")
class HouseholdMoves(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.response(200, MoveSchema(many=True))
    def get(self, household_id):
        """The household's moves, newest first (at most 50)"""
        return [moves.move_view(m) for m in moves.household_moves(auth.current_member(),
                                                                   auth.scoped_object("household_id"))]

    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.arguments(MoveRequestSchema)
    @blp.response(201, MoveSchema)
    def post(self, body, household_id):
        """Ask to move the household to another community of its network (a member of it, or its coordinator)

        Open payback holds and unresolved service records must be settled first: 409 `move_not_settled`
        lists them (`blocking`: kind, id, words). A community outside the network: 422 `not_in_one_network`.
        """
        return moves.move_view(moves.request(auth.current_member(), auth.scoped_object("household_id"), **body))


@blp.route("/moves/<int:move_id>")
class MoveDetail(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.response(200, MoveSchema)
    def get(self, move_id):
        """One move (the household, and the coordinators of both communities)"""
        return moves.move_view(moves.get(auth.current_member(), move_id))


@blp.route("/moves/<int:move_id>/accept")
class MoveAccept(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, MoveSchema)
    def post(self, move_id):
        """The receiving community accepts: the balance crosses through clearing (`move`) and the household moves

        Checked again now: open holds or unresolved records (409), the network (422), the limits (422
        `network_limit` with the figures). Only a coordinator of the receiving community (403).
        """
        return moves.move_view(moves.accept(auth.current_member(), move_id))


@blp.route("/moves/<int:move_id>/reject")
class MoveReject(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(MoveRejectSchema)
    @blp.response(200, MoveSchema)
    def post(self, body, move_id):
        """The receiving community says no, with a reason"""
        return moves.move_view(moves.reject(auth.current_member(), move_id, **body))


@blp.route("/moves/<int:move_id>/cancel")
class MoveCancel(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.response(200, MoveSchema)
    def post(self, move_id):
        """The household (or its community's coordinator) withdraws a move still waiting"""
        return moves.move_view(moves.cancel(auth.current_member(), move_id))
