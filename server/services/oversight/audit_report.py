"""How an audit reads: in the API, and as the report the committee files (PDF and XLSX).

Visits name the recipient and how to reach them (phone, address): only coordinators
read audits, and they may see those (docs/decisions.md, sensitive data).
"""

from peewee import fn

from server import clock
from server.models import (
    Account,
    Audit,
    AuditFlag,
    AuditVisit,
    Community,
    Entry,
    Member,
    Network,
    NetworkMember,
    ServiceRecord,
)
from server.services.board.records import status_label
from server.services.oversight import audit_flags, documents, periods
from server.services.oversight.audits import METHOD_LABELS, OUTCOME_LABELS
from server.services.oversight.documents import Table
from server.services.people import privacy

# What each of the verifier's rules checks (docs/ledger.md, invariants), in the committee's words.
RULE_LABELS = {
    "chain_sequence": "账本编号连续", "chain_link": "账本前后相连", "chain_hash": "账本内容未被改动",
    "running_balance": "逐笔结余相符", "transfer_sums_to_zero": "每笔记账收支相抵",
    "community_sums_to_zero": "社区账户合计为零", "balances_sum_to_zero": "全部账户合计为零",
    "transfer_scope": "跨社区记账只涉及两个社区", "cached_posted": "存折余额与明细相符",
    "cached_pending": "冻结时间与明细相符", "available_floor": "存折可用时间不为负", "love_pool_floor": "爱心池不为负",
    "unposted_has_entries": "未入账的冻结没有明细", "hold_posting": "冻结支出不超过冻结时间",
    "reversal_mirrors_original": "冲正与原记账相反相等", "record_credited_once": "每条服务只存入一次",
    "statement_matches_entries": "月结单与明细相符", "member_year_totals": "志愿者年度时长相符",
    "network_clearing_sums_to_zero": "通存通兑网络各社区净头寸合计为零", "network_limit": "通存通兑净头寸不超过额度",
}
NETWORK_RULES = ("network_clearing_sums_to_zero", "network_limit")


def network_view(audit: Audit) -> dict | None:
    """The audited community's network (通存通兑) at the quarter's end: each member's net position (its clearing
    balance from the entries dated before the quarter ended) against its limit, and what the audit's ledger
    check found about the network (the verifier checks the network with the community). None: in no network."""
    membership = NetworkMember.get_or_none(NetworkMember.community == audit.community_id)
    if membership is None:
        return None
    network = Network.get_by_id(membership.network_id)
    end = periods.quarter_bounds(audit.year, audit.quarter)[1]
    members = list(NetworkMember.select(NetworkMember, Community).join(Community)
                   .where(NetworkMember.network == network.id).order_by(Community.id))
    ids = [m.community_id for m in members]
    held = dict(Entry.select(Account.community, fn.SUM(Entry.minutes)).join(Account).where(
        Account.kind == "clearing", Account.community.in_(ids), Entry.effective_date < end)
        .group_by(Account.community).tuples())
    found = [v for v in audit.violations if v["rule"] in NETWORK_RULES]
    return {
        "network_id": network.id, "name": network.name, "kind": network.kind, "ok": not found,
        "violations": [{**v, "rule_label": RULE_LABELS[v["rule"]]} for v in found],
        "members": [{"community_id": m.community_id, "community_name": m.community.name,
                     "position_minutes": int(held.get(m.community_id) or 0), "limit_minutes": m.limit_minutes}
                    for m in members],
        "total_position_minutes": sum(int(v or 0) for v in held.values()),
    }


def _name(member: Member | None) -> str:
    return member.name if member is not None else ""


def _record_brief(record: ServiceRecord) -> dict:
    return {
        "id": record.id, "status": record.status, "status_label": status_label(record.status),
        "started_at": record.started_at, "category_name": record.category.name, "content": record.content,
        "place": record.place, "duration_minutes": record.duration_minutes,
        "credited_minutes": record.credited_minutes, "volunteer_name": record.volunteer.name,
        "witness_name": record.witness_name,
    }


def _contact(visit: AuditVisit) -> dict:
    """Whom to visit or call: the recipient, else the witness (a member, or an outsider by name and phone)."""
    record = visit.record
    person = visit.recipient
    if person is not None:
        household = person.household
        address = "".join(p for p in (household.building, household.unit, household.room) if p) if household else ""
        return {"name": person.name, "phone": person.phone, "address": address}
    return {"name": record.witness_name, "phone": record.witness_phone, "address": record.place}


def visit_view(visit: AuditVisit, flags: dict[int, list[str]] | None = None) -> dict:
    kinds = flags.get(visit.record_id, []) if flags is not None else [
        f.kind for f in AuditFlag.select(AuditFlag.kind).where(AuditFlag.audit == visit.audit_id,
                                                               AuditFlag.record == visit.record_id)]
    return {
        "id": visit.id, "audit_id": visit.audit_id, "draw_order": visit.draw_order, "weight": visit.weight,
        "flags": kinds, "record": _record_brief(visit.record), "contact": _contact(visit),
        "assignee_id": visit.assignee_id, "assignee_name": _name(visit.assignee),
        "method": visit.method, "method_label": METHOD_LABELS[visit.method],
        "status": visit.status, "status_label": OUTCOME_LABELS[visit.status], "notes": visit.notes,
        "outcome_by_name": _name(visit.outcome_by), "outcome_at": visit.outcome_at,
        "reversal_transfer_id": visit.reversal_id, "reversal_note": visit.reversal_note,
    }


def _flags_by_record(audit: Audit) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for flag in AuditFlag.select().where(AuditFlag.audit == audit.id):
        out.setdefault(flag.record_id, []).append(flag.kind)
    return out


def audit_view(audit: Audit, *, with_details: bool = True) -> dict:
    visits = list(AuditVisit.select().where(AuditVisit.audit == audit.id).order_by(AuditVisit.draw_order))
    counts = {status: sum(1 for v in visits if v.status == status) for status in OUTCOME_LABELS}
    view = {
        "id": audit.id, "community_id": audit.community_id, "year": audit.year, "quarter": audit.quarter,
        "label": periods.quarter_label(audit.year, audit.quarter), "status": audit.status, "seed": audit.seed,
        "sample_size": audit.sample_size, "population": audit.population, "ledger_ok": audit.ledger_ok,
        "violations": audit.violations, "thresholds": audit.thresholds, "created_at": audit.created_at,
        "closed_at": audit.closed_at, "visit_counts": counts,
        "flag_count": AuditFlag.select().where(AuditFlag.audit == audit.id).count(),
        "network": network_view(audit),
    }
    if with_details:
        flags = _flags_by_record(audit)
        view["flags"] = [
            {"record_id": f.record_id, "kind": f.kind, "kind_label": audit_flags.KIND_LABELS[f.kind], "detail": f.detail}
            for f in AuditFlag.select().where(AuditFlag.audit == audit.id).order_by(AuditFlag.record, AuditFlag.kind)
        ]
        view["visits"] = [visit_view(v, flags) for v in visits]
    return view


# --- the report ----------------------------------------------------------------------


def _tables(audit: Audit) -> dict[str, Table]:
    view = audit_view(audit)
    counts = view["visit_counts"]
    summary = Table(headers=["项目", "内容"], rows=[
        ["社区", audit.community.name], ["检查期间", view["label"]],
        ["开始检查", f"{audit.created_at:%Y-%m-%d %H:%M}"],
        ["台帐和存折检验", "全部一致" if audit.ledger_ok else f"发现{len(audit.violations)}处不一致"],
        ["本季度已入账服务记录", audit.population], ["标记异常记录", len({f["record_id"] for f in view["flags"]})],
        ["抽样条数", len(view["visits"])], ["抽样随机种子（可复核）", audit.seed],
        ["走访结果", f"属实{counts['confirmed']}条，有异议{counts['disputed']}条，待走访{counts['pending']}条"],
        ["冲正", f"{sum(1 for v in view['visits'] if v['reversal_transfer_id'])}条"],
        ["检查状态", "已结束" if audit.status == "closed" else "进行中"],
    ], widths={0: 26, 1: 60})
    network = view["network"]
    if network is not None:
        summary.rows.insert(4, ["通存通兑网络检验", f"{network['name']}：" + (
            "各社区净头寸合计为零，都没有超过额度" if network["ok"] else f"发现{len(network['violations'])}处不一致")])
    ledger = Table(headers=["检验项目", "规则", "说明", "账户", "记账"], rows=[
        [RULE_LABELS.get(v["rule"], v["rule"]), v["rule"], v["detail"], v.get("account_id") or "",
         v.get("transfer_id") or ""] for v in audit.violations])
    flags = Table(headers=["记录", "异常类型", "说明"], rows=[
        [f"#{f['record_id']}", f["kind_label"], f["detail"]] for f in view["flags"]], widths={2: 60})
    visits = Table(
        headers=["顺序", "记录", "服务日期", "服务内容", "志愿者", "走访对象", "电话", "地址", "负责人", "方式", "结果", "情况说明",
                 "冲正"],
        rows=[[v["draw_order"], f"#{v['record']['id']}", f"{v['record']['started_at']:%Y-%m-%d}",
               f"{v['record']['category_name']}：{v['record']['content']}", v["record"]["volunteer_name"],
               v["contact"]["name"], privacy.mask_phone(v["contact"]["phone"]), v["contact"]["address"],
               v["assignee_name"], v["method_label"], v["status_label"], v["notes"],
               "已冲正" if v["reversal_transfer_id"] else v["reversal_note"]] for v in view["visits"]],
    )
    tables = {"概况": summary, "台帐检验": ledger}
    if network is not None:
        tables["通存通兑网络"] = Table(headers=["社区", "季度末净头寸（小时）", "额度（小时）", "是否超过额度"], rows=[
            [m["community_name"], documents.hours(m["position_minutes"]), documents.hours(m["limit_minutes"]),
             "超过" if abs(m["position_minutes"]) > m["limit_minutes"] else "没有"] for m in network["members"]]
            + [["合计（应为0）", documents.hours(network["total_position_minutes"]), "", ""]], hour_columns=(1, 2))
    return {**tables, "异常标记": flags, "抽样走访": visits}


def _title(audit: Audit) -> str:
    return f"{audit.community.name}{periods.quarter_label(audit.year, audit.quarter)}爱心银行检查报告"


def file_name(audit: Audit) -> str:
    """The report's file name, without the extension."""
    return f"{audit.community.name}{audit.year}年第{audit.quarter}季度检查报告"


def xlsx(audit: Audit) -> bytes:
    book = documents.workbook()
    for name, table in _tables(audit).items():
        documents.add_sheet(book, name, table, heading=_title(audit))
    return documents.xlsx_bytes(book)


def pdf(audit: Audit) -> bytes:
    story = [documents.paragraph(_title(audit), "title")]
    for name, table in _tables(audit).items():
        story += [documents.paragraph(name, "heading"), documents.pdf_table(table, width_mm=267)]
    story.append(documents.paragraph(f"生成时间：{clock.now():%Y-%m-%d %H:%M}。电话号码已部分隐藏。", "note"))
    return documents.pdf_bytes(story, title=_title(audit), landscape_page=True)
