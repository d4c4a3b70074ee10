"""Requests: residents book services (预约服务); the household's elders and hardship cases open payback requests (优先回馈)."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.pager import KeysetPage, page_of
from server.extensions.smorest import Blueprint
from server.resources.requests.schemas import (
    CancelSchema,
    EligibilityQuerySchema,
    EligibilitySchema,
    NeedSchema,
    PaybackNeedSchema,
    RequestSchema,
)
from server.services.board import bookings, network_tasks
from server.services.board.request_views import request_view

blp = Blueprint("requests", __name__, url_prefix="/api/v1", description="Booking and payback (预约服务 · 优先回馈)")
auth.register_scope("request_id", "Request")


class _Requests(KeysetPage):
    """My household's requests, newest first, each as the household sees it."""

    keyset = bookings.MINE_ORDER

    @property
    def items(self):
        return [request_view(r) for r in super().items]


def _request(request_id):
    return bookings.request_for(auth.current_member(), auth.scoped_object("request_id"))


@blp.route("/requests")
class Requests(MethodView):
    @auth.roles(auth.RESIDENT)
    @blp.response(200, page_of(RequestSchema, name="RequestPage"))
    @blp.paginate(_Requests)
    def get(self):
        """My household's requests, newest first: status, who is coming, what waits for confirmation"""
        return bookings.mine(auth.current_member(), payback=False)

    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.arguments(NeedSchema)
    @blp.response(201, RequestSchema)
    def post(self, body):
        """Book a service from the menu: it goes on the task board

        `for_member_id` books for a family member without a phone (or, for a coordinator,
        for any resident); the request records who acted.
        """
        return request_view(bookings.book(auth.current_member(), body))


@blp.route("/requests/<int:request_id>")
class RequestDetail(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.response(200, RequestSchema)
    def get(self, request_id):
        """One request (its household and coordinators)"""
        return request_view(_request(request_id))


@blp.route("/requests/<int:request_id>/cancel")
class RequestCancel(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.arguments(CancelSchema)
    @blp.response(200, RequestSchema)
    def post(self, body, request_id):
        """Cancel a request not yet served (a payback hold is released); the volunteer is told"""
        return request_view(bookings.cancel(auth.current_member(), _request(request_id), body["reason"]))


@blp.route("/requests/<int:request_id>/open-to-network")
class RequestOpenToNetwork(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.response(200, RequestSchema)
    def post(self, request_id):
        """Open a payback request to the network (也请邻近社区的志愿者帮忙)

        By the requester, their household or the community's coordinator, while nobody has claimed it
        (409 `not_open` otherwise). Volunteers of the network's other communities then see it on their board,
        marked with its community, and may claim it within the communities' limits. Once; again changes
        nothing. 422 on `open_to_network` when the community is in no network, or the request is no payback.
        """
        return request_view(network_tasks.opened_by(auth.current_member(), _request(request_id)))


@blp.route("/payback-requests/eligibility")
class PaybackEligibility(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.arguments(EligibilityQuerySchema, location="query")
    @blp.response(200, EligibilitySchema)
    def get(self, query):
        """Who in the household may redeem its hours, and why; how much is banked

        The household is the account holder: a member aged PAYBACK_AGE or more, a volunteer retired
        for age or illness, or a hardship case (兜底对象) marked by the station may open a payback
        request on its hours; an active volunteer under the age keeps banking. `eligible` and
        `reason` answer for `member_id` (default: me), `members` for everyone in the household,
        `preferred_candidates` whom a payback request may name as its preferred volunteer.
        """
        return bookings.eligibility(auth.current_member(), query["member_id"])


@blp.route("/payback-requests")
class PaybackRequests(MethodView):
    @auth.roles(auth.RESIDENT)
    @blp.response(200, page_of(RequestSchema, name="PaybackRequestPage"))
    @blp.paginate(_Requests)
    def get(self):
        """My household's payback requests, newest first"""
        return bookings.mine(auth.current_member(), payback=True)

    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.arguments(PaybackNeedSchema)
    @blp.response(201, RequestSchema)
    def post(self, body):
        """Open a payback request (优先回馈): the estimated minutes are held, the task jumps the board

        For a member who may redeem (see /payback-requests/eligibility); family or the station open
        it for them with `for_member_id`. The hold is taken from the household's account.
        Refused when not enough is banked. On confirmation the actual minutes are spent
        (never more than held) and the rest released; cancelling releases it all.

        Every payback request has a promise: `promise_due_at` = PAYBACK_PROMISE_HOURS after opening, or
        the window's start if sooner, by when a volunteer or a provider is assigned. `preferred_volunteer_id`
        (指定服务人, one of the eligibility answer's `preferred_candidates`) is asked first and alone for
        PAYBACK_PREFERRED_HOURS (never past the promise); others do not see it on the board meanwhile.
        """
        return request_view(bookings.open_payback(auth.current_member(), body))


@blp.route("/payback-requests/<int:request_id>/cancel")
class PaybackCancel(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.arguments(CancelSchema)
    @blp.response(200, RequestSchema)
    def post(self, body, request_id):
        """Cancel a payback request: the held minutes are released"""
        return request_view(bookings.cancel(auth.current_member(), _request(request_id), body["reason"]))
