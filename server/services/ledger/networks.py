"""Networks of communities (通存通兑): membership, limits, net positions and monthly settlements.

An admin groups communities into a network (a 街道, a 区, a city); a community belongs to at
most one. Hours cross between two communities only when both are in one network, through both
communities' clearing accounts (docs/ledger.md, invariant 10). A community's clearing balance is
its net position: positive, the network owes it hours (its residents gave more than they
received); negative, it owes the network. Its limit bounds the position either way; the ledger's
guarded UPDATE refuses a movement past it, and a limit is never set below the position it bounds.
A month's settlement — the flows between each pair of members and the positions at month end — is
stored when the month closes, and reads the same afterwards.
"""

from collections import defaultdict

from peewee import IntegrityError, fn

from server import clock, runtime
from server.db import database
from server.errors import Conflict, NotFound, RuleBroken
from server.models import Account, Community, Entry, Member, Network, NetworkMember, NetworkSettlement
from server.services.ledger import core as ledger
from server.services.ledger.statements import month_bounds, month_over
from server.services.messaging import notifications
from server.services.people import privacy

MAX_NETWORKS = 200  # the listing is a bounded plain array


def _hours(minutes: int) -> str:
    return f"{minutes / 60:g}小时"


# --- membership --------------------------------------------------------------------------


def membership(community_id: int) -> NetworkMember | None:
    return NetworkMember.get_or_none(NetworkMember.community == community_id)


def require_one_network(from_community: Community, to_community: Community) -> None:
    """Hours cross between two communities only inside one network."""
    here, there = membership(from_community.id), membership(to_community.id)
    if here is None or there is None or here.network_id != there.network_id:
        raise RuleBroken(f"{from_community.name}和{to_community.name}不在同一个通存通兑网络里，时间不能在这两个社区之间转赠",
                         field="to_household_id", rule="not_in_one_network")


def same_network(community_id: int, other_id: int) -> bool:
    """Whether two different communities are members of one network (hours may cross between them)."""
    here, there = membership(community_id), membership(other_id)
    return here is not None and there is not None and here.network_id == there.network_id


def network_communities(network_id: int) -> list[int]:
    return [row[0] for row in NetworkMember.select(NetworkMember.community)
            .where(NetworkMember.network == network_id).order_by(NetworkMember.community).tuples()]


def check_room(from_community_id: int, to_community_id: int, minutes: int) -> None:
    """Would `minutes` crossing from one community to the other keep both positions within their limits?
    Refused (422 `network_limit`) with the limit, the position and the minutes, in Chinese. A read, not a
    reservation: the ledger's guarded UPDATE decides when the hours actually cross."""
    held = positions([from_community_id, to_community_id])
    for community_id, delta in ((from_community_id, minutes), (to_community_id, -minutes)):
        limit = NetworkMember.select(NetworkMember.limit_minutes).where(NetworkMember.community == community_id).scalar()
        position = held.get(community_id, 0)
        if limit is None or abs(position + delta) > limit:
            name = Community.get_by_id(community_id).name
            now = position_label(position).replace("本社区", name)
            raise ledger.LimitExceeded(
                f"超出{name}的通兑额度：额度为{_hours(limit or 0)}，目前{now}，这次要{'转出' if delta > 0 else '转入'}"
                f"{_hours(minutes)}，请等社区之间结算或服务站调高额度后再接单", field="minutes",
                community_id=community_id, limit_minutes=limit or 0, position_minutes=position, asked_minutes=delta)


def communities_with_room(from_community_id: int, minutes: int) -> list[int]:
    """The other members of the community's network that `minutes` may cross to now (check_room's rule,
    for all of them in two queries, refusing none): whose volunteers may be asked to serve across."""
    member = membership(from_community_id)
    if member is None:
        return []
    limits = dict(NetworkMember.select(NetworkMember.community, NetworkMember.limit_minutes)
                  .where(NetworkMember.network == member.network_id).tuples())
    held = positions(limits)
    if abs(held.get(from_community_id, 0) + minutes) > limits[from_community_id]:
        return []
    return sorted(community_id for community_id, limit in limits.items()
                  if community_id != from_community_id and abs(held.get(community_id, 0) - minutes) <= limit)


def network_scope(network_id: int):
    """The auth gate's scope for /networks/<id>/…: its member communities (None: no such network)."""
    if not Network.select().where(Network.id == network_id).exists():
        return None
    return tuple(row[0] for row in NetworkMember.select(NetworkMember.community)
                 .where(NetworkMember.network == network_id).tuples())


def positions(community_ids) -> dict[int, int]:
    """Each community's net position: its clearing balance (cached; the verifier recomputes it)."""
    rows = Account.select(Account.community, Account.posted_minutes).where(
        Account.community.in_(list(community_ids) or [0]), Account.kind == "clearing").tuples()
    return {community_id: minutes for community_id, minutes in rows}


def _limits(body_limits: list[dict] | None, community_ids) -> dict[int, int]:
    """[{community_id, limit_minutes}] → {community id: minutes}, for members only."""
    given = {line["community_id"]: line["limit_minutes"] for line in body_limits or []}
    unknown = set(given) - set(community_ids)
    if unknown:
        raise RuleBroken(f"额度里的社区{sorted(unknown)}不在这个网络里", field="limits", rule="limit_for_non_member")
    for minutes in given.values():
        if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 0:
            raise RuleBroken("额度必须是不小于0的分钟数", field="limits", rule="limit_invalid")
    return given


def _communities(community_ids) -> dict[int, Community]:
    ids = list(dict.fromkeys(community_ids))
    found = {c.id: c for c in Community.select().where(Community.id.in_(ids or [0]))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise RuleBroken(f"没有这些社区：{missing}", field="community_ids", rule="unknown_community")
    return found


def _free(communities: dict[int, Community], network_id: int | None) -> None:
    taken = (NetworkMember.select(NetworkMember.community, Network.name).join(Network)
             .where(NetworkMember.community.in_(list(communities) or [0])))
    if network_id is not None:
        taken = taken.where(NetworkMember.network != network_id)
    for community_id, name in taken.tuples():
        raise Conflict(f"{communities[community_id].name}已经在“{name}”网络里了，一个社区只能加入一个网络",
                       field="community_ids", rule="community_in_network")


def create(actor: Member | None, *, name: str, kind: str, community_ids: list[int], limits: list[dict] | None = None) -> Network:
    """Group communities into a network (admins; the gate checks the role)."""
    name = name.strip()
    if not name:
        raise RuleBroken("请写网络名称", field="name", rule="name_required")
    communities = _communities(community_ids)
    given = _limits(limits, communities)
    default = runtime.setting("NETWORK_LIMIT_MINUTES")
    with database.atomic():
        if Network.select().where(Network.name == name).exists():
            raise Conflict(f"已经有叫“{name}”的网络了", field="name", rule="network_name_taken")
        _free(communities, None)
        network = Network.create(name=name, kind=kind, created_by=actor, created_at=clock.now())
        ledger.hold_communities(communities)  # no movement while membership changes
        for community_id in communities:
            try:
                with database.atomic():
                    NetworkMember.create(network=network, community=community_id,
                                         limit_minutes=given.get(community_id, default), joined_at=clock.now())
            except IntegrityError:
                raise Conflict(f"{communities[community_id].name}已经在别的网络里了", field="community_ids",
                               rule="community_in_network") from None
    return network


def update(network: Network, *, limits: list[dict] | None = None, community_ids: list[int] | None = None,
           name: str | None = None) -> Network:
    """Change limits or membership. A limit below the position it bounds, or a community leaving with a
    position other than zero, is refused with the figures."""
    with database.atomic():
        current = {m.community_id: m for m in network.members}
        wanted = list(current) if community_ids is None else list(dict.fromkeys(community_ids))
        communities = _communities(wanted + list(current))
        ledger.hold_communities(communities)  # positions hold still until this commits
        held = positions(communities)
        given = _limits(limits, wanted)
        if name is not None and name.strip() and name.strip() != network.name:
            if Network.select().where(Network.name == name.strip(), Network.id != network.id).exists():
                raise Conflict(f"已经有叫“{name.strip()}”的网络了", field="name", rule="network_name_taken")
            Network.update(name=name.strip()).where(Network.id == network.id).execute()
        for community_id in set(current) - set(wanted):
            if held.get(community_id, 0):
                raise Conflict(
                    f"{communities[community_id].name}和网络之间还有{_hours(abs(held[community_id]))}没有结清，"
                    "结清（净头寸为0）后才能退出网络", field="community_ids", rule="position_not_settled",
                    community_id=community_id, position_minutes=held[community_id])
            NetworkMember.delete().where(NetworkMember.id == current[community_id].id).execute()
        _free({i: communities[i] for i in wanted if i not in current}, network.id)
        default = runtime.setting("NETWORK_LIMIT_MINUTES")
        for community_id in wanted:
            limit = given.get(community_id, current[community_id].limit_minutes if community_id in current else default)
            position = held.get(community_id, 0)
            if abs(position) > limit:
                raise RuleBroken(
                    f"{communities[community_id].name}的额度不能低于它现在的净头寸：现在{_hours(abs(position))}，"
                    f"想设为{_hours(limit)}", field="limits", rule="limit_below_position",
                    community_id=community_id, limit_minutes=limit, position_minutes=position)
            if community_id in current:
                NetworkMember.update(limit_minutes=limit).where(NetworkMember.id == current[community_id].id).execute()
            else:
                NetworkMember.create(network=network, community=community_id, limit_minutes=limit, joined_at=clock.now())
    return Network.get_by_id(network.id)


# --- reading -----------------------------------------------------------------------------


def _visible(viewer: Member, network_id: int) -> bool:
    if viewer.has_role("admin"):
        return True
    member_community = NetworkMember.select().where(NetworkMember.network == network_id,
                                                    NetworkMember.community == viewer.community_id).exists()
    return member_community and privacy.coordinates(viewer, viewer.community_id)


def network_for(viewer: Member, network_id: int) -> Network:
    network = Network.get_or_none(Network.id == network_id)
    if network is None or not _visible(viewer, network.id):
        raise NotFound()
    return network


def listing(viewer: Member) -> list[dict]:
    """Admins: every network; a coordinator: their community's (a bounded plain array)."""
    query = Network.select().order_by(Network.id).limit(MAX_NETWORKS)
    if not viewer.has_role("admin"):
        query = query.join(NetworkMember).where(NetworkMember.community == viewer.community_id)
    return [view(network) for network in query]


def view(network: Network) -> dict:
    """A network: its members with each one's net position (clearing balance) and limit."""
    members = list(NetworkMember.select(NetworkMember, Community).join(Community)
                   .where(NetworkMember.network == network.id).order_by(Community.id))
    held = positions([m.community_id for m in members])
    lines = [{"community_id": m.community_id, "community_name": m.community.name, "limit_minutes": m.limit_minutes,
              "position_minutes": held.get(m.community_id, 0), "position_label": position_label(held.get(m.community_id, 0))}
             for m in members]
    return {"id": network.id, "name": network.name, "kind": network.kind, "created_at": network.created_at,
            "members": lines, "total_position_minutes": sum(line["position_minutes"] for line in lines)}


def position_label(minutes: int) -> str:
    """How a net position reads to a station: who owes whom, in hours."""
    if minutes > 0:
        return f"网络欠本社区{_hours(minutes)}"
    if minutes < 0:
        return f"本社区欠网络{_hours(-minutes)}"
    return "收支持平"


def created(actor: Member, **body) -> dict:
    return view(create(actor, **body))


def updated(actor: Member, network_id: int, **body) -> dict:
    return view(update(network_for(actor, network_id), **body))


def settlement_for(viewer: Member, network_id: int, year: int, month: int) -> dict:
    return settlement(network_for(viewer, network_id), year, month)


# --- settlements --------------------------------------------------------------------------


def _clearing_accounts(community_ids) -> dict[int, int]:
    """account id → community id of the communities' clearing accounts."""
    return dict(Account.select(Account.id, Account.community).where(
        Account.community.in_(list(community_ids) or [0]), Account.kind == "clearing").tuples())


def compute_settlement(network: Network, year: int, month: int) -> dict:
    """The month's flows between each pair of members and every member's position at month end, from the entries.

    A flow goes from the community whose clearing account rose (its resident gave) to the one whose fell."""
    start, end = month_bounds(year, month)
    members = {m.community_id: m.limit_minutes for m in network.members}
    accounts = _clearing_accounts(members)
    legs = defaultdict(dict)
    rows = Entry.select(Entry.transfer, Entry.account, Entry.minutes).where(
        Entry.account.in_(list(accounts) or [0]), Entry.effective_date >= start, Entry.effective_date < end).tuples()
    for transfer_id, account_id, minutes in rows:
        legs[transfer_id][accounts[account_id]] = legs[transfer_id].get(accounts[account_id], 0) + minutes
    flows = defaultdict(lambda: [0, 0])
    for by_community in legs.values():
        givers = [c for c, m in by_community.items() if m > 0]
        takers = [c for c, m in by_community.items() if m < 0]
        if len(givers) == 1 and len(takers) == 1:
            flow = flows[(givers[0], takers[0])]
            flow[0] += by_community[givers[0]]
            flow[1] += 1
    closing = dict(Entry.select(Entry.account, fn.SUM(Entry.minutes)).where(
        Entry.account.in_(list(accounts) or [0]), Entry.effective_date < end).group_by(Entry.account).tuples())
    by_community = {community_id: int(closing.get(account_id) or 0) for account_id, community_id in accounts.items()}
    return {
        "flows": [{"from_community_id": a, "to_community_id": b, "minutes": m, "transfers": n}
                  for (a, b), (m, n) in sorted(flows.items())],
        "positions": [{"community_id": c, "position_minutes": by_community.get(c, 0), "limit_minutes": limit}
                      for c, limit in sorted(members.items())],
    }


def settlement(network: Network, year: int, month: int) -> dict:
    """The stored settlement of a closed month; a month not yet closed is worked out now (`closed` false)."""
    stored = NetworkSettlement.get_or_none(NetworkSettlement.network == network.id, NetworkSettlement.year == year,
                                           NetworkSettlement.month == month)
    figures = ({"flows": stored.flows, "positions": stored.positions} if stored is not None
               else compute_settlement(network, year, month))
    names = dict(Community.select(Community.id, Community.name).tuples())
    for flow in figures["flows"]:
        flow["from_community_name"], flow["to_community_name"] = (names.get(flow["from_community_id"], ""),
                                                                  names.get(flow["to_community_id"], ""))
    for line in figures["positions"]:
        line["community_name"] = names.get(line["community_id"], "")
        line["position_label"] = position_label(line["position_minutes"])
    return {"network_id": network.id, "year": year, "month": month, "closed": stored is not None,
            "closed_at": stored.closed_at if stored is not None else None, **figures}


def close_month(year: int, month: int) -> int:
    """Store every network's settlement of a month that has ended (once; again changes nothing).
    Called with the monthly close."""
    if not month_over(year, month):
        raise RuleBroken(f"{year}年{month}月还没过完，不能结算", field="month", rule="month_not_over")
    stored = 0
    for network in Network.select().order_by(Network.id):
        with database.atomic():
            ledger.hold_communities([m.community_id for m in network.members])  # no late posting meanwhile
            if NetworkSettlement.select().where(NetworkSettlement.network == network.id, NetworkSettlement.year == year,
                                                NetworkSettlement.month == month).exists():
                continue
            figures = compute_settlement(network, year, month)
            NetworkSettlement.insert(network=network.id, year=year, month=month, flows=figures["flows"],
                                     positions=figures["positions"], closed_at=clock.now()).on_conflict_ignore().execute()
            _publish(network, year, month, figures)
            stored += 1
    return stored


def _publish(network: Network, year: int, month: int, figures: dict) -> None:
    """Tell each member community's coordinators their figures of the settlement just stored (once: the
    event key names the network, the month and the community); the page shows the whole settlement."""
    for line in figures["positions"]:
        community_id = line["community_id"]
        coordinators = privacy.coordinator_ids(community_id)
        if not coordinators:
            continue
        out = sum(flow["minutes"] for flow in figures["flows"] if flow["from_community_id"] == community_id)
        came = sum(flow["minutes"] for flow in figures["flows"] if flow["to_community_id"] == community_id)
        notifications.notify(coordinators, f"network:{network.id}:settlement:{year}-{month:02d}:{community_id}",
                             "coordinator_alert", {
                                 "subject": "通存通兑月度结算",
                                 "summary": f"{network.name}{year}年{month}月：本社区转出{_hours(out)}、转入{_hours(came)}，"
                                            f"月末{position_label(line['position_minutes'])}",
                                 "when": clock.now(), "page": "pages/station/network"})


def exchange_figures(community_id: int, start, end) -> dict | None:
    """For the public notice: minutes the community's residents gave to and received from the network's
    other communities between `start` and `end`, and its position at `end` (numbers, no names)."""
    clearing = Account.get_or_none(Account.community == community_id, Account.kind == "clearing")
    if clearing is None or membership(community_id) is None:
        return None

    def total(*where):
        return int(Entry.select(fn.COALESCE(fn.SUM(Entry.minutes), 0)).where(Entry.account == clearing.id, *where)
                   .scalar() or 0)
    return {"given_minutes": total(Entry.effective_date >= start, Entry.effective_date < end, Entry.minutes > 0),
            "received_minutes": -total(Entry.effective_date >= start, Entry.effective_date < end, Entry.minutes < 0),
            "position_minutes": total(Entry.effective_date < end)}
