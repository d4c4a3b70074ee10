"""建档立卡、签署协议: recipient files, agreements, signatures, and the visits they put on the board.

A coordinator opens a recipient file and drafts an agreement (recipient, items,
weekly schedule, start and end dates, one or more volunteers). Every party signs for
themself — the recipient (or a family member as guardian), each volunteer — and the
coordinator countersigns last: then it is active, and the visits up to the horizon
(AGREEMENT_HORIZON_DAYS) go on the board in the same transaction, today's later ones
included. Every day the scheduler calls `generate_occurrences` to move the horizon on
(a coordinator may run it for their community at any time): one pre-assigned task per
agreement, date and volunteer, however often it runs (a UNIQUE index and INSERT … ON
CONFLICT DO NOTHING).
"""

import datetime as dt

from server import clock, runtime
from server.db import database
from server.errors import Conflict, Forbidden, NotFound, RuleBroken
from server.keyset import Keyset
from server.models import (
    Agreement,
    AgreementSignature,
    AgreementVolunteer,
    Member,
    RecipientFile,
    ServiceCategory,
    ServiceItem,
    Task,
    Volunteer,
)
from server.services.board import tasks
from server.services.messaging import notifications
from server.services.people import core as people
from server.services.people import date_bounds, privacy


def _coordinator(actor: Member, community_id: int) -> None:
    if not privacy.coordinates(actor, community_id):
        raise Forbidden("只有本社区服务站可以做这件事")


def open_file(actor: Member, data: dict) -> RecipientFile:
    """建档立卡: the coordinator records the person's needs, risks and emergency contact, with consent."""
    community_id = actor.community_id
    _coordinator(actor, community_id)
    member = people.community_member(data["member_id"], community_id, "member_id")
    if data["consent_date"] > clock.today():
        raise RuleBroken("同意日期不能晚于今天", field="consent_date", rule="future_consent")
    date_bounds.since_records_began(data["consent_date"], "consent_date")
    return RecipientFile.create(community=community_id, member=member, needs=data["needs"], risks=data.get("risks", ""),
                                emergency_contact_name=data["emergency_contact_name"],
                                emergency_contact_phone=data["emergency_contact_phone"],
                                consent_date=data["consent_date"], created_by=actor, created_at=clock.now())


def file_for(viewer: Member, file_id: int) -> RecipientFile:
    record = RecipientFile.get_or_none(RecipientFile.id == file_id)
    if record is None or not (privacy.coordinates(viewer, record.community_id) or viewer.id == record.member_id):
        raise NotFound()
    return record


def file_listing(viewer: Member):
    """The viewer's community's recipient files, newest first (the route lets only coordinators ask)."""
    return RecipientFile.select().where(RecipientFile.community == viewer.community_id).order_by(RecipientFile.id.desc())


def _check_schedule(schedule: list[dict]) -> None:
    days = [slot["weekday"] for slot in schedule]
    if not schedule:
        raise RuleBroken("请至少安排一个服务时间", field="schedule", rule="schedule_required")
    if len(days) != len(set(days)):
        raise RuleBroken("同一天只能安排一次服务", field="schedule", rule="schedule_duplicate_day")
    step = runtime.setting("ROUNDING_STEP_MINUTES")
    for slot in schedule:
        dt.time.fromisoformat(slot["start"])
        if slot["minutes"] % step:
            raise RuleBroken(f"每次服务时长请按{step}分钟一档", field="schedule", rule="minutes_step")


def draft(actor: Member, data: dict) -> Agreement:
    """The coordinator drafts; every party is asked to sign."""
    recipient_file = file_for(actor, data["recipient_file_id"])
    _coordinator(actor, recipient_file.community_id)
    category = ServiceCategory.get_or_none(ServiceCategory.code == data["category_code"])
    if category is None:
        raise RuleBroken("请从服务菜单里选择服务类别", field="category_code", rule="unknown_category")
    items = list(ServiceItem.select().where(ServiceItem.code.in_(data.get("item_codes", [])),
                                            ServiceItem.category == category))
    if len(items) != len(set(data.get("item_codes", []))):
        raise RuleBroken("有的服务项目不属于所选类别", field="item_codes", rule="unknown_item")
    if data["end_date"] < data["start_date"]:
        raise RuleBroken("结束日期不能早于开始日期", field="end_date", rule="end_before_start")
    date_bounds.since_records_began(data["start_date"], "start_date")
    date_bounds.within_reach(data["start_date"], "start_date")
    date_bounds.agreement_end(data["start_date"], data["end_date"])
    _check_schedule(data["schedule"])
    volunteers = []
    for member_id in dict.fromkeys(data["volunteer_member_ids"]):
        member = people.community_member(member_id, recipient_file.community_id, "volunteer_member_ids")
        profile = Volunteer.get_or_none(Volunteer.member == member.id)
        if profile is None or profile.status != "active":
            raise RuleBroken(f"{member.name}不是在岗志愿者", field="volunteer_member_ids", rule="volunteer_not_active")
        if member.household_id == recipient_file.member.household_id:
            raise RuleBroken("志愿者不能是服务对象的家里人", field="volunteer_member_ids", rule="family_volunteer")
        volunteers.append(member)
    if not volunteers:
        raise RuleBroken("请至少选择一名志愿者", field="volunteer_member_ids", rule="volunteer_required")
    with database.atomic():
        agreement = Agreement.create(
            community=recipient_file.community_id, recipient_file=recipient_file, recipient=recipient_file.member_id,
            category=category, item_codes=[i.code for i in items], content=data["content"], place=data["place"],
            schedule=data["schedule"], start_date=data["start_date"], end_date=data["end_date"], created_by=actor,
            created_at=clock.now(),
        )
        for member in volunteers:
            AgreementVolunteer.create(agreement=agreement, volunteer=member)
        signers = [m.id for m in volunteers] + _family(recipient_file.member)
        notifications.notify(signers, f"agreement:{agreement.id}:sign", "coordinator_alert", {
            "subject": "请签署帮扶协议", "summary": f"{category.name}：{data['content'][:20]}",
            "when": clock.now(), "page": f"pages/agreements/detail?id={agreement.id}",
        })
    return agreement


def _family(member: Member) -> list[int]:
    if member.household_id is None:
        return [member.id]
    return [m.id for m in Member.select(Member.id).where(Member.household == member.household_id)]


def agreement_for(viewer: Member, agreement_id: int | Agreement) -> Agreement:
    """Visible to its parties (and the recipient's family) and the community's coordinators."""
    agreement = agreement_id if isinstance(agreement_id, Agreement) else Agreement.get_or_none(Agreement.id == agreement_id)
    if agreement is None:
        raise NotFound()
    if privacy.coordinates(viewer, agreement.community_id) or viewer.id in _volunteer_ids(agreement):
        return agreement
    if viewer.household_id is not None and viewer.household_id == agreement.recipient.household_id:
        return agreement
    raise NotFound()


LISTING_ORDER = Keyset(Agreement.id, descending=True)  # newest first
FILE_ORDER = Keyset(RecipientFile.id, descending=True)  # recipient files, newest first


def listing(viewer: Member):
    """The agreements the viewer may see, newest first: a coordinator's community's; otherwise those
    the viewer volunteers in or whose recipient is of the viewer's household (the rule of `agreement_for`).
    A query: the pager adds LISTING_ORDER's key and the page's LIMIT."""
    query = Agreement.select().order_by(*LISTING_ORDER.order())
    if privacy.coordinates(viewer, viewer.community_id):
        return query.where(Agreement.community == viewer.community_id)
    mine = AgreementVolunteer.select(AgreementVolunteer.agreement).where(AgreementVolunteer.volunteer == viewer.id)
    family = (Member.select(Member.id).where(Member.household == viewer.household_id) if viewer.household_id
              else [viewer.id])
    return query.where(Agreement.id.in_(mine) | Agreement.recipient.in_(family))


def _volunteer_ids(agreement: Agreement) -> list[int]:
    return [link.volunteer_id for link in AgreementVolunteer.select().where(AgreementVolunteer.agreement == agreement.id)]


def sign(actor: Member, agreement: Agreement) -> Agreement:
    """The caller signs as what they are: recipient (or guardian), volunteer, or countersigning coordinator."""
    if agreement.status != "signing":
        raise Conflict("这份协议现在不在签署阶段", rule="not_signing")
    volunteers = _volunteer_ids(agreement)
    recipient = agreement.recipient
    if actor.id in volunteers:
        party, member = "volunteer", actor
    elif actor.id == recipient.id or (actor.household_id and actor.household_id == recipient.household_id):
        party, member = "recipient", recipient  # a guardian signs for the recipient; signed_by says who
    elif privacy.coordinates(actor, agreement.community_id):
        party, member = "coordinator", actor
    else:
        raise Forbidden("您不是这份协议的一方，不能签署")
    with database.atomic():
        if party == "coordinator":
            signed = {(s.party, s.member_id) for s in AgreementSignature.select().where(
                AgreementSignature.agreement == agreement.id)}
            missing = [v for v in volunteers if ("volunteer", v) not in signed]
            if ("recipient", recipient.id) not in signed or missing:
                raise RuleBroken("服务对象和所有志愿者都签署后，服务站才能签署", rule="countersign_last")
        inserted = AgreementSignature.insert(agreement=agreement.id, party=party, member=member.id, signed_by=actor.id,
                                             signed_at=clock.now()).on_conflict_ignore().as_rowcount().execute()
        if not inserted:
            raise Conflict("您已经签过了", rule="already_signed")
        if party == "coordinator" and Agreement.update(status="active", activated_at=clock.now()).where(
                Agreement.id == agreement.id, Agreement.status == "signing").execute() == 1:
            _activated(agreement.id)
    return Agreement.get_by_id(agreement.id)


def set_status(actor: Member, agreement: Agreement, *, action: str, note: str = "", end_date=None) -> Agreement:
    """suspend / resume / end / renew (a new end date). Visits not yet done after the change are withdrawn."""
    _coordinator(actor, agreement.community_id)
    allowed = {"suspend": ("active",), "resume": ("suspended",), "end": ("active", "suspended", "signing"),
               "renew": ("active", "suspended")}[action]
    if agreement.status not in allowed:
        raise Conflict(f"协议现在的状态不能{ {'suspend': '暂停', 'resume': '恢复', 'end': '终止', 'renew': '续签'}[action]}",
                       rule="agreement_state")
    fields = {"status_note": note[:200]}
    if action == "suspend":
        fields["status"] = "suspended"
    elif action == "resume":
        fields["status"] = "active"
    elif action == "end":
        fields["status"] = "ended"
        fields["end_date"] = min(agreement.end_date, clock.today())
    else:
        if end_date is None or end_date <= agreement.end_date:
            raise RuleBroken("续签的结束日期要晚于原来的", field="end_date", rule="renew_date")
        date_bounds.agreement_end(max(agreement.end_date, clock.today()), end_date)
        fields["end_date"] = end_date
    with database.atomic():
        Agreement.update(**fields).where(Agreement.id == agreement.id).execute()
        if action in ("suspend", "end"):
            _withdraw_future(agreement, actor)
        elif action == "resume":
            _activated(agreement.id)
    return Agreement.get_by_id(agreement.id)


def _withdraw_future(agreement: Agreement, actor: Member) -> None:
    for task in Task.select().where(Task.agreement == agreement.id, Task.status == "claimed",
                                    Task.window_start > clock.now()):
        tasks.transition(task, "cancel", actor=actor, note="协议暂停或终止", closed_at=clock.now())


def generate_occurrences(today: dt.date | None = None, *, community_id: int | None = None) -> int:
    """Put the next AGREEMENT_HORIZON_DAYS of visits on the board, pre-assigned (one community's, or every
    community's). Returns how many were new."""
    today = today or clock.today()
    horizon = today + dt.timedelta(days=runtime.setting("AGREEMENT_HORIZON_DAYS"))
    agreements = Agreement.select().where(Agreement.status == "active", Agreement.start_date <= horizon,
                                          Agreement.end_date >= today)
    if community_id is not None:
        agreements = agreements.where(Agreement.community == community_id)
    created = 0
    for agreement in agreements:
        with database.atomic():
            created += _put_visits(agreement, today, horizon)
    return created


def generate_for(actor: Member) -> int:
    """A coordinator puts their community's visits on the board now; an admin every community's."""
    if actor.has_role("admin"):
        return generate_occurrences()
    _coordinator(actor, actor.community_id)
    return generate_occurrences(community_id=actor.community_id)


def _put_visits(agreement: Agreement, today: dt.date, horizon: dt.date) -> int:
    """The agreement's visits from today to the horizon, once per date and volunteer (UNIQUE, ON CONFLICT
    DO NOTHING). A visit whose time is already over today is not made: nobody can do it any more."""
    volunteers = _volunteer_ids(agreement)
    recipient = agreement.recipient
    slots = {slot["weekday"]: slot for slot in agreement.schedule}
    now = clock.now()
    created = 0
    day = max(today, agreement.start_date)
    while day <= min(horizon, agreement.end_date):
        slot = slots.get(day.isoweekday())
        if slot:
            start = dt.datetime.combine(day, dt.time.fromisoformat(slot["start"]))
            end = start + dt.timedelta(minutes=slot["minutes"])
            for volunteer_id in volunteers if end > now else ():
                created += (
                    Task.insert(
                        community=agreement.community_id, source="agreement", agreement=agreement.id,
                        occurrence_date=day, category=agreement.category_id, title=f"一对一帮扶：{agreement.category.name}",
                        description=agreement.content, area=recipient.household.area if recipient.household_id else "",
                        building=recipient.household.building if recipient.household_id else "",
                        place=agreement.place, window_start=start, window_end=end,
                        estimated_minutes=slot["minutes"], urgency="normal", priority=False, board_order=3,
                        recipient=recipient.id, recipient_household=recipient.household_id, status="claimed",
                        volunteer=volunteer_id, claimed_at=now, created_at=now,
                    ).on_conflict_ignore().as_rowcount().execute()
                )
        day += dt.timedelta(days=1)
    return created


def _activated(agreement_id: int) -> None:
    """Active from now: its visits up to the horizon go on the board in the same transaction, today's
    later ones included (the nightly job would start only tomorrow)."""
    today = clock.today()
    _put_visits(Agreement.get_by_id(agreement_id), today,
                today + dt.timedelta(days=runtime.setting("AGREEMENT_HORIZON_DAYS")))
