"""Volunteers: register, view, edit, change status (retire / suspend), list for coordinators."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.smorest import Blueprint, PeeweePage
from server.models import Volunteer
from server.resources.volunteers.schemas import (
    VolunteerEditSchema,
    VolunteerQuerySchema,
    VolunteerRegisterSchema,
    VolunteerSchema,
    VolunteerStatusSchema,
)
from server.services import volunteers

blp = Blueprint("volunteers", __name__, url_prefix="/api/v1/volunteers", description="Volunteer profiles (志愿者档案)")
auth.register_scope("volunteer_id", Volunteer)


class _Viewed(PeeweePage):
    """Pages volunteers, then shows each as the coordinator may see them."""

    @property
    def items(self):
        me = auth.current_member()
        return [volunteers.volunteer_view(v, me) for v in super().items]


@blp.route("")
class Volunteers(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(VolunteerQuerySchema, location="query")
    @blp.response(200, VolunteerSchema(many=True))
    @blp.paginate(_Viewed)
    def get(self, query):
        """My community's volunteers, with phone and political status (coordinators)"""
        return volunteers.list_for_coordinator(auth.current_member(), **query)

    @auth.roles(auth.RESIDENT)
    @blp.arguments(VolunteerRegisterSchema)
    @blp.response(201, VolunteerSchema)
    def post(self, body):
        """Register as a volunteer (志愿者登记)

        Name, gender, birth date and phone are required; political status is kept only
        with `consent_political: true`.
        """
        me = auth.current_member()
        return volunteers.volunteer_view(volunteers.register(me, body), me)


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
