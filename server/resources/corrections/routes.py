"""Corrections (更正) of credited records: the list, and a second coordinator's approval or refusal."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.pager import KeysetPage
from server.extensions.smorest import Blueprint
from server.resources.corrections.schemas import (
    CorrectionPageSchema,
    CorrectionQuerySchema,
    CorrectionRejectSchema,
    CorrectionSchema,
)
from server.services.board import corrections

blp = Blueprint("corrections", __name__, url_prefix="/api/v1/corrections", description="Corrections (更正)")
auth.register_scope("correction_id", "Correction")


def _correction(correction_id):
    return corrections.correction_for(auth.current_member(), auth.scoped_object("correction_id"))


class _Viewed(KeysetPage):
    keyset = corrections.LISTING_ORDER

    @property
    def items(self):
        return [corrections.correction_view(row) for row in super().items]


@blp.route("")
class Corrections(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(CorrectionQuerySchema, location="query")
    @blp.response(200, CorrectionPageSchema)
    @blp.paginate(_Viewed)
    def get(self, query):
        """My community's corrections, newest first (`status=pending`: waiting for a second coordinator)"""
        return corrections.listing(auth.current_member(), **query)


@blp.route("/<int:correction_id>")
class CorrectionDetail(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, CorrectionSchema)
    def get(self, correction_id):
        """One correction"""
        return corrections.correction_view(_correction(correction_id))


@blp.route("/<int:correction_id>/approve")
class CorrectionApprove(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, CorrectionSchema)
    def post(self, correction_id):
        """A second coordinator (or the admin) approves a large correction: it posts now

        Never the coordinator who asked for it (403 `four_eyes`).
        """
        return corrections.correction_view(corrections.approve(auth.current_member(), _correction(correction_id)))


@blp.route("/<int:correction_id>/reject")
class CorrectionReject(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(CorrectionRejectSchema)
    @blp.response(200, CorrectionSchema)
    def post(self, body, correction_id):
        """A second coordinator (or the admin) refuses a waiting correction; the record stays as it was"""
        return corrections.correction_view(
            corrections.reject(auth.current_member(), _correction(correction_id), body["reason"]))
