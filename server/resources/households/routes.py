"""Households: open (开户), join, view, add a family member without a phone, list."""

from flask.views import MethodView

from server.extensions import auth, limits
from server.extensions.pager import keyset_page, page_of
from server.extensions.smorest import Blueprint
from server.resources.households.schemas import (
    DependentSchema,
    HouseholdBriefSchema,
    HouseholdJoinSchema,
    HouseholdOpenSchema,
    HouseholdSchema,
)
from server.resources.me.schemas import MemberSchema
from server.services.people import core as people

blp = Blueprint("households", __name__, url_prefix="/api/v1/households", description="Households (储户)")
auth.register_scope("household_id", "Household")


@blp.route("")
class Households(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, page_of(HouseholdBriefSchema, name="HouseholdPage"))
    @blp.paginate(keyset_page(people.HOUSEHOLD_ORDER))
    def get(self):
        """The households of my community, oldest first"""
        return people.households(auth.current_member())

    @auth.roles(auth.MEMBER)
    @blp.arguments(HouseholdOpenSchema)
    @blp.response(201, HouseholdSchema)
    def post(self, body):
        """Open a household account (开户)

        The member becomes the head of the household; family members join with the
        invite code in the answer.
        """
        me = auth.current_member()
        return people.household_view(people.open_household(me, **body), me)


@blp.route("/join")
class HouseholdJoin(MethodView):
    @auth.roles(auth.MEMBER)
    @limits.area(limits.CODE)
    @blp.arguments(HouseholdJoinSchema)
    @blp.response(200, HouseholdSchema)
    def post(self, body):
        """Join a family's household with its invite code"""
        me = auth.current_member()
        return people.household_view(people.join_household(me, **body), me)


@blp.route("/<int:household_id>")
class HouseholdDetail(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.response(200, HouseholdSchema)
    def get(self, household_id):
        """A household and its members (its members and their coordinators)"""
        me = auth.current_member()
        return people.household_view(people.household_for(me, auth.scoped_object("household_id")), me)


@blp.route("/<int:household_id>/members")
class HouseholdMembers(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.arguments(DependentSchema)
    @blp.response(201, MemberSchema)
    def post(self, body, household_id):
        """Add a family member who has no phone (亲情代理)

        Family members and the coordinator then book, cancel and confirm for them, and
        every such action records who acted.
        """
        me = auth.current_member()
        household = people.household_for(me, auth.scoped_object("household_id"))
        return people.member_view(people.add_dependent(me, household, **body), me)


@blp.route("/<int:household_id>/invite-code")
class HouseholdInvite(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.response(200, HouseholdSchema)
    def post(self, household_id):
        """Issue a new invite code (the head of the household or a coordinator)"""
        me = auth.current_member()
        household = people.household_for(me, auth.scoped_object("household_id"))
        return people.household_view(people.regenerate_invite(me, household), me)


