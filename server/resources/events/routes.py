"""Monthly activity (每月16日集中服务): create, sign up (waitlist when full), QR check-in, close and credit."""

from flask.views import MethodView

from server.extensions import auth, limits
from server.extensions.pager import KeysetPage, page_of
from server.extensions.smorest import Blueprint
from server.resources.events.schemas import (
    CheckInTokenSchema,
    CloseSchema,
    EventCreateSchema,
    EventSchema,
    SignupSchema,
)
from server.resources.records.schemas import QRSchema
from server.services.board import events
from server.services.board.event_views import event_view, event_views, signup_view

blp = Blueprint("events", __name__, url_prefix="/api/v1/events", description="Monthly activity (集中服务活动)")
auth.register_scope("event_id", "Event")


def _event():
    return events.event_for(auth.current_member(), auth.scoped_object("event_id"))


def _view(event) -> dict:
    return event_view(event, auth.current_member())


class _Events(KeysetPage):
    """The latest first; the page's sign-up counts and my sign-ups in one batch (two queries a page)."""

    keyset = events.LISTING_ORDER

    @property
    def items(self):
        return event_views(super().items, auth.current_member())


@blp.route("")
class Events(MethodView):
    @auth.roles(auth.MEMBER)
    @blp.response(200, page_of(EventSchema, name="EventPage"))
    @blp.paginate(_Events)
    def get(self):
        """My community's activities, the latest first"""
        return events.listing(auth.current_member())

    @auth.roles(auth.COORDINATOR)
    @blp.arguments(EventCreateSchema)
    @blp.response(201, EventSchema)
    def post(self, body):
        """Create an activity: date and time, place, categories, capacity, planned duration"""
        return _view(events.create(auth.current_member(), body))


@blp.route("/<int:event_id>")
class EventDetail(MethodView):
    @auth.roles(auth.MEMBER)
    @blp.response(200, EventSchema)
    def get(self, event_id):
        """One activity, with my sign-up"""
        return _view(_event())


@blp.route("/<int:event_id>/signup")
class EventSignupRoute(MethodView):
    @auth.roles(auth.VOLUNTEER)
    @blp.response(200, SignupSchema)
    def post(self, event_id):
        """Sign up; when it is full, join the waitlist (first come, first moved up)"""
        signup = events.signup(auth.current_member(), _event())
        return signup_view(signup)

    @auth.roles(auth.VOLUNTEER)
    @blp.response(204)
    def delete(self, event_id):
        """Cancel my sign-up; the first on the waitlist moves up"""
        events.withdraw(auth.current_member(), _event())


@blp.route("/<int:event_id>/qr")
class EventQR(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, QRSchema)
    def post(self, event_id):
        """A short-lived check-in QR for the coordinator to show at the activity"""
        token, expires_at = events.checkin_token(auth.current_member(), _event())
        return {"token": token, "expires_at": expires_at}


@blp.route("/check-in")
class EventCheckIn(MethodView):
    @auth.roles(auth.VOLUNTEER)
    @limits.area(limits.CODE)
    @blp.arguments(CheckInTokenSchema)
    @blp.response(200, SignupSchema)
    def post(self, body):
        """Check in by scanning the coordinator's QR

        Open from CHECKIN_EARLY_MINUTES before the start (422 `too_early` sooner) until the
        planned end (409 `checkin_closed` after it).
        """
        signup = events.check_in(auth.current_member(), body["token"])
        return signup_view(signup)


@blp.route("/<int:event_id>/close")
class EventClose(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, CloseSchema)
    def post(self, event_id):
        """Close the activity and credit every checked-in attendee once (closing twice credits nobody twice)

        Each attendee is credited from the start (or their later check-in) to the planned end,
        or to now if the activity closes earlier: never more than the time that has passed.
        Before the start it answers 409 (`event_not_started`); an attendance too short to
        count is recorded as `too_short` and credits nothing.
        """
        return events.close(auth.current_member(), _event())
