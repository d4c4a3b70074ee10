"""星级评定: a year of personal hours → 1★–5★, beside the national cumulative levels; apply, propose, decide.

Hours: in `calendar` mode (STAR_PERIOD) the calendar year's credited minutes (MemberYear,
net of reversals); in `rolling` mode the credited records of the 12 months up to the
day. A level is reached at threshold hours × 60 minutes exactly (STAR_THRESHOLD_HOURS:
10 h → 1★ … 200 h → 5★; 9.9 h is no star). The national levels of the volunteer-record
rules (NATIONAL_STAR_THRESHOLD_HOURS) count every credited hour ever.

An award is one level for one period, one row per (member, year, stars). The scheduled
job proposes the levels reached (`propose`), the volunteer applies (`apply`): both meet
in the same row. A public notice lists it (notices.py) and residents may object in its
window; the coordinator approves only after the window, with no objection open, and
the hours are checked again then (an audit may have reversed some). Approval issues
the certificate. A higher level reached later supersedes a lower one not yet approved.
"""

import datetime as dt

from peewee import fn

from server import clock, runtime
from server.db import database
from server.errors import Conflict, NotFound, RuleBroken
from server.keyset import Keyset
from server.models import Member, MemberYear, Notice, Objection, ServiceRecord, StarAward, Volunteer
from server.services.messaging import notifications
from server.services.oversight import periods
from server.services.people import core as people
from server.services.people import privacy, volunteers

STATUS_LABELS = {"proposed": "公示/待审批", "approved": "已评定", "rejected": "未通过", "superseded": "已由更高星级取代"}


LEVELS = 5  # 1★ … 5★: STAR_THRESHOLD_HOURS holds five ascending numbers


def threshold_minutes(setting: str = "STAR_THRESHOLD_HOURS") -> list[int]:
    return [round(hours * 60) for hours in runtime.setting(setting)]


def level(minutes: int, setting: str = "STAR_THRESHOLD_HOURS") -> int:
    """Stars for `minutes`: how many thresholds it reaches."""
    return sum(1 for needed in threshold_minutes(setting) if minutes >= needed)


def _next(minutes: int, setting: str) -> dict:
    stars = level(minutes, setting)
    thresholds = threshold_minutes(setting)
    return {"minutes": minutes, "stars": stars, "next_stars": stars + 1 if stars < 5 else None,
            "minutes_to_next": thresholds[stars] - minutes if stars < 5 else None,
            "thresholds_hours": list(runtime.setting(setting))}


# --- hours --------------------------------------------------------------------------


def period(year: int | None = None, day: dt.date | None = None) -> tuple[dt.date, dt.date, int]:
    """[start, end) of the hours that count, and the year it is named by."""
    if runtime.setting("STAR_PERIOD") == "rolling":
        last = day or clock.today()
        end = last + dt.timedelta(days=1)
        start = end.replace(year=end.year - 1) if not (end.month == 2 and end.day == 29) else dt.date(end.year - 1, 3, 1)
        return start, end, last.year
    year = year or (day or clock.today()).year
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1), year


def period_label(start: dt.date, end: dt.date) -> str:
    if (start.month, start.day, end.month, end.day) == (1, 1, 1, 1) and end.year == start.year + 1:
        return f"{start.year}年度"
    return f"{periods.day_label(start)}至{periods.day_label(end - dt.timedelta(days=1))}"


def minutes_in(member_id: int, start: dt.date, end: dt.date) -> int:
    """Credited service minutes of the member in [start, end): a calendar year from MemberYear."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 1, 1) and end.year == start.year + 1:
        return MemberYear.select(MemberYear.minutes).where(
            MemberYear.member == member_id, MemberYear.year == start.year).scalar() or 0
    first, after = periods.as_datetimes(start, end)
    total = (ServiceRecord.select(fn.COALESCE(fn.SUM(ServiceRecord.credited_minutes), 0))
             .where(ServiceRecord.volunteer == member_id, ServiceRecord.status == "credited",
                    ServiceRecord.started_at >= first, ServiceRecord.started_at < after).scalar())
    return int(total or 0)


def national_minutes(member_id: int) -> int:
    return int(MemberYear.select(fn.COALESCE(fn.SUM(MemberYear.minutes), 0)).where(
        MemberYear.member == member_id).scalar() or 0)


def standing(member: Member, year: int | None = None) -> dict:
    """A volunteer's hours, stars and next level for the period, and the national cumulative level."""
    start, end, named = period(year)
    return {
        "period": {"mode": runtime.setting("STAR_PERIOD"), "year": named, "start": start,
                   "end": end - dt.timedelta(days=1), "label": period_label(start, end)},
        **_next(minutes_in(member.id, start, end), "STAR_THRESHOLD_HOURS"),
        "national": _next(national_minutes(member.id), "NATIONAL_STAR_THRESHOLD_HOURS"),
        "awards": [award_view(a, member) for a in StarAward.select().where(StarAward.member == member.id)
                   .order_by(StarAward.year.desc(), StarAward.stars.desc())],
    }


# --- awards -------------------------------------------------------------------------


def _ensure(volunteer: Volunteer, start, end, named: int, stars: int, minutes: int) -> StarAward:
    StarAward.insert(community=volunteer.community_id, member=volunteer.member_id, volunteer=volunteer.id,
                     year=named, period_start=start, period_end=end, stars=stars, minutes=minutes,
                     created_at=clock.now()).on_conflict_ignore().execute()
    award = StarAward.get(StarAward.member == volunteer.member_id, StarAward.year == named, StarAward.stars == stars)
    if award.status == "superseded":  # the hours fell back (a reversal): this level is wanted again
        StarAward.update(status="proposed", notice=None).where(StarAward.id == award.id).execute()
        award = StarAward.get_by_id(award.id)
    if award.status == "proposed" and award.minutes != minutes:
        StarAward.update(minutes=minutes, period_start=start, period_end=end).where(StarAward.id == award.id).execute()
    StarAward.update(status="superseded").where(
        StarAward.member == volunteer.member_id, StarAward.year == named, StarAward.stars < stars,
        StarAward.status == "proposed").execute()
    return StarAward.get_by_id(award.id)


def apply(member: Member, year: int | None = None) -> StarAward:
    """The volunteer applies for the level their hours reach (申请评定); applying again changes nothing."""
    volunteer = volunteers.profile_of(member)
    today = clock.today()
    if runtime.setting("STAR_PERIOD") == "calendar" and year not in (None, today.year, today.year - 1):
        raise RuleBroken("只能申请今年或去年的星级", field="year", rule="bad_year")
    start, end, named = period(year)
    minutes = minutes_in(member.id, start, end)
    stars = level(minutes)
    if stars == 0:
        first = runtime.setting("STAR_THRESHOLD_HOURS")[0]
        raise RuleBroken(f"{period_label(start, end)}累计服务{minutes / 60:.1f}小时，满{first:g}小时才能申请一星",
                         field="year", rule="below_first_star", minutes=minutes)
    with database.atomic():
        award = _ensure(volunteer, start, end, named, stars, minutes)
        if award.status == "rejected":
            raise Conflict("这一星级的评定没有通过，请向服务站了解原因", rule="award_rejected")
        if award.applied_at is None and award.status == "proposed":
            StarAward.update(applied_at=clock.now()).where(StarAward.id == award.id).execute()
            staff = [m.id for m in people.coordinators_of(volunteer.community_id)]
            notifications.notify(staff, f"award:{award.id}:applied", "coordinator_alert", {
                "subject": "星级评定申请", "summary": f"志愿者{member.name}申请{period_label(start, end)}{stars}星评定",
                "when": clock.now(), "page": f"pages/station/stars?award={award.id}"})
    return StarAward.get_by_id(award.id)


def propose(community_id: int, *, year: int | None = None, day: dt.date | None = None) -> list[StarAward]:
    """The scheduled proposal: every volunteer whose hours reached a level not yet awarded or proposed."""
    start, end, named = period(year, day)
    made = []
    query = (Volunteer.select(Volunteer, Member).join(Member)
             .where(Volunteer.community == community_id, Member.erased_at.is_null()).order_by(Volunteer.id))
    for volunteer in query:
        minutes = minutes_in(volunteer.member_id, start, end)
        stars = level(minutes)
        if stars == 0 or StarAward.select().where(
                StarAward.member == volunteer.member_id, StarAward.year == named, StarAward.stars >= stars,
                StarAward.status != "superseded").exists():
            continue
        with database.atomic():
            award = _ensure(volunteer, start, end, named, stars, minutes)
            notifications.notify([volunteer.member_id], f"award:{award.id}:proposed", "star_award", {
                "subject": f"您已达到{stars}星志愿者标准", "stars": stars,
                "summary": f"{period_label(start, end)}您累计服务{minutes / 60:.1f}小时，可以申请{stars}星评定。"})
        made.append(award)
    return made


def award_for(viewer: Member, award_id: int) -> StarAward:
    """An award, for its volunteer and the community's coordinators."""
    award = StarAward.get_or_none(StarAward.id == award_id)
    if award is None or (award.member_id != viewer.id and not privacy.coordinates(viewer, award.community_id)):
        raise NotFound()
    return award


LISTING_ORDER = Keyset(StarAward.id, descending=True)  # newest first


def listing(viewer: Member, community_id: int, *, year: int | None = None, status: str | None = None):
    """A community's star awards, newest first, filtered by year and status, for its coordinators."""
    if not privacy.coordinates(viewer, community_id):
        raise NotFound()
    found = StarAward.select().where(StarAward.community == community_id)
    if year:
        found = found.where(StarAward.year == year)
    if status:
        found = found.where(StarAward.status == status)
    return found.order_by(StarAward.id.desc())


def approve(actor: Member, award: StarAward):
    """Approve after the notice's objection window, with no objection open; issues the certificate."""
    from server.services.recognition import certificates

    privacy.require_coordinator(actor, award.community_id, "只有本社区服务站可以审批星级")
    if award.status != "proposed":
        raise Conflict(f"这项评定现在是「{STATUS_LABELS[award.status]}」，不能再批准", rule="award_state")
    if award.applied_at is None:
        raise RuleBroken("志愿者还没有申请这一星级的评定", rule="not_applied")
    if award.notice_id is None:
        raise RuleBroken("这项评定还没有向居民公示，请先发布公示", rule="not_noticed")
    until = Notice.get_by_id(award.notice_id).objection_until
    if clock.now() < until:
        raise RuleBroken(f"公示期到{until:%Y年%m月%d日 %H:%M}结束，之后才能批准", rule="notice_period")
    if Objection.select().where(Objection.award == award.id, Objection.status == "open").exists():
        raise RuleBroken("还有居民异议没有处理，处理后才能批准", rule="objection_open")
    minutes = minutes_in(award.member_id, award.period_start, award.period_end)
    if level(minutes) < award.stars:
        raise RuleBroken(f"核查后{period_label(award.period_start, award.period_end)}只有{minutes / 60:.1f}小时，"
                         f"不够{award.stars}星", rule="hours_short", minutes=minutes)
    with database.atomic():
        moved = StarAward.update(status="approved", decided_by=actor.id, decided_at=clock.now(), minutes=minutes).where(
            StarAward.id == award.id, StarAward.status == "proposed").execute()
        if moved != 1:
            raise Conflict("这项评定刚刚已经处理过了", rule="award_state")
        certificate = certificates.issue(StarAward.get_by_id(award.id), actor)
        notifications.notify([award.member_id], f"award:{award.id}:approved", "star_award", {
            "subject": f"恭喜您评为{award.stars}星志愿者", "stars": award.stars,
            "summary": f"证书编号{certificate.serial}，可在爱心银行查看和打印证书。"})
    return certificate


def reject(actor: Member, award: StarAward, reason: str) -> StarAward:
    privacy.require_coordinator(actor, award.community_id, "只有本社区服务站可以审批星级")
    moved = StarAward.update(status="rejected", decided_by=actor.id, decided_at=clock.now(),
                             decision_note=reason.strip()).where(
        StarAward.id == award.id, StarAward.status == "proposed").execute()
    if moved != 1:
        raise Conflict(f"这项评定现在是「{STATUS_LABELS[award.status]}」，不能驳回", rule="award_state")
    return StarAward.get_by_id(award.id)


def award_view(award: StarAward, viewer: Member | None) -> dict:
    from server.services.recognition import certificates

    certificate = certificates.of_award(award.id)
    notice = award.notice
    return {
        "id": award.id, "member_id": award.member_id, "name": award.member.name,
        "volunteer_no": award.volunteer.volunteer_no, "year": award.year,
        "period_label": period_label(award.period_start, award.period_end), "stars": award.stars,
        "minutes": award.minutes, "status": award.status, "status_label": STATUS_LABELS[award.status],
        "applied": award.applied_at is not None, "applied_at": award.applied_at,
        "notice_id": award.notice_id, "objection_until": notice.objection_until if notice else None,
        "open_objections": Objection.select().where(Objection.award == award.id, Objection.status == "open").count(),
        "decision_note": award.decision_note,
        "certificate_serial": certificate.serial if certificate else None,
        "verification_url": certificates.verification_url(certificate.serial) if certificate else None,
    }


def standings(community_id: int, year: int | None = None) -> dict:
    """Every volunteer of the community: the period's hours and stars beside the national level."""
    start, end, named = period(year)
    rows = []
    query = (Volunteer.select(Volunteer, Member).join(Member)
             .where(Volunteer.community == community_id, Member.erased_at.is_null()).order_by(Volunteer.id))
    for volunteer in query:
        minutes = minutes_in(volunteer.member_id, start, end)
        national = national_minutes(volunteer.member_id)
        award = (StarAward.select().where(StarAward.member == volunteer.member_id, StarAward.year == named,
                                          StarAward.status != "superseded")
                 .order_by(StarAward.stars.desc()).first())
        rows.append({"member_id": volunteer.member_id, "name": volunteer.member.name,
                     "volunteer_no": volunteer.volunteer_no, "minutes": minutes, "stars": level(minutes),
                     "national_minutes": national, "national_stars": level(national, "NATIONAL_STAR_THRESHOLD_HOURS"),
                     "award_id": award.id if award else None, "award_status": award.status if award else None})
    rows.sort(key=lambda r: (-r["minutes"], r["member_id"]))
    return {"year": named, "period_label": period_label(start, end), "volunteers": rows,
            "thresholds_hours": list(runtime.setting("STAR_THRESHOLD_HOURS")),
            "national_thresholds_hours": list(runtime.setting("NATIONAL_STAR_THRESHOLD_HOURS"))}
