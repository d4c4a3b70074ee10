"""公告: what volunteers did last quarter, told to the residents, and the star awards they may object to.

A quarterly notice (once per community and quarter) adds up the quarter's credited
service by team and by category and lists each volunteer's hours, and tells how the
bank kept its word to the households that redeemed (兑付率, figures only); it also carries
the star awards proposed since the last notice. An awards notice publishes proposals
at any time. Residents of the community may object to a listed award, with a reason,
until `objection_until` (NOTICE_OBJECTION_DAYS after publication).

Content keeps member ids and minutes; names are shown when the notice is read: in full
only for volunteers who opted in (`Volunteer.public_name`), masked (李**) otherwise,
and an erased member reads 已注销用户 — so withdrawing consent or erasing one's data
takes effect on old notices too.
"""

import datetime as dt
from collections import defaultdict

from peewee import IntegrityError, fn

from server import clock, runtime
from server.db import database
from server.errors import Conflict, Forbidden, NotFound, RuleBroken
from server.keyset import Keyset
from server.models import (
    Community,
    Member,
    Notice,
    Objection,
    ServiceCategory,
    ServiceRecord,
    StarAward,
    Team,
    Volunteer,
    VolunteerTeam,
)
from server.services.board import redemption_report
from server.services.messaging import notifications
from server.services.oversight import periods
from server.services.people import core as people
from server.services.people import privacy
from server.services.recognition.stars import STATUS_LABELS, period_label

OBJECTION_LABELS = {"open": "待处理", "upheld": "异议成立", "dismissed": "异议不成立"}


def activity(community_id: int, start: dt.date, end: dt.date) -> dict:
    """Credited service that started in [start, end): totals, by team, by category, by volunteer."""
    first, after = periods.as_datetimes(start, end)
    rows = list(ServiceRecord.select(ServiceRecord.volunteer, ServiceRecord.category, ServiceRecord.credited_minutes)
                .where(ServiceRecord.community == community_id, ServiceRecord.status == "credited",
                       ServiceRecord.started_at >= first, ServiceRecord.started_at < after).tuples())
    by_volunteer, by_category = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    for member_id, category_id, minutes in rows:
        for bucket in (by_volunteer[member_id], by_category[category_id]):
            bucket[0] += minutes or 0
            bucket[1] += 1
    teams = defaultdict(set)
    for team_id, member_id in (VolunteerTeam.select(VolunteerTeam.team, Volunteer.member).join(Volunteer)
                               .where(Volunteer.member.in_(list(by_volunteer) or [0])).tuples()):
        teams[team_id].add(member_id)
    team_names = dict(Team.select(Team.id, Team.name).where(Team.id.in_(list(teams) or [0])).tuples())
    categories = dict(ServiceCategory.select(ServiceCategory.id, ServiceCategory.name).tuples())
    return {
        "minutes": sum(m for m, _ in by_volunteer.values()), "records": len(rows), "volunteers": len(by_volunteer),
        "by_team": sorted(({"team": team_names[t], "minutes": sum(by_volunteer[m][0] for m in members),
                            "volunteers": len(members)} for t, members in teams.items()),
                          key=lambda row: (-row["minutes"], row["team"])),
        "by_category": sorted(({"category": categories[c], "minutes": m, "records": n}
                               for c, (m, n) in by_category.items()), key=lambda row: (-row["minutes"], row["category"])),
        "by_volunteer": sorted(({"member_id": member_id, "minutes": m, "records": n}
                                for member_id, (m, n) in by_volunteer.items()),
                               key=lambda row: (-row["minutes"], row["member_id"])),
    }


def _claim_awards(community_id: int, notice: Notice) -> list[dict]:
    """Put the proposed awards no notice has listed yet into this one."""
    pending = list(StarAward.select().where(StarAward.community == community_id, StarAward.status == "proposed",
                                            StarAward.notice.is_null()).order_by(StarAward.stars.desc(), StarAward.id))
    if pending:
        StarAward.update(notice=notice.id).where(StarAward.id.in_([a.id for a in pending])).execute()
    return [{"award_id": a.id, "member_id": a.member_id, "stars": a.stars, "minutes": a.minutes, "year": a.year,
             "period_label": period_label(a.period_start, a.period_end)} for a in pending]


def _create(actor, community_id, *, kind, year, quarter, title, start, end, content) -> Notice:
    now = clock.now()
    with database.atomic():
        notice = Notice.create(community=community_id, kind=kind, year=year, quarter=quarter, title=title,
                               period_start=start, period_end=end, content=content, published_at=now,
                               objection_until=now + dt.timedelta(days=runtime.setting("NOTICE_OBJECTION_DAYS")),
                               created_by=actor)
        notice.content = {**content, "awards": _claim_awards(community_id, notice)}
        notice.save()
    return notice


def publish_quarterly(actor: Member | None, community: Community, year: int, quarter: int) -> Notice:
    """The quarter's notice, once (again returns it); `actor` None is the scheduled job."""
    privacy.require_coordinator(actor, community.id, "只有本社区服务站可以发布公告")
    if not 1 <= quarter <= 4:
        raise RuleBroken("季度只能是1到4", field="quarter", rule="bad_quarter")
    start, end = periods.quarter_bounds(year, quarter)
    periods.require_over(end, "quarter", periods.quarter_label(year, quarter))
    existing = Notice.get_or_none(Notice.community == community.id, Notice.kind == "quarterly", Notice.year == year,
                                  Notice.quarter == quarter)
    if existing is not None:
        return existing
    title = f"{community.name}{periods.quarter_label(year, quarter)}志愿服务公示"
    try:
        return _create(actor, community.id, kind="quarterly", year=year, quarter=quarter, title=title[:64],
                       start=start, end=end, content={"activity": activity(community.id, start, end),
                                                      "honour": redemption_report.notice_figures(community.id, year,
                                                                                                 quarter)})
    except IntegrityError:  # the scheduled job and a coordinator at the same moment
        return Notice.get(Notice.community == community.id, Notice.kind == "quarterly", Notice.year == year,
                          Notice.quarter == quarter)


def publish_awards(actor: Member, community: Community) -> Notice:
    """A notice of the star awards proposed since the last notice (an applicant need not wait a quarter)."""
    privacy.require_coordinator(actor, community.id, "只有本社区服务站可以发布公告")
    if not StarAward.select().where(StarAward.community == community.id, StarAward.status == "proposed",
                                    StarAward.notice.is_null()).exists():
        raise RuleBroken("没有待公示的星级评定", rule="nothing_to_publish")
    today = clock.today()
    title = f"{community.name}星级志愿者评定公示（{today.year}年{today.month}月{today.day}日）"
    return _create(actor, community.id, kind="awards", year=today.year, quarter=None, title=title[:64],
                   start=today, end=today + dt.timedelta(days=1), content={})


# --- reading ------------------------------------------------------------------------


def notice_for(viewer: Member, notice_id: int) -> Notice:
    """Residents and coordinators of the notice's community (admins: any)."""
    notice = Notice.get_or_none(Notice.id == notice_id)
    if notice is None or (viewer.community_id != notice.community_id and not viewer.has_role("admin")):
        raise NotFound()
    return notice


def objections(viewer: Member, notice: Notice) -> list[Objection]:
    """The objections to a notice's awards, oldest first, for the community's coordinators."""
    privacy.require_coordinator(viewer, notice.community_id)
    return list(Objection.select().where(Objection.notice == notice.id).order_by(Objection.id))


LISTING_ORDER = Keyset(Notice.published_at, Notice.id, descending=True)  # newest first


def listing(viewer: Member):
    return Notice.select().where(Notice.community == viewer.community_id).order_by(Notice.published_at.desc(),
                                                                                    Notice.id.desc())


def _public_names(member_ids) -> dict[int, str]:
    """How a notice names each member: full name only with the volunteer's opt-in."""
    ids = list(member_ids) or [0]
    opted = set(Volunteer.select(Volunteer.member).where(Volunteer.member.in_(ids), Volunteer.public_name).tuples())
    opted = {row[0] for row in opted}
    names = {}
    for member in Member.select(Member.id, Member.name, Member.erased_at).where(Member.id.in_(ids)):
        if member.erased_at is not None:
            names[member.id] = privacy.ERASED_NAME
        else:
            names[member.id] = member.name if member.id in opted else privacy.mask_name(member.name)
    return names


def is_open(notice: Notice) -> bool:
    return notice.published_at <= clock.now() < notice.objection_until


def notice_view(notice: Notice, viewer: Member, *, brief: bool = False) -> dict:
    view = {"id": notice.id, "kind": notice.kind, "title": notice.title, "year": notice.year,
            "quarter": notice.quarter, "published_at": notice.published_at, "objection_until": notice.objection_until,
            "objections_open": is_open(notice), "award_count": len(notice.content.get("awards", []))}
    if brief:
        return view
    activity_data = notice.content.get("activity")
    awards = notice.content.get("awards", [])
    names = _public_names([row["member_id"] for row in (activity_data or {}).get("by_volunteer", [])]
                          + [a["member_id"] for a in awards])
    statuses = dict(StarAward.select(StarAward.id, StarAward.status).where(
        StarAward.id.in_([a["award_id"] for a in awards] or [0])).tuples())
    if activity_data is not None:
        view["activity"] = {
            **{key: activity_data[key] for key in ("minutes", "records", "volunteers", "by_team", "by_category")},
            "by_volunteer": [{"name": names[row["member_id"]], "minutes": row["minutes"], "records": row["records"]}
                             for row in activity_data["by_volunteer"]],
        }
    if notice.content.get("honour") is not None:
        view["honour"] = redemption_report.notice_line(notice.content["honour"])
    view["awards"] = [{"award_id": a["award_id"], "name": names[a["member_id"]], "stars": a["stars"],
                       "minutes": a["minutes"], "period_label": a["period_label"],
                       "status_label": STATUS_LABELS[statuses.get(a["award_id"], "proposed")]} for a in awards]
    if privacy.coordinates(viewer, notice.community_id):
        counts = dict(Objection.select(Objection.award, fn.COUNT(Objection.id)).where(
            Objection.notice == notice.id, Objection.status == "open").group_by(Objection.award).tuples())
        for award in view["awards"]:
            award["open_objections"] = counts.get(award["award_id"], 0)
    return view


# --- objections ---------------------------------------------------------------------


def object_to(actor: Member, notice: Notice, *, award_id: int, reason: str) -> Objection:
    """A resident of the community objects to an award listed in the notice, while the window is open."""
    if actor.household_id is None or actor.community_id != notice.community_id:
        raise Forbidden("只有本社区居民可以提出异议")
    award = StarAward.get_or_none(StarAward.id == award_id, StarAward.notice == notice.id)
    if award is None:
        raise RuleBroken("这份公示里没有这项评定", field="award_id", rule="award_not_in_notice")
    if not is_open(notice):
        raise RuleBroken(f"公示期已于{notice.objection_until:%Y年%m月%d日 %H:%M}结束", rule="objection_window_closed")
    if award.member_id == actor.id:
        raise RuleBroken("不能对自己的评定提出异议", field="award_id", rule="own_award")
    with database.atomic():
        try:
            with database.atomic():
                objection = Objection.create(community=notice.community_id, notice=notice.id, award=award.id,
                                             objector=actor.id, reason=reason.strip(), created_at=clock.now())
        except IntegrityError:
            raise Conflict("您已经对这项评定提出过异议", field="award_id", rule="objection_exists") from None
        staff = [m.id for m in people.coordinators_of(notice.community_id)]
        notifications.notify(staff, f"objection:{objection.id}", "coordinator_alert", {
            "subject": "公示异议", "summary": f"有居民对{award.stars}星评定提出异议，请核实处理",
            "when": clock.now(), "page": f"pages/station/notice?id={notice.id}"})
    return objection


def objection_for(viewer: Member, objection_id: int) -> Objection:
    return privacy.coordinated(viewer, Objection, objection_id)


def resolve(actor: Member, objection: Objection, *, decision: str, note: str) -> Objection:
    """Upheld: the award is rejected with the note. Dismissed: the award may go ahead."""
    privacy.require_coordinator(actor, objection.community_id, "只有本社区服务站可以处理异议")
    with database.atomic():
        moved = Objection.update(status=decision, resolved_by=actor.id, resolved_at=clock.now(),
                                 resolution=note.strip()).where(
            Objection.id == objection.id, Objection.status == "open").execute()
        if moved != 1:
            raise Conflict("这条异议已经处理过了", rule="objection_resolved")
        if decision == "upheld":
            StarAward.update(status="rejected", decided_by=actor.id, decided_at=clock.now(),
                             decision_note=f"公示异议成立：{note.strip()}").where(
                StarAward.id == objection.award_id, StarAward.status == "proposed").execute()
    return Objection.get_by_id(objection.id)


def objection_view(objection: Objection) -> dict:
    return {"id": objection.id, "notice_id": objection.notice_id, "award_id": objection.award_id,
            "objector_name": objection.objector.name, "reason": objection.reason, "status": objection.status,
            "status_label": OBJECTION_LABELS[objection.status], "created_at": objection.created_at,
            "resolution": objection.resolution, "resolved_at": objection.resolved_at}
