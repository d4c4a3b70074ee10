"""The passbook: a household's hours, held hours, and every line newest first."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.smorest import Blueprint
from server.resources.passbook.schemas import PassbookQuerySchema, PassbookSchema
from server.services import passbook, people

blp = Blueprint("passbook", __name__, url_prefix="/api/v1", description="Passbook (爱心储蓄存折)")


@blp.route("/me/passbook")
class MyPassbook(MethodView):
    @auth.roles(auth.RESIDENT)
    @blp.arguments(PassbookQuerySchema, location="query")
    @blp.response(200, PassbookSchema)
    def get(self, query):
        """My household's passbook

        Balance, held and available minutes, the lines newest first (keyset pages: pass
        `next_cursor` back as `cursor`), open holds and each member's yearly totals.
        """
        return passbook.passbook(people.own_household(auth.current_member()), **query)


@blp.route("/households/<int:household_id>/passbook")
class HouseholdPassbook(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.arguments(PassbookQuerySchema, location="query")
    @blp.response(200, PassbookSchema)
    def get(self, query, household_id):
        """A household's passbook (its members and their community's coordinators)"""
        household = people.household_for(auth.current_member(), auth.scoped_object("household_id"))
        return passbook.passbook(household, **query)
