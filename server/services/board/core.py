"""任务大厅: the open tasks a volunteer may take, payback first, then urgency, then waiting time.

Keyset pagination on (board_order, created_at, id), which one index serves in order,
so the first page costs the same with 100 open tasks or 100,000. Team requirements
are respected (a volunteer sees tasks for anyone and for their own teams). The
recipient's name, unit and phone stay masked until the task is claimed.
"""

import datetime as dt

from peewee import SQL, Select, Tuple

from server import clock
from server.db import Prepared, database
from server.errors import RuleBroken
from server.keyset import Keyset
from server.models import Community, Member, Provider, Request, Task, Volunteer, VolunteerTeam
from server.services.board import assignment, catalog, network_tasks, promise
from server.services.board.tasks import status_label
from server.services.people import privacy

_NAMES = ("id", "source", "priority", "category", "item", "title", "description", "area", "building", "place",
          "window_start", "window_end", "estimated_minutes", "urgency", "status", "volunteer", "recipient",
          "recipient_household", "held", "board_order", "created_at", "request", "agreement", "community",
          "recipient_name", "recipient_phone", "provider", "reserved_for", "reserved_until", "promise_due_at", "network",
          "community_name")


def _select():
    """A task's columns with its recipient's name and phone, its payback request's promise and its community's
    name: scalar subqueries, not joins, because PostgreSQL plans every statement afresh, and it plans a task
    with three joins in about twice the time it plans one with three subqueries (docs/benchmarks.md, "The
    board"), which was more than running it."""
    recipient = Member.id == Task.recipient
    columns = {"recipient_name": Member.select(Member.name).where(recipient),
               "recipient_phone": Member.select(Member.phone).where(recipient),
               "promise_due_at": Request.select(Request.promise_due_at).where(Request.id == Task.request),
               "community_name": Community.select(Community.name).where(Community.id == Task.community)}
    return Task.select(*[columns[name].alias(name) if name in columns else getattr(Task, name) for name in _NAMES])


_PREPARED: dict[tuple, Prepared] = {}


def _board_query(shape: tuple):
    """Build the query for one combination of filters; parameters come in a fixed order.

    One statement (the board is a hot path, and on PostgreSQL every statement is a round trip): a volunteer's
    teams are a subquery, the names subqueries. A volunteer whose community is in a network also sees the
    payback tasks opened to it by the network's other communities: their board is two pages, each read in
    order from its own index (community, status, board_order, created_at, id) and (network, status, …) and cut
    at the limit, merged with UNION ALL and cut again. An OR of the two conditions could use neither index for
    the order: both backends read every open task and sorted them (docs/benchmarks.md, "The board").
    """
    category, only_team, day, area, after, coordinator, in_network = shape

    def build(*params):
        params = list(params)
        community, limit = params.pop(0), params.pop(0)
        network = params.pop(0) if in_network else None
        conditions = []
        if not coordinator:  # a coordinator sees everything; a volunteer not what is held, another's reservation
            now, viewer = params.pop(0), params.pop(0)
            conditions += [Task.held == False,  # noqa: E712 - SQL, not Python truthiness
                           Task.reserved_until.is_null() | (Task.reserved_until <= now) | (Task.reserved_for == viewer),
                           # tasks for anyone and for the volunteer's own teams
                           Task.team.is_null() | Task.team.in_(VolunteerTeam.select(VolunteerTeam.team).join(Volunteer)
                                                               .where(Volunteer.member == viewer))]
        if category:
            conditions.append(Task.category == params.pop(0))
        if only_team:  # with the teams' condition above: nothing when the volunteer is not in the team
            conditions.append(Task.team == params.pop(0))
        if day:
            start = params.pop(0)
            end = params.pop(0)
            conditions += [Task.window_end >= start, Task.window_start < end]
        if area:
            conditions.append(Task.area == params.pop(0))
        if after:
            order, created, task_id = params.pop(0), params.pop(0), params.pop(0)
            conditions.append(Tuple(Task.board_order, Task.created_at, Task.id) > Tuple(order, created, task_id))

        def page(*where):
            return (_select().where(*where, Task.status == "open", *conditions)
                    .order_by(Task.board_order, Task.created_at, Task.id).limit(limit))

        if not in_network:
            return page(Task.community == community).tuples()
        pages = (_whole(page(Task.community == community), "own")
                 .union_all(_whole(page(Task.network == network, Task.community != community), "opened")))
        merged = pages.alias("board")
        return (Select([merged], [SQL("*")]).order_by(merged.c.board_order, merged.c.created_at, merged.c.id)
                .limit(limit).bind(database).tuples())

    return build


def _whole(query, name: str):
    """`SELECT * FROM (query)`: a page that keeps its own ORDER BY and LIMIT inside a UNION ALL (SQLite
    allows neither on a compound's members)."""
    return Select([query.alias(name)], [SQL("*")]).bind(database)


# The order the board is paged in (its prepared keyset query is a hot path).
ORDER = Keyset(Task.board_order, Task.created_at, Task.id)


def listing(viewer: Member, *, category: str | None = None, team_id: int | None = None, date: dt.date | None = None,
            area: str | None = None, after: tuple | None = None, limit: int = 20) -> tuple[list[dict], tuple | None]:
    """One page of the board and the key `(board_order, created_at, id)` to go on from (None at the
    end); `after` is the previous page's."""
    coordinator = privacy.coordinates(viewer, viewer.community_id)
    category_id = None
    if category:
        category_id = catalog.category_id(category)
        if category_id is None:
            raise RuleBroken("没有这个服务类别", field="category", rule="unknown_category")
    # A volunteer whose community is in a network also sees the payback tasks opened to it (通存通兑).
    network_id = None if coordinator else network_tasks.network_of(viewer.community_id)
    shape = (bool(category_id), team_id is not None, bool(date), bool(area), bool(after), coordinator,
             network_id is not None)
    prepared = _PREPARED.get(shape)
    if prepared is None:
        prepared = _PREPARED[shape] = Prepared(_board_query(shape))
    params = [viewer.community_id, limit + 1]
    if network_id is not None:
        params.append(network_id)
    if not coordinator:
        params += [clock.now(), viewer.id]
    if category_id:
        params.append(category_id)
    if team_id is not None:
        params.append(team_id)
    if date:
        start = dt.datetime.combine(date, dt.time())
        params += [start, start + dt.timedelta(days=1)]
    if area:
        params.append(area)
    if after:
        params.extend(after)
    rows = [dict(zip(_NAMES, row, strict=True)) for row in prepared.tuples(*params)]
    offset = _offset()
    last = rows[limit - 1] if len(rows) > limit else None
    return ([task_line(row, viewer, coordinator=coordinator, offset=offset) for row in rows[:limit]],
            (last["board_order"], last["created_at"], last["id"]) if last else None)


def _iso(value, offset: str):
    """A stored local time with its offset. SQLite hands back text, PostgreSQL a datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.replace(" ", "T") + offset
    return clock.aware(value).isoformat()


def _offset() -> str:
    """The community's UTC offset as ISO text, e.g. +08:00."""
    return clock.aware(dt.datetime(2000, 1, 1)).isoformat()[19:]


def task_line(row: dict, viewer: Member, *, coordinator: bool | None = None, offset: str | None = None) -> dict:
    """A task as the viewer may see it, JSON-ready (used verbatim by the response)."""
    mine = row["volunteer"] == viewer.id
    family = viewer.household_id is not None and viewer.household_id == row["recipient_household"]
    if coordinator is None:
        coordinator = privacy.coordinates(viewer, row["community"])
    full = mine or family or coordinator
    offset = offset or _offset()
    name = row.get("recipient_name") or ""
    return {
        "id": row["id"],
        "source": row["source"],
        "priority": bool(row["priority"]),
        "category_code": catalog.category_code(row["category"]),
        "category_name": catalog.category_name(row["category"]),
        "item_name": catalog.item_name(row["item"]) if row["item"] else None,
        "title": row["title"],
        "description": row["description"],
        "area": row["area"],
        "building": row["building"],
        "place": row["place"] if full else row["building"],
        "window_start": _iso(row["window_start"], offset),
        "window_end": _iso(row["window_end"], offset),
        "estimated_minutes": row["estimated_minutes"],
        "urgency": row["urgency"],
        "status": row["status"],
        "status_label": status_label(row["status"]),
        "recipient_name": name if full else privacy.mask_name(name),
        "recipient_phone": (row.get("recipient_phone") or "") if full else "",
        "claimed_by_me": mine,
        "held": bool(row["held"]),
        "request_id": row["request"],
        "agreement_id": row["agreement"],
        "created_at": _iso(row["created_at"], offset),
        **_promise(row, viewer, offset),
        # A payback opened to the network (通存通兑): the board marks one from a neighbouring community.
        "open_to_network": bool(row.get("network")),
        "community_id": row["community"],
        "community_name": row["community_name"],
        "from_other_community": row["community"] != viewer.community_id,
    }


def _local(value) -> dt.datetime | None:
    """A stored local time as a datetime (SQLite hands back text)."""
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def _promise(row: dict, viewer: Member, offset: str) -> dict:
    """The payback promise (time left, in words), who is coming, and the preferred volunteer's reservation."""
    view = promise.promise_view(_local(row["promise_due_at"]), status=row["status"],
                                assigned=bool(row["volunteer"] or row["provider"]))
    view["promise_due_at"] = _iso(row["promise_due_at"], offset)
    if row["volunteer"] == viewer.id and not row["provider"]:
        view["coming"] = {"kind": "volunteer", "id": viewer.id, "name": viewer.name, "label": f"志愿者：{viewer.name}"}
    else:
        view["coming"] = promise.coming(row["volunteer"], row["provider"])
    until = _local(row["reserved_until"])
    reserved = until is not None and until > clock.now() and row["status"] == "open"
    view["reserved_until"] = _iso(row["reserved_until"], offset) if reserved else None
    view["reserved_for_me"] = reserved and row["reserved_for"] == viewer.id
    return view


_ONE = Prepared(lambda task_id: _select().where(Task.id == task_id).dicts())


def task_view(task: Task | int, viewer: Member) -> dict:
    view = task_line(_ONE.first(task if isinstance(task, int) else task.id), viewer)
    volunteer_id, provider_id = Task.select(Task.volunteer, Task.provider).where(Task.id == view["id"]).tuples()[0]
    _assignment(view, viewer, provider_id)
    if volunteer_id:
        volunteer = Member.get_by_id(volunteer_id)
        view["volunteer"] = {"id": volunteer.id, "name": volunteer.name,
                             "phone": volunteer.phone if view["recipient_phone"] or view["claimed_by_me"] else ""}
    else:
        view["volunteer"] = None
    return view


def _assignment(view: dict, viewer: Member, provider_id: int | None) -> None:
    """Who the task was given to by a coordinator: a provider (named to the family and the station), or
    the volunteer (who sees 协调员指派给您 and may decline)."""
    view["provider"] = None
    if provider_id:
        provider = Provider.get_by_id(provider_id)
        family_or_station = view["recipient_phone"] != "" or privacy.coordinates(viewer, provider.community_id)
        view["provider"] = {"id": provider.id, "name": provider.name, "contact_name": provider.contact_name,
                            "phone": provider.phone if family_or_station else ""}
        view["status_label"] = status_label(view["status"], provider=True)
    event = assignment.assigned_event(Task.get_by_id(view["id"])) if view["status"] == "claimed" else None
    view["assigned_by_coordinator"] = event is not None
    view["assign_note"] = event.note if event is not None else ""
    view["may_decline"] = event is not None and view["claimed_by_me"]


ACTIVE = ("claimed", "in_progress", "done", "confirmed")
FINISHED = ("credited", "too_short", "cancelled", "no_show")


def mine(viewer: Member, *, active: bool = True):
    """The volunteer's tasks: what is ahead first (claimed, in progress, waiting confirmation)."""
    statuses = ACTIVE if active else FINISHED
    rows = (_select()
            .where(Task.volunteer == viewer.id, Task.status.in_(list(statuses)))
            .order_by(Task.window_start, Task.id).limit(100).dicts())
    return [task_line(row, viewer) for row in rows]
