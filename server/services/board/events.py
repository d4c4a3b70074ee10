"""每月16日集中服务: events, sign-up with a waitlist, QR check-in, and closing with one batch of credits.

Closing credits every checked-in attendee once: each attendance becomes a service
record witnessed by the coordinator and credited (`event_credit`); a sign-up that
already has its record is skipped, so closing twice credits nobody twice.

Hours are honest: check-in opens CHECKIN_EARLY_MINUTES before the start and closes at the
planned end; closing before the start is refused; each attendee is credited from the
start (or their later check-in) to the planned end (or the closing, if earlier) — never
more than the time that actually passed. Too short to count is `too_short`, not credited.
"""

import datetime as dt

from server import clock, runtime
from server.db import database, is_postgres
from server.errors import Conflict, Forbidden, NotFound, RuleBroken
from server.keyset import Keyset
from server.models import Event, EventSignup, Member, ServiceCategory
from server.services.board import records
from server.services.messaging import notifications
from server.services.people import date_bounds, privacy, tokens, volunteers

CHECKIN_PURPOSE = "event-checkin"


def _when(moment: dt.datetime) -> str:
    return f"{moment.month}月{moment.day}日{moment.hour}:{moment.minute:02d}"


def create(actor: Member, data: dict) -> Event:
    if not privacy.coordinates(actor, actor.community_id):
        raise Forbidden("只有服务站可以发起活动")
    codes = data["category_codes"]
    known = {c.code for c in ServiceCategory.select().where(ServiceCategory.code.in_(codes))}
    if not codes or known != set(codes):
        raise RuleBroken("请从服务菜单里选择活动类别", field="category_codes", rule="unknown_category")
    if data["starts_at"] < clock.now():
        raise RuleBroken("活动时间已经过去了", field="starts_at", rule="past")
    date_bounds.within_reach(data["starts_at"], "starts_at")
    step = runtime.setting("ROUNDING_STEP_MINUTES")
    if data["planned_minutes"] % step:
        raise RuleBroken(f"计划时长请按{step}分钟一档", field="planned_minutes", rule="minutes_step")
    return Event.create(community=actor.community_id, title=data["title"], starts_at=data["starts_at"],
                        place=data["place"], category_codes=codes, capacity=data["capacity"],
                        planned_minutes=data["planned_minutes"], description=data.get("description", ""),
                        created_by=actor, created_at=clock.now())


def event_for(viewer: Member, event_id: int | Event) -> Event:
    event = event_id if isinstance(event_id, Event) else Event.get_or_none(Event.id == event_id)
    if event is None or (event.community_id != viewer.community_id and not viewer.has_role("admin")):
        raise NotFound()
    return event


LISTING_ORDER = Keyset(Event.starts_at, Event.id, descending=True)  # the latest first, ties by id


def listing(viewer: Member):
    """The viewer's community's activities, the latest first (a query: the pager adds LISTING_ORDER's key
    and the page's LIMIT)."""
    return Event.select().where(Event.community == viewer.community_id).order_by(*LISTING_ORDER.order())


def _lock(event: Event) -> None:
    """Sign-ups of one event take turns (PostgreSQL row lock; SQLite's write lock already does)."""
    if is_postgres():
        Event.select(Event.id).where(Event.id == event.id).for_update().execute()


def signup(actor: Member, event: Event) -> EventSignup:
    """Signed while places remain; then on the waitlist, in order."""
    volunteers.require_active(actor, "报名")
    if event.status != "open":
        raise Conflict("活动已经结束或取消", rule="event_closed")
    with database.atomic():
        _lock(event)
        existing = EventSignup.get_or_none(EventSignup.event == event.id, EventSignup.volunteer == actor.id)
        if existing is not None and existing.status != "cancelled":
            return existing
        taken = EventSignup.select().where(EventSignup.event == event.id, EventSignup.status == "signed").count()
        status = "signed" if taken < event.capacity else "waitlisted"
        if existing is not None:
            EventSignup.update(status=status, signed_up_at=clock.now()).where(EventSignup.id == existing.id).execute()
            return EventSignup.get_by_id(existing.id)
        return EventSignup.create(event=event.id, volunteer=actor.id, status=status, signed_up_at=clock.now())


def withdraw(actor: Member, event: Event) -> None:
    """Cancel a sign-up; the first on the waitlist moves up and is told."""
    with database.atomic():
        _lock(event)
        mine = EventSignup.get_or_none(EventSignup.event == event.id, EventSignup.volunteer == actor.id,
                                       EventSignup.status.in_(["signed", "waitlisted"]))
        if mine is None:
            raise RuleBroken("您没有报名这个活动", rule="not_signed_up")
        if mine.checked_in_at is not None:
            raise Conflict("已经签到，不能取消报名", rule="checked_in")
        EventSignup.update(status="cancelled").where(EventSignup.id == mine.id).execute()
        if mine.status == "signed":
            first = (EventSignup.select().where(EventSignup.event == event.id, EventSignup.status == "waitlisted")
                     .order_by(EventSignup.signed_up_at, EventSignup.id).first())
            if first is not None:
                EventSignup.update(status="signed").where(EventSignup.id == first.id).execute()
                notifications.notify([first.volunteer_id], f"event:{event.id}:promoted:{first.volunteer_id}",
                                     "event_reminder", {"name": f"候补转正：{event.title}", "when": event.starts_at,
                                                        "place": event.place, "event_id": event.id})


def checkin_token(actor: Member, event: Event) -> tuple[str, dt.datetime]:
    if not privacy.coordinates(actor, event.community_id):
        raise Forbidden("只有服务站可以出示签到码")
    ttl = dt.timedelta(seconds=runtime.setting("QR_TOKEN_TTL_SECONDS"))
    return tokens.issue(CHECKIN_PURPOSE, event.id), clock.now() + ttl


def planned_end(event: Event) -> dt.datetime:
    return event.starts_at + dt.timedelta(minutes=event.planned_minutes)


def check_in(actor: Member, token: str) -> EventSignup:
    event = Event.get_or_none(Event.id == tokens.read(CHECKIN_PURPOSE, token))
    if event is None or event.community_id != actor.community_id:
        raise RuleBroken("这个签到码不是本社区的活动", field="token", rule="qr_invalid")
    if event.status != "open":
        raise Conflict("活动已经结束", rule="event_closed")
    now, early = clock.now(), runtime.setting("CHECKIN_EARLY_MINUTES")
    if now < event.starts_at - dt.timedelta(minutes=early):
        raise RuleBroken(f"活动{_when(event.starts_at)}开始，最早可以提前{early}分钟签到", field="token",
                         rule="too_early")
    if now > planned_end(event):
        raise Conflict(f"活动已在{_when(planned_end(event))}结束，不能再签到", rule="checkin_closed")
    signup = EventSignup.get_or_none(EventSignup.event == event.id, EventSignup.volunteer == actor.id,
                                     EventSignup.status == "signed")
    if signup is None:
        raise RuleBroken("您没有报名（或还在候补），请先联系服务站", field="token", rule="not_signed_up")
    EventSignup.update(checked_in_at=clock.now()).where(EventSignup.id == signup.id,
                                                        EventSignup.checked_in_at.is_null()).execute()
    return EventSignup.get_by_id(signup.id)


def close(actor: Member, event: Event) -> dict:
    """Credit every checked-in attendee once, witnessed by the coordinator, in one transaction."""
    if not privacy.coordinates(actor, event.community_id):
        raise Forbidden("只有服务站可以结束活动")
    if event.status == "cancelled":
        raise Conflict("活动已取消", rule="event_cancelled")
    now = clock.now()
    if now < event.starts_at:
        raise Conflict(f"活动{_when(event.starts_at)}才开始，开始之前不能结束活动、记时间", rule="event_not_started")
    credited = 0
    category = ServiceCategory.get(ServiceCategory.code == event.category_codes[0])
    with database.atomic():
        _lock(event)
        attendees = EventSignup.select().where(EventSignup.event == event.id, EventSignup.status == "signed",
                                               EventSignup.checked_in_at.is_null(False), EventSignup.record.is_null())
        for signup in attendees:
            volunteer = Member.get_by_id(signup.volunteer_id)
            # Never more than passed: from the start (or a later arrival) to the end (or now).
            start = max(event.starts_at, signup.checked_in_at)
            end = max(start, min(planned_end(event), now))
            record = records.create_for_task(
                community_id=event.community_id, volunteer=volunteer, recipient=None, category_id=category.id,
                item_id=None, place=event.place, started_at=start, ended_at=end,
                content=f"集中服务活动：{event.title}", source="event", witness=actor, organiser="社区联合党委",
                recorder_id=actor.id,
            )
            EventSignup.update(record=record.id).where(EventSignup.id == signup.id).execute()
            if record.status != "too_short":
                records.approve(actor, record)
                credited += 1
        Event.update(status="closed", closed_at=event.closed_at or now).where(Event.id == event.id).execute()
    attended = EventSignup.select().where(EventSignup.event == event.id, EventSignup.record.is_null(False)).count()
    return {"event_id": event.id, "credited_now": credited, "attended": attended}
