"""Volunteers: apply, approve or reject (志愿者审核), view, edit, change status (retire / suspend), list."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.pager import KeysetPage, page_of
from server.extensions.smorest import Blueprint
from server.resources.volunteers.schemas import (
    ApplicationQuerySchema,
    ReviewSchema,
    VolunteerEditSchema,
    VolunteerQuerySchema,
    VolunteerRegisterSchema,
    VolunteerSchema,
    VolunteerStatusSchema,
)
from server.services.people import volunteers

blp = Blueprint("volunteers", __name__, url_prefix="/api/v1/volunteers", description="Volunteer profiles (志愿者档案)")
auth.register_scope("volunteer_id", "Volunteer")


class _Viewed(KeysetPage):
    """Pages volunteers (by id), then shows each as the coordinator may see them."""

    keyset = volunteers.LISTING_ORDER

    @property
    def items(self):
        me = auth.current_member()
        return [volunteers.volunteer_view(v, me) for v in super().items]


class _Applications(_Viewed):
    """Oldest application first (every pending or rejected one has its `status_changed_at`)."""

    keyset = volunteers.APPLICATION_ORDER


VolunteerPage = page_of(VolunteerSchema, name="VolunteerPage")


@blp.route("")
class Volunteers(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(VolunteerQuerySchema, location="query")
    @blp.response(200, VolunteerPage)
    @blp.paginate(_Viewed)
    def get(self, query):
        """My community's volunteers, with phone and political status (coordinators)"""
        return volunteers.list_for_coordinator(auth.current_member(), **query)

    @auth.roles(auth.RESIDENT)
    @blp.arguments(VolunteerRegisterSchema)
    @blp.response(201, VolunteerSchema)
    def post(self, body):
        """Apply to be a volunteer (志愿者登记)

        Name, gender, birth date and phone are required; political status is kept only
        with `consent_political: true`. The profile starts `pending`: a coordinator of the
        community approves it (`POST /volunteers/{id}/review`) before the volunteer may claim,
        check in or self-report; the community's coordinators are told. A rejected applicant
        applies again with the same call; a pending or approved one gets 409.
        """
        me = auth.current_member()
        return volunteers.volunteer_view(volunteers.register(me, body), me)


@blp.route("/applications")
class Applications(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(ApplicationQuerySchema, location="query")
    @blp.response(200, VolunteerPage)
    @blp.paginate(_Applications)
    def get(self, query):
        """Volunteer applications waiting for a decision (志愿者审核)

        A coordinator sees their own community's (another `community_id`: 404); the admin sees
        every community's, or one with `community_id`. Oldest first; `status=rejected` lists the
        refused ones.
        """
        return volunteers.applications(auth.current_member(), **query)


@blp.route("/<int:volunteer_id>")
class VolunteerDetail(MethodView):
    @auth.roles(auth.MEMBER)
    @blp.response(200, VolunteerSchema)
    def get(self, volunteer_id):
        """A volunteer's profile; private fields only to the volunteer and coordinators"""
        me = auth.current_member()
        return volunteers.volunteer_view(volunteers.volunteer_for(me, volunteer_id), me)

    @auth.roles(auth.VOLUNTEER, auth.COORDINATOR)
    @blp.arguments(VolunteerEditSchema)
    @blp.response(200, VolunteerSchema)
    def patch(self, body, volunteer_id):
        """Edit a profile (the volunteer, or their coordinator)"""
        me = auth.current_member()
        volunteer = volunteers.volunteer_for(me, volunteer_id)
        return volunteers.volunteer_view(volunteers.update(me, volunteer, body), me)


@blp.route("/<int:volunteer_id>/status")
class VolunteerStatus(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(VolunteerStatusSchema)
    @blp.response(200, VolunteerSchema)
    def post(self, body, volunteer_id):
        """Mark a volunteer active, retired (退出: age / illness / other) or suspended

        A retired volunteer may open priority payback requests (优先回馈).
        """
        me = auth.current_member()
        volunteer = volunteers.volunteer_for(me, volunteer_id)
        return volunteers.volunteer_view(volunteers.set_status(me, volunteer, **body), me)


@blp.route("/<int:volunteer_id>/review")
class VolunteerReview(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(ReviewSchema)
    @blp.response(200, VolunteerSchema)
    def post(self, body, volunteer_id):
        """Approve or reject a volunteer application (志愿者审核)

        Only a coordinator of the volunteer's community, or the admin, decides, once; not on
        their own application. Approving makes the volunteer `active`; rejecting needs a
        `reason`, which the applicant reads. Either way the applicant is notified.
        Errors: 403 (another role, or one's own application), 404 (another community's
        volunteer), 409 (already decided; `errors.details.status` is the current status),
        422 (a rejection without a reason).
        """
        me = auth.current_member()
        volunteer = volunteers.volunteer_for(me, volunteer_id)
        return volunteers.volunteer_view(volunteers.review(me, volunteer, **body), me)
