"""迁移: a household that moves to another community of its network (docs/ledger.md, "Households that move").

A member of the household, or a coordinator of its community, asks (`pending`); a coordinator of the
receiving community accepts or rejects; the household or its coordinator may cancel while it waits.
Open holds and unresolved service records must be settled first, when asked and again when accepted.

Accepting moves, in one transaction holding both communities' chains, the household's available
balance through both clearing accounts as one `move` transfer on the household's one account:
household −n on the old community's chain, old clearing +n | new clearing −n, household +n on the new
community's chain (each community's legs sum to zero; limits apply). The account then belongs to the
new community, as do the household and its members (and their volunteer profiles); past entries stay
on the old community's chain, so both communities and the network still verify.
"""

from server import clock
from server.db import database
from server.errors import Conflict, Forbidden, NotFound, RuleBroken
from server.models import Account, Community, Household, Member, Move, ServiceRecord, Transfer, Volunteer
from server.models.tasks import Request
from server.services.ledger import core as ledger
from server.services.ledger import networks
from server.services.people import core as people
from server.services.people import privacy

STATUS_LABELS = {"pending": "等待新社区确认", "accepted": "已迁入", "rejected": "新社区未同意", "cancelled": "已取消"}
# A record still open: its hours are not settled until it is credited, rejected or withdrawn.
UNRESOLVED_RECORDS = {"reported": "待确认", "confirmed": "已确认、待入账", "disputed": "有异议、待服务站处理"}
MAX_LISTED = 50


class MoveNotSettled(Conflict):
    """Open holds or unresolved records of the household: settle them before it moves."""

    rule = "move_not_settled"


def move_scope(move_id: int):
    """The auth gate's scope for /moves/<id>/…: the community it leaves and the one it joins (None: missing)."""
    row = Move.select(Move.from_community, Move.to_community).where(Move.id == move_id).tuples().first()
    return None if row is None else tuple(row)


def _visible(viewer: Member, move: Move) -> bool:
    return (viewer.household_id == move.household_id or privacy.coordinates(viewer, move.from_community_id)
            or privacy.coordinates(viewer, move.to_community_id))


def get(viewer: Member, move_id: int) -> Move:
    move = Move.get_or_none(Move.id == move_id)
    if move is None or not _visible(viewer, move):
        raise NotFound()
    return move


def unsettled(household: Household) -> list[dict]:
    """What keeps the household from moving: open payback holds and unresolved service records, oldest first.

    A record counts when the household received the service (`recipient_household`) or a member of it
    served (`volunteer_household`, the household the credit goes to)."""
    found = []
    account = ledger.household_account(household.id)
    holds = Transfer.select().where(Transfer.hold_account == account.id, Transfer.state == "pending").order_by(Transfer.id)
    for hold in holds:
        request = Request.get_or_none(Request.hold == hold.id)
        content = (hold.details or {}).get("content", "") or hold.reason or ledger.CODES[hold.code]
        found.append({"kind": "hold", "id": hold.id, "request_id": request.id if request else None,
                      "words": f"优先回馈冻结了{hold.minutes / 60:g}小时（{content}），请先完成或取消这次回馈"})
    records = ServiceRecord.select().where(
        (ServiceRecord.recipient_household == household.id) | (ServiceRecord.volunteer_household == household.id),
        ServiceRecord.status.in_(list(UNRESOLVED_RECORDS))).order_by(ServiceRecord.id)
    for record in records:
        found.append({"kind": "record", "id": record.id, "request_id": None,
                      "words": f"服务记录{record.id}（{record.started_at:%m月%d日} {record.content}）"
                               f"{UNRESOLVED_RECORDS[record.status]}，请先处理完"})
    return found


def _require_settled(household: Household) -> None:
    blocking = unsettled(household)
    if blocking:
        raise MoveNotSettled("迁移前要先了结这些事：" + "；".join(item["words"] for item in blocking),
                             field="household_id", blocking=blocking)


def _require_one_network(from_id: int, to_id: int) -> None:
    here, there = networks.membership(from_id), networks.membership(to_id)
    if here is None or there is None or here.network_id != there.network_id:
        names = dict(Community.select(Community.id, Community.name).where(Community.id.in_([from_id, to_id])).tuples())
        raise RuleBroken(f"{names[from_id]}和{names[to_id]}不在同一个通存通兑网络里，不能迁过去",
                         field="to_community_id", rule="not_in_one_network")


def request(actor: Member, household: Household, *, to_community_id: int, reason: str) -> Move:
    """Ask to move the household (a member of it, or a coordinator of its community)."""
    household = people.household_for(actor, household)
    if household.closed_at is not None:
        raise people.HouseholdClosed(field="household_id")
    target = Community.get_or_none(Community.id == to_community_id)
    if target is None:
        raise RuleBroken("没有这个社区", field="to_community_id", rule="unknown_community")
    if target.id == household.community_id:
        raise RuleBroken("这户已经在这个社区了", field="to_community_id", rule="same_community")
    if not reason.strip():
        raise RuleBroken("请写明迁移的原因", field="reason", rule="reason_required")
    _require_one_network(household.community_id, target.id)
    with database.atomic():
        if Move.select().where(Move.household == household.id, Move.status == "pending").exists():
            raise Conflict("这户已经有一个迁移申请在等待办理", field="household_id", rule="move_pending")
        _require_settled(household)
        return Move.create(household=household.id, from_community=household.community_id, to_community=target.id,
                           reason=reason.strip(), requested_by=actor.id, requested_at=clock.now())


def _decide(move: Move, actor: Member, status: str, **fields) -> None:
    """pending → status, once (a guarded UPDATE: two coordinators cannot both decide)."""
    changed = Move.update(status=status, decided_by=actor.id, decided_at=clock.now(), **fields).where(
        Move.id == move.id, Move.status == "pending").execute()
    if changed != 1:
        raise Conflict(f"这个迁移申请已经{STATUS_LABELS[Move.get_by_id(move.id).status]}", rule="already_decided")


def _require_receiving(actor: Member, move: Move) -> None:
    if not privacy.coordinates(actor, move.to_community_id):
        raise Forbidden("只有迁入社区的服务站可以办理这个迁移", rule="receiving_coordinator_required")


def accept(actor: Member, move_id: int) -> Move:
    """The receiving community accepts: the balance crosses through clearing and the household moves."""
    move = get(actor, move_id)
    _require_receiving(actor, move)
    household = Household.get_by_id(move.household_id)
    old, new = move.from_community_id, move.to_community_id
    account = ledger.household_account(household.id)
    out_clearing = ledger.system_account(old, "clearing")
    in_clearing = ledger.system_account(new, "clearing")
    with database.atomic():
        # nothing of either community posts until the move is done: its accounts, then both chain heads
        ledger.lock_for_postings([old, new], [household.id])
        _decide(move, actor, "accepted")
        if household.closed_at is not None:
            raise people.HouseholdClosed(field="household_id")
        if Household.get_by_id(household.id).community_id != old:
            raise Conflict("这户已经不在原来的社区了", rule="already_moved")
        _require_one_network(old, new)
        _require_settled(household)
        minutes = ledger.available(Account.get_by_id(account.id))
        transfer = None
        if minutes > 0:
            names = dict(Community.select(Community.id, Community.name).where(Community.id.in_([old, new])).tuples())

            def legs_for(accounts):
                n = ledger.available(accounts[account.id])
                legs = [ledger.Leg(account.id, -n, old), ledger.Leg(out_clearing.id, n),
                        ledger.Leg(in_clearing.id, -n), ledger.Leg(account.id, n, new)]
                return legs, None

            transfer = ledger.post(
                community_id=old, counter_community_id=new, code="move", key=f"move:{move.id}",
                body={"move": move.id, "household": household.id, "minutes": minutes}, reason=move.reason,
                details={"content": f"{household.name}从{names[old]}迁到{names[new]}",
                         "from_community_id": old, "from_community": names[old],
                         "to_community_id": new, "to_community": names[new]},
                actor=actor, account_ids=[account.id, out_clearing.id, in_clearing.id], legs_for=legs_for,
            )
        Account.update(community=new).where(Account.id == account.id).execute()
        Household.update(community=new).where(Household.id == household.id).execute()
        Member.update(community=new).where(Member.household == household.id).execute()
        Volunteer.update(community=new).where(Volunteer.member.in_(
            Member.select(Member.id).where(Member.household == household.id))).execute()
        Move.update(transfer=transfer.id if transfer else None, minutes=minutes).where(Move.id == move.id).execute()
    return Move.get_by_id(move.id)


def reject(actor: Member, move_id: int, *, reason: str) -> Move:
    """The receiving community says no, with a reason the household reads."""
    move = get(actor, move_id)
    _require_receiving(actor, move)
    if not reason.strip():
        raise RuleBroken("请写明不同意的原因", field="reason", rule="reason_required")
    _decide(move, actor, "rejected", decision_reason=reason.strip())
    return Move.get_by_id(move.id)


def cancel(actor: Member, move_id: int) -> Move:
    """The household (or its community's coordinator) withdraws a move still waiting."""
    move = get(actor, move_id)
    if actor.household_id != move.household_id and not privacy.coordinates(actor, move.from_community_id):
        raise Forbidden("只有这户的家人或原社区服务站可以取消迁移", rule="household_or_coordinator_required")
    _decide(move, actor, "cancelled")
    return Move.get_by_id(move.id)


def household_moves(actor: Member, household: Household) -> list[Move]:
    """The household's moves, newest first (a household moves seldom: the newest 50)."""
    household = people.household_for(actor, household)
    return list(Move.select().where(Move.household == household.id).order_by(Move.id.desc()).limit(MAX_LISTED))


def waiting_for(community_id: int) -> list[Move]:
    """Moves into the community waiting for its station to accept or reject, oldest first (the desk)."""
    return list(Move.select().where(Move.to_community == community_id, Move.status == "pending")
                .order_by(Move.requested_at, Move.id).limit(MAX_LISTED))


def waiting_elsewhere(community_id: int) -> list[Move]:
    """The community's own households' moves waiting for the receiving community, oldest first (the desk)."""
    return list(Move.select().where(Move.from_community == community_id, Move.status == "pending")
                .order_by(Move.requested_at, Move.id).limit(MAX_LISTED))


def move_view(move: Move) -> dict:
    names = dict(Community.select(Community.id, Community.name)
                 .where(Community.id.in_([move.from_community_id, move.to_community_id])).tuples())
    household = Household.get_by_id(move.household_id)
    view = {
        "id": move.id, "household_id": move.household_id, "household_name": household.name or "",
        "from_community_id": move.from_community_id, "from_community": names[move.from_community_id],
        "to_community_id": move.to_community_id, "to_community": names[move.to_community_id],
        "status": move.status, "status_label": STATUS_LABELS[move.status], "reason": move.reason,
        "requested_at": clock.aware(move.requested_at).isoformat(),
        "decided_at": clock.aware(move.decided_at).isoformat() if move.decided_at else None,
        "decision_reason": move.decision_reason, "minutes": move.minutes, "transfer_id": move.transfer_id,
    }
    if move.status == "pending":  # what accepting would carry across now, and what still stands in its way
        view["available_minutes"] = ledger.available(ledger.household_account(household.id))
        view["blocking"] = unsettled(household)
    return view
