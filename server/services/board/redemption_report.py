"""兑付率: whether the bank keeps its word to the households that redeem, one quarter at a time.

Every payback request (Request.payback) counts in the quarter of its `created_at` and ends in one
outcome (docs/redemption.md, "Honour rate"):

- on_time: served, and whoever served it (the last claim or assignment of its task) was in place by
  `promise_due_at`; late: served, assigned after it;
- not_honoured: it ended without service for a reason not the household's (expired, no-show, too short
  to count, cancelled by a coordinator or the system), or it is still unassigned with its promise and
  its window both past;
- cancelled: cancelled by the household (the requester or a family proxy);
- open: still within its promise or window.

Served means the service happened: the task reached done, confirmed or credited, or its hold posted
(a provider's service). The honour rate is on_time / (on_time + late + not_honoured), None with
nothing to count. The outcome is one CASE expression and the figures one GROUP BY; the median is the
middle row(s) of the served requests sorted by the database, so a community of 10,000 households costs
two queries and brings back a handful of rows.
"""

import datetime as dt
import statistics

from peewee import JOIN, SQL, Case, Value, fn

from server import clock
from server.db import is_postgres
from server.errors import Forbidden, RuleBroken
from server.models import Community, Member, Request, ServiceRecord, Task, TaskEvent, TaskVisit, Transfer
from server.services.oversight import documents, periods
from server.services.oversight.documents import Chart, Table
from server.services.oversight.study_report import Section
from server.services.people import core as people

# Requests opened before promises were kept have no promise_due_at: this many hours after they were
# opened, or their window's start if sooner (PAYBACK_PROMISE_HOURS' default).
UNRECORDED_PROMISE_HOURS = 48
SERVED = ("done", "confirmed", "credited")
ENDED_UNSERVED = ("cancelled", "expired", "no_show", "too_short")
ASSIGNING = ("claim", "assign")
OUTCOMES = ("on_time", "late", "not_honoured", "cancelled", "open")
LABELS = {
    "opened": "回馈申请",
    "on_time": "按时兑付",
    "late": "晚于承诺兑付",
    "not_honoured": "未兑付",
    "cancelled": "家庭自行取消",
    "open": "尚在承诺期内",
    "honour_rate": "兑付率",
    "served_by_volunteers": "志愿者服务",
    "served_by_providers": "签约机构服务",
    "median_hours_to_service": "从申请到开始服务（中位数）",
    "minutes_redeemed": "兑付时长",
}
NO_RATE = "暂无"


def _hours_after(column, hours: int):
    if is_postgres():
        return column + SQL(f"interval '{int(hours)} hours'")
    return fn.datetime(column, f"+{int(hours)} hours")


def _promise_due():
    fallback = _hours_after(Request.created_at, UNRECORDED_PROMISE_HOURS)
    return fn.COALESCE(Request.promise_due_at,
                       Case(None, [(fallback < Request.window_start, fallback)], Request.window_start))


def _assigned_at():
    """When whoever served it took it: the task's last claim or assignment (a served task takes no more)."""
    last = (TaskEvent.select(fn.MAX(TaskEvent.at)).where(TaskEvent.task == Task.id, TaskEvent.kind.in_(ASSIGNING)))
    return fn.COALESCE(last, Task.claimed_at)


def _cancelled_by_household():
    household = Member.alias("canceller")
    return fn.EXISTS(TaskEvent.select(Value(1)).join(household, on=(TaskEvent.actor == household.id)).where(
        TaskEvent.task == Task.id, TaskEvent.kind == "cancel", household.household == Request.household))


def _served():
    return Task.status.in_(SERVED) | (Transfer.state == "posted")


def _outcome(now: dt.datetime):
    due = _promise_due()
    return Case(None, [
        (_served() & (_assigned_at() <= due), "on_time"),
        (_served(), "late"),
        ((Task.status == "cancelled") & _cancelled_by_household(), "cancelled"),
        (Task.status.in_(ENDED_UNSERVED), "not_honoured"),
        ((Task.status == "open") & (due < now) & (Request.window_end < now), "not_honoured"),
    ], "open")


def _requests(first: dt.datetime, after: dt.datetime, community_id: int | None):
    query = (Request.select().join(Task, on=(Task.request == Request.id))
             .join(Transfer, on=(Transfer.id == Request.hold), join_type=JOIN.LEFT_OUTER)
             .where(Request.payback == True, Request.created_at >= first, Request.created_at < after))  # noqa: E712
    return query if community_id is None else query.where(Request.community == community_id)


def _empty() -> dict:
    return {"opened": 0, **dict.fromkeys(OUTCOMES, 0), "served_by_volunteers": 0, "served_by_providers": 0,
            "minutes_redeemed": 0, "median": None}


def _tally(year: int, quarter: int, community_id: int | None) -> dict[int, dict]:
    """Figures per community: one grouped query for the counts, one for the middle of the hours to service."""
    first, after = periods.as_datetimes(*periods.quarter_bounds(year, quarter))
    outcome, by_provider = _outcome(clock.now()), Task.provider.is_null(False)
    redeemed = Case(None, [(Transfer.state == "posted", Transfer.posted_minutes)], 0)
    rows = (_requests(first, after, community_id)
            .select(Request.community, outcome.alias("outcome"), by_provider.alias("by_provider"),
                    fn.COUNT(Request.id), fn.SUM(redeemed))
            .group_by(Request.community, SQL("outcome"), SQL("by_provider")).tuples())
    figures: dict[int, dict] = {}
    for community, kind, provider, count, minutes in rows:
        line = figures.setdefault(community, _empty())
        line["opened"] += count
        line[kind] += count
        line["minutes_redeemed"] += int(minutes or 0)
        if kind in ("on_time", "late"):
            line["served_by_providers" if provider else "served_by_volunteers"] += count
    for community, line in figures.items():
        line["median"] = _median_hours(first, after, community, line["on_time"] + line["late"])
    return figures


def _hours_between(later, earlier):
    if is_postgres():
        return fn.date_part("epoch", later - earlier) / 3600.0
    return (fn.julianday(later) - fn.julianday(earlier)) * 24


def _median_hours(first: dt.datetime, after: dt.datetime, community_id: int | None, served: int) -> float | None:
    """The middle one (or two) of the served requests' hours to service, sorted by the database: no row
    but those comes back. The start of service is the served record's start (a visit's record, or the record of
    a provider's service, which names its task), else the window's start."""
    if not served:
        return None
    visited = (ServiceRecord.select(fn.MIN(ServiceRecord.started_at))
               .join(TaskVisit, on=(TaskVisit.record == ServiceRecord.id)).where(TaskVisit.task == Task.id))
    by_provider = ServiceRecord.select(fn.MIN(ServiceRecord.started_at)).where(ServiceRecord.task_id == Task.id)
    hours = _hours_between(fn.COALESCE(visited, by_provider, Task.window_start), Request.created_at)
    middle = [max(float(value), 0.0) for (value,) in _requests(first, after, community_id)
              .select(hours.alias("hours")).where(_served()).order_by(SQL("hours"))
              .limit(2 - served % 2).offset((served - 1) // 2).tuples()]
    return statistics.mean(middle) if middle else None


def _finish(line: dict) -> dict:
    median = line.pop("median")
    counted = line["on_time"] + line["late"] + line["not_honoured"]
    rate = round(line["on_time"] / counted, 4) if counted else None
    median = None if median is None else round(median, 1)
    return {**line, "honour_rate": rate, "honour_rate_label": rate_label(rate), "median_hours_to_service": median,
            "summary": summary(line["on_time"], line["late"], line["not_honoured"], rate)}


def rate_label(rate: float | None) -> str:
    return NO_RATE if rate is None else f"{100 * rate:.1f}%"


def summary(on_time: int, late: int, not_honoured: int, rate: float | None) -> str:
    """One line a resident reads: the rate and what it counts."""
    if rate is None:
        return f"兑付率：{NO_RATE}（本季度还没有到期的回馈申请）"
    return f"兑付率{rate_label(rate)}：按时兑付{on_time}件，晚于承诺{late}件，未兑付{not_honoured}件"


def _named_or_current(year: int | None, quarter: int | None) -> tuple[int, int]:
    """Both named, or neither (the current quarter)."""
    if year is None and quarter is None:
        today = clock.today()
        return today.year, periods.quarter_of(today)
    if year is None or quarter is None:
        missing = "year" if year is None else "quarter"
        raise RuleBroken("请同时给出年份和季度", field=missing, rule="quarter_incomplete")
    return year, quarter


def _check_quarter(year: int, quarter: int) -> None:
    if not 1 <= quarter <= 4:
        raise RuleBroken("季度只能是1到4", field="quarter", rule="bad_quarter")
    if not 2000 <= year <= 2100:
        raise RuleBroken("年份不对", field="year", rule="bad_year")


def report_for(viewer: Member, community_id: int, year: int | None = None, quarter: int | None = None) -> dict:
    """A community's quarter for its coordinators (admins: any); the current quarter when none is named."""
    community = people.community_for(viewer, community_id)
    return quarter_figures(community, *_named_or_current(year, quarter))


def quarter_figures(community: Community, year: int, quarter: int) -> dict:
    """One community's quarter (so far, if it has not ended)."""
    _check_quarter(year, quarter)
    line = _finish(_tally(year, quarter, community.id).get(community.id, _empty()))
    return {"community_id": community.id, "community_name": community.name, **_period(year, quarter), **line}


def _period(year: int, quarter: int) -> dict:
    start, end = periods.quarter_bounds(year, quarter)
    return {"year": year, "quarter": quarter, "label": periods.quarter_label(year, quarter), "start": start,
            "end": end, "complete": end <= clock.today(), "labels": LABELS}


def side_by_side(viewer: Member, year: int | None = None, quarter: int | None = None) -> dict:
    """Every community's quarter, in one pass (admins), and the whole city's line."""
    if not viewer.has_role("admin"):
        raise Forbidden("只有管理员可以查看全部社区")
    year, quarter = _named_or_current(year, quarter)
    _check_quarter(year, quarter)
    tallies = _tally(year, quarter, None)
    communities = []
    total = _empty()
    for community in Community.select().order_by(Community.id):
        line = tallies.get(community.id, _empty())
        for key, value in line.items():
            if key != "median":
                total[key] += value
        communities.append({"community_id": community.id, "community_name": community.name, **_finish(line)})
    first, after = periods.as_datetimes(*periods.quarter_bounds(year, quarter))
    total["median"] = _median_hours(first, after, None, total["on_time"] + total["late"])
    return {**_period(year, quarter), "communities": communities,
            "total": {"community_id": None, "community_name": "全部社区", **_finish(total)}}


def this_quarter(community_id: int) -> dict:
    """The quarter so far, for the coordinator's desk."""
    today = clock.today()
    return quarter_figures(Community.get_by_id(community_id), today.year, periods.quarter_of(today))


def notice_figures(community_id: int, year: int, quarter: int) -> dict:
    """What the quarterly notice carries: figures only, no names."""
    line = _finish(_tally(year, quarter, community_id).get(community_id, _empty()))
    return {key: line[key] for key in ("opened", *OUTCOMES, "honour_rate", "served_by_volunteers",
                                       "served_by_providers", "median_hours_to_service", "minutes_redeemed")}


def notice_line(figures: dict) -> dict:
    """A notice's kept figures, with the rate and the sentence in words as they read today."""
    return {**figures, "honour_rate_label": rate_label(figures["honour_rate"]),
            "summary": summary(figures["on_time"], figures["late"], figures["not_honoured"], figures["honour_rate"]),
            "labels": LABELS}


# --- the half-year study report --------------------------------------------------------

HEADERS = ["季度", "回馈申请", "按时兑付", "晚于承诺兑付", "未兑付", "家庭自行取消", "尚在承诺期内", "兑付率",
           "志愿者服务", "签约机构服务", "到开始服务中位数（小时）", "兑付时长（小时）"]


def study_section(period) -> Section:
    """Each quarter of the half-year: requests by outcome, the rate, who served, how soon, hours spent."""
    rows = []
    for quarter in ((1, 2) if period.half == 1 else (3, 4)):
        line = _finish(_tally(period.year, quarter, period.community.id).get(period.community.id, _empty()))
        median = line["median_hours_to_service"]
        rows.append([periods.quarter_label(period.year, quarter), line["opened"], line["on_time"], line["late"],
                     line["not_honoured"], line["cancelled"], line["open"], line["honour_rate_label"],
                     line["served_by_volunteers"], line["served_by_providers"], "—" if median is None else median,
                     documents.hours(line["minutes_redeemed"])])
    table = Table(headers=HEADERS, rows=rows, hour_columns=(11,), widths={0: 16})
    return Section(table, Chart("按时、晚于承诺和未兑付的回馈申请", 0, (2, 3, 4), y_label="件"), notes=[
        "回馈申请按提出的季度统计。兑付率＝按时兑付÷（按时兑付＋晚于承诺兑付＋未兑付）；家庭自行取消和尚在承诺期内的不计入。",
        "按时兑付：承诺时间（提出后48小时，或约定服务开始时，取早者）之前已有志愿者接单或服务站指派了签约机构。",
        "未兑付：过期无人接单、志愿者未到、服务不足时长，或被服务站取消。"])
