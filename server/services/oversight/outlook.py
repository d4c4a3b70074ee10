"""The outlook (兑付能力预警): will there be volunteers enough when today's volunteers grow old?

For each of the next ten calendar years, from birth dates and the ledger as they stand today:

- **who may redeem**: members reaching `PAYBACK_AGE` that year, and all eligible members (age, or today's
  retired-for-age-or-illness volunteers and hardship cases, who stay eligible);
- **demand**: the balance (posted minutes) of every household with an eligible member that year, as it
  stands today, × `OUTLOOK_REDEMPTION_RATE` (rounded down), plus the payback minutes spent in the last twelve
  months (new requests go on at the recent rate);
- **supply**: the credited minutes of today's active volunteers in the last twelve months, each until the
  year they reach `OUTLOOK_VOLUNTEER_LEAVING_AGE`; nobody new is recruited;
- **coverage**: supply ÷ demand, in whole percent (rounded down). The outlook is red when coverage falls
  below `OUTLOOK_WARN_COVERAGE` in any of the first five years; it then names the age bands to recruit
  from: of the bands whose oldest member would still serve five years on, the two whose volunteers gave
  the most minutes each in the last twelve months (ties: the younger band).

Ages are counted by year (the year minus the birth year: the age reached on that year's birthday), so
every figure is a sum over groups of birth years, done in SQL: a few queries whatever the community's
size. The answer depends only on the data and `clock.today()`, and lists every assumption in Chinese
with the setting values used (docs/redemption.md, "Outlook").
"""

import datetime as dt
from bisect import bisect_right

from peewee import JOIN, SQL, Case, fn

from server import clock, runtime
from server.db import Prepared, is_postgres
from server.models import (
    Account,
    Community,
    HardshipPeriod,
    LedgerChain,
    Member,
    Request,
    ServiceRecord,
    Transfer,
    Volunteer,
)
from server.ready import Ready, ready_tree
from server.services.messaging.message_format import hours_text
from server.services.oversight import documents, kept, study_report
from server.services.oversight.documents import Chart, Table
from server.services.people import core as people

YEARS = 10
WARN_WITHIN = 5  # years in which low coverage turns the outlook red
RECRUIT_BANDS = 2
RETIRED_REASONS = ("age", "illness")  # as board/redeemers.py: retired for these may redeem at any age
RED, GREEN = "red", "green"
STATUS_TEXT = {RED: "预警", GREEN: "正常"}
YEAR_STATUS_TEXT = {"short": "不够", "enough": "够用", "no_demand": "没有需求"}


def register() -> None:
    """Its half-year report section (server/hooks.py calls it once)."""
    study_report.section("outlook", "兑付能力预警（未来十年）", sheet="兑付能力预警", order=130)(report_section)


def outlook_for(viewer: Member, community_id: int) -> dict:
    """The outlook of a community the viewer coordinates (admins: any)."""
    return kept_outlook(people.community_for(viewer, community_id))


def warning_card(community_id: int) -> dict | None:
    """The outlook's warning when it is red today, for the coordinator's desk; None when green."""
    warning = kept_outlook(Community.get_by_id(community_id))["warning"]
    return warning if warning["status"] == RED else None


# --- the answer, kept while nothing it reads has changed ----------------------------------------------
#
# Made from scratch the outlook reads every resident, volunteer and last year's services: about a fifth
# of a second at 10,000 households on SQLite, where the passbook page takes a few milliseconds. Each
# process keeps the last answers (per database, so tests' databases never meet) under a fingerprint of
# what the outlook reads, taken by small index-only queries (under a millisecond together): the ledger's
# last entry (every credit, payback, gift, grant, adjustment and reversal moves it), the community's
# newest member, its volunteers counted by status, and the hardship periods begun and ended. A change
# none of these sees (a corrected birth date, a new reason for a retirement, an erasure of a member
# with nothing banked, a move between households) shows once the answer is KEEP_SECONDS old. The answer is read-only to its callers.

KEEP_SECONDS = 300
_kept = kept.Kept(KEEP_SECONDS)


# The fingerprint's queries run on every request for the outlook (and on the coordinator's desk): rendered
# once (`Prepared`), since peewee renders SQL each time, and the four of them cost more to render than to run.
_LAST_SEQ = Prepared(lambda community_id: LedgerChain.select(LedgerChain.last_seq)
                     .where(LedgerChain.community == community_id))
_NEWEST_MEMBER = Prepared(lambda community_id: Member.select(fn.MAX(Member.id)).where(Member.community == community_id))
_VOLUNTEERS_BY_STATUS = Prepared(lambda community_id: Volunteer.select(
    Volunteer.status, fn.COUNT(Volunteer.id), fn.MAX(Volunteer.id))
    .where(Volunteer.community == community_id).group_by(Volunteer.status).order_by(Volunteer.status))
# hardship periods are few: all of them, whichever community (the table has no community index)
_HARDSHIP = Prepared(lambda: HardshipPeriod.select(fn.COUNT(HardshipPeriod.id), fn.COUNT(HardshipPeriod.ended_at)))


def _fingerprint(community_id: int) -> tuple:
    return (_LAST_SEQ.scalar(community_id), _NEWEST_MEMBER.scalar(community_id),
            tuple(map(tuple, _VOLUNTEERS_BY_STATUS.tuples(community_id))), tuple(_HARDSHIP.tuples()[0]))


def kept_outlook(community) -> dict:
    """`outlook(community)`, or the answer made earlier today from the same data and settings."""
    return _kept_answers(community)[0]


def outlook_answer(viewer: Member, community_id: int) -> Ready:
    """The outlook of a community the viewer coordinates (admins: any) as the API answers it, JSON-ready:
    made once with the kept answer, so the response schema does not walk its ten years again."""
    return _kept_answers(people.community_for(viewer, community_id))[1]


def _kept_answers(community) -> tuple[dict, Ready]:
    key = (community.id, clock.today(), repr(_used_settings()), _fingerprint(community.id))
    return _kept.get(key, lambda: _made(community))


def _made(community) -> tuple[dict, Ready]:
    answer = outlook(community)
    return answer, ready_tree(answer)


# --- the queries: each a sum over groups of birth years ---------------------------------------------


# GROUP BY the output column: the year expression carries parameters, and PostgreSQL would not match
# the select's copy of it with the GROUP BY's.
BY_YEAR = SQL('"y"')


def _year_of(field):
    """The year of a date column, as an integer, in SQL (SQLite stores dates as 'YYYY-MM-DD')."""
    if is_postgres():
        return fn.date_part("year", field).cast("INTEGER")
    return fn.substr(field, 1, 4).cast("INTEGER")


def _window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last twelve months up to and including today, as [start, end) (29 February: from 1 March)."""
    end = today + dt.timedelta(days=1)
    start = dt.date(end.year - 1, 3, 1) if (end.month, end.day) == (2, 29) else end.replace(year=end.year - 1)
    return start, end


def _special_members(community_id: int):
    """Members who may redeem whatever their age: volunteers retired for age or illness, open hardship cases."""
    retired = Volunteer.select(Volunteer.member).where(
        Volunteer.community == community_id, Volunteer.status == "retired",
        Volunteer.retired_reason.in_(RETIRED_REASONS))
    hardship = HardshipPeriod.select(HardshipPeriod.member).where(
        HardshipPeriod.community == community_id, HardshipPeriod.ended_at.is_null())
    return retired | hardship


def _residents(community_id: int):
    return Member.select().where(Member.community == community_id, Member.erased_at.is_null(),
                                 Member.household.is_null(False))


def _households_by_first_year(community_id: int, payback_age: int, special) -> dict[int, tuple[int, int]]:
    """first year a household has an eligible member → (households, their balance today).

    A household with a special member is eligible from year 0 (always); one with no birth date and no
    special member never is."""
    birth_year = _year_of(Member.birth_date)
    first = fn.MIN(Case(None, [(Member.id.in_(special), 0)], birth_year + payback_age))
    per_household = (_residents(community_id).select(Member.household, first.alias("first_year"))
                     .group_by(Member.household).alias("h"))
    rows = (Account.select(per_household.c.first_year, fn.COUNT(Account.id),
                           fn.SUM(Account.posted_minutes))
            .join(per_household, on=(Account.household == per_household.c.household_id))
            .where(per_household.c.first_year.is_null(False))
            .group_by(per_household.c.first_year).tuples())
    return {int(year): (int(count), int(minutes or 0)) for year, count, minutes in rows}


def _members_by_birth_year(query) -> dict[int | None, int]:
    birth_year = _year_of(Member.birth_date)
    rows = query.select(birth_year.alias("y"), fn.COUNT(Member.id)).group_by(BY_YEAR).tuples()
    return {(None if year is None else int(year)): int(count) for year, count in rows}


def _volunteers_by_birth_year(community_id: int, start: dt.date, end: dt.date) -> dict[int | None, tuple[int, int]]:
    """birth year (None: not recorded) → (active volunteers, their credited minutes in [start, end))."""
    served = (ServiceRecord.select(ServiceRecord.volunteer, fn.SUM(ServiceRecord.credited_minutes).alias("minutes"))
              .where(ServiceRecord.community == community_id, ServiceRecord.status == "credited",
                     ServiceRecord.started_at >= dt.datetime.combine(start, dt.time()),
                     ServiceRecord.started_at < dt.datetime.combine(end, dt.time()))
              .group_by(ServiceRecord.volunteer).alias("s"))
    birth_year = _year_of(Member.birth_date)
    rows = (Volunteer.select(birth_year.alias("y"), fn.COUNT(Volunteer.id), fn.SUM(fn.COALESCE(served.c.minutes, 0)))
            .join(Member, on=(Volunteer.member == Member.id))
            .join(served, on=(served.c.volunteer_id == Volunteer.member), join_type=JOIN.LEFT_OUTER)
            .where(Volunteer.community == community_id, Volunteer.status == "active", Member.erased_at.is_null())
            .group_by(BY_YEAR).tuples())
    return {(None if year is None else int(year)): (int(count), int(minutes or 0)) for year, count, minutes in rows}


def _payback_minutes(community_id: int, start: dt.date, end: dt.date) -> int:
    """Minutes households spent on payback service (volunteers' or providers') in [start, end)."""
    return int(Transfer.select(fn.COALESCE(fn.SUM(Transfer.posted_minutes), 0))
               .join(Request, on=(Request.hold == Transfer.id))
               .where(Request.community == community_id, Request.payback == True,  # noqa: E712
                      Transfer.state == "posted", Transfer.effective_date >= start, Transfer.effective_date < end)
               .scalar() or 0)


# --- the model ---------------------------------------------------------------------------------------


def _used_settings() -> dict:
    """The settings the outlook uses, as the answer shows them."""
    # the rates as numbers with a fraction whatever an override gave (1 as 1.0), as the answer's schema writes them
    return {"payback_age": runtime.setting("PAYBACK_AGE"),
            "redemption_rate": float(runtime.setting("OUTLOOK_REDEMPTION_RATE")),
            "volunteer_leaving_age": runtime.setting("OUTLOOK_VOLUNTEER_LEAVING_AGE"),
            "warn_coverage": float(runtime.setting("OUTLOOK_WARN_COVERAGE")),
            "age_bands": list(runtime.setting("OUTLOOK_AGE_BANDS"))}


def _band_label(low: int, high: int | None) -> str:
    if low == 0:
        return f"{high + 1}岁以下"
    return f"{low}岁及以上" if high is None else f"{low}–{high}岁"


def _bands(volunteers: dict, this_year: int, bounds: list[int], leaving_age: int) -> list[dict]:
    """The active volunteers by their age this year, with what each band gave and loses within five years."""
    lows = [0, *bounds]
    # keys in the answer's order (the API passes it through as it is: `ready_tree`)
    bands = [{"label": _band_label(low, (lows[i + 1] - 1) if i + 1 < len(lows) else None), "from_age": low,
              "to_age": (lows[i + 1] - 1) if i + 1 < len(lows) else None, "volunteers": 0, "minutes": 0,
              "minutes_text": "", "per_volunteer_minutes": 0, "per_volunteer_text": "", "leaving_volunteers": 0,
              "leaving_minutes": 0, "leaving_minutes_text": "", "recruit": False} for i, low in enumerate(lows)]
    for birth_year, (count, minutes) in volunteers.items():
        if birth_year is None:
            continue
        band = bands[bisect_right(lows, this_year - birth_year) - 1] if this_year - birth_year >= 0 else bands[0]
        band["volunteers"] += count
        band["minutes"] += minutes
        if this_year + WARN_WITHIN - birth_year >= leaving_age:
            band["leaving_volunteers"] += count
            band["leaving_minutes"] += minutes
    for band in bands:
        band["per_volunteer_minutes"] = band["minutes"] // band["volunteers"] if band["volunteers"] else 0
        band["minutes_text"] = hours_text(band["minutes"])
        band["per_volunteer_text"] = hours_text(band["per_volunteer_minutes"])
        band["leaving_minutes_text"] = hours_text(band["leaving_minutes"])
    return bands


def _recruit(bands: list[dict], leaving_age: int) -> list[dict]:
    """The bands to recruit from: of those whose oldest would still serve in five years, the two whose
    volunteers each gave most in the last twelve months (ties: the younger band)."""
    lasting = [b for b in bands if b["to_age"] is not None and b["to_age"] + WARN_WITHIN < leaving_age]
    return sorted(lasting, key=lambda b: (-b["per_volunteer_minutes"], b["from_age"]))[:RECRUIT_BANDS]


def _percent(part: int, whole: int) -> int:
    return part * 100 // whole


def outlook(community) -> dict:
    """The ten-year outlook of one community (see the module's docstring for the model)."""
    today = clock.today()
    used = _used_settings()
    payback_age, leaving_age = used["payback_age"], used["volunteer_leaving_age"]
    rate_permille = round(used["redemption_rate"] * 1000)
    warn_percent = round(used["warn_coverage"] * 100)
    start, end = _window(today)
    special = _special_members(community.id)

    households = _households_by_first_year(community.id, payback_age, special)
    residents = _members_by_birth_year(_residents(community.id).where(Member.birth_date.is_null(False)))
    specials = _members_by_birth_year(_residents(community.id).where(Member.id.in_(special)))
    volunteers = _volunteers_by_birth_year(community.id, start, end)
    recent_payback = _payback_minutes(community.id, start, end)
    recent_supply = sum(minutes for _, minutes in volunteers.values())

    years = []
    for year in range(today.year + 1, today.year + 1 + YEARS):
        born_by = year - payback_age  # born in this year or before: of payback age in `year`
        eligible = (sum(n for y, n in residents.items() if y <= born_by)
                    + sum(n for y, n in specials.items() if y is None or y > born_by))
        banked = sum(minutes for first, (_, minutes) in households.items() if first <= year)
        demand = banked * rate_permille // 1000 + recent_payback
        serving = [(count, minutes) for y, (count, minutes) in volunteers.items()
                   if y is None or year - y < leaving_age]
        supply = sum(minutes for _, minutes in serving)
        if demand == 0:
            status, coverage = "no_demand", None
        else:
            coverage = _percent(supply, demand)
            status = "short" if supply * 100 < warn_percent * demand else "enough"
        years.append({
            "year": year, "reaching_payback_age": residents.get(born_by, 0), "eligible_members": eligible,
            "eligible_households": sum(n for first, (n, _) in households.items() if first <= year),
            "banked_minutes": banked, "banked_text": hours_text(banked),
            "demand_minutes": demand, "demand_text": hours_text(demand),
            "volunteers": sum(count for count, _ in serving),
            "supply_minutes": supply, "supply_text": hours_text(supply),
            "coverage_percent": coverage, "coverage_text": "—" if coverage is None else f"{coverage}%",
            "status": status, "status_text": YEAR_STATUS_TEXT[status],
        })

    bands = _bands(volunteers, today.year, used["age_bands"], leaving_age)
    soon = years[:WARN_WITHIN]
    short = [y for y in soon if y["status"] == "short"]
    covered = [y["coverage_percent"] for y in soon if y["coverage_percent"] is not None]
    warning = {"status": RED if short else GREEN, "status_text": STATUS_TEXT[RED if short else GREEN],
               "first_short_year": short[0]["year"] if short else None,
               "lowest_coverage_percent": min(covered) if covered else None, "recruit_bands": [], "message": ""}
    if short:
        recruit = _recruit(bands, leaving_age)
        for band in recruit:
            band["recruit"] = True
        warning["recruit_bands"] = [b["label"] for b in recruit]
        first = short[0]
        warning["message"] = (
            f"预计{first['year']}年志愿服务只够兑付需求的{first['coverage_text']}，低于{warn_percent}%的警戒线。"
            + (f"请尽早从{'、'.join(warning['recruit_bands'])}的居民中招募志愿者。" if recruit else ""))
    elif covered:
        warning["message"] = f"未来{WARN_WITHIN}年志愿服务预计够兑付，最低的一年是需求的{min(covered)}%。"
    else:
        warning["message"] = f"未来{WARN_WITHIN}年还没有可兑付的需求。"

    undated = volunteers.get(None, (0, 0))[0]
    return {
        "community_id": community.id, "community_name": community.name, "as_of": today,
        "first_year": today.year + 1, "last_year": today.year + YEARS,
        "recent": {"start": start, "end": end - dt.timedelta(days=1),
                   "payback_minutes": recent_payback, "payback_text": hours_text(recent_payback),
                   "supply_minutes": recent_supply, "supply_text": hours_text(recent_supply),
                   "active_volunteers": sum(count for count, _ in volunteers.values()),
                   "volunteers_without_birth_date": undated},
        "settings": used, "years": years, "bands": bands, "warning": warning,
        "assumptions": _assumptions(today, used, start, end, recent_payback, recent_supply, undated, bands),
    }


def _assumptions(today, used, start, end, recent_payback, recent_supply, undated, bands) -> list[dict]:
    """Every assumption of the model in words a coordinator reads, with the value used."""
    last = end - dt.timedelta(days=1)
    window = f"{start.year}年{start.month}月{start.day}日至{last.year}年{last.month}月{last.day}日"
    rate, leaving = used["redemption_rate"], used["volunteer_leaving_age"]
    # keys in the answer's order (the API passes it through as it is: `ready_tree`)
    return [
        {"key": "today",
         "text": f"以{today.year}年{today.month}月{today.day}日的数据预测{today.year + 1}年至{today.year + YEARS}年；"
                 "年龄按当年生日过后的岁数算（年份减出生年份）。不考虑搬迁和去世。",
         "value": today.isoformat()},
        {"key": "payback_age",
         "text": f"家里有成员当年年满{used['payback_age']}岁，或有因年龄、疾病退出的志愿者、兜底对象，"
                 "这一户的存折时间就算作可以兑付的时间。没有登记出生日期的居民不计入。",
         "value": str(used["payback_age"])},
        {"key": "banked",
         "text": "每户存折按今天的余额算（正在冻结、还没支出的也算在内），不预测今后的存入和支出。",
         "value": "今天的存折余额"},
        {"key": "redemption_rate",
         "text": f"可兑付的存折时间每年有{rate * 100:g}%会被申请使用（向下取整到分钟）。",
         "value": f"{rate:g}"},
        {"key": "recent_payback",
         "text": f"另外，每年还有和最近12个月（{window}）一样多的新申请：{hours_text(recent_payback)}。"
                 "两项相加，宁可把需求估多一些。",
         "value": hours_text(recent_payback)},
        {"key": "supply",
         "text": f"今天在岗的志愿者今后每年服务的时间和最近12个月一样（共{hours_text(recent_supply)}）；"
                 "不算今后新招募的志愿者。",
         "value": hours_text(recent_supply)},
        {"key": "volunteer_leaving_age",
         "text": f"志愿者从年满{leaving}岁的那一年起不再计入服务。"
                 + (f"没有登记出生日期的{undated}位志愿者按一直在岗算。" if undated else ""),
         "value": str(leaving)},
        {"key": "warn_coverage",
         "text": f"未来{WARN_WITHIN}年里任何一年，服务时间不到兑付需求的{round(used['warn_coverage'] * 100)}%，"
                 "就亮红色预警。",
         "value": f"{used['warn_coverage']:g}"},
        {"key": "age_bands",
         "text": "志愿者按今年的岁数分组：" + "、".join(b["label"] for b in bands) + "。"
                 f"预警时建议招募的年龄段：{WARN_WITHIN}年后仍不到{leaving}岁的年龄段里，"
                 f"最近12个月人均服务时间最多的{RECRUIT_BANDS}个。",
         "value": ",".join(map(str, used["age_bands"]))},
    ]


def report_section(period: study_report.Period) -> study_report.Section:
    """The half-year report's outlook: made on the day the report is, whatever half-year it covers."""
    answer = kept_outlook(period.community)
    table = Table(headers=["年份", "当年满回馈年龄（人）", "可兑付的人", "可兑付的存折时间（小时）", "兑付需求（小时）",
                           "服务供给（小时）", "覆盖率", "情况"],
                  rows=[[f"{y['year']}年", y["reaching_payback_age"], y["eligible_members"],
                         documents.hours(y["banked_minutes"]), documents.hours(y["demand_minutes"]),
                         documents.hours(y["supply_minutes"]), y["coverage_text"], y["status_text"]]
                        for y in answer["years"]],
                  hour_columns=(3, 4, 5))
    today = answer["as_of"]
    notes = [f"{answer['warning']['status_text']}：{answer['warning']['message']}",
             f"按{today.year}年{today.month}月{today.day}日（生成报告当天）的数据预测。"]
    notes += [a["text"] for a in answer["assumptions"]]
    return study_report.Section(table, Chart("兑付需求和服务供给", 0, (4, 5), kind="line"), notes=notes)
