"""柜台登记: a coordinator enters a service at the station's desk, for a volunteer without a phone or from a
paper 服务记录单.

The record is checked as a self-report is (`records.report_fields`: dates, overlaps, the daily
cap, a witness named) but for the volunteer it names; it is `source = counter` with the
coordinator as its recorder. The witness confirms it one of two ways:

* `paper_signature`: the witness signed the paper form, which the station keeps. The
  coordinator's entry credits it at once (confirmed by the coordinator, via "paper"), and the
  quarterly audit flags it (`paper_signature`) so its sample draws such records first. A coordinator
  cannot credit their own or their family's service this way.
* otherwise it waits, like a self-report, for the witness: a tap or scan on the witness's phone,
  or a code off the witness household's code card (`code_cards.confirm_with_code`).

A paper form may be older than the self-report back-date limit: the coordinator's entry is the
station's own review, so it never waits for approval (补录).
"""

from server import clock
from server.db import database
from server.errors import Forbidden
from server.models import Member, ServiceRecord
from server.services.board import records
from server.services.people import core as people
from server.services.people import privacy


def enter(coordinator: Member, data: dict) -> ServiceRecord:
    """Record a service for a volunteer of the coordinator's community; credited now when the paper signature is held."""
    privacy.require_coordinator(coordinator, coordinator.community_id, "只有服务站可以柜台登记")
    community = coordinator.community_id
    volunteer = people.community_member(data["volunteer_member_id"], community, "volunteer_member_id")
    paper = data.get("paper_signature", False)
    own = coordinator.id == volunteer.id or (
        coordinator.household_id is not None and coordinator.household_id == volunteer.household_id)
    if paper and own:
        raise Forbidden("自己或家里人的服务不能由自己按纸质签字入账，请另一位工作人员登记", field="volunteer_member_id")
    with database.atomic():
        fields = records.report_fields(volunteer, {**data, "organiser": data.get("organiser") or "服务站柜台登记"})
        fields["needs_approval"] = False
        record = ServiceRecord.create(
            community=community, volunteer=volunteer.id, volunteer_household=volunteer.household_id,
            source="counter", recorder=coordinator.id, created_at=clock.now(), **fields)
        if paper:
            return records.credit_at_desk(coordinator, record)
        records.ask_witness(record, volunteer.name, f"record:{record.id}:witness")
        return record
