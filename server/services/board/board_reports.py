"""The task board's part in reports and data rights.

Study-report sections: requests unmet or late, median time to claim and to complete,
the honour rate of payback requests (redemption_report), agreements active and visits done. Export sections: a resident's requests, the
agreements they are a party to, their recipient file. Erasure: the free text of their
requests, tasks and recipient file goes (the ledger keeps its entries).
"""

import statistics
from collections import defaultdict

from server.models import Agreement, AgreementVolunteer, Member, RecipientFile, Request, Task, TaskVisit
from server.services.board import catalog, redemption_report
from server.services.board.agreement_views import agreement_view
from server.services.board.request_views import request_view
from server.services.oversight import periods
from server.services.oversight.documents import Chart, Table
from server.services.oversight.study_report import Period, Section, section
from server.services.people import data_rights


def register() -> None:
    """Its report sections, export sections and erasure hook (server/hooks.py calls it once)."""
    for key, title, sheet, order, build in (
        ("requests", "需求的满足情况", "需求满足", 80, requests_unmet_or_late),
        ("response_times", "接单和完成所用时间", "响应时间", 90, response_times),
        ("honour", "优先回馈的兑付率", "兑付率", 95, redemption_report.study_section),
        ("agreements", "帮扶协议和上门服务", "帮扶协议", 100, agreements_and_visits),
    ):
        section(key, title, sheet=sheet, order=order)(build)
    data_rights.export_section("requests")(_export_requests)
    data_rights.export_section("agreements")(_export_agreements)
    data_rights.export_section("recipient_files")(_export_files)
    data_rights.on_erase(_erase)


UNMET = ("expired", "no_show")
SERVED = ("done", "confirmed", "credited")
ERASED_TEXT = "（已注销）"


def _board_tasks(period: Period):
    first, after = period.moments()
    return Task.select().where(Task.community == period.community.id, Task.source.in_(["request", "payback"]),
                               Task.created_at >= first, Task.created_at < after)


def requests_unmet_or_late(period: Period) -> Section:
    """Per month: requests made, served, unmet (expired or no-show), cancelled, and claimed late."""
    buckets = defaultdict(lambda: [0, 0, 0, 0, 0])
    for task in _board_tasks(period):
        row = buckets[(task.created_at.year, task.created_at.month)]
        row[0] += 1
        row[1] += task.status in SERVED
        row[2] += task.status in UNMET
        row[3] += task.status == "cancelled"
        row[4] += bool(task.claimed_at and task.claimed_at > task.window_start)
    rows = [[f"{year}年{month}月", *buckets[(year, month)]]
            for year, month in periods.months(period.start, period.end)]
    table = Table(headers=["月份", "求助（条）", "已服务", "未满足（过期或未到）", "已取消", "接单晚于约定时间"], rows=rows)
    return Section(table, Chart("需求的满足情况", 0, (1, 2, 5), y_label="条"),
                   notes=["未满足：到了约定时间仍无人接单（过期），或接单的志愿者没有到（未到）。",
                          "接单晚：志愿者接单时，约定的服务时间已经开始。"])


def _median_hours(values: list[float]) -> str:
    return f"{statistics.median(values):.1f}" if values else "—"


def response_times(period: Period) -> Section:
    """Median hours from posting to claim and to the end of service, by category."""
    to_claim, to_done = defaultdict(list), defaultdict(list)
    tasks = list(_board_tasks(period))
    ends = {task_id: end for task_id, end in TaskVisit.select(TaskVisit.task, TaskVisit.checked_out_at)
            .where(TaskVisit.task.in_([t.id for t in tasks] or [0]), TaskVisit.checked_out_at.is_null(False))
            .order_by(TaskVisit.checked_out_at).tuples()}
    for task in tasks:
        for key in (task.category_id, "all"):
            if task.claimed_at:
                to_claim[key].append((task.claimed_at - task.created_at).total_seconds() / 3600)
            if task.id in ends:
                to_done[key].append((ends[task.id] - task.created_at).total_seconds() / 3600)
    categories = sorted({t.category_id for t in tasks})
    rows = [[catalog.category_name(c), len(to_claim[c]), _median_hours(to_claim[c]), _median_hours(to_done[c])]
            for c in categories]
    rows.append(["全部", len(to_claim["all"]), _median_hours(to_claim["all"]), _median_hours(to_done["all"])])
    table = Table(headers=["服务类别", "已接单（条）", "接单用时中位数（小时）", "完成用时中位数（小时）"], rows=rows)
    return Section(table, notes=["从发布求助算起；完成以志愿者签退为准。"])


def agreements_and_visits(period: Period) -> Section:
    first, after = period.moments()
    active = Agreement.select().where(Agreement.community == period.community.id,
                                      Agreement.status.in_(["active", "suspended", "ended"]),
                                      Agreement.start_date < period.end, Agreement.end_date >= period.start)
    rows = []
    for agreement in active:
        visits = list(Task.select().where(Task.agreement == agreement.id, Task.window_start >= first,
                                          Task.window_start < after))
        rows.append([f"{agreement.recipient.name}：{catalog.category_name(agreement.category_id)}", len(visits),
                     sum(v.status in SERVED for v in visits), sum(v.status in ("cancelled", "no_show") for v in visits)])
    rows.append(["合计", sum(r[1] for r in rows), sum(r[2] for r in rows), sum(r[3] for r in rows)])
    table = Table(headers=["协议", "安排的上门服务（次）", "已完成", "取消或未到"], rows=rows)
    return Section(table, notes=[f"本期执行中的协议：{len(rows) - 1} 份。"])


# --- data rights ---------------------------------------------------------------------


def _export_requests(member: Member):
    query = Request.select().where((Request.requester == member.id) | (Request.created_by == member.id))
    return [request_view(r) for r in query.order_by(Request.id)]


def _export_agreements(member: Member):
    mine = AgreementVolunteer.select(AgreementVolunteer.agreement).where(AgreementVolunteer.volunteer == member.id)
    query = Agreement.select().where((Agreement.recipient == member.id) | Agreement.id.in_(mine))
    return [agreement_view(a, member) for a in query.order_by(Agreement.id)]


def _export_files(member: Member):
    return [{"id": f.id, "needs": f.needs, "risks": f.risks, "emergency_contact_name": f.emergency_contact_name,
             "emergency_contact_phone": f.emergency_contact_phone, "consent_date": f.consent_date,
             "created_at": f.created_at} for f in RecipientFile.select().where(RecipientFile.member == member.id)]


def _erase(member: Member, old_names: list[str]) -> None:
    """What they wrote about their needs, and their case file, goes; the board keeps only the outline."""
    requests = Request.select(Request.id).where(Request.requester == member.id)
    Request.update(description=ERASED_TEXT, place_detail="").where(Request.requester == member.id).execute()
    Task.update(description=ERASED_TEXT, place="").where(Task.request.in_(requests)).execute()
    Task.update(place="").where(Task.recipient == member.id).execute()
    RecipientFile.update(needs=ERASED_TEXT, risks="", emergency_contact_name="", emergency_contact_phone="").where(
        RecipientFile.member == member.id).execute()
