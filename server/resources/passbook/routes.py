"""The passbook: a household's hours, held hours, and every line newest first."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.files import FILE, download
from server.extensions.smorest import Blueprint
from server.resources.passbook.schemas import PassbookSchema, PrintoutQuerySchema
from server.services.ledger import passbook
from server.services.oversight import documents, passbook_pdf
from server.services.people import core as people

blp = Blueprint("passbook", __name__, url_prefix="/api/v1", description="Passbook (爱心储蓄存折)")


def _page(household_id, params, heading=None):
    """The service pages the lines itself (its prepared keyset query is a hot path)."""
    book = passbook.passbook(household_id, after=params.after, limit=params.limit, heading=heading)
    params.next_after = book.pop("next_after")
    return book


@blp.route("/me/passbook")
class MyPassbook(MethodView):
    @auth.roles(auth.RESIDENT, member=passbook.signed_in)
    @blp.response(200, PassbookSchema)
    @blp.paginate(keyset=passbook.LINES, max_limit=passbook.MAX_PAGE)
    def get(self, pagination_parameters):
        """My household's passbook

        Balance, held and available minutes, the lines newest first (keyset pages: pass
        `next_cursor` back as `cursor`), open holds and each member's yearly totals.
        """
        member = auth.current_member()  # read with its household's passbook heading (passbook.signed_in)
        return _page(people.own_household_id(member), pagination_parameters, member.passbook_heading)


@blp.route("/households/<int:household_id>/passbook")
class HouseholdPassbook(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.response(200, PassbookSchema)
    @blp.paginate(keyset=passbook.LINES, max_limit=passbook.MAX_PAGE)
    def get(self, household_id, pagination_parameters):
        """A household's passbook (its members and their community's coordinators)"""
        household = people.household_for(auth.current_member(), auth.scoped_object("household_id"))
        return _page(household.id, pagination_parameters)


@blp.route("/households/<int:household_id>/passbook.pdf")
class PrintedPassbook(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.arguments(PrintoutQuerySchema, location="query")
    @blp.response(200, FILE, description="The passbook lines as a printed passbook (PDF, A4) with a QR code to check them",
                  content_type=documents.PDF_TYPE)
    def get(self, args, household_id):
        """Print the passbook at the station (its members and their community's coordinators)

        Laid out like a bank passbook: 日期、摘要、存入、支取、结余、见证人, the community and household on top.
        Without `from` it goes on where the last printout stopped (the lines after the household's mark, at
        most 300) and moves the mark to its last line; with `from` (and `to`) it reprints that range and
        leaves the mark alone. The QR code holds the latest signed statement of a month the lines touch
        (check it at `POST /api/v1/statements/verify`), else a digest of the printed lines (docs/station.md).
        `from` or `to` after today, `to` before `from`, or `to` without `from`: 422 naming the field.
        """
        pdf, name = passbook_pdf.printout(auth.current_member(), auth.scoped_object("household_id"),
                                          start=args.get("start"), end=args.get("end"))
        return download(pdf, name, documents.PDF_TYPE)
