"""The station's directory of households (成员与家庭): search by name, phone tail or address, and one
household's file (members, passbook, kin, statements, code cards) for the web console."""

import operator
import re
from functools import reduce

from server.keyset import Keyset
from server.models import Household, Kinship, Member
from server.services.board import code_cards
from server.services.ledger import passbook, statements
from server.services.ledger.transfer_views import kinship_view
from server.services.people import core as people
from server.services.people import privacy

OLDEST_FIRST = Keyset(Household.id)
NEWEST_FIRST = Keyset(Household.id, descending=True)
MAX_QUERY = 40


def search(viewer: Member, q: str = ""):
    """The households of the viewer's community whose name, a member's name, a member's phone ending or the
    address holds `q` (a query the pager orders and pages; an empty `q` lists them all)."""
    privacy.require_coordinator(viewer, viewer.community_id, "只有服务站可以查看全部家庭")
    query = Household.select().where(Household.community == viewer.community_id)
    q = (q or "").strip()[:MAX_QUERY]
    if not q:
        return query
    members = Member.select(Member.household).where(
        Member.household.is_null(False), Member.erased_at.is_null(),
        Member.phone.endswith(q) if q.isdigit() and len(q) >= 3 else Member.name.contains(q))
    condition = Household.name.contains(q) | Household.area.contains(q) | Household.id.in_(members)
    numbers = re.findall(r"\d+", q)
    if numbers and re.search(r"[号楼单元室-]", q):  # an address as people say it: 5号楼1单元102
        # stored either bare ("5", "1") or as written ("5号楼", "1单元"): both are matched
        parts = [Household.building.in_([numbers[0], numbers[0] + "号楼"])]
        parts += [Household.unit.in_([numbers[1], numbers[1] + "单元"])] if len(numbers) > 1 else []
        parts += [Household.room.in_([numbers[2], numbers[2] + "室"])] if len(numbers) > 2 else []
        condition |= reduce(operator.and_, parts)
    return query.where(condition)


def address_of(household: Household) -> str:
    """东区 5号楼1单元102, whether the parts were stored bare ("5") or as written ("5号楼")."""
    def part(value: str, suffix: str) -> str:
        return f"{value}{suffix}" if value and value[-1].isdigit() else value

    return " ".join(filter(None, (household.area, part(household.building, "号楼") + part(household.unit, "单元")
                                  + household.room)))


def row_view(household: Household) -> dict:
    """A household as a line of the directory table."""
    members = [m.name for m in household.members if m.erased_at is None]
    return {"id": household.id, "name": household.name, "address": address_of(household), "members": "、".join(members),
            "opened_at": household.opened_at, "closed": household.closed_at is not None}


def household_file(viewer: Member, household: Household) -> dict:
    """Everything the station looks at for one household: members, the passbook's latest lines, kin,
    monthly statements and witness code cards."""
    household = people.household_for(viewer, household)
    kin = (Kinship.select().where((Kinship.household == household.id) | (Kinship.relative_household == household.id))
           .order_by(Kinship.id))
    return {
        "household": {**people.household_view(household, viewer), "address": address_of(household)},
        "passbook": passbook.passbook(household, limit=30),
        "kin": [kinship_view(k) for k in kin],
        "statements": statements.listing(viewer, household),
        "code_cards": code_cards.household_cards(viewer, household),
    }


def counter_choices(viewer: Member) -> dict:
    """What the counter entry form offers: the community's active volunteers, its members (witness and
    recipient) and the service menu."""
    from server.models import Volunteer
    from server.services.board import catalog

    privacy.require_coordinator(viewer, viewer.community_id, "只有服务站可以柜台登记")
    volunteers = (Member.select(Member.id, Member.name).join(Volunteer, on=(Volunteer.member == Member.id))
                  .where(Member.community == viewer.community_id, Volunteer.status == "active", Member.erased_at.is_null())
                  .order_by(Member.name))
    members = (Member.select(Member.id, Member.name, Household.name.alias("household_name"))
               .join(Household, on=(Member.household == Household.id))
               .where(Member.community == viewer.community_id, Member.erased_at.is_null()).order_by(Household.id, Member.id))
    menu = catalog.menu(viewer.community_id)["categories"]
    return {
        "volunteers": [(m.id, m.name) for m in volunteers],
        "members": [(m.id, f"{m.name}（{m.household_name}）") for m in members.objects()],
        "services": [(f"{c['code']}/{i['code']}", f"{c['name']} · {i['name']}") for c in menu for i in c["items"]],
    }
