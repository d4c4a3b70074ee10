"""预约服务 and 优先回馈: residents book services; the household's elders and hardship cases redeem banked hours.

A booking creates a Request and its Task on the board in one transaction. A payback
request carries a promise and may name a preferred volunteer (promise.py); it first holds the estimated minutes on the household account (refused with a
clear message when not enough is banked), then goes to the top of the board; the
credited service later spends at most what was held (see tasks.on_record_settled),
and cancelling releases the hold. A family member or the coordinator may act for
someone without a phone (亲情代理); the request records who acted.
"""

import datetime as dt

from server import clock, runtime
from server.db import database
from server.errors import Forbidden, NotFound, RuleBroken
from server.keyset import Keyset
from server.models import Household, Member, Request, Task, TaskEvent
from server.services.board import catalog, matching, network_tasks, promise, redeemers, tasks
from server.services.ledger import core as ledger
from server.services.messaging import content_safety, notifications
from server.services.people import date_bounds, privacy
from server.services.people.privacy import mask_name

URGENCY_ORDER = {"urgent": 0, "normal": 1}


def _board_order(priority: bool, urgency: str) -> int:
    """0 payback+urgent, 1 payback, 2 urgent, 3 ordinary: the board sorts ascending."""
    return (0 if priority else 2) + URGENCY_ORDER[urgency]


def _for_whom(actor: Member, for_member_id: int | None) -> Member:
    """The person the service is for: oneself, a family member (代理), or — for coordinators — any resident."""
    if not for_member_id or for_member_id == actor.id:
        if actor.household_id is None:
            raise RuleBroken("请先开户或加入家庭", rule="household_required")
        return actor
    member = Member.get_or_none(Member.id == for_member_id, Member.erased_at.is_null())
    if member is None or member.household_id is None:
        raise RuleBroken("找不到这位家人", field="for_member_id", rule="unknown_member")
    if member.household_id == actor.household_id or privacy.coordinates(actor, member.community_id):
        return member
    raise RuleBroken("只能替自己家里人或（服务站）本社区居民预约", field="for_member_id", rule="not_family")


def _check_window(data: dict) -> None:
    start, end = data["window_start"], data["window_end"]
    if end <= start:
        raise RuleBroken("结束时间要晚于开始时间", field="window_end", rule="end_before_start")
    if end <= clock.now():
        raise RuleBroken("这个时间已经过去了，请选以后的时间", field="window_end", rule="window_past")
    if end - start > dt.timedelta(days=14):
        raise RuleBroken("时间范围最长两周", field="window_end", rule="window_too_long")
    date_bounds.within_reach(start, "window_start")
    step = runtime.setting("ROUNDING_STEP_MINUTES")
    if data["estimated_minutes"] % step:
        raise RuleBroken(f"预计时长请按{step}分钟一档填写", field="estimated_minutes", rule="minutes_step")


def _create(actor: Member, requester: Member, data: dict, *, payback: bool, hold=None,
            preferred: Member | None = None) -> Request:
    category, item = catalog.category_and_item(data["category_code"], data.get("item_code"))
    household = Household.get_by_id(requester.household_id)
    urgency = "urgent" if payback and data.get("urgency") == "urgent" else data.get("urgency", "normal")
    building = data.get("building") or household.building
    unit = data.get("unit") or household.unit
    place = " ".join(filter(None, [building, unit, data.get("place_detail") or household.room]))
    request = Request.create(
        community=household.community_id, household=household, requester=requester, created_by=actor,
        payback=payback, hold=hold, category=category, item=item, description=data["description"],
        building=building, unit=unit, place_detail=data.get("place_detail", ""),
        window_start=data["window_start"], window_end=data["window_end"],
        estimated_minutes=data["estimated_minutes"], urgency=urgency, created_at=clock.now(), preferred_volunteer=preferred,
    )
    check = runtime.setting("WECHAT_APPID") and requester.openid
    task = Task.create(
        community=household.community_id, source="payback" if payback else "request", request=request,
        category=category, item=item, title=item.name if item else category.name, description=data["description"],
        area=household.area, building=building, place=place, window_start=data["window_start"],
        window_end=data["window_end"], estimated_minutes=data["estimated_minutes"], urgency=urgency,
        priority=payback, board_order=_board_order(payback, urgency), held=bool(check),
        recipient=requester, recipient_household=household, created_at=clock.now(),
    )
    TaskEvent.create(task=task.id, kind="open", from_status="", to_status="open", actor=actor,
                           on_behalf_of=requester if requester.id != actor.id else None, at=clock.now())
    if payback:
        promise.reserve(request, task)  # before matching: a reserved task asks its preferred volunteer first
    if check:
        content_safety.request_check("request", request.id, requester, data["description"])
    else:
        matching.task_opened(task)
    return request


def book(actor: Member, data: dict) -> Request:
    """Post a need on the board."""
    _check_window(data)
    requester = _for_whom(actor, data.get("for_member_id"))
    with database.atomic():
        return _create(actor, requester, data, payback=False)


def eligibility(actor: Member, for_member_id: int | None = None) -> dict:
    """Who in the person's household may redeem its hours and why (redeemers.py), and what it has banked.

    `eligible` and `reason` answer for the person asked about (oneself, a family member, or — for a
    coordinator — any resident); `members` answers for everyone in the household.
    """
    member = _for_whom(actor, for_member_id)
    account = ledger.household_account(member.household_id)
    members = redeemers.of_household(member.household_id)
    line = next(m for m in members if m["member_id"] == member.id)
    return {"eligible": line["may_redeem"], "reason": redeemers.sentence(line), "member_id": member.id,
            "member_name": member.name, "available_minutes": ledger.available(account),
            "held_minutes": account.pending_minutes, "balance_minutes": account.posted_minutes, "members": members,
            "preferred_candidates": promise.candidates(member.household_id),
            # The form offers 也请邻近社区的志愿者帮忙 only when the community is in a network (通存通兑).
            "network_available": network_tasks.network_of(member.community_id) is not None}


def open_payback(actor: Member, data: dict) -> Request:
    """Hold the estimated minutes, then put a priority task at the top of the board."""
    _check_window(data)
    info = eligibility(actor, data.get("for_member_id"))
    if not info["eligible"]:
        raise RuleBroken(info["reason"], rule="payback_not_eligible")
    requester = Member.get_by_id(info["member_id"])
    preferred = promise.check_preferred(requester.household_id, data.get("preferred_volunteer_id"))
    if data.get("open_to_network") and network_tasks.network_of(requester.community_id) is None:
        raise RuleBroken("本社区还没有加入通存通兑网络，不能请邻近社区的志愿者帮忙", field="open_to_network",
                         rule="not_in_network")
    minutes = data["estimated_minutes"]
    with database.atomic():
        request = _create(actor, requester, data, payback=True, preferred=preferred)
        hold = ledger.hold(
            household_id=requester.household_id, minutes=minutes, key=f"payback:{request.id}:hold",
            body={"request": request.id, "minutes": minutes}, reason="优先回馈冻结",
            details={"content": f"优先回馈：{request.description[:40]}"}, actor=actor,
            on_behalf_of=requester if requester.id != actor.id else None,
        )
        Request.update(hold=hold.id).where(Request.id == request.id).execute()
        if data.get("open_to_network"):
            reason = ("requester" if actor.id == requester.id else
                      "household" if actor.household_id == requester.household_id else "coordinator")
            network_tasks.open_to_network(request, reason=reason, actor=actor)
        _alert_coordinators(request)
    return Request.get_by_id(request.id)


def _alert_coordinators(request: Request) -> None:
    coordinators = privacy.coordinator_ids(request.community_id)
    if coordinators:
        notifications.notify(coordinators, f"request:{request.id}:payback", "coordinator_alert", {
            "subject": "优先回馈求助", "summary": f"{mask_name(request.requester.name)}：{request.description[:30]}",
            "when": request.window_start, "page": "pages/station/index",
        }, urgent=True)


def request_for(viewer: Member, request_id: int | Request) -> Request:
    """Visible to the household it belongs to and the community's coordinators."""
    request = request_id if isinstance(request_id, Request) else Request.get_or_none(Request.id == request_id)
    if request is None:
        raise NotFound()
    if viewer.household_id == request.household_id or privacy.coordinates(viewer, request.community_id):
        return request
    raise NotFound()


MINE_ORDER = Keyset(Request.id, descending=True)  # newest first


def mine(viewer: Member, *, payback: bool | None = None):
    """The viewer's household's requests (bookings, or payback requests), newest first (a query: the pager
    adds MINE_ORDER's key and the page's LIMIT)."""
    query = Request.select().where(Request.household == viewer.household_id).order_by(*MINE_ORDER.order())
    if payback is not None:
        query = query.where(Request.payback == payback)
    return query


def cancel(actor: Member, request: Request, reason: str = "") -> Request:
    """The household (or the coordinator) cancels; a payback hold is released with it."""
    if actor.household_id != request.household_id and not privacy.coordinates(actor, request.community_id):
        raise Forbidden("只能取消自己家的求助")
    task = Task.get(Task.request == request.id)
    with database.atomic():
        tasks.cancel(actor, task, reason=reason,
                     on_behalf_of=request.requester if request.requester_id != actor.id else None)
        Request.update(cancelled_at=clock.now(), cancelled_by=actor.id, cancel_reason=reason[:200]).where(
            Request.id == request.id).execute()
    return Request.get_by_id(request.id)


def register() -> None:
    """What a content-safety check of a request's text does (server/hooks.py calls it once)."""
    content_safety.on_result("request")(_request_checked)


def _request_checked(object_id, result, check):
    """Passed (or unchecked): show it on the board. Review or risky: the coordinator decides."""
    task = Task.get_or_none(Task.request == object_id)
    if task is None:
        return
    if content_safety.SEVERITY.get(result, 0) == 0:
        _publish(task)
        return
    coordinators = privacy.coordinator_ids(task.community_id)
    if coordinators:
        notifications.notify(coordinators, f"request:{object_id}:held", "coordinator_alert", {
            "subject": "求助内容待审核", "summary": task.title, "when": task.created_at, "page": "pages/station/index",
        })


def release_held(actor: Member, task: Task) -> Task:
    """The coordinator has read a held request and publishes it."""
    if not privacy.coordinates(actor, task.community_id):
        raise Forbidden("只有服务站可以审核")
    with database.atomic():
        _publish(task)
    return task


def _publish(task: Task) -> None:
    """Show a held request on the board; matching starts now (once, however often it is published)."""
    Task.update(held=False).where(Task.id == task.id).execute()
    task.held = False
    matching.task_opened(task)
