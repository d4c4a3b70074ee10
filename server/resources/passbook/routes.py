"""The passbook: a household's hours, held hours, and every line newest first."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.smorest import Blueprint
from server.resources.passbook.schemas import PassbookSchema
from server.services.ledger import passbook
from server.services.people import core as people

blp = Blueprint("passbook", __name__, url_prefix="/api/v1", description="Passbook (爱心储蓄存折)")


def _page(household, params):
    """The service pages the lines itself (its prepared keyset query is a hot path)."""
    book = passbook.passbook(household, after=params.after, limit=params.limit)
    params.next_after = book.pop("next_after")
    return book


@blp.route("/me/passbook")
class MyPassbook(MethodView):
    @auth.roles(auth.RESIDENT)
    @blp.response(200, PassbookSchema)
    @blp.paginate(keyset=passbook.LINES, max_limit=passbook.MAX_PAGE)
    def get(self, pagination_parameters):
        """My household's passbook

        Balance, held and available minutes, the lines newest first (keyset pages: pass
        `next_cursor` back as `cursor`), open holds and each member's yearly totals.
        """
        return _page(people.own_household(auth.current_member()), pagination_parameters)


@blp.route("/households/<int:household_id>/passbook")
class HouseholdPassbook(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.response(200, PassbookSchema)
    @blp.paginate(keyset=passbook.LINES, max_limit=passbook.MAX_PAGE)
    def get(self, household_id, pagination_parameters):
        """A household's passbook (its members and their community's coordinators)"""
        household = people.household_for(auth.current_member(), auth.scoped_object("household_id"))
        return _page(household, pagination_parameters)
