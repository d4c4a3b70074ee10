"""Factories that keep tests short: communities, residents, volunteers, coordinators, tokens.

They go through the same services as the API, so the rows they make obey the rules.
"""

import datetime as dt
import itertools

from server import clock
from server.extensions.auth import issue_token
from server.models import Community, Member
from server.services.people import core as people
from server.services.people import volunteers

_seq = itertools.count(1)


def make_community(name: str | None = None, code: str | None = None) -> Community:
    n = next(_seq)
    return people.create_community(name=name or f"测试社区{n}", code=code or f"T{n:03d}")


def make_member(community: Community | None = None, *, household: bool = True, roles: str = "",
                name: str | None = None, building: str | None = None, area: str = "", **fields) -> Member:
    n = next(_seq)
    fields.setdefault("birth_date", dt.date(1970, 1, 1))
    fields.setdefault("gender", "女")
    fields.setdefault("phone", f"139{n:08d}")
    member = Member.create(name=name or f"居民{n}", roles=roles, handle=f"m{n}", **fields)
    if household and community is not None:
        people.open_household(member, community_id=community.id, name=f"{member.name}家",
                              building=building or f"{n % 9 + 1}号楼", area=area)
    elif community is not None:
        member.community = community
        member.save()
    return Member.get_by_id(member.id)


def make_volunteer(community: Community, *, intentions=("repairs",), team_codes=(), availability=None,
                   specialties: str = "", **fields):
    """An approved (active) volunteer, as the station enrols one; applications: `volunteers.register`.

    `availability` as the API takes it ([{weekday 1-7, slot}]); default: every morning.
    """
    from server.models import Team

    member = make_member(community, **fields)
    team_ids = [t.id for t in Team.select().where(Team.code.in_(list(team_codes)))]
    volunteer = volunteers.enrol(member, {
        "intentions": list(intentions),
        "team_ids": team_ids,
        "specialties": specialties,
        "availability": [{"weekday": d, "slot": "morning"} for d in range(1, 8)] if availability is None else availability,
    })
    return Member.get_by_id(member.id), volunteer


def make_coordinator(community: Community, **fields) -> Member:
    return make_member(community, household=False, roles="coordinator", **fields)


def make_admin(community: Community | None = None) -> Member:
    return make_member(community, household=False, roles="admin")


def headers(app, member: Member) -> dict:
    with app.app_context():
        return {"Authorization": f"Bearer {issue_token(Member.get_by_id(member.id))}"}


def make_record(volunteer: Member, *, witness: Member | None = None, minutes: int = 90, days_ago: int = 0,
                start_hour: int = 9, **fields):
    """A self-reported service by `volunteer` (witnessed by `witness`, or an outsider)."""
    from server import clock
    from server.services.board import records

    now = clock.now()
    # Before the service's hour, "today" has no room for it (just after midnight a service would span two
    # days): every record counts its days from yesterday, so records of one test never meet.
    days_ago += now.hour < start_hour
    start = (now - dt.timedelta(days=days_ago)).replace(hour=start_hour, minute=0, second=0, microsecond=0)
    if start + dt.timedelta(minutes=minutes) > now:
        start = now.replace(second=0, microsecond=0) - dt.timedelta(minutes=minutes + 1)
    body = {
        "category_code": "repairs", "item_code": "appliance_repair", "place": "3号楼2单元301",
        "started_at": start, "ended_at": start + dt.timedelta(minutes=minutes), "content": "修理洗衣机",
    }
    if witness is not None:
        body["witness_member_id"] = witness.id
    else:
        body.update(witness_name="路人甲", witness_phone="13700000000")
    body.update(fields)
    return records.report(Member.get_by_id(volunteer.id), body)


def credited_record(volunteer: Member, witness: Member, **kw):
    """A record the witness has confirmed: its minutes are in the volunteer's household account."""
    from server.services.board import records

    record = make_record(volunteer, witness=witness, **kw)
    return records.confirm(Member.get_by_id(witness.id), record)


def need(hours_from_now: int = 2, minutes: int = 60, **overrides) -> dict:
    """A booking body: a repair two hours from now."""
    from server import clock

    start = clock.now().replace(second=0, microsecond=0) + dt.timedelta(hours=hours_from_now)
    body = {"category_code": "repairs", "item_code": "appliance_repair", "description": "洗衣机不排水，请帮忙看看",
            "window_start": start, "window_end": start + dt.timedelta(hours=3), "estimated_minutes": minutes,
            "urgency": "normal"}
    body.update(overrides)
    return body


def make_request(resident: Member, **overrides):
    from server.services.board import bookings

    return bookings.book(Member.get_by_id(resident.id), need(**overrides))


def make_agreement(coordinator: Member, recipient: Member, volunteers: list, *, days=30, **overrides):
    """A drafted agreement (status signing) with a weekly visit every day of the week at 09:00."""
    from server import clock
    from server.services.board import agreements

    recipient_file = agreements.open_file(Member.get_by_id(coordinator.id), {
        "member_id": recipient.id, "needs": "独居，需要每周陪伴和打扫", "risks": "高血压",
        "emergency_contact_name": "王小红", "emergency_contact_phone": "13900000000", "consent_date": clock.today()})
    body = {"recipient_file_id": recipient_file.id, "category_code": "hardship", "item_codes": ["companionship"],
            "content": "每周上门陪伴聊天、打扫卫生", "place": "3号楼2单元301",
            "schedule": [{"weekday": d, "start": "09:00", "minutes": 60} for d in range(1, 8)],
            "start_date": clock.today(), "end_date": clock.today() + dt.timedelta(days=days),
            "volunteer_member_ids": [v.id for v in volunteers]}
    body.update(overrides)
    return agreements.draft(Member.get_by_id(coordinator.id), body)


def make_event(coordinator: Member, *, capacity=10, hours_ahead=72, **overrides):
    from server import clock
    from server.services.board import events

    body = {"title": "每月16日集中服务：楼道清洁", "starts_at": clock.now().replace(microsecond=0) + dt.timedelta(hours=hours_ahead),
            "place": "社区广场", "category_codes": ["environment"], "capacity": capacity, "planned_minutes": 120}
    body.update(overrides)
    return events.create(Member.get_by_id(coordinator.id), body)


def make_award(member: Member, *, stars: int = 1, status: str = "proposed", year: int | None = None,
               minutes: int | None = None, notice=None, applied: bool = True):
    """A star award row as the services leave it (the rules around it are tested through the services)."""
    from server import clock
    from server.models import StarAward, Volunteer

    volunteer = Volunteer.get(Volunteer.member == member.id)
    year = year or clock.today().year
    return StarAward.create(
        community=volunteer.community_id, member=member.id, volunteer=volunteer.id, year=year,
        period_start=dt.date(year, 1, 1), period_end=dt.date(year + 1, 1, 1), stars=stars,
        minutes=600 if minutes is None else minutes, status=status, notice=notice,
        applied_at=clock.now() if applied else None,
    )


def tamper(sql: str):
    """What a DBA with the entries' trigger removed could do; the verifier must notice."""
    from server.db import database, is_postgres

    if is_postgres():
        database.execute_sql("ALTER TABLE entry DISABLE TRIGGER entry_no_update")
        database.execute_sql(sql)
        database.execute_sql("ALTER TABLE entry ENABLE TRIGGER entry_no_update")
    else:
        database.execute_sql("DROP TRIGGER entry_no_update")
        database.execute_sql(sql)


def afternoon() -> dt.datetime:
    """15:00 today, or yesterday before then: a moment whose last hours lie on the same day, for tests that
    report a service a few hours back (a service may not span two days), whatever the hour they run at."""
    now = clock.now()
    day = clock.today() if now.hour >= 15 else clock.today() - dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(15, 0))
