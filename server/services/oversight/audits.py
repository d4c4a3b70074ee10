"""每三个月检验台帐和存折 + 抽样走访: the quarterly audit, its visits and their outcomes.

Running an audit (once per community and quarter; again returns the first) checks the
ledger with `ledger_verify.verify`, flags unusual records (`audit_flags`), draws a
weighted sample of the quarter's credited records with a recorded seed, and makes a
visit for each: a coordinator visits or calls the recipient (or the witness, when the
service had no single recipient) and records what they say. A disputed record is
reversed through the ledger — `records.reverse` with the audit as its reason and the
key `audit:<audit>:record:<record>:reversal`, so recording the outcome twice moves the
hours once — and the passbook shows the reversal. When the household has already
spent the hours the reversal is refused by the ledger's floor; the outcome stands, the
visit says why, and recording the same outcome again retries.
"""

import secrets

from peewee import IntegrityError

from server import clock, runtime
from server.db import database
from server.errors import Conflict, NotFound, RuleBroken
from server.models import Audit, AuditFlag, AuditVisit, Community, Member, ServiceRecord, Transfer
from server.services.board import records
from server.services.ledger import ledger_verify
from server.services.messaging import notifications
from server.services.oversight import audit_flags, periods
from server.services.oversight.audit_flags import Flag
from server.services.people import core as people
from server.services.people import privacy

OUTCOME_LABELS = {"pending": "待走访", "confirmed": "属实", "disputed": "有异议（未能证实）"}
METHOD_LABELS = {"visit": "上门走访", "phone": "电话回访"}


def quarter_records(community_id: int, year: int, quarter: int) -> list[ServiceRecord]:
    """The quarter's volunteers' records that stand (neither rejected nor reversed), by start time.

    A provider's service (签约服务机构) credits nobody, so there is no volunteer's credit to check."""
    start, end = periods.as_datetimes(*periods.quarter_bounds(year, quarter))
    return list(ServiceRecord.select().where(
        ServiceRecord.community == community_id, ServiceRecord.started_at >= start, ServiceRecord.started_at < end,
        ServiceRecord.status.not_in(["rejected", "reversed"]), ServiceRecord.provider.is_null(),
    ).order_by(ServiceRecord.started_at, ServiceRecord.id))


def _ledger_flags(violations, record_ids: set[int]) -> list[Flag]:
    transfer_ids = [v.transfer_id for v in violations if v.transfer_id]
    if not transfer_ids:
        return []
    found = Transfer.select(Transfer.id, Transfer.record_id).where(Transfer.id.in_(transfer_ids))
    rules = {v.transfer_id: v.rule for v in violations if v.transfer_id}
    return [Flag(t.record_id, "ledger", f"账本检验：{rules[t.id]}") for t in found if t.record_id in record_ids]


def merged(flags: list[Flag]) -> list[Flag]:
    """One flag per (record, kind); several findings of a kind are joined."""
    details: dict[tuple[int, str], list[str]] = {}
    for flag in flags:
        found = details.setdefault((flag.record_id, flag.kind), [])
        if flag.detail not in found:
            found.append(flag.detail)
    return [Flag(rid, kind, "；".join(texts)) for (rid, kind), texts in sorted(details.items())]


def run(actor: Member | None, community: Community, year: int, quarter: int, *, seed: str | None = None,
        sample_size: int | None = None) -> Audit:
    """Audit an ended quarter; `actor` None is the scheduled job. Returns the existing audit if there is one."""
    privacy.require_coordinator(actor, community.id)
    if not 1 <= quarter <= 4:
        raise RuleBroken("季度只能是1到4", field="quarter", rule="bad_quarter")
    periods.require_over(periods.quarter_bounds(year, quarter)[1], "quarter", periods.quarter_label(year, quarter))
    existing = Audit.get_or_none(Audit.community == community.id, Audit.year == year, Audit.quarter == quarter)
    if existing is not None:
        return existing
    limits = {name: runtime.setting(name) for name in audit_flags.SETTINGS}
    size = sample_size if sample_size is not None else runtime.setting("AUDIT_SAMPLE_SIZE")
    seed = (seed or secrets.token_hex(8)).lower()
    violations = ledger_verify.verify(community.id)
    with database.atomic():
        found = quarter_records(community.id, year, quarter)
        by_id = {r.id: r for r in found}
        flags = merged(audit_flags.find(found, limits) + _ledger_flags(violations, set(by_id)))
        population = [r.id for r in found if r.status == "credited"]
        weights = audit_flags.weights(population, flags, limits["AUDIT_FLAG_WEIGHT"])
        drawn = audit_flags.draw(weights, seed, size)
        try:
            with database.atomic():
                audit = Audit.create(
                    community=community.id, year=year, quarter=quarter, seed=seed, sample_size=size,
                    population=len(population), weights=weights, ledger_ok=not violations,
                    violations=[v.as_dict() for v in violations], thresholds={**limits, "AUDIT_SAMPLE_SIZE": size},
                    created_by=actor, created_at=clock.now(),
                )
        except IntegrityError:  # another run made it a moment ago
            return Audit.get(Audit.community == community.id, Audit.year == year, Audit.quarter == quarter)
        if flags:
            AuditFlag.insert_many([{"audit": audit.id, "record": f.record_id, "kind": f.kind, "detail": f.detail}
                                   for f in flags]).execute()
        _make_visits(audit, [by_id[rid] for rid in drawn], weights)
    return audit


def _make_visits(audit: Audit, drawn: list[ServiceRecord], weights: dict[int, int]) -> None:
    """One visit per drawn record, shared out among the community's coordinators in turn."""
    staff = people.coordinators_of(audit.community_id)
    for order, record in enumerate(drawn, start=1):
        AuditVisit.create(
            audit=audit, community=audit.community_id, record=record, draw_order=order, weight=weights[record.id],
            recipient=record.recipient_id or record.witness_id,
            assignee=staff[(order - 1) % len(staff)].id if staff else None,
        )
    label = periods.quarter_label(audit.year, audit.quarter)
    for member in staff:
        mine = sum(1 for n in range(len(drawn)) if staff[n % len(staff)].id == member.id)
        if mine:
            notifications.notify([member.id], f"audit:{audit.id}:visits", "coordinator_alert", {
                "subject": "抽样走访", "summary": f"{label}检查抽到{mine}条服务记录，请上门或电话回访服务对象",
                "when": clock.now(), "page": f"pages/station/audit?id={audit.id}",
            })


def redraw(audit: Audit) -> list[int]:
    """Draw again from what the audit recorded (weights, seed, size): equals its visits' records in order."""
    weights = {int(record_id): weight for record_id, weight in audit.weights.items()}
    return audit_flags.draw(weights, audit.seed, audit.sample_size)


# --- visits ---------------------------------------------------------------------------


def visit_for(viewer: Member, visit_id: int) -> AuditVisit:
    return privacy.coordinated(viewer, AuditVisit, visit_id)


def audit_for(viewer: Member, audit_id: int) -> Audit:
    return privacy.coordinated(viewer, Audit, audit_id)


def listing(viewer: Member, community_id: int):
    """A community's audits, newest quarter first, for its coordinators (another's: NotFound)."""
    if not privacy.coordinates(viewer, community_id):
        raise NotFound()
    return Audit.select().where(Audit.community == community_id).order_by(Audit.year.desc(), Audit.quarter.desc())


def assign(actor: Member, visit: AuditVisit, *, assignee_id: int | None = None, method: str | None = None) -> AuditVisit:
    """Hand a visit to another coordinator of the community, or switch between a visit and a call."""
    privacy.require_coordinator(actor, visit.community_id)
    if assignee_id is not None:
        if assignee_id not in {m.id for m in people.coordinators_of(visit.community_id)}:
            raise RuleBroken("只能交给本社区服务站的工作人员", field="assignee_id", rule="not_a_coordinator")
        visit.assignee = assignee_id
    if method is not None:
        visit.method = method
    visit.save()
    return visit


def record_outcome(actor: Member, visit: AuditVisit, *, outcome: str, notes: str = "",
                   method: str | None = None) -> AuditVisit:
    """What the recipient said. `disputed` reverses the record's credit; the same outcome again retries that."""
    privacy.require_coordinator(actor, visit.community_id)
    notes = (notes or "").strip()
    if outcome == "disputed" and len(notes) < 2:
        raise RuleBroken("有异议时请写明走访情况", field="notes", rule="notes_required")
    if visit.audit.status != "open":
        raise Conflict("这次检查已经结束，不能再记录走访结果", rule="audit_closed")
    with database.atomic():
        moved = (AuditVisit.update(status=outcome, notes=notes, method=method or visit.method, outcome_by=actor.id,
                                   outcome_at=clock.now())
                 .where(AuditVisit.id == visit.id, AuditVisit.status == "pending").execute())
        visit = AuditVisit.get_by_id(visit.id)
        if not moved and visit.status != outcome:
            raise Conflict(f"这次走访已经记录为「{OUTCOME_LABELS[visit.status]}」", field="outcome", rule="outcome_recorded")
        if outcome == "disputed" and visit.reversal_id is None:
            _reverse(actor, visit)
    return AuditVisit.get_by_id(visit.id)


def reversal_key(visit: AuditVisit) -> str:
    return f"audit:{visit.audit_id}:record:{visit.record_id}:reversal"


def _reverse(actor: Member, visit: AuditVisit) -> None:
    record = ServiceRecord.get_by_id(visit.record_id)
    audit = visit.audit
    if record.transfer_id is None:
        AuditVisit.update(reversal_note="这条记录没有存入时间，无需冲正").where(AuditVisit.id == visit.id).execute()
        return
    reason = f"{periods.quarter_label(audit.year, audit.quarter)}检查抽样走访未能证实：{visit.notes}"[:300]
    already = Transfer.get_or_none(Transfer.reverses == record.transfer_id)
    if already is None:
        try:
            with database.atomic():
                records.reverse(actor, record, reason=reason, key=reversal_key(visit))
        except RuleBroken as refused:  # the hours were spent: the finding stands, the reversal waits
            AuditVisit.update(reversal_note=f"暂时无法冲正：{refused.message}").where(AuditVisit.id == visit.id).execute()
            return
        already = Transfer.get(Transfer.reverses == record.transfer_id)
        notifications.notify([record.volunteer_id], f"record:{record.id}:reversed", "record_reversed", {
            "service_date": record.started_at.date(), "category": record.category.name,
            "minutes": record.credited_minutes or 0, "reason": "季度检查走访未能证实",
        })
    AuditVisit.update(reversal=already.id, reversal_note="").where(AuditVisit.id == visit.id).execute()


def close(actor: Member, audit: Audit) -> Audit:
    """Close the audit once every visit has an outcome."""
    privacy.require_coordinator(actor, audit.community_id)
    pending = AuditVisit.select().where(AuditVisit.audit == audit.id, AuditVisit.status == "pending").count()
    if pending:
        raise RuleBroken(f"还有{pending}条走访没有结果，不能结束检查", rule="visits_pending")
    Audit.update(status="closed", closed_by=actor.id, closed_at=clock.now()).where(
        Audit.id == audit.id, Audit.status == "open").execute()
    return Audit.get_by_id(audit.id)
