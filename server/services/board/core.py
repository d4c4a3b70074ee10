"""任务大厅: the open tasks a volunteer may take, payback first, then urgency, then waiting time.

Keyset pagination on (board_order, created_at, id), which one index serves in order,
so the first page costs the same with 100 open tasks or 100,000. Team requirements
are respected (a volunteer sees tasks for anyone and for their own teams). The
recipient's name, unit and phone stay masked until the task is claimed.
"""

import datetime as dt

from peewee import JOIN, Tuple

from server import clock
from server.db import Prepared
from server.errors import RuleBroken
from server.keyset import Keyset
from server.models import Community, Member, Provider, Request, Task, Volunteer, VolunteerTeam
from server.services.board import assignment, catalog, network_tasks, promise
from server.services.board.tasks import status_label
from server.services.people import privacy

_COLUMNS = (Task.id, Task.source, Task.priority, Task.category, Task.item, Task.title, Task.description, Task.area,
            Task.building, Task.place, Task.window_start, Task.window_end, Task.estimated_minutes, Task.urgency,
            Task.status, Task.volunteer, Task.recipient, Task.recipient_household, Task.held, Task.board_order,
            Task.created_at, Task.request, Task.agreement, Task.community, Member.name.alias("recipient_name"),
            Member.phone.alias("recipient_phone"), Task.provider, Task.reserved_for, Task.reserved_until,
            Request.promise_due_at, Task.network)
_NAMES = ("id", "source", "priority", "category", "item", "title", "description", "area", "building", "place",
          "window_start", "window_end", "estimated_minutes", "urgency", "status", "volunteer", "recipient",
          "recipient_household", "held", "board_order", "created_at", "request", "agreement", "community",
          "recipient_name", "recipient_phone", "provider", "reserved_for", "reserved_until", "promise_due_at", "network")


def _select():
    """A task's columns with its recipient's name and phone and its payback request's promise."""
    return (Task.select(*_COLUMNS)
            .join(Member, join_type=JOIN.LEFT_OUTER, on=(Task.recipient == Member.id))
            .switch(Task).join(Request, join_type=JOIN.LEFT_OUTER, on=(Task.request == Request.id)))
_TEAMS_OF = Prepared(lambda member_id: VolunteerTeam.select(VolunteerTeam.team)
                     .join(Volunteer).where(Volunteer.member == member_id).tuples())
_PREPARED: dict[tuple, Prepared] = {}


def _board_query(shape: tuple):
    """Build the query for one combination of filters; parameters come in a fixed order."""
    category, team_arity, only_team, day, area, after, include_held, in_network = shape
    hide_reserved = not include_held  # a coordinator sees everything; a volunteer not another's reserved task

    def build(*params):
        params = list(params)
        community, limit = params.pop(0), params.pop(0)
        if in_network:  # also the network's payback tasks opened to it (通存通兑)
            query = _select().where((Task.community == community) | (Task.network == params.pop(0)),
                                    Task.status == "open")
        else:
            query = _select().where(Task.community == community, Task.status == "open")
        if not include_held:
            query = query.where(Task.held == False)  # noqa: E712 - SQL, not Python truthiness
        if hide_reserved:
            now, viewer = params.pop(0), params.pop(0)
            query = query.where(Task.reserved_until.is_null() | (Task.reserved_until <= now)
                                | (Task.reserved_for == viewer))
        if category:
            query = query.where(Task.category == params.pop(0))
        if team_arity is not None:
            teams = [params.pop(0) for _ in range(team_arity)]
            query = query.where(Task.team.is_null() | Task.team.in_(teams) if teams else Task.team.is_null())
        if only_team:
            query = query.where(Task.team == params.pop(0))
        if day:
            start = params.pop(0)
            end = params.pop(0)
            query = query.where(Task.window_end >= start, Task.window_start < end)
        if area:
            query = query.where(Task.area == params.pop(0))
        if after:
            order, created, task_id = params.pop(0), params.pop(0), params.pop(0)
            query = query.where(Tuple(Task.board_order, Task.created_at, Task.id) > Tuple(order, created, task_id))
        return query.order_by(Task.board_order, Task.created_at, Task.id).limit(limit).tuples()

    return build


# The order the board is paged in (its prepared keyset query is a hot path).
ORDER = Keyset(Task.board_order, Task.created_at, Task.id)


def listing(viewer: Member, *, category: str | None = None, team_id: int | None = None, date: dt.date | None = None,
            area: str | None = None, after: tuple | None = None, limit: int = 20) -> tuple[list[dict], tuple | None]:
    """One page of the board and the key `(board_order, created_at, id)` to go on from (None at the
    end); `after` is the previous page's."""
    coordinator = privacy.coordinates(viewer, viewer.community_id)
    team_ids = None if coordinator else [team for (team,) in _TEAMS_OF.tuples(viewer.id)]
    if team_id is not None and team_ids is not None and team_id not in team_ids:
        return [], None  # another team's tasks: none this volunteer may take
    category_id = None
    if category:
        category_id = catalog.category_id(category)
        if category_id is None:
            raise RuleBroken("没有这个服务类别", field="category", rule="unknown_category")
    # A volunteer whose community is in a network also sees the payback tasks opened to it.
    network_id = None if coordinator else network_tasks.network_of(viewer.community_id)
    shape = (bool(category_id), None if team_ids is None else len(team_ids), team_id is not None, bool(date), bool(area),
             bool(after), coordinator, network_id is not None)
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
    if team_ids is not None:
        params.extend(team_ids)
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
    names = community_names({row["community"] for row in rows[:limit]})
    return ([task_line(row, viewer, coordinator=coordinator, offset=offset, names=names) for row in rows[:limit]],
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


def community_names(community_ids) -> dict[int, str]:
    ids = sorted(set(community_ids))
    return dict(Community.select(Community.id, Community.name).where(Community.id.in_(ids)).tuples()) if ids else {}


def task_line(row: dict, viewer: Member, *, coordinator: bool | None = None, offset: str | None = None,
              names: dict[int, str] | None = None) -> dict:
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
        "community_name": (names if names is not None else community_names([row["community"]])).get(row["community"], ""),
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
    rows = list(rows)
    names = community_names({row["community"] for row in rows})
    return [task_line(row, viewer, names=names) for row in rows]
