"""待审核记录: the records only the station can settle, as the console's table lists them (the desk shows the
first fifty of the same set)."""

from server.keyset import Keyset
from server.models import ServiceRecord
from server.models.records import RECORD_STATUSES
from server.services.board import records
from server.services.people import privacy

NEWEST_FIRST = records.LISTING_ORDER
OLDEST_FIRST = Keyset(ServiceRecord.id)
WAITING = "waiting"
STATUSES = RECORD_STATUSES


def waiting_condition():
    """Disputed, witnessed by an outsider, or late (补录) — as the desk counts them."""
    return ((ServiceRecord.status == "disputed")
            | ((ServiceRecord.status == "reported") & ServiceRecord.witness.is_null())
            | ((ServiceRecord.status.in_(["reported", "confirmed"])) & (ServiceRecord.needs_approval == True)))  # noqa: E712


def queue(viewer, status: str = WAITING):
    """The community's records to review (`waiting`), or all of one status (a query the pager orders)."""
    privacy.require_coordinator(viewer, viewer.community_id, "只有服务站可以审核记录")
    if status == WAITING:
        return ServiceRecord.select().where(ServiceRecord.community == viewer.community_id, waiting_condition())
    return records.listing(viewer, view="community", status=status or None)
