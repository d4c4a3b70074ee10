"""A payback request opened to its network (通存通兑): served by a neighbouring community's volunteer.

    payback request ──open_to_network──▶ Task.network = the community's network
      (the requester's choice when opening it, later by the household or its coordinator,
       or the at-risk job when nobody in the community has claimed it)
        ├▶ the best K volunteers of the network's other communities whose limits leave room are asked
        │  once per opening (matching's network round, `task_offer` saying 来自XX社区)
        └▶ volunteers of the network's other communities see it on their board (marked with its
           community) and in matching; one claims it (the limits must leave room for its minutes),
           checks in and out; the requester's household witnesses; on confirmation the volunteer is
           credited in their own community and the hold posts in the requester's, crossing through
           both clearing accounts (docs/ledger.md, invariant 10).

Opening is recorded once (a guarded UPDATE of `Request.network_opened_at`): when, why, by whom.
"""

from server import clock
from server.db import Prepared, database
from server.errors import Conflict, NotFound, RuleBroken
from server.models import Community, Household, Member, NetworkMember, Request, ServiceRecord, Task, Volunteer
from server.services.board import matching
from server.services.ledger import networks
from server.services.people import privacy

REASONS = {"requester": "老人自己选择", "household": "家人选择", "coordinator": "服务站开放",
           "at_risk": "承诺将超时、本社区无人接单，系统自动开放"}
LABEL = "已向邻近社区开放"


# Asked by every volunteer's board (a hot path): one prepared lookup, its SQL rendered once.
_NETWORK_OF = Prepared(lambda community_id: NetworkMember.select(NetworkMember.network)
                       .where(NetworkMember.community == community_id))


def network_of(community_id: int | None) -> int | None:
    """The network a community belongs to (None: none, or no community)."""
    return None if community_id is None else _NETWORK_OF.scalar(community_id)


def open_to_network(request: Request, *, reason: str, actor: Member | None = None) -> bool:
    """Open a payback request's task to the network (inside the caller's transaction, or its own).
    False when it was open already (nothing changes); refused when the community is in no network."""
    if not request.payback:
        raise RuleBroken("只有优先回馈求助可以请邻近社区帮忙", field="open_to_network", rule="not_payback")
    network_id = network_of(request.community_id)
    if network_id is None:
        raise RuleBroken("本社区还没有加入通存通兑网络，不能请邻近社区的志愿者帮忙", field="open_to_network",
                         rule="not_in_network")
    with database.atomic():
        task = Task.get(Task.request == request.id)
        if task.status != "open":
            raise Conflict("这个求助已经有人接单或已经结束，不需要再请邻近社区帮忙", field="open_to_network",
                           rule="not_open", current_status=task.status)
        opened = Request.update(network_opened_at=clock.now(), network_opened_reason=reason,
                                network_opened_by=actor.id if actor else None).where(
            Request.id == request.id, Request.network_opened_at.is_null()).execute()
        if not opened:
            return False
        Task.update(network=network_id).where(Task.id == task.id).execute()
        matching.ask_network(task)  # the neighbours who fit it best are told now, not only shown it
    return True


def opened_by(actor: Member, request: Request) -> Request:
    """The requester, their household or the community's coordinator opens it later (the route found it visible)."""
    if actor.id == request.requester_id:
        reason = "requester"
    elif actor.household_id is not None and actor.household_id == request.household_id:
        reason = "household"
    elif privacy.coordinates(actor, request.community_id):
        reason = "coordinator"
    else:
        raise NotFound()
    open_to_network(request, reason=reason, actor=actor)
    return Request.get_by_id(request.id)


def _network_volunteer(viewer: Member, network_id: int | None) -> bool:
    """A volunteer of another member community of the task's network."""
    if network_id is None or viewer.community_id is None:
        return False
    if not NetworkMember.select().where(NetworkMember.network == network_id,
                                        NetworkMember.community == viewer.community_id).exists():
        return False
    return Volunteer.select().where(Volunteer.member == viewer.id).exists()


def may_see(viewer: Member, task: Task) -> bool:
    """A network task is visible to volunteers of the network's other communities."""
    return task.community_id != viewer.community_id and _network_volunteer(viewer, task.network_id)


def check_claim(actor: Member, task: Task) -> None:
    """A volunteer of another community claims only a task opened to its network, and only while both
    communities' limits leave room for its minutes (so nobody serves what could not be credited)."""
    if task.community_id == actor.community_id:
        return
    if not _network_volunteer(actor, task.network_id):
        raise NotFound()
    networks.check_room(task.community_id, actor.community_id, task.estimated_minutes)


def task_shared_with(task: Task) -> tuple[int, ...]:
    """The auth gate: a network task is also the network's other communities' (services check who exactly)."""
    return tuple(networks.network_communities(task.network_id)) if task.network_id else ()


def record_shared_with(record: ServiceRecord) -> tuple[int, ...]:
    """The auth gate: a record of a volunteer of another community is also their community's."""
    if record.volunteer_household_id is None:
        return ()
    community_id = Household.select(Household.community).where(Household.id == record.volunteer_household_id).scalar()
    return (community_id,) if community_id is not None and community_id != record.community_id else ()


def serving_community(record: ServiceRecord) -> int | None:
    """The community the record's volunteer's household belongs to (None: a provider served)."""
    if record.volunteer_household_id is None:
        return None
    return Household.select(Household.community).where(Household.id == record.volunteer_household_id).scalar()


def request_fields(request: Request) -> dict:
    """What a request's answer says about the network."""
    opened = request.network_opened_at is not None
    return {"open_to_network": opened, "network_opened_at": request.network_opened_at,
            "network_opened_reason": request.network_opened_reason if opened else None,
            "network_label": LABEL if opened else "",
            "network_reason_label": REASONS.get(request.network_opened_reason, "") if opened else ""}


def crossing_details(requester_community_id: int, serving_community_id: int) -> dict:
    """What the transfers of a payback served across say (the passbook names the other community): the
    hours go from the requester's community, whose resident spent them, to the volunteer's."""
    names = dict(Community.select(Community.id, Community.name)
                 .where(Community.id.in_([requester_community_id, serving_community_id])).tuples())
    return {"from_community_id": requester_community_id, "from_community": names.get(requester_community_id, ""),
            "to_community_id": serving_community_id, "to_community": names.get(serving_community_id, "")}
