"""Service records (服务记录): report, witness, credit exactly once, dispute, approve, reject.

A record moves reported → confirmed → credited, or to disputed / rejected, and a
credited record may later be reversed. A service shorter than the rounding step counts
for nothing: its record is `too_short` (不足30分钟，不计时) from the start, or when it
would be credited, never "credited" with 0 minutes; a self-report that short is refused. Every move is a guarded UPDATE on the status, so
two witnesses tapping at once produce one confirmation and one credit. Crediting
applies the time-bank rules: actual minutes rounded down to a step, a per-member daily
cap, and the household storage cap with overflow to the love pool.
"""

import datetime as dt

from peewee import SQL, IntegrityError, fn

from server import clock, runtime
from server.db import Prepared, database, instance, is_postgres
from server.errors import Forbidden, NotFound, RuleBroken
from server.keyset import Keyset
from server.models import Household, Member, ServiceRecord
from server.services.board import catalog, network_tasks
from server.services.ledger import core as ledger
from server.services.messaging import content_safety, notifications, outbox
from server.services.people import core as people
from server.services.people import date_bounds, privacy, tokens, volunteers

QR_PURPOSE = "record-confirm"
OPEN_FOR_CONFIRMATION = ("reported",)
STATUS_LABELS = {
    "reported": "待见证人确认",
    "confirmed": "已确认，待服务站审核",
    "credited": "已存入存折",
    "disputed": "见证人有异议",
    "rejected": "未通过",
    "reversed": "已冲正",
    "withdrawn": "已撤回",
    "too_short": "不足{step}分钟，不计时",
    "redeemed": "已确认，已从存折扣除",
}


def status_label(status: str) -> str:
    """A record's status in words (too_short names the rounding step in force)."""
    return too_short_label() if status == "too_short" else STATUS_LABELS[status]


def too_short_label() -> str:
    return STATUS_LABELS["too_short"].format(step=runtime.setting("ROUNDING_STEP_MINUTES"))


def is_too_short(duration_minutes: int) -> bool:
    """Rounded down to the step, nothing is left."""
    return duration_minutes < runtime.setting("ROUNDING_STEP_MINUTES")


_settled_hooks = []


def on_settled(hook) -> None:
    """`hook(record)` runs in the transaction that credits a record (or confirms one awaiting approval):
    the task board moves its task along and settles a payback hold."""
    _settled_hooks.append(hook)


def _settled(record: ServiceRecord) -> None:
    for hook in _settled_hooks:
        hook(record)


class RecordStateError(RuleBroken):
    status = 409
    rule = "record_state"


# --- reading -------------------------------------------------------------------------


def record_for(viewer: Member, record_id: int | ServiceRecord) -> ServiceRecord:
    """Visible to the volunteer, the witness, the recipient's household and coordinators."""
    record = record_id if isinstance(record_id, ServiceRecord) else ServiceRecord.get_or_none(ServiceRecord.id == record_id)
    if record is None or not _may_see(viewer, record):
        raise NotFound()
    return record


def _may_see(viewer: Member, record: ServiceRecord) -> bool:
    if privacy.coordinates(viewer, record.community_id):
        return True
    if (record.volunteer_household_id is not None and viewer.community_id != record.community_id
            and privacy.coordinates(viewer, _community_of_household(record.volunteer_household_id))):
        return True  # a volunteer of a neighbouring community served (通存通兑): their station sees it too
    if viewer.id in (record.volunteer_id, record.witness_id, record.recipient_id):
        return True
    household = viewer.household_id
    return household is not None and household in (record.recipient_household_id, _household_of(record.witness_id))


_HOUSEHOLD_OF = Prepared(lambda member_id: Member.select(Member.household).where(Member.id == member_id))


def _community_of_household(household_id: int) -> int | None:
    return Household.select(Household.community).where(Household.id == household_id).scalar()


def _household_of(member_id: int | None) -> int | None:
    if member_id is None:
        return None
    return _HOUSEHOLD_OF.scalar(member_id)


LISTING_ORDER = Keyset(ServiceRecord.id, descending=True)  # newest first


def listing(viewer: Member, *, view: str, status: str | None = None):
    """The records a view shows (a query: the API pages it newest first by id)."""
    query = ServiceRecord.select()
    if view == "mine":
        query = query.where(ServiceRecord.volunteer == viewer.id)
    elif view == "to_confirm":
        proxied = Member.select(Member.id).where(
            Member.household == viewer.household_id, Member.openid.is_null(), Member.handle.is_null()
        ) if viewer.household_id else None
        condition = ServiceRecord.witness == viewer.id
        if proxied is not None:
            condition |= ServiceRecord.witness.in_(proxied)
        query = query.where(condition, ServiceRecord.status == "reported")
    elif view == "community":
        if not privacy.coordinates(viewer, viewer.community_id):
            raise Forbidden("只有服务站可以查看社区全部记录")
        query = query.where(ServiceRecord.community == viewer.community_id)
    if status:
        query = query.where(ServiceRecord.status == status)
    return query.order_by(ServiceRecord.id.desc())


# --- reporting -----------------------------------------------------------------------


def _minutes_between(start: dt.datetime, end: dt.datetime) -> int:
    return int((end - start).total_seconds() // 60)


def _check_day(volunteer_id: int, start: dt.datetime, end: dt.datetime, minutes: int, exclude_id=None) -> None:
    """No overlapping services; no more than the daily cap on one day."""
    day_start = dt.datetime.combine(start.date(), dt.time())
    same_day = ServiceRecord.select().where(
        ServiceRecord.volunteer == volunteer_id,
        ServiceRecord.status.not_in(["rejected", "reversed", "withdrawn"]),
        ServiceRecord.started_at >= day_start,
        ServiceRecord.started_at < day_start + dt.timedelta(days=1),
    )
    if exclude_id:
        same_day = same_day.where(ServiceRecord.id != exclude_id)
    used = 0
    for other in same_day:
        if other.started_at < end and start < other.ended_at:
            raise RuleBroken("这段时间您已经记录了另一项服务，同一时间只能记一项", field="started_at", rule="overlap")
        used += other.duration_minutes
    cap = runtime.setting("DAILY_CAP_MINUTES")
    if used + minutes > cap:
        raise RuleBroken(
            f"每人每天最多记{cap / 60:g}小时，这一天已记{used / 60:g}小时", field="ended_at", rule="daily_cap",
            cap_minutes=cap, used_minutes=used,
        )


def _check_witness(volunteer: Member, witness: Member) -> None:
    if witness.id == volunteer.id:
        raise RuleBroken("不能给自己的服务作见证，请请服务对象或家属确认", field="witness_member_id", rule="self_witness")
    if witness.household_id is not None and witness.household_id == volunteer.household_id:
        raise RuleBroken("家里人不能互相作见证，请请服务对象或服务站确认", field="witness_member_id", rule="family_witness")


def check_times(volunteer_id: int, start: dt.datetime, end: dt.datetime, *, exclude_id: int | None = None) -> int:
    """A service's times as every recorded one must be (a self-report, a counter entry, a correction): over
    by now, one day, since records began, long enough to count, overlapping none of the volunteer's other
    services and within the day's cap. Returns its minutes."""
    if end <= start:
        raise RuleBroken("结束时间要晚于开始时间", field="ended_at", rule="end_before_start")
    if end > clock.now() + dt.timedelta(minutes=5):
        raise RuleBroken("服务还没有结束，不能提前记录", field="ended_at", rule="future")
    if start.date() != end.date():
        raise RuleBroken("一条记录只能记同一天的服务，跨天请分开记", field="ended_at", rule="spans_days")
    date_bounds.service_day(start, "started_at")
    minutes = _minutes_between(start, end)
    if is_too_short(minutes):
        raise RuleBroken(f"这次服务{minutes}分钟，{too_short_label()}", field="ended_at", rule="too_short",
                         step_minutes=runtime.setting("ROUNDING_STEP_MINUTES"))
    _check_day(volunteer_id, start, end, minutes, exclude_id=exclude_id)
    return minutes


def report_fields(volunteer: Member, data: dict, *, exclude_id: int | None = None) -> dict:
    """The checked columns of a service reported for `volunteer` (by them, or at the station's counter)."""
    return _report_fields(volunteer, data, exclude_id=exclude_id)


def _report_fields(actor: Member, data: dict, *, exclude_id: int | None = None) -> dict:
    """A self-report's checked columns (a new report, or an edit of one awaiting its witness); call in a transaction."""
    volunteers.require_active(actor, "记录服务")
    start, end = data["started_at"], data["ended_at"]
    now = clock.now()
    minutes = check_times(actor.id, start, end, exclude_id=exclude_id)
    category, item = catalog.category_and_item(data["category_code"], data.get("item_code"))
    community = actor.community_id

    witness = None
    if data.get("witness_member_id"):
        witness = people.community_member(data["witness_member_id"], community, "witness_member_id")
        _check_witness(actor, witness)
    elif not (data.get("witness_name") and data.get("witness_phone")):
        raise RuleBroken("请填写见证人：选择社区里的人，或填写见证人姓名和电话", field="witness_member_id",
                         rule="witness_required")
    recipient = None
    if data.get("recipient_member_id"):
        recipient = people.community_member(data["recipient_member_id"], community, "recipient_member_id")
        if recipient.id == actor.id:
            raise RuleBroken("服务对象不能是自己", field="recipient_member_id", rule="self_service")
    backdate = dt.timedelta(days=runtime.setting("SELF_REPORT_BACKDATE_DAYS"))
    return dict(
        recipient=recipient, recipient_household=recipient.household_id if recipient else None,
        public_good=data.get("public_good", False) or recipient is None,
        category=category, item=item, place=data["place"], started_at=start, ended_at=end,
        duration_minutes=minutes, content=data["content"], witness=witness,
        witness_name=witness.name if witness else data["witness_name"],
        witness_phone="" if witness else data["witness_phone"],
        needs_approval=start < now - backdate, organiser=data.get("organiser") or "志愿者自主开展",
    )


def report(actor: Member, data: dict) -> ServiceRecord:
    """自主开展: a volunteer reports a service they organised, naming a witness, who is asked at once."""
    with database.atomic():
        fields = _report_fields(actor, data)
        record = ServiceRecord.create(
            community=actor.community_id, volunteer=actor.id, volunteer_household=actor.household_id,
            source="self_report", recorder=actor.id, created_at=clock.now(), **fields)
        if runtime.setting("WECHAT_APPID") and actor.openid:
            content_safety.request_check("self_report", record.id, actor, data["content"])
        ask_witness(record, actor.name, f"record:{record.id}:witness")
        return record


def _own_report(actor: Member, record: ServiceRecord, what: str) -> None:
    if actor.id != record.volunteer_id or record.source != "self_report":
        raise Forbidden(f"只有记录这次服务的志愿者可以{what}自己记录的服务")


def withdraw(actor: Member, record: ServiceRecord) -> ServiceRecord:
    """The volunteer takes back a self-report awaiting its witness: it frees its time and the day's cap,
    and any confirmation of it (a QR shown, a tap) no longer counts."""
    _own_report(actor, record, "撤回")
    moved = ServiceRecord.update(status="withdrawn", version=ServiceRecord.version + 1).where(
        ServiceRecord.id == record.id, ServiceRecord.status.in_(list(OPEN_FOR_CONFIRMATION))).execute()
    if moved != 1:
        raise RecordStateError(f"这条记录现在是「{STATUS_LABELS[_status(record.id)]}」，不能撤回")
    return ServiceRecord.get_by_id(record.id)


EDITABLE = ("category_code", "item_code", "place", "started_at", "ended_at", "content", "witness_member_id",
            "witness_name", "witness_phone", "recipient_member_id", "public_good", "organiser")


def edit(actor: Member, record: ServiceRecord, changes: dict) -> ServiceRecord:
    """The volunteer corrects a self-report before its witness confirms: checked like a new report, a new
    version (an older version's QR no longer confirms), and the witness is asked again."""
    _own_report(actor, record, "修改")
    current = {
        "category_code": record.category.code, "item_code": record.item.code if record.item_id else None,
        "place": record.place, "started_at": record.started_at, "ended_at": record.ended_at, "content": record.content,
        "witness_member_id": record.witness_id, "witness_name": record.witness_name if not record.witness_id else "",
        "witness_phone": record.witness_phone, "recipient_member_id": record.recipient_id,
        "public_good": record.public_good, "organiser": record.organiser,
    }
    if "witness_name" in changes or "witness_phone" in changes:
        current["witness_member_id"] = None
    if changes.get("witness_member_id"):
        current.update(witness_name="", witness_phone="")
    data = {**current, **changes}
    with database.atomic():
        fields = _report_fields(actor, data, exclude_id=record.id)
        moved = ServiceRecord.update(version=ServiceRecord.version + 1, **fields).where(
            ServiceRecord.id == record.id, ServiceRecord.version == record.version,
            ServiceRecord.status.in_(list(OPEN_FOR_CONFIRMATION))).execute()
        if moved != 1:
            raise RecordStateError(f"这条记录现在是「{STATUS_LABELS[_status(record.id)]}」，不能修改")
        edited = ServiceRecord.get_by_id(record.id)
        ask_witness(edited, actor.name, f"record:{record.id}:witness:v{edited.version}")
    return edited


def witness_and_proxies(witness: Member) -> list[int]:
    """The witness, or — for one without a phone of their own (亲情代理) — the family who confirm for them."""
    if witness.openid or witness.handle or witness.household_id is None:
        return [witness.id]
    return [m.id for m in Member.select(Member.id).where(Member.household == witness.household_id,
                                                          Member.erased_at.is_null())]


def ask_witness(record: ServiceRecord, volunteer_name: str, event_key: str) -> None:
    """The named witness (or their family) is asked to confirm at once, in the report's transaction.
    A witness who is not on the mini-program (name and phone only) is the station's to call."""
    if record.witness_id is None:
        return
    notifications.notify(witness_and_proxies(record.witness), event_key, "witness_request", {
        "volunteer": volunteer_name, "category": catalog.category_name(record.category_id),
        "minutes": record.duration_minutes, "record_id": record.id,
    })


def create_for_task(*, community_id: int, volunteer: Member, recipient: Member | None, category_id: int,
                    item_id: int | None, place: str, started_at, ended_at, content: str, source: str,
                    witness: Member | None, organiser: str, recorder_id: int | None) -> ServiceRecord:
    """Check-out, agreement visits and events make records with server-measured times.

    One too short to count is `too_short` at once: nobody is asked to confirm it.
    """
    minutes = _minutes_between(started_at, ended_at)
    too_short = is_too_short(minutes)
    return ServiceRecord.create(
        community=community_id, volunteer=volunteer.id, volunteer_household=volunteer.household_id, recipient=recipient,
        recipient_household=recipient.household_id if recipient else None, public_good=recipient is None,
        category=category_id, item=item_id, place=place, started_at=started_at, ended_at=ended_at,
        duration_minutes=minutes, content=content, witness=witness,
        witness_name=witness.name if witness else "", source=source, organiser=organiser, recorder=recorder_id,
        created_at=clock.now(), status="too_short" if too_short else "reported", credited_minutes=0 if too_short else None,
    )


def create_for_provider(*, task, provider, recipient: Member | None, started_at, ended_at, content: str,
                        recorder: Member) -> ServiceRecord:
    """A provider's visit as the coordinator records it: no volunteer, nobody to credit; the recipient
    (or family) confirms it like any record, and a payback hold is then spent (`redeem`)."""
    minutes = _minutes_between(started_at, ended_at)
    too_short = is_too_short(minutes)
    return ServiceRecord.create(
        community=task.community_id, volunteer=None, volunteer_household=None, provider=provider.id, task_id=task.id,
        recipient=recipient, recipient_household=task.recipient_household_id, public_good=False,
        category=task.category_id, item=task.item_id, place=task.place or task.building, started_at=started_at,
        ended_at=ended_at, duration_minutes=minutes, content=content, witness=recipient,
        witness_name=recipient.name if recipient else "", source="provider", organiser=provider.name,
        recorder=recorder.id, created_at=clock.now(), status="too_short" if too_short else "reported",
        credited_minutes=0 if too_short else None,
    )


# --- witnessing and crediting ------------------------------------------------------


def _confirmer(actor: Member, record: ServiceRecord) -> Member | None:
    """Whom the actor confirms for: the witness themself, or a family member without a phone (代理)."""
    if actor.id == record.volunteer_id or (
            record.volunteer_household_id is not None and actor.household_id == record.volunteer_household_id):
        raise Forbidden("服务者和家里人不能确认自己的服务")
    if record.witness_id is None:
        raise Forbidden("这条记录的见证人不在小程序上，请由服务站确认")
    if actor.id == record.witness_id:
        return None
    witness = record.witness
    if witness.household_id == actor.household_id and witness.openid is None and witness.handle is None:
        return witness
    raise Forbidden("只有见证人（或替没有手机的家人代办）才能确认")


def confirm(actor: Member, record: ServiceRecord, *, rating=None, comment="", via="tap") -> ServiceRecord:
    """The witness confirms (one tap, or by scanning the volunteer's QR): credited once.

    A late report (补录) is only marked confirmed: the coordinator's approval credits it.
    """
    return _confirmed(actor, record, _confirmer(actor, record), rating=rating, comment=comment, via=via)


def confirm_for_witness(witness: Member, record: ServiceRecord, *, via: str) -> ServiceRecord:
    """The witness's household confirms without the witness's phone (a code off their code card, via="code"):
    credited exactly as the witness's own tap or scan would be, the witness named as who confirmed."""
    if witness.household_id is not None and witness.household_id == record.volunteer_household_id:
        raise Forbidden("服务者和家里人不能确认自己的服务")
    return _confirmed(witness, record, None, via=via)


def _confirmed(actor: Member, record: ServiceRecord, confirmed_for: Member | None, *, rating=None, comment="",
               via: str) -> ServiceRecord:
    fields = {"confirmed_by": actor.id, "confirmed_at": clock.now(), "confirmed_via": via, "rating": rating,
              "confirmed_for": confirmed_for.id if confirmed_for else None, "comment": comment or ""}
    if record.source == "provider":
        _redeem(record, actor, OPEN_FOR_CONFIRMATION, "不能再确认", version=record.version, **fields)
    elif record.needs_approval:
        with database.atomic():
            _move(record, OPEN_FOR_CONFIRMATION, "不能再确认", version=record.version, status="confirmed", **fields)
            for name, value in fields.items():
                setattr(record, name, value)
            record.status = "confirmed"
            _settled(record)
    else:
        _credit(record, actor, OPEN_FOR_CONFIRMATION, "不能再确认", version=record.version, **fields)
    _know_names(record, actor, confirmed_for)
    return record


def _know_names(record: ServiceRecord, *members) -> None:
    """Note on the instance the names of people the service has in hand (its answer names them
    without asking the database again)."""
    known = record.__dict__.setdefault("known_names", {})
    known.update((member.id, member.name) for member in members if member is not None)


def confirm_by_qr(actor: Member, token: str, *, rating=None, comment="") -> ServiceRecord:
    record_id, version = tokens.read_versioned(QR_PURPOSE, token)
    record = ServiceRecord.get_or_none(ServiceRecord.id == record_id)
    if record is None:
        raise NotFound()
    if version is not None and version != record.version:
        raise RecordStateError("志愿者已经修改或撤回了这条记录，请让志愿者重新出示二维码")
    return confirm(actor, record, rating=rating, comment=comment, via="qr")


def qr_token(actor: Member, record: ServiceRecord) -> tuple[str, dt.datetime]:
    # A provider's visit: the coordinator who recorded it shows the code on the provider's behalf.
    shows = record.recorder_id if record.source == "provider" else record.volunteer_id
    if actor.id != shows:
        raise Forbidden("只有提供服务的志愿者可以出示确认二维码")
    if record.status != "reported":
        raise RecordStateError("这条记录已经不需要确认了")
    return tokens.issue(QR_PURPOSE, record.id, record.version), clock.now() + dt.timedelta(seconds=runtime.setting("QR_TOKEN_TTL_SECONDS"))


def dispute(actor: Member, record: ServiceRecord, reason: str) -> ServiceRecord:
    _confirmer(actor, record)
    moved = (
        ServiceRecord.update(status="disputed", dispute_reason=reason, confirmed_by=actor.id, confirmed_at=clock.now())
        .where(ServiceRecord.id == record.id, ServiceRecord.status == "reported")
        .execute()
    )
    if moved != 1:
        raise RecordStateError("这条记录现在不能提出异议")
    return ServiceRecord.get_by_id(record.id)


def approve(coordinator: Member, record: ServiceRecord) -> ServiceRecord:
    """The coordinator confirms (an outsider witness, a dispute resolved, a late report 补录)."""
    if not privacy.coordinates(coordinator, record.community_id):
        raise Forbidden("只有本社区服务站可以审核")
    settle = _redeem if record.source == "provider" else _credit
    settle(record, coordinator, ("reported", "confirmed", "disputed"), "不能审核通过",
           confirmed_by=coordinator.id, confirmed_at=clock.now(), confirmed_via="coordinator", needs_approval=False)
    return record


def reject(coordinator: Member, record: ServiceRecord, reason: str) -> ServiceRecord:
    if not privacy.coordinates(coordinator, record.community_id):
        raise Forbidden("只有本社区服务站可以审核")
    moved = (
        ServiceRecord.update(status="rejected", reject_reason=reason)
        .where(ServiceRecord.id == record.id, ServiceRecord.status.in_(["reported", "confirmed", "disputed"]))
        .execute()
    )
    if moved != 1:
        raise RecordStateError("这条记录已经入账或处理过，不能驳回；如有错误请冲正")
    return ServiceRecord.get_by_id(record.id)


def _status(record_id: int) -> str:
    return ServiceRecord.select(ServiceRecord.status).where(ServiceRecord.id == record_id).scalar()


_CONFIRM_CREDIT_FIELDS = ("status", "credited_minutes", "transfer", "confirmed_by", "confirmed_at", "confirmed_via",
                          "rating", "confirmed_for", "comment")
# The witness's confirmation is the hottest write of all: its UPDATE is rendered once. It confirms
# the version the witness was shown (the volunteer may have edited the report meanwhile).
def _confirm_credit(record_id, version, *values):
    return ServiceRecord.update(**dict(zip(_CONFIRM_CREDIT_FIELDS, values, strict=True))).where(
        ServiceRecord.id == record_id, ServiceRecord.version == version,
        ServiceRecord.status.in_(list(OPEN_FOR_CONFIRMATION)))


_CONFIRM_CREDIT = Prepared(_confirm_credit)
# PostgreSQL: the same UPDATE adds the credited minutes to the volunteer's yearly total and writes the
# volunteer's notification to the outbox in its WITH (two round trips fewer, with the community's chain head
# held). A refused UPDATE raises below, and the transaction takes both back with everything else.
def _counted_and_told(member_id, year, minutes, again, kind, key, payload, created_at, due_at) -> list:
    """The WITH queries adding the credited minutes to the volunteer's yearly total and writing the volunteer's
    notification to the outbox, for a statement that moves the record."""
    return [ledger.member_year_added(member_id, year, minutes, again).cte("counted"),
            outbox.emitting(kind, key, payload, created_at, due_at).cte("told")]


_CONFIRM_CREDIT_COUNTED_TOLD = Prepared(
    lambda member_id, year, minutes, again, kind, key, payload, created_at, due_at, record_id, version, *values:
    _confirm_credit(record_id, version, *values).with_cte(
        *_counted_and_told(member_id, year, minutes, again, kind, key, payload, created_at, due_at)))


def _a_witness_confirmation(from_statuses, version: int | None, fields: dict) -> bool:
    return tuple(from_statuses) == OPEN_FOR_CONFIRMATION and set(fields) == set(_CONFIRM_CREDIT_FIELDS) \
        and version is not None


def _move(record: ServiceRecord, from_statuses, refusal: str, *, version: int | None = None,
          also: tuple[tuple, list] | None = None, **fields) -> None:
    """A guarded status change: it happens for exactly one caller, whoever comes first (and, given
    `version`, only for that version of the record). `also` (a witness's confirmation on PostgreSQL): the
    yearly total (member, year, minutes) and the outbox row (`outbox.emitting`'s values) written by the
    same statement."""
    if _a_witness_confirmation(from_statuses, version, fields):
        values = [fields[name] for name in _CONFIRM_CREDIT_FIELDS]
        if also is not None:
            (member_id, year, minutes), told = also
            moved = _CONFIRM_CREDIT_COUNTED_TOLD.rowcount(member_id, year, minutes, minutes, *told, record.id,
                                                          version, *values)
        else:
            moved = _CONFIRM_CREDIT.rowcount(record.id, version, *values)
    else:
        query = ServiceRecord.update(**fields).where(ServiceRecord.id == record.id,
                                                     ServiceRecord.status.in_(list(from_statuses)))
        moved = (query if version is None else query.where(ServiceRecord.version == version)).execute()
    if moved != 1:
        if version is not None and _status(record.id) in OPEN_FOR_CONFIRMATION:
            raise RecordStateError("志愿者刚刚修改了这条记录，请刷新后再确认")
        raise RecordStateError(f"这条记录现在是「{status_label(_status(record.id))}」，{refusal}")


def _credited_that_day(volunteer_id, start, end, record_id):
    """The minutes credited to the volunteer for services that began in [start, end), `record_id` aside."""
    return ServiceRecord.select(fn.COALESCE(fn.SUM(ServiceRecord.credited_minutes), 0)).where(
        ServiceRecord.volunteer == volunteer_id, ServiceRecord.status == "credited",
        ServiceRecord.started_at >= start, ServiceRecord.started_at < end, ServiceRecord.id != record_id)


# Crediting reads, in one query, the volunteer's name (the passbook prints who served) and
# the minutes already credited to them that day (the daily cap).
_VOLUNTEER_AND_DAY = Prepared(lambda volunteer_id, *day: Member.select(
    Member.id, Member.name, _credited_that_day(volunteer_id, *day)).where(Member.id == volunteer_id).tuples())


def _day_of(record: ServiceRecord) -> tuple[dt.datetime, dt.datetime]:
    """The bounds of the day the record's service began on (the daily cap's)."""
    day_start = dt.datetime.combine(record.started_at.date(), dt.time())
    return day_start, day_start + dt.timedelta(days=1)


def _creditable(record: ServiceRecord, used) -> int:
    """The record's actual minutes rounded down to the step, no more than the day's cap leaves after `used`."""
    step = runtime.setting("ROUNDING_STEP_MINUTES")
    cap = runtime.setting("DAILY_CAP_MINUTES")
    return min(record.duration_minutes // step * step, max(0, cap - int(used or 0)) // step * step)


def creditable_minutes(record: ServiceRecord) -> int:
    """What crediting `record` as it stands would credit: its minutes rounded down, within the day's cap."""
    return _volunteer_and_minutes(record)[1]


def _volunteer_and_minutes(record: ServiceRecord) -> tuple[Member, int]:
    """The volunteer, and the record's actual minutes rounded down to the step, no more than the day's cap leaves."""
    member_id, name, used = _VOLUNTEER_AND_DAY.tuples(record.volunteer_id, *_day_of(record), record.id)[0]
    return instance(Member, {"id": member_id, "name": name}), _creditable(record, used)


def _credit(record: ServiceRecord, actor: Member, from_statuses, refusal: str, *, version: int | None = None,
            **fields) -> None:
    """Post the record's credit once (key `record:<id>:credit`) and move it to credited (guarded).

    The transfer goes first so the status, minutes and transfer are one UPDATE; if another
    confirmation won the race, the guarded UPDATE refuses and everything rolls back.
    """
    date_bounds.since_records_began(record.started_at, "started_at")  # also a record stored before the rule
    settled = {**fields, "status": None, "credited_minutes": None, "transfer": None}
    if is_postgres() and _a_witness_confirmation(from_statuses, version, settled):
        try:
            _credit_at_once(record, actor, version, settled)
            return
        except ledger.Unplanned:
            pass  # rolled back, nothing of it stands: the way below decides (a crossing, a refusal, a replay)
    with database.atomic():
        # What the credit posts to is locked before the day's credited minutes are read: on PostgreSQL two
        # confirmations of one volunteer's services of one day wait here for each other, and the second reads
        # what the first credited (the daily cap). Read first, both saw the day as it was and both were credited.
        locked = lock_for_credit(record)
        volunteer, minutes = _volunteer_and_minutes(record)
        transfer = _credit_transfer(record, volunteer, minutes, actor, locked=locked) if minutes else None
        # Reported before too short a service was refused or named at check-out: named now.
        status = "too_short" if is_too_short(record.duration_minutes) else "credited"
        fields.update(status=status, credited_minutes=minutes, transfer=transfer.id if transfer else None)
        if minutes:
            year_total = (volunteer.id, record.started_at.year, minutes)
            told = _credited_message(record, minutes, int(transfer.details.get("overflow_minutes") or 0))
        if minutes and is_postgres() and _a_witness_confirmation(from_statuses, version, fields):
            _move(record, from_statuses, refusal, version=version,
                  also=(year_total, notifications.notification_row(volunteer.id, *told)), **fields)
        else:
            _move(record, from_statuses, refusal, version=version, **fields)
            if minutes:
                ledger.add_member_year(*year_total)
                notifications.notify([volunteer.id], *told)
        for name, value in fields.items():
            setattr(record, name, value)
        _know_names(record, actor, volunteer)  # before the hook: a payback's hold names who served
        _settled(record)


def _credit_at_once(record: ServiceRecord, actor: Member, version: int, fields: dict) -> None:
    """PostgreSQL, a witness's confirmation of a service in the volunteer's own community: `_credit` in two
    statements. The first locks the accounts and then the chain head, draws the transfer's id and reads the
    volunteer's name and day; the second writes the transfer, the balances, the entries and the chain head, the
    yearly total, the message and the record. The community's rows are held for the two statements and the
    COMMIT, not for five statements and the COMMIT (docs/ledger.md, "A credit in two statements").

    The day is read before the locks are held (in the first statement's snapshot), so the second statement
    moves the record only if the day's credited minutes are still what was read: a confirmation of the same
    volunteer's day that committed while this one waited for the household's account is seen there, and this
    one goes the step-by-step way, which reads the day after the locks. That, and anything else not as planned
    (a volunteer of another community, nothing left of the day's cap, the key or the record taken meanwhile, a
    closed month) raises ledger.Unplanned after the transaction rolled back."""
    day_start, day_end = _day_of(record)
    with database.atomic():
        held = ledger.credit_accounts_and_head(
            record.volunteer_household_id, record.community_id, also_lock=record.recipient_household_id,
            reading=_CREDIT_LOCKING_AND_DAY, params=(record.volunteer_id, record.volunteer_id, day_start, day_end,
                                                     record.id))
        if held is None:
            raise ledger.Unplanned("the volunteer's household is of another community")
        target, issuance, pool, chain, transfer_id, (name, used) = held
        minutes = _creditable(record, used)
        if not minutes:
            raise ledger.Unplanned("nothing to credit")
        volunteer = instance(Member, {"id": record.volunteer_id, "name": name})
        planned = ledger.planned_posting(
            community_id=target.community_id, code=_credit_code(record), key=f"record:{record.id}:credit",
            body={"record": record.id, "minutes": minutes}, legs_for=_credit_legs(target, issuance, pool, minutes),
            transfer_id=transfer_id, accounts=[target, issuance, pool], chain=chain, actor=actor,
            record_id=record.id, details=passbook_details(record, volunteer))
        transfer = planned.transfer
        # credited (a service too short for a step has no minutes, and went the step-by-step way above)
        fields.update(status="credited", credited_minutes=minutes, transfer=transfer.id)
        overflow = int(transfer.details.get("overflow_minutes") or 0)
        told = notifications.notification_row(volunteer.id, *_credited_message(record, minutes, overflow))
        try:
            done = _credit_statement(planned.shape).tuples(
                *planned.params, volunteer.id, record.started_at.year, minutes, minutes, *told,
                record.volunteer_id, day_start, day_end, record.id, int(used), record.id, version,
                *[fields[name] for name in _CONFIRM_CREDIT_FIELDS])
        except IntegrityError as exc:
            raise ledger.Unplanned(str(exc)) from None  # the key taken (the entries' foreign key), a closed month
        if done != [(1, 1)]:
            raise ledger.Unplanned(f"written {done}")  # the record or the day moved meanwhile, or an account
        record.credited_in, record.crossing = target.community_id, {}
        for name, value in fields.items():
            setattr(record, name, value)
        _know_names(record, actor, volunteer)  # before the hook: a payback's hold names who served
        _settled(record)


_CREDIT_LOCKING_AND_DAY = Prepared(
    lambda household_id, also_household_id, community_id, volunteer_id, *day: ledger.credit_locking(
        household_id, also_household_id, community_id,
        Member.select(Member.name).where(Member.id == volunteer_id), _credited_that_day(*day)))
_CREDIT_STATEMENTS: dict[tuple, Prepared] = {}


def _credit_statement(shape: tuple) -> Prepared:
    """`_credit_at_once`'s write for a posting of `shape`: the posting's WITH queries, the yearly total's and the
    message's, and the record's UPDATE, guarded by its version and status and by the volunteer's day still
    holding the minutes read, which answers how many transfers were inserted and chain heads moved (one each),
    or nothing when the record did not move."""
    prepared = _CREDIT_STATEMENTS.get(shape)
    if prepared is None:
        def statement(*params):
            ctes, rest = ledger.planned_ctes(shape, params)
            counted_and_told = _counted_and_told(*rest[:9])
            volunteer_id, start, end, same_record, used, record_id, version, *values = rest[9:]
            return _confirm_credit(record_id, version, *values).where(
                _credited_that_day(volunteer_id, start, end, same_record) == used).with_cte(
                *ctes, *counted_and_told).returning(
                SQL('(SELECT COUNT(*) FROM "inserted")'), SQL('(SELECT COUNT(*) FROM "advanced")'))

        prepared = _CREDIT_STATEMENTS[shape] = Prepared(statement)
    return prepared


def _redeem(record: ServiceRecord, actor: Member, from_statuses, refusal: str, *, version: int | None = None,
            **fields) -> None:
    """A provider's service confirmed: `redeemed` for its minutes rounded down to the step, and no transfer
    (nobody is credited: no service_credit, no yearly totals, no stars). The settled hook spends the
    payback hold for those minutes (at most the held ones; the rest released)."""
    step = runtime.setting("ROUNDING_STEP_MINUTES")
    minutes = record.duration_minutes // step * step
    with database.atomic():
        fields.update(status="redeemed" if minutes else "too_short", credited_minutes=minutes)
        _move(record, from_statuses, refusal, version=version, **fields)
        for name, value in fields.items():
            setattr(record, name, value)
        _settled(record)
    _know_names(record, actor)


def _credited_message(record: ServiceRecord, minutes: int, overflow: int) -> tuple:
    """The volunteer's message that `minutes` were credited for `record` (`notify`'s event, template and data)."""
    return (f"record:{record.id}:credited", "hours_credited", {
        "category": catalog.category_name(record.category_id), "minutes": minutes,
        "outcome": credit_outcome(minutes, overflow)})


def credit_outcome(minutes: int, overflow: int) -> str:
    """Where a credit went, in the volunteer's message (at most 20 characters: WeChat's `thing`)."""
    if overflow >= minutes:
        return "您家存折已达上限，全部转入爱心池"
    if overflow:
        return f"其中{overflow}分钟转入爱心池（存折已达上限）"
    return "已存入您家的爱心存折"


def credit_at_desk(coordinator: Member, record: ServiceRecord) -> ServiceRecord:
    """柜台登记 with the paper signature held at the station: the coordinator's entry credits it (via "paper")."""
    privacy.require_coordinator(coordinator, record.community_id, "只有本社区服务站可以登记")
    _credit(record, coordinator, OPEN_FOR_CONFIRMATION, "不能再登记入账", confirmed_by=coordinator.id,
            confirmed_at=clock.now(), confirmed_via="paper")
    return record


def post_credit(record: ServiceRecord, minutes: int, actor: Member, *, key: str, reason: str = "",
                details: dict | None = None, locked: tuple | None = None):
    """Post `minutes` for `record` (as it now stands) to the volunteer's household under `key`, the storage
    cap's overflow to the love pool; the caller moves the record and keeps the yearly totals. `locked`:
    `lock_for_credit(record)`'s answer, when nothing has posted to those accounts since."""
    volunteer = Member.get_by_id(record.volunteer_id)
    return _credit_transfer(record, volunteer, minutes, actor, key=key, reason=reason, details=details, locked=locked)


def lock_for_credit(record: ServiceRecord) -> tuple:
    """The accounts crediting `record` posts to (household, issuance, love pool), its chain head (None when
    `post` takes it) and the crossing's details ({} at home), what a crossing touches locked too.

    Every credit takes these locks before it reads the volunteer's day (`creditable_minutes`): on PostgreSQL
    two credits of one volunteer's day then wait for each other, and the second reads what the first
    credited (the daily cap; docs/ledger.md)."""
    # PostgreSQL: locked at once when the volunteer is of the record's community (the usual case), with the
    # recipient household's account, which a payback's hold spends next in this transaction.
    target, issuance, pool, chain = ledger.accounts_for_credit(record.volunteer_household_id, record.community_id,
                                                               also_lock=record.recipient_household_id)
    crossing = {}
    if target.community_id != record.community_id:
        # A volunteer of a neighbouring community served a payback opened to the network (通存通兑): credited in
        # their own community, naming the one served; the hold then posts through both clearing accounts. Lock
        # what both postings touch now, accounts then chain heads in id order, as every posting does.
        crossing = network_tasks.crossing_details(record.community_id, target.community_id)
        households = [record.recipient_household_id] if record.recipient_household_id is not None else []
        ledger.lock_crossing([record.community_id, target.community_id], [target.id, issuance.id, pool.id], households)
    return target, issuance, pool, chain, crossing


def _credit_transfer(record: ServiceRecord, volunteer: Member, minutes: int, actor: Member, *, key: str | None = None,
                     reason: str = "", details: dict | None = None, locked: tuple | None = None):
    target, issuance, pool, chain, crossing = locked or lock_for_credit(record)
    # What the settled hook needs to post a payback's hold in the same transaction, without asking again:
    # where the volunteer was credited (the serving community) and what the crossing's transfers say.
    record.credited_in, record.crossing = target.community_id, crossing

    return ledger.post(
        community_id=target.community_id, code=_credit_code(record),
        key=key or f"record:{record.id}:credit", body={"record": record.id, "minutes": minutes}, reason=reason,
        legs_for=_credit_legs(target, issuance, pool, minutes), accounts=[target, issuance, pool], chain=chain,
        locked=chain is None and not crossing,
        actor=actor, record_id=record.id,
        details={**passbook_details(record, volunteer), **crossing, **(details or {})},
        counter_community_id=record.community_id if crossing else None,
        savepoint=False,  # the caller's transaction ends on any error
    )


def _credit_code(record: ServiceRecord) -> str:
    return "event_credit" if record.source == "event" else "service_credit"


def _credit_legs(target, issuance, pool, minutes: int):
    """A credit's `legs_for`: `minutes` from issuance to the household, above its storage cap to the love pool."""

    def legs_for(accounts):
        legs, overflow = ledger.credit_legs(accounts[issuance.id], accounts[target.id], accounts[pool.id], minutes,
                                             runtime.setting("HOUSEHOLD_CAP_MINUTES"))
        return legs, {"overflow_minutes": overflow, "note": ledger.overflow_note(overflow, minutes)}

    return legs_for


def passbook_details(record: ServiceRecord, volunteer: Member) -> dict:
    """What the passbook prints for this service (a snapshot: the passbook is a record of its time)."""
    return {
        "service_date": record.started_at.date().isoformat(),
        "started_at": record.started_at.isoformat(timespec="minutes"),
        "place": record.place,
        "content": record.content,
        "category": catalog.category_name(record.category_id),
        "duration_minutes": record.duration_minutes,
        "witness_name": record.witness_name or (record.witness.name if record.witness_id else ""),
        "served_by": volunteer.name,
        "served_by_id": volunteer.id,
    }


def reverse(coordinator: Member, record: ServiceRecord, *, reason: str, key: str) -> ServiceRecord:
    """Undo a credited record through the ledger (audit finding, mistake); the record says so."""
    if not privacy.coordinates(coordinator, record.community_id):
        raise Forbidden("只有本社区服务站可以冲正")
    if record.transfer_id is None:
        raise RecordStateError("这条记录没有入账，不需要冲正")
    with database.atomic():
        ledger.reverse(record.transfer_id, key=key, reason=reason, actor=coordinator)
        moved = ServiceRecord.update(status="reversed", reject_reason=reason).where(
            ServiceRecord.id == record.id, ServiceRecord.status == "credited").execute()
        if moved == 1:
            ledger.add_member_year(record.volunteer_id, record.started_at.year, -(record.credited_minutes or 0))
    return ServiceRecord.get_by_id(record.id)


def register() -> None:
    """What a content-safety check of a self-report's note does (server/hooks.py calls it once)."""
    content_safety.on_result("self_report")(_self_report_checked)


def _self_report_checked(object_id, result, check):
    """Review or risky wording: the record waits for the coordinator instead of the witness alone."""
    if content_safety.SEVERITY.get(result, 0) == 0:
        return
    record = ServiceRecord.get_or_none(ServiceRecord.id == object_id)
    if record is None:
        return
    ServiceRecord.update(needs_approval=True).where(ServiceRecord.id == object_id).execute()
    coordinators = privacy.coordinator_ids(record.community_id)
    if coordinators:
        notifications.notify(coordinators, f"record:{object_id}:held", "coordinator_alert", {
            "subject": "服务记录待审核", "summary": record.content[:30], "when": record.created_at,
            "page": "pages/station/index"})
