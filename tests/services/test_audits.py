"""The quarterly audit: planted anomalies are flagged, the draw is reproducible, a disproved record is reversed."""

import datetime as dt
from collections import Counter

import pytest

from server import clock
from server.models import (
    AuditFlag,
    AuditVisit,
    Entry,
    Household,
    MemberYear,
    OutboxMessage,
    ServiceRecord,
    Transfer,
)
from server.services.board import records
from server.services.ledger import core as ledger
from server.services.ledger import ledger_ops, ledger_verify, passbook
from server.services.oversight import audit_flags, audits
from server.services.oversight.audits import Conflict, RuleBroken
from tests.factories import make_community, make_coordinator, make_member, make_volunteer, tamper

Q1 = (2026, 1)
AFTER_Q1 = dt.datetime(2026, 4, 3, 9, 0)


def served(volunteer, witness, *, day, hour=9, minutes=60, quick=False, **fields):
    """A self-report on 2026-02-`day`, reported ten minutes after it ended and confirmed two hours later
    (or, `quick`, one minute after the report, in the app)."""
    start = dt.datetime(2026, 2, day, hour, 0)
    end = start + dt.timedelta(minutes=minutes)
    clock.freeze(end + dt.timedelta(minutes=10))
    record = records.report(volunteer, {"category_code": "repairs", "place": "3号楼", "started_at": start,
                                        "ended_at": end, "content": "修理水龙头", "witness_member_id": witness.id,
                                        "recipient_member_id": witness.id, **fields})
    clock.freeze(end + dt.timedelta(minutes=11 if quick else 130))
    return records.confirm(witness, record)


def overlapping(volunteer, first_witness, second_witness, *, day):
    """Two services by one volunteer whose times overlap, as a check-out or an event's batch could leave them
    (a self-report refuses the overlap, so the second one's times are moved afterwards)."""
    first = served(volunteer, first_witness, day=day, hour=9, minutes=90)
    second = served(volunteer, second_witness, day=day, hour=14, minutes=60)
    start = first.started_at + dt.timedelta(minutes=30)
    ServiceRecord.update(started_at=start, ended_at=start + dt.timedelta(minutes=60)).where(
        ServiceRecord.id == second.id).execute()
    return {first.id, second.id}


@pytest.fixture
def planted(any_app):
    """A first quarter with one of each anomaly and a few ordinary records; the clock then moves to April."""
    community = make_community()
    staff = [make_coordinator(community, name="赵敏"), make_coordinator(community, name="钱多")]
    v1, _ = make_volunteer(community, name="李建国")
    r1, _ = make_volunteer(community, name="王秀兰")
    w = make_member(community, name="孙大妈")
    many = [make_volunteer(community)[0] for _ in range(5)]
    v2, v8, v9 = (make_volunteer(community)[0] for _ in range(3))
    x = [make_member(community) for _ in range(5)]
    ids = {}
    ids["pair_repeat"] = {served(v1, r1, day=d).id for d in (2, 3, 4, 5)} | {served(r1, v1, day=6).id}
    ids["witness_share"] = {served(v, w, day=10 + n).id for n, v in enumerate(many)}
    ids["overlap"] = overlapping(v2, x[0], x[1], day=20)
    ids["long_duration"] = {served(v8, x[2], day=21, minutes=300).id}
    ids["quick_confirm"] = {served(v9, x[3], day=22, quick=True).id}
    ordinary = served(v9, x[4], day=23)
    clock.freeze(AFTER_Q1)
    yield {"community": community, "staff": staff, "ids": ids, "ordinary": ordinary, "v1": v1, "r1": r1}
    clock.freeze(None)


def _flagged(audit) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for flag in AuditFlag.select().where(AuditFlag.audit == audit.id):
        found.setdefault(flag.kind, set()).add(flag.record_id)
    return found


def test_each_planted_anomaly_is_flagged_and_nothing_else(planted):
    audit = audits.run(planted["staff"][0], planted["community"], *Q1, seed="5eed")
    assert _flagged(audit) == planted["ids"]
    assert planted["ordinary"].id not in {f.record_id for f in AuditFlag.select()}
    pair = AuditFlag.get(AuditFlag.kind == "pair_repeat", AuditFlag.record == min(planted["ids"]["pair_repeat"]))
    assert "5条记录" in pair.detail and "互为" in pair.detail
    assert audit.ledger_ok and audit.violations == []
    assert audit.population == ServiceRecord.select().where(ServiceRecord.status == "credited").count() == 15


def test_running_twice_returns_the_first_audit(planted):
    first = audits.run(planted["staff"][0], planted["community"], *Q1, seed="5eed")
    again = audits.run(None, planted["community"], *Q1, seed="other")
    assert again.id == first.id and again.seed == "5eed"
    assert AuditVisit.select().count() == first.sample_size


def test_the_same_seed_draws_the_same_sample(planted):
    audit = audits.run(planted["staff"][0], planted["community"], *Q1, seed="c0ffee", sample_size=6)
    visits = [v.record_id for v in AuditVisit.select().where(AuditVisit.audit == audit.id).order_by(AuditVisit.draw_order)]
    assert len(visits) == 6 == len(set(visits))
    assert audits.redraw(audit) == visits
    weights = {int(k): w for k, w in audit.weights.items()}
    assert audit_flags.draw(weights, "c0ffee", 6) == visits
    assert audit_flags.draw(dict(reversed(list(weights.items()))), "c0ffee", 6) == visits  # order-proof
    assert audit_flags.draw(weights, "c0ffef", 6) != visits
    flagged = set().union(*planted["ids"].values())
    assert all(weights[rid] > 1 for rid in flagged) and weights[planted["ordinary"].id] == 1


def test_the_draw_leans_towards_flagged_records():
    weights = {rid: (9 if rid <= 5 else 1) for rid in range(1, 51)}
    drawn = Counter(rid for seed in range(300) for rid in audit_flags.draw(weights, f"{seed:x}", 5))
    flagged_rate = sum(drawn[rid] for rid in range(1, 6)) / 5
    plain_rate = sum(drawn[rid] for rid in range(6, 51)) / 45
    assert flagged_rate > 3 * plain_rate


def test_visits_are_shared_out_and_the_coordinators_told(planted):
    audit = audits.run(None, planted["community"], *Q1, seed="1", sample_size=5)
    assignees = Counter(v.assignee_id for v in AuditVisit.select().where(AuditVisit.audit == audit.id))
    assert assignees == {planted["staff"][0].id: 3, planted["staff"][1].id: 2}
    told = [m.payload for m in OutboxMessage.select() if m.payload.get("template_key") == "coordinator_alert"]
    assert sorted(p["member_ids"][0] for p in told) == sorted(s.id for s in planted["staff"])


def test_a_disputed_visit_reverses_the_record_and_the_passbook_shows_it(planted):
    coordinator = planted["staff"][0]
    audit = audits.run(coordinator, planted["community"], *Q1, seed="abc", sample_size=15)
    visit = AuditVisit.get(AuditVisit.audit == audit.id, AuditVisit.record.in_(planted["ids"]["pair_repeat"]))
    record = visit.record
    volunteer_household = Household.get_by_id(record.volunteer.household_id)
    before = ledger.household_account(volunteer_household.id).posted_minutes
    done = audits.record_outcome(coordinator, visit, outcome="disputed", notes="王阿姨说那天没人来修", method="phone")
    assert done.status == "disputed" and done.method == "phone" and done.reversal_id is not None
    reversal = Transfer.get_by_id(done.reversal_id)
    assert reversal.code == "reversal" and reversal.reverses_id == record.transfer_id
    assert reversal.idempotency_key == f"audit:{audit.id}:record:{record.id}:reversal"
    assert "2026年第1季度检查抽样走访未能证实" in reversal.reason
    assert ServiceRecord.get_by_id(record.id).status == "reversed"
    assert ledger.household_account(volunteer_household.id).posted_minutes == before - record.credited_minutes
    line = passbook.passbook(volunteer_household)["entries"][0]
    assert line["code_label"] == "冲正" and line["minutes"] == -record.credited_minutes
    assert line["reverses_transfer_id"] == record.transfer_id and "未能证实" in line["reason"]
    # recording it again moves nothing; a different outcome is refused
    assert audits.record_outcome(coordinator, AuditVisit.get_by_id(visit.id), outcome="disputed",
                                 notes="王阿姨说那天没人来修").reversal_id == reversal.id
    assert Transfer.select().where(Transfer.code == "reversal").count() == 1
    with pytest.raises(Conflict):
        audits.record_outcome(coordinator, AuditVisit.get_by_id(visit.id), outcome="confirmed")
    assert MemberYear.get(MemberYear.member == record.volunteer_id).minutes == 240 - 60  # one of four reversed
    assert ledger_verify.verify(planted["community"].id) == []


def test_a_dispute_needs_notes_and_a_closed_audit_takes_no_outcome(planted):
    coordinator = planted["staff"][0]
    audit = audits.run(coordinator, planted["community"], *Q1, seed="abc", sample_size=2)
    first, second = AuditVisit.select().where(AuditVisit.audit == audit.id).order_by(AuditVisit.draw_order)
    with pytest.raises(RuleBroken) as refused:
        audits.record_outcome(coordinator, first, outcome="disputed", notes="")
    assert refused.value.field == "notes"
    audits.record_outcome(coordinator, first, outcome="confirmed", notes="属实")
    with pytest.raises(RuleBroken):
        audits.close(coordinator, audit)  # one visit still pending
    audits.record_outcome(coordinator, second, outcome="confirmed")
    assert audits.close(coordinator, audit).status == "closed"
    with pytest.raises(Conflict):
        audits.record_outcome(coordinator, AuditVisit.get_by_id(second.id), outcome="disputed", notes="后来又说没来")


def test_spent_hours_wait_for_the_reversal_and_a_retry_reverses(planted):
    coordinator = planted["staff"][0]
    audit = audits.run(coordinator, planted["community"], *Q1, seed="abc", sample_size=15)
    visit = AuditVisit.get(AuditVisit.audit == audit.id, AuditVisit.record.in_(planted["ids"]["long_duration"]))
    volunteer = visit.record.volunteer
    household = Household.get_by_id(volunteer.household_id)
    spent = ledger.household_account(household.id).posted_minutes
    ledger_ops.donate(volunteer, minutes=spent, note="全部捐出", key="spend-all")
    waiting = audits.record_outcome(coordinator, visit, outcome="disputed", notes="服务对象说只来了一小时")
    assert waiting.status == "disputed" and waiting.reversal_id is None and "暂时无法冲正" in waiting.reversal_note
    assert ServiceRecord.get_by_id(visit.record_id).status == "credited"
    ledger_ops.adjust(coordinator, household, minutes=spent, reason="补足后冲正", key="refill")
    retried = audits.record_outcome(coordinator, waiting, outcome="disputed", notes="服务对象说只来了一小时")
    assert retried.reversal_id is not None and retried.reversal_note == ""
    assert ServiceRecord.get_by_id(visit.record_id).status == "reversed"


def test_a_ledger_that_does_not_verify_is_reported_and_its_record_flagged(planted):
    record = ServiceRecord.get_by_id(planted["ordinary"].id)
    entry = Entry.select().where(Entry.transfer == record.transfer_id).order_by(Entry.id).first()
    tamper(f"UPDATE entry SET minutes = minutes + 30 WHERE id = {entry.id}")
    audit = audits.run(None, planted["community"], *Q1, seed="1")
    assert not audit.ledger_ok and {"transfer_sums_to_zero", "chain_hash"} <= {v["rule"] for v in audit.violations}
    assert "ledger" in {f.kind for f in AuditFlag.select().where(AuditFlag.record == record.id)}


def test_a_quarter_still_running_cannot_be_audited(planted):
    clock.freeze(dt.datetime(2026, 3, 31, 12, 0))
    with pytest.raises(RuleBroken) as refused:
        audits.run(None, planted["community"], *Q1)
    assert refused.value.field == "quarter"


def test_agreement_visits_repeat_a_pair_without_a_flag():
    start = dt.datetime(2026, 2, 2, 9, 0)

    def record(n, source):
        return ServiceRecord(id=n, volunteer_id=1, recipient_id=2, witness_id=2, source=source, duration_minutes=60,
                             started_at=start + dt.timedelta(days=n), ended_at=start + dt.timedelta(days=n, hours=1))

    limits = {name: 5 for name in audit_flags.SETTINGS} | {"AUDIT_MAX_DURATION_MINUTES": 240}
    weekly = [record(n, "agreement") for n in range(1, 9)]
    assert audit_flags.find(weekly, limits) == []
    self_reported = [record(n, "self_report") for n in range(1, 6)]
    assert {f.kind for f in audit_flags.find(self_reported, limits)} == {"pair_repeat"}
