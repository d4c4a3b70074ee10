"""回报有保障: a payback request's promise, its preferred volunteer (指定服务人), and the alert when the promise is at risk.

    opened ──▶ promise_due_at = min(opened + PAYBACK_PROMISE_HOURS, window_start)
      │         by then a volunteer or a provider must be assigned (claimed, or assigned by the station)
      ├ preferred volunteer named: only they are asked, and only they see it on the board, until
      │   reserved_until = min(opened + PAYBACK_PREFERRED_HOURS, promise_due_at); then matching as usual
      └ nobody assigned PAYBACK_AT_RISK_HOURS before the promise ──▶ one urgent alert to the coordinators,
          whose link opens the assign page; the desk lists it until someone is assigned

Every answer that shows a payback request or its task carries the promise as the server reads it
(`promise_view`): the time, the minutes left (never negative), a phrase for the family ("还剩 5 小时",
"已超时") and a state word for the page's colour; and who is coming (`coming`).
"""

import datetime as dt

from peewee import fn

from server import clock, runtime
from server.db import database
from server.errors import RuleBroken
from server.models import Member, Provider, Request, ServiceRecord, Task, Volunteer
from server.services.board import network_tasks
from server.services.messaging import notifications
from server.services.people import privacy
from server.services.people.privacy import mask_name

CANDIDATES_LIMIT = 10  # preferred-volunteer candidates offered to a household (most recent first)
PROMISE_STATES = ("waiting", "at_risk", "overdue", "assigned", "closed")
ASSIGN_PAGE = "pages/station/assign/assign?task_id={task_id}"


def due_at(opened_at: dt.datetime, window_start: dt.datetime) -> dt.datetime:
    """By when someone must be assigned: PAYBACK_PROMISE_HOURS after opening, or the window's start if sooner."""
    return min(opened_at + dt.timedelta(hours=runtime.setting("PAYBACK_PROMISE_HOURS")), window_start)


def reserved_until(opened_at: dt.datetime, promise_due_at: dt.datetime) -> dt.datetime:
    """How long only the preferred volunteer is asked: PAYBACK_PREFERRED_HOURS, never past the promise."""
    return min(opened_at + dt.timedelta(hours=runtime.setting("PAYBACK_PREFERRED_HOURS")), promise_due_at)


def phrase(minutes_left: int) -> str:
    """The time left, in words an elder reads at a glance."""
    if minutes_left <= 0:
        return "已超时"
    if minutes_left < 60:
        return f"还剩 {minutes_left} 分钟"
    return f"还剩 {minutes_left // 60} 小时"


def promise_view(due: dt.datetime | None, *, status: str, assigned: bool, now: dt.datetime | None = None) -> dict:
    """The promise's fields of a request's or a task's answer (all None for a task without a promise)."""
    if due is None:
        return {"promise_due_at": None, "promise_minutes_left": None, "promise_label": "", "promise_state": None}
    now = now or clock.now()
    left = max(0, int((due - now).total_seconds() // 60))
    if assigned:
        state, label = "assigned", "已安排服务人"
    elif status != "open":
        state, label = "closed", ""
    elif left == 0:
        state, label = "overdue", phrase(0)
    else:
        at_risk = now >= due - dt.timedelta(hours=runtime.setting("PAYBACK_AT_RISK_HOURS"))
        state, label = ("at_risk" if at_risk else "waiting"), phrase(left)
    return {"promise_due_at": due, "promise_minutes_left": left, "promise_label": label,
            "promise_state": state}


def coming(volunteer_id: int | None, provider_id: int | None) -> dict | None:
    """Who is coming: the volunteer (their name) or the contracted provider (its name); None while nobody is."""
    if provider_id:
        provider = Provider.get_by_id(provider_id)
        return {"kind": "provider", "id": provider.id, "name": provider.name, "label": f"服务机构：{provider.name}"}
    if volunteer_id:
        volunteer = Member.get_by_id(volunteer_id)
        return {"kind": "volunteer", "id": volunteer.id, "name": volunteer.name, "label": f"志愿者：{volunteer.name}"}
    return None


def task_promise(task: Task, request: Request | None = None) -> dict:
    """A task's promise and who is coming (a task without a payback request has neither)."""
    if request is None and task.request_id:
        request = Request.get_by_id(task.request_id)
    due = request.promise_due_at if request is not None and request.payback else None
    assigned = bool(task.volunteer_id or task.provider_id)
    return {**promise_view(due, status=task.status, assigned=assigned),
            "coming": coming(task.volunteer_id, task.provider_id)}


# --- the preferred volunteer (指定服务人) --------------------------------------------------


def _served(household_id: int):
    """Active volunteers (outside the household) with a credited service for it: one row each."""
    last = fn.MAX(ServiceRecord.started_at)
    return (ServiceRecord.select(ServiceRecord.volunteer, Member.name.alias("name"), last.alias("last_served"),
                                 fn.COUNT(ServiceRecord.id).alias("times"))
            .join(Member, on=(ServiceRecord.volunteer == Member.id))
            .join(Volunteer, on=(Volunteer.member == Member.id))
            .where(ServiceRecord.recipient_household == household_id, ServiceRecord.status == "credited",
                   Volunteer.status == "active", Member.erased_at.is_null(),
                   Member.household.is_null() | (Member.household != household_id))
            .group_by(ServiceRecord.volunteer, Member.name))


def candidates(household_id: int) -> list[dict]:
    """Whom the household may name: volunteers who served it before and still serve, most recent first (bounded)."""
    rows = _served(household_id).order_by(fn.MAX(ServiceRecord.started_at).desc(), ServiceRecord.volunteer)
    return [{"member_id": row["volunteer"], "name": row["name"], "times_served": row["times"],
             "last_served_on": _day(row["last_served"])}
            for row in rows.limit(CANDIDATES_LIMIT).dicts()]


def _day(value) -> dt.date:
    """MAX() of a datetime column: SQLite hands back text, PostgreSQL a datetime."""
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value.date()


def check_preferred(household_id: int, member_id: int | None) -> Member | None:
    """The preferred volunteer if the household may name them: they served it before and are active."""
    if not member_id:
        return None
    if not _served(household_id).where(ServiceRecord.volunteer == member_id).exists():
        raise RuleBroken("只能指定曾为您家服务过、现在仍在服务的志愿者", field="preferred_volunteer_id",
                         rule="preferred_not_eligible")
    return Member.get_by_id(member_id)


def reserve(request: Request, task: Task) -> None:
    """Open a payback request's promise, and reserve its task for the preferred volunteer (inside the booking)."""
    due = due_at(request.created_at, request.window_start)
    Request.update(promise_due_at=due).where(Request.id == request.id).execute()
    request.promise_due_at = due
    if request.preferred_volunteer_id:
        until = reserved_until(request.created_at, due)
        Task.update(reserved_for=request.preferred_volunteer_id, reserved_until=until).where(Task.id == task.id).execute()
        task.reserved_for, task.reserved_until = request.preferred_volunteer_id, until


# --- at risk ------------------------------------------------------------------------------


def _at_risk(now: dt.datetime):
    """Payback requests whose promise is at risk or passed and whose task is open with nobody assigned."""
    horizon = now + dt.timedelta(hours=runtime.setting("PAYBACK_AT_RISK_HOURS"))
    return (Request.select(Request, Task).join(Task, on=(Task.request == Request.id))
            .where(Request.payback == True, Request.promise_due_at <= horizon,  # noqa: E712 - SQL
                   Task.status == "open", Task.volunteer.is_null(), Task.provider.is_null()))


def at_risk_for_desk(community_id: int, now: dt.datetime, limit: int = 50) -> list[Task]:
    """The desk's list: the community's payback tasks at risk or overdue, the soonest promise first."""
    rows = (_at_risk(now).where(Request.community == community_id)
            .order_by(Request.promise_due_at, Request.id).limit(limit))
    return [row.task for row in rows]


def alert_at_risk(now: dt.datetime | None = None) -> int:
    """Tell the coordinators once per request that its promise is at risk (urgent: ignores quiet hours).

    Run by the scheduler; a guarded UPDATE of `promise_alerted_at` makes each alert happen once,
    however often it runs. Returns how many requests were alerted now.
    """
    now = now or clock.now()
    alerted = 0
    for request in list(_at_risk(now).where(Request.promise_alerted_at.is_null()).order_by(Request.promise_due_at)):
        task = request.task
        with database.atomic():
            if not Request.update(promise_alerted_at=now).where(Request.id == request.id,
                                                                Request.promise_alerted_at.is_null()).execute():
                continue
            # Nobody in the community claimed it: its network's other communities are asked too (通存通兑).
            widened = request.network_opened_at is None and _open_to_network(request)
            coordinators = privacy.coordinator_ids(request.community_id)
            if coordinators:
                left = phrase(max(0, int((request.promise_due_at - now).total_seconds() // 60)))
                also = "，已自动请邻近社区的志愿者帮忙" if widened else ""
                notifications.notify(coordinators, f"request:{request.id}:promise_at_risk", "coordinator_alert", {
                    "subject": "优先回馈承诺将超时",
                    "summary": f"{mask_name(request.requester.name)}：{task.title}，无人接单，{left}{also}，请指派",
                    "when": request.promise_due_at, "page": ASSIGN_PAGE.format(task_id=task.id),
                }, urgent=True)
        alerted += 1
    return alerted


def _open_to_network(request: Request) -> bool:
    """Open an at-risk payback request to its community's network, if it is in one (True when opened now)."""
    if network_tasks.network_of(request.community_id) is None:
        return False
    return network_tasks.open_to_network(request, reason="at_risk")
