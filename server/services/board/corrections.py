"""更正: a coordinator puts right a credited record's times (a wrong check-out, a slip at the counter).

The ledger never changes an entry (docs/ledger.md, invariant 4), so a correction is two new
transfers in one transaction: a `reversal` of the record's credit and a corrected credit for the
new times, both carrying the correction's reason, keyed `correction:<id>:reversal` and
`correction:<id>:credit` (applying twice moves hours once). The corrected credit names the
credit it replaces (`corrects_transfer_id`) and the reversal between them (`reversal_id`); the
record now points at the corrected credit. Both post today, dated today, as every transfer
is: a record in a closed month is corrected in the current month (invariant 9).

The new times are checked as any service's are (`records.check_times`: one day, not ahead,
no overlap, the daily cap) and credited by the usual rules (rounding, the day's cap, the storage
cap with overflow to the love pool). A correction that changes the credited minutes by more than
CORRECTION_APPROVAL_MINUTES waits for a second coordinator of the community (or the admin) —
never the one who asked — to approve or reject it; one correction per record waits at a time.
The volunteer and the witness are told when it posts. A payback service (优先回馈) is not corrected
this way: its minutes were also the recipient household's spending, which a correction would leave as it
was; it is reversed and entered again.
"""

import datetime as dt

from peewee import IntegrityError

from server import clock, runtime
from server.db import database
from server.errors import Conflict, Forbidden, RuleBroken
from server.keyset import Keyset
from server.models import Correction, Member, ServiceRecord
from server.services.board import records
from server.services.ledger import core as ledger
from server.services.messaging import notifications
from server.services.people import privacy

STATUS_LABELS = {"pending": "待第二位工作人员审核", "applied": "已更正入账", "rejected": "未通过"}
LISTING_ORDER = Keyset(Correction.id, descending=True)


class CorrectionStateError(Conflict):
    rule = "correction_state"


def correction_for(viewer: Member, correction_id: int | Correction) -> Correction:
    """A correction, for the coordinators of its community (others: NotFound)."""
    correction_id = correction_id.id if isinstance(correction_id, Correction) else correction_id
    return privacy.coordinated(viewer, Correction, correction_id)


def listing(viewer: Member, *, status: str | None = None):
    """My community's corrections, newest first (a query: the API pages it)."""
    privacy.require_coordinator(viewer, viewer.community_id, "只有服务站可以查看更正")
    query = Correction.select().where(Correction.community == viewer.community_id)
    if status:
        query = query.where(Correction.status == status)
    return query.order_by(Correction.id.desc())


def _sized(record: ServiceRecord, start: dt.datetime, end: dt.datetime) -> tuple[int, int]:
    """(actual minutes, minutes a credit would now be) for the record at the new times, checked as any service."""
    minutes = records.check_times(record.volunteer_id, start, end, exclude_id=record.id)
    probe = ServiceRecord(id=record.id, volunteer=record.volunteer_id, started_at=start, duration_minutes=minutes)
    credited = records.creditable_minutes(probe)
    if credited <= 0:
        raise RuleBroken("这一天的时长上限已经记满，更正后没有可以存入的时间；如服务不属实请冲正", field="ended_at",
                         rule="daily_cap")
    return minutes, credited


def request(coordinator: Member, record: ServiceRecord, *, started_at: dt.datetime, ended_at: dt.datetime,
            reason: str) -> Correction:
    """Ask to correct a credited record's times: posted at once up to the threshold, else it waits for approval."""
    privacy.require_coordinator(coordinator, record.community_id, "只有本社区服务站可以更正服务记录")
    if record.status != "credited" or record.transfer_id is None:
        raise records.RecordStateError(
            f"这条记录现在是「{records.status_label(record.status)}」，只有已入账的记录可以更正时间")
    if record.source == "payback":
        raise RuleBroken("优先回馈服务的时长也是服务对象家庭的支出，不能只更正一边；请冲正后重新登记",
                         field="record_id", rule="payback_record")
    if (started_at, ended_at) == (record.started_at, record.ended_at):
        raise RuleBroken("更正后的时间和原来一样", field="started_at", rule="no_change")
    with database.atomic():
        _, credited = _sized(record, started_at, ended_at)
        try:
            with database.atomic():
                correction = Correction.create(
                    community=record.community_id, record=record.id, old_started_at=record.started_at,
                    old_ended_at=record.ended_at, old_minutes=record.credited_minutes or 0, started_at=started_at,
                    ended_at=ended_at, new_minutes=credited, reason=reason, requested_by=coordinator.id,
                    requested_at=clock.now())
        except IntegrityError:
            raise CorrectionStateError("这条记录已经有一项更正在等待审核", field="record_id") from None
        if needs_approval(correction):
            others = [m for m in privacy.coordinator_ids(record.community_id) if m != coordinator.id]
            if others:
                notifications.notify(others, f"correction:{correction.id}:asked", "coordinator_alert", {
                    "subject": "服务记录更正待审核",
                    "summary": f"{coordinator.name}申请更正记录#{record.id}：{reason}"[:60],
                    "when": clock.now(), "page": "pages/station/index"})
            return correction
        return _apply(correction, coordinator, decided_by=None)


def needs_approval(correction: Correction) -> bool:
    return abs(correction.new_minutes - correction.old_minutes) > runtime.setting("CORRECTION_APPROVAL_MINUTES")


def _second(coordinator: Member, correction: Correction, what: str) -> None:
    privacy.require_coordinator(coordinator, correction.community_id, f"只有本社区服务站可以{what}更正")
    if coordinator.id == correction.requested_by_id:
        raise Forbidden(f"申请更正的人不能自己{what}，请另一位工作人员{what}", rule="four_eyes")
    if correction.status != "pending":
        raise CorrectionStateError(f"这项更正已经{STATUS_LABELS[correction.status]}")


def approve(coordinator: Member, correction: Correction) -> Correction:
    """A second coordinator (or the admin) lets a large correction post."""
    _second(coordinator, correction, "审核通过")
    with database.atomic():
        return _apply(correction, coordinator, decided_by=coordinator)


def reject(coordinator: Member, correction: Correction, reason: str) -> Correction:
    _second(coordinator, correction, "驳回")
    moved = Correction.update(status="rejected", decided_by=coordinator.id, decided_at=clock.now(),
                              reject_reason=reason).where(Correction.id == correction.id,
                                                          Correction.status == "pending").execute()
    if moved != 1:
        raise CorrectionStateError("这项更正刚刚已经处理过了")
    return Correction.get_by_id(correction.id)


def _apply(correction: Correction, actor: Member, *, decided_by: Member | None) -> Correction:
    """Reverse the old credit and post the corrected one, linked; move the record; tell the volunteer and
    witness. Call in a transaction: any refusal (the hours spent, a closed period) leaves nothing behind."""
    record = ServiceRecord.get_by_id(correction.record_id)
    if record.status != "credited" or record.transfer_id is None:
        raise records.RecordStateError(f"这条记录现在是「{records.status_label(record.status)}」，不能再更正")
    old_transfer, old_minutes, old_start = record.transfer_id, record.credited_minutes or 0, record.started_at
    # Locked before the day is read, as a witness's confirmation: a confirmation of the same day at the same
    # moment then waits, or is waited for and read. (Read again when posting: the reversal moves them first.)
    records.lock_for_credit(record)
    minutes, credited = _sized(record, correction.started_at, correction.ended_at)  # sized again: the day may have filled
    reason = f"更正服务时间：{correction.reason}"[:300]
    reversal = ledger.reverse(old_transfer, key=f"correction:{correction.id}:reversal", reason=reason, actor=actor)
    record.started_at, record.ended_at, record.duration_minutes = correction.started_at, correction.ended_at, minutes
    credit = records.post_credit(record, credited, actor, key=f"correction:{correction.id}:credit", reason=reason,
                                 details={"correction_id": correction.id, "corrects_transfer_id": old_transfer,
                                          "reversal_id": reversal.id})
    moved = ServiceRecord.update(
        started_at=record.started_at, ended_at=record.ended_at, duration_minutes=minutes, credited_minutes=credited,
        transfer=credit.id, version=ServiceRecord.version + 1,
    ).where(ServiceRecord.id == record.id, ServiceRecord.status == "credited",
            ServiceRecord.transfer == old_transfer).execute()
    if moved != 1:
        raise records.RecordStateError("这条记录刚刚被别人更正或冲正了，请刷新")
    ledger.add_member_year(record.volunteer_id, old_start.year, -old_minutes)
    ledger.add_member_year(record.volunteer_id, record.started_at.year, credited)
    now = clock.now()
    settled = Correction.update(status="applied", new_minutes=credited, reversal=reversal.id, credit=credit.id,
                                decided_by=decided_by.id if decided_by else None, decided_at=now).where(
        Correction.id == correction.id, Correction.status == "pending").execute()
    if settled != 1:
        raise CorrectionStateError("这项更正刚刚已经处理过了")
    told = {record.volunteer_id}
    if record.witness_id:
        told.update(records.witness_and_proxies(Member.get_by_id(record.witness_id)))
    notifications.notify(sorted(told), f"correction:{correction.id}:applied", "record_corrected", {
        "service_date": record.started_at.date(), "old_minutes": old_minutes, "minutes": credited,
        "reason": correction.reason, "record_id": record.id})
    return Correction.get_by_id(correction.id)


def correction_view(correction: Correction) -> dict:
    names = dict(Member.select(Member.id, Member.name).where(
        Member.id.in_([i for i in (correction.requested_by_id, correction.decided_by_id) if i])).tuples())
    return {
        "id": correction.id, "record_id": correction.record_id, "status": correction.status,
        "status_label": STATUS_LABELS[correction.status],
        "old_started_at": correction.old_started_at, "old_ended_at": correction.old_ended_at,
        "old_minutes": correction.old_minutes, "started_at": correction.started_at, "ended_at": correction.ended_at,
        "new_minutes": correction.new_minutes, "change_minutes": correction.new_minutes - correction.old_minutes,
        "needs_approval": needs_approval(correction), "reason": correction.reason,
        "requested_by_name": names.get(correction.requested_by_id), "requested_at": correction.requested_at,
        "decided_by_name": names.get(correction.decided_by_id), "decided_at": correction.decided_at,
        "reject_reason": correction.reject_reason, "reversal_transfer_id": correction.reversal_id,
        "credit_transfer_id": correction.credit_id,
    }
