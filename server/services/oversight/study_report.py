"""每六个月专题调研: the half-year study report as an ordered list of sections.

A section is a function from the report's period to a table (and optionally a chart
and notes), registered with `section(key, title, sheet=…, order=…)(build)` from an area's `register()`,
which server/hooks.py calls once at start-up (importing a module registers nothing). The report is every
registered section in order; `study_report_files` lays it out as XLSX (native charts),
chart PNGs and a PDF. Areas add their own sections where their data lives — the task
board registers requests unmet or late, median time to claim and to complete,
agreements active and visits done — without touching this module:

    def requests_unmet(period: Period) -> Section: ...

    def register() -> None:
        section("requests_unmet", "未满足和超时的需求", sheet="需求", order=90)(requests_unmet)

The sections here need only people, records and the ledger. Hours are credited
service minutes of records that started in the period (status `credited`).
"""

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from peewee import fn

from server.models import (
    Account,
    Audit,
    AuditVisit,
    Community,
    Household,
    Member,
    ServiceCategory,
    ServiceRecord,
    Team,
    Volunteer,
    VolunteerTeam,
)
from server.services.ledger import statements
from server.services.oversight import documents, periods
from server.services.oversight.documents import Chart, Table

PARTY_STATUSES = ("中共党员", "中共预备党员")


@dataclass(frozen=True)
class Period:
    community: Community
    year: int
    half: int
    start: dt.date
    end: dt.date  # exclusive

    @property
    def label(self) -> str:
        return periods.half_label(self.year, self.half)

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        return periods.as_datetimes(self.start, self.end)


@dataclass
class Section:
    table: Table
    chart: Chart | None = None
    notes: list[str] = field(default_factory=list)
    # filled in by `build` from the registration
    key: str = ""
    title: str = ""
    sheet: str = ""


@dataclass(frozen=True)
class Registered:
    key: str
    title: str
    sheet: str
    order: int
    build: Callable[[Period], Section]


SECTIONS: dict[str, Registered] = {}


def section(key: str, title: str, *, sheet: str, order: int):
    """Register a section; `sheet` is its XLSX sheet name (31 characters at most, unique)."""

    def register(build):
        if any(s.sheet == sheet and s.key != key for s in SECTIONS.values()):
            raise ValueError(f"sheet name {sheet!r} is taken")
        SECTIONS[key] = Registered(key, title, sheet[:31], order, build)
        return build

    return register


def period_of(community: Community, year: int, half: int) -> Period:
    start, end = periods.half_bounds(year, half)
    return Period(community, year, half, start, end)


def build(period: Period) -> list[Section]:
    out = []
    for registered in sorted(SECTIONS.values(), key=lambda s: (s.order, s.key)):
        made = registered.build(period)
        made.key, made.title, made.sheet = registered.key, registered.title, registered.sheet
        out.append(made)
    return out


def register() -> None:
    """This module's own sections (server/hooks.py calls it once)."""
    for key, title, sheet, order, build_section in (
        ("summary", "概况", "概况", 10, summary),
        ("ledger", "存折账户收支", "账户收支", 15, ledger_totals),
        ("hours_by_month", "按月份的服务时长", "按月份", 20, hours_by_month),
        ("hours_by_category", "按服务类别的服务时长", "按服务类别", 30, hours_by_category),
        ("hours_by_team", "按服务队的服务时长", "按服务队", 40, hours_by_team),
        ("volunteers", "活跃和新登记的志愿者", "志愿者", 50, volunteers_by_month),
        ("party_share", "党员志愿者占比", "党员占比", 60, party_share),
        ("audits", "检查和抽样走访", "检查走访", 70, audits),
    ):
        section(key, title, sheet=sheet, order=order)(build_section)


# --- shared queries -----------------------------------------------------------------


def _credited(period: Period):
    first, after = period.moments()
    return ServiceRecord.select().where(
        ServiceRecord.community == period.community.id, ServiceRecord.status == "credited",
        ServiceRecord.started_at >= first, ServiceRecord.started_at < after)


def _volunteers(period: Period):
    return Volunteer.select(Volunteer, Member).join(Member).where(Volunteer.community == period.community.id)


# --- the sections that need only people, records and the ledger ---------------------


def summary(period: Period) -> Section:
    records = list(_credited(period))
    first, after = period.moments()
    served = {r.recipient_household_id for r in records if r.recipient_household_id}
    registered = _volunteers(period).where(Volunteer.registered_at < after).count()
    new = _volunteers(period).where(Volunteer.registered_at >= first, Volunteer.registered_at < after).count()
    households = Household.select().where(Household.community == period.community.id,
                                          Household.opened_at < after).count()
    table = Table(headers=["指标", "数值"], rows=[
        ["服务时长（小时）", documents.hours(sum(r.credited_minutes or 0 for r in records))],
        ["服务记录（条）", len(records)],
        ["受服务家庭（户）", len(served)],
        ["公益服务记录（条，无具体服务对象）", sum(1 for r in records if r.public_good)],
        ["活跃志愿者（人，本期有入账服务）", len({r.volunteer_id for r in records})],
        ["新登记志愿者（人）", new],
        ["登记志愿者（人，期末）", registered],
        ["开户家庭（户，期末）", households],
    ], widths={0: 36, 1: 14})
    return Section(table, notes=[f"统计期间：{periods.day_label(period.start)}至"
                                 f"{periods.day_label(period.end - dt.timedelta(days=1))}；时长为已入账服务（不含冲正）。"])


def ledger_totals(period: Period) -> Section:
    """All households' opening, in, out and closing over the half-year, from the ledger's entries."""

    # The community's accounts by id, then their entries by index (account, id): a join on the community
    # read the whole of a city's ledger.
    accounts = dict(Account.select(Account.id, Account.kind).where(
        Account.community == period.community.id, Account.kind.in_(["household", "love_pool"])).tuples())
    households = [account for account, kind in accounts.items() if kind == "household"]
    sums = statements.month_sums_of(households, period.start, period.end).values()
    opening, minutes_in, minutes_out = (sum(figures[n] for figures in sums) for n in range(3))
    pools = [account for account, kind in accounts.items() if kind == "love_pool"]
    pool = sum(before + i - o for before, i, o in statements.month_sums_of(pools, period.start, period.end).values())
    table = Table(headers=["项目", "小时"], rows=[
        ["家庭存折期初合计", documents.hours(opening)], ["本期存入", documents.hours(minutes_in)],
        ["本期支出", documents.hours(minutes_out)], ["家庭存折期末合计", documents.hours(opening + minutes_in - minutes_out)],
        ["社区爱心池期末余额", documents.hours(pool)],
    ], hour_columns=(1,), widths={0: 24})
    return Section(table, notes=["按记账日期统计；存入含服务存入、转赠、帮扶，支出含优先回馈、转赠、捐赠和冲正。"])


def hours_by_month(period: Period) -> Section:
    buckets = {(y, m): [0, 0, set()] for y, m in periods.months(period.start, period.end)}
    for record in _credited(period):
        bucket = buckets[(record.started_at.year, record.started_at.month)]
        bucket[0] += record.credited_minutes or 0
        bucket[1] += 1
        bucket[2].add(record.volunteer_id)
    table = Table(headers=["月份", "服务时长（小时）", "服务记录（条）", "活跃志愿者（人）"],
                  rows=[[f"{y}年{m}月", documents.hours(mins), n, len(people)]
                        for (y, m), (mins, n, people) in buckets.items()], hour_columns=(1,))
    return Section(table, Chart("按月份的服务时长", 0, (1,), kind="line"))


def hours_by_category(period: Period) -> Section:
    totals = defaultdict(lambda: [0, 0])
    for record in _credited(period):
        totals[record.category_id][0] += record.credited_minutes or 0
        totals[record.category_id][1] += 1
    table = Table(headers=["服务类别", "服务时长（小时）", "服务记录（条）"], rows=[
        [category.name, documents.hours(totals[category.id][0]), totals[category.id][1]]
        for category in ServiceCategory.select().order_by(ServiceCategory.sort_order)], hour_columns=(1,))
    return Section(table, Chart("按服务类别的服务时长", 0, (1,)))


def hours_by_team(period: Period) -> Section:
    minutes, active = defaultdict(int), defaultdict(set)
    by_member = defaultdict(int)
    for record in _credited(period):
        by_member[record.volunteer_id] += record.credited_minutes or 0
    links = (VolunteerTeam.select(VolunteerTeam.team, Volunteer.member).join(Volunteer)
             .where(Volunteer.community == period.community.id).tuples())
    members = defaultdict(set)
    for team_id, member_id in links:
        members[team_id].add(member_id)
        if by_member.get(member_id):
            minutes[team_id] += by_member[member_id]
            active[team_id].add(member_id)
    teams = Team.select().where(Team.community.is_null() | (Team.community == period.community.id)).order_by(Team.id)
    table = Table(headers=["服务队", "服务时长（小时）", "队员（人）", "本期有服务的队员（人）"], rows=[
        [team.name, documents.hours(minutes[team.id]), len(members[team.id]), len(active[team.id])] for team in teams],
        hour_columns=(1,))
    return Section(table, Chart("按服务队的服务时长", 0, (1,)),
                   notes=["一位志愿者参加几支服务队时，其时长计入每一支队，各队合计可能多于总时长。"])


def volunteers_by_month(period: Period) -> Section:
    rows = []
    for year, month in periods.months(period.start, period.end):
        start, end = periods.as_datetimes(*periods.month_bounds(year, month))
        active = (ServiceRecord.select(fn.COUNT(fn.DISTINCT(ServiceRecord.volunteer))).where(
            ServiceRecord.community == period.community.id, ServiceRecord.status == "credited",
            ServiceRecord.started_at >= start, ServiceRecord.started_at < end).scalar())
        new = _volunteers(period).where(Volunteer.registered_at >= start, Volunteer.registered_at < end).count()
        rows.append([f"{year}年{month}月", int(active or 0), new])
    table = Table(headers=["月份", "活跃志愿者（人）", "新登记志愿者（人）"], rows=rows)
    return Section(table, Chart("活跃和新登记的志愿者", 0, (1, 2), y_label="人"))


def party_share(period: Period) -> Section:
    """Political status is consent-gated (PIPL): only volunteers who consented are counted."""
    consented = {v.member_id: v.political_status for v in _volunteers(period)
                 .where(Volunteer.consent_political_at.is_null(False), Volunteer.political_status.is_null(False))}
    party = {member_id for member_id, status in consented.items() if status in PARTY_STATUSES}
    by_member = defaultdict(int)
    for record in _credited(period):
        by_member[record.volunteer_id] += record.credited_minutes or 0
    consented_minutes = sum(m for member_id, m in by_member.items() if member_id in consented)
    party_minutes = sum(m for member_id, m in by_member.items() if member_id in party)

    def share(part, whole):
        return f"{100 * part / whole:.1f}%" if whole else "—"

    table = Table(headers=["指标", "数值"], rows=[
        ["同意提供政治面貌的志愿者（人）", len(consented)],
        ["其中党员（含预备党员，人）", len(party)],
        ["党员人数占比", share(len(party), len(consented))],
        ["同意者本期服务时长（小时）", f"{documents.hours(consented_minutes):.1f}"],
        ["其中党员服务时长（小时）", f"{documents.hours(party_minutes):.1f}"],
        ["党员服务时长占比", share(party_minutes, consented_minutes)],
        ["党员人均服务时长（小时）",
         f"{statistics.mean([by_member[m] for m in party]) / 60:.1f}" if party else "—"],
    ], widths={0: 34, 1: 14})
    return Section(table, notes=["政治面貌属于敏感个人信息，只统计本人单独同意提供的志愿者，不代表全体志愿者。"])


def audits(period: Period) -> Section:
    quarters = [(period.year, q) for q in ((1, 2) if period.half == 1 else (3, 4))]
    rows = []
    for year, quarter in quarters:
        audit = Audit.get_or_none(Audit.community == period.community.id, Audit.year == year,
                                  Audit.quarter == quarter)
        if audit is None:
            rows.append([periods.quarter_label(year, quarter), "未检查", 0, 0, 0, 0, 0])
            continue
        visits = list(AuditVisit.select().where(AuditVisit.audit == audit.id))
        rows.append([periods.quarter_label(year, quarter), "一致" if audit.ledger_ok else "有不一致", len(visits),
                     sum(1 for v in visits if v.status != "pending"), sum(1 for v in visits if v.status == "confirmed"),
                     sum(1 for v in visits if v.status == "disputed"), sum(1 for v in visits if v.reversal_id)])
    table = Table(headers=["季度", "台帐和存折检验", "抽样（条）", "已走访", "属实", "有异议", "冲正"], rows=rows)
    return Section(table)
