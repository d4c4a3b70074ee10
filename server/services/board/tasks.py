"""The task lifecycle, as an explicit state machine.

    open ──claim──▶ claimed ──check_in──▶ in_progress ──check_out──▶ done ──▶ confirmed ──▶ credited
      │  ◀─release─┘   │                        ▲                     │ (witness or coordinator
      │                │                        └──── check_in ◀──────┘  confirms the record)
      ├─cancel─▶ cancelled ◀─cancel─┘
      ├─expire─▶ expired                        claimed ──no_show──▶ no_show
      └◀─────────────────reopen (a request whose window is still ahead)─┘
                                                                  done ──▶ too_short (不足30分钟，不计时)

A service shorter than the rounding step counts for nothing: its task ends `too_short`
at check-out (or when its record would be credited) and a payback hold is released.

Every transition is one guarded UPDATE (`WHERE status IN (allowed)`), so of twenty
volunteers claiming at once exactly one wins, and an illegal transition answers 409
with the current state. Each writes a TaskEvent saying who acted and for whom.
Check-in and check-out times are the server's; check-out makes the service record.
Whenever a task (re)opens — released, or reopened after a no-show — matching is told in
the same transaction (server/services/board/matching.py) and asks volunteers after commit.
"""

import datetime as dt

from server import clock, runtime
from server.db import Prepared, database
from server.errors import Conflict, Forbidden, NotFound, RuleBroken
from server.models import (
    Member,
    Request,
    ServiceRecord,
    Task,
    TaskEvent,
    TaskVisit,
    Transfer,
    Volunteer,
    VolunteerTeam,
)
from server.services.board import matching, network_tasks, records
from server.services.ledger import core as ledger
from server.services.messaging import notifications
from server.services.people import privacy, tokens, volunteers

STATUS_LABELS = {
    "open": "等待志愿者接单",
    "claimed": "志愿者已接单",
    "in_progress": "服务中",
    "done": "服务已完成，待确认",
    "confirmed": "已确认，待审核",
    "credited": "时间已存入",
    "too_short": records.STATUS_LABELS["too_short"],
    "cancelled": "已取消",
    "expired": "已过期，无人接单",
    "no_show": "志愿者未到",
}
TRANSITIONS = {
    "claim": (("open",), "claimed", "接单"),
    "release": (("claimed",), "open", "放弃"),
    "check_in": (("claimed", "done"), "in_progress", "签到"),
    "check_out": (("in_progress",), "done", "签退"),
    "confirm": (("done",), "confirmed", "确认"),
    "credit": (("done", "confirmed"), "credited", "入账"),
    "cancel": (("open", "claimed"), "cancelled", "取消"),
    "expire": (("open",), "expired", "过期"),
    "no_show": (("claimed",), "no_show", "记为未到"),
    "reopen": (("no_show",), "open", "重新开放"),
    "too_short": (("done", "confirmed"), "too_short", "按不足时长结束"),
    # A coordinator's assignment (server/services/board/assignment.py): to a volunteer, who may decline,
    # or to a provider, whose service the coordinator reports.
    "assign": (("open",), "claimed", "指派"),
    "decline": (("claimed",), "open", "婉拒"),
    "report": (("claimed",), "done", "登记服务"),
}
CHECKIN_PURPOSE = "task-checkin"


# A task a provider (签约服务机构) took: its steps in words that name no volunteer.
PROVIDER_LABELS = {"claimed": "服务机构已接单", "done": "机构服务已登记，待确认", "credited": "服务已完成，已从存折扣除"}


def status_label(status: str, *, provider: bool = False) -> str:
    """A task's status in words (too_short names the rounding step in force)."""
    if provider and status in PROVIDER_LABELS:
        return PROVIDER_LABELS[status]
    return records.too_short_label() if status == "too_short" else STATUS_LABELS[status]


class IllegalTransition(Conflict):
    """The task is not in a state that allows this step."""

    rule = "illegal_transition"


def transition(task: Task, kind: str, *, actor: Member | None, on_behalf_of: Member | None = None, note: str = "",
               **fields) -> Task:
    """Move the task along one edge of the state machine, or refuse with its current state."""
    allowed, target, verb = TRANSITIONS[kind]
    with database.atomic():
        moved = (
            Task.update(status=target, **fields)
            .where(Task.id == task.id, Task.status.in_(list(allowed)))
            .execute()
        )
        if moved != 1:
            current = Task.select(Task.status).where(Task.id == task.id).scalar()
            raise IllegalTransition(f"这个任务现在是「{status_label(current)}」，不能{verb}", current_status=current)
        TaskEvent.create(
            task=task.id, kind=kind, from_status=task.status, to_status=target, actor=actor,
            # The volunteer concerned, also when the step clears it (a release names who gave the task back).
            on_behalf_of=on_behalf_of, volunteer=fields.get("volunteer") or task.volunteer_id, note=note, at=clock.now(),
        )
    task.status = target
    for name, value in fields.items():
        setattr(task, name, value)
    return task


def task_for(viewer: Member, task: Task | int) -> Task:
    """Visible to volunteers of its community (the board), the recipient's household and coordinators."""
    task = task if isinstance(task, Task) else Task.get_or_none(Task.id == task)
    if task is None:
        raise NotFound()
    if privacy.coordinates(viewer, task.community_id) or viewer.id == task.volunteer_id:
        return task
    if viewer.household_id is not None and viewer.household_id == task.recipient_household_id:
        return task
    if viewer.community_id == task.community_id and Volunteer.select().where(Volunteer.member == viewer.id).exists():
        return task
    if task.network_id is not None and network_tasks.may_see(viewer, task):
        return task  # a payback opened to the network: its other communities' volunteers (通存通兑)
    raise NotFound()


def claim(actor: Member, task: Task) -> Task:
    """First to claim wins (a guarded UPDATE); the recipient's family hears who is coming."""
    volunteer = volunteers.require_active(actor, "接单")
    if task.held:
        raise RuleBroken("这个求助正在等待服务站审核，暂时不能接单", rule="task_held")
    if task.recipient_household_id is not None and task.recipient_household_id == actor.household_id:
        raise RuleBroken("不能接自己家里的求助", rule="own_household")
    if task.team_id and not VolunteerTeam.select().where(
            VolunteerTeam.volunteer == volunteer.id, VolunteerTeam.team == task.team_id).exists():
        raise RuleBroken("这个任务需要特定服务队的志愿者", rule="team_required")
    if task.window_end < clock.now():
        raise RuleBroken("这个任务的服务时间已经过了", rule="window_passed")
    network_tasks.check_claim(actor, task)  # another community's volunteer: a network task, within the limits
    if task.reserved_until is not None and task.reserved_until > clock.now() and task.reserved_for_id != actor.id:
        raise RuleBroken(f"老人指定了服务人，{clock.aware(task.reserved_until):%m月%d日 %H:%M}后其他志愿者才能接单",
                         rule="reserved_for_preferred")
    with database.atomic():
        transition(task, "claim", actor=actor, volunteer=actor.id, claimed_at=clock.now())
        tell_family(task, actor.name)
    return task


def tell_family(task: Task, name: str) -> None:
    """The recipient's household hears who is coming: a volunteer (who claimed or was assigned) or a provider."""
    family = household_members(task.recipient_household_id)
    if not family:
        return
    if task.provider_id:
        notifications.notify(family, f"task:{task.id}:provider:{task.provider_id}", "coordinator_alert", {
            "subject": "服务有人来了", "summary": f"{name}将上门服务：{task.title}", "when": task.window_start,
            "page": f"pages/requests/detail?id={task.request_id or 0}"}, urgent=task.priority)
        return
    notifications.notify(family, f"task:{task.id}:claimed:{task.volunteer_id}", "task_claimed", {
        "category": task.title, "volunteer": name, "when": task.window_start,
        "request_id": task.request_id or 0,
    }, urgent=task.priority)


def household_members(household_id: int | None) -> list[int]:
    if household_id is None:
        return []
    return [m.id for m in Member.select(Member.id).where(Member.household == household_id, Member.erased_at.is_null())]


def release(actor: Member, task: Task) -> Task:
    """The volunteer gives the task back to the board (agreement visits go back to the coordinator)."""
    if actor.id != task.volunteer_id:
        raise Forbidden("只能放弃自己接的任务")
    if task.source == "agreement":
        raise RuleBroken("协议服务不能放弃，请联系服务站调整", rule="agreement_task")
    with database.atomic():
        transition(task, "release", actor=actor, volunteer=None, claimed_at=None)
        matching.task_opened(task)
    return task


def _open_visit(volunteer_id: int) -> TaskVisit | None:
    return TaskVisit.get_or_none(TaskVisit.volunteer == volunteer_id, TaskVisit.checked_out_at.is_null())


def checkin_token(actor: Member, task: Task) -> tuple[str, dt.datetime]:
    """The recipient's family (or the coordinator) shows this QR for the volunteer to scan."""
    if actor.household_id != task.recipient_household_id and not privacy.coordinates(actor, task.community_id):
        raise Forbidden("只有服务对象的家人或服务站可以出示签到码")
    ttl = dt.timedelta(seconds=runtime.setting("QR_TOKEN_TTL_SECONDS"))
    return tokens.issue(CHECKIN_PURPOSE, task.id), clock.now() + ttl


def check_in(actor: Member, task: Task, *, token: str | None = None) -> Task:
    """The server notes the time. With the recipient's (or coordinator's) QR the visit is vouched for."""
    if actor.id != task.volunteer_id:
        raise Forbidden("只有接单的志愿者可以签到")
    volunteers.require_active(actor, "签到")
    now = clock.now()
    method = "self"
    if token:
        if tokens.read(CHECKIN_PURPOSE, token) != task.id:
            raise RuleBroken("这个签到码不是这个任务的", field="token", rule="qr_wrong_task")
        method = "qr"
    early = dt.timedelta(minutes=runtime.setting("CHECKIN_EARLY_MINUTES"))
    if now < task.window_start - early:
        raise RuleBroken(f"还没到服务时间，最早可以提前{early.seconds // 60}分钟签到", rule="too_early")
    if task.source == "payback" and task.status == "done":
        raise RuleBroken("优先回馈服务只记一次签到签退", rule="payback_one_visit")
    pairs = TaskVisit.select().where(TaskVisit.task == task.id, TaskVisit.volunteer == actor.id,
                                     TaskVisit.day == now.date()).count()
    if pairs >= runtime.setting("CHECKIN_PAIRS_PER_DAY"):
        raise RuleBroken(f"同一任务每天最多签到{runtime.setting('CHECKIN_PAIRS_PER_DAY')}次", rule="checkin_pairs")
    if _open_visit(actor.id) is not None:
        raise RuleBroken("您还有一项服务没有签退，请先签退", rule="visit_open")
    with database.atomic():
        transition(task, "check_in", actor=actor, note=method)
        TaskVisit.create(task=task.id, volunteer=actor.id, day=now.date(), checked_in_at=now, checkin_method=method)
    return task


def check_out(actor: Member, task: Task) -> tuple[Task, ServiceRecord]:
    """The server notes the time and makes the service record; the recipient is asked to confirm."""
    if actor.id != task.volunteer_id:
        raise Forbidden("只有接单的志愿者可以签退")
    visit = TaskVisit.get_or_none(TaskVisit.task == task.id, TaskVisit.volunteer == actor.id,
                                  TaskVisit.checked_out_at.is_null())
    if visit is None:
        raise IllegalTransition(f"这个任务现在是「{status_label(task.status)}」，不能签退", current_status=task.status)
    now = clock.now()
    recipient = Member.get_by_id(task.recipient_id) if task.recipient_id else None
    with database.atomic():
        transition(task, "check_out", actor=actor)
        record = records.create_for_task(
            community_id=task.community_id, volunteer=actor, recipient=recipient, category_id=task.category_id,
            item_id=task.item_id, place=task.place or task.building, started_at=visit.checked_in_at, ended_at=now,
            content=task.description or task.title, source="agreement" if task.source == "agreement" else "task",
            witness=recipient, organiser="社区服务站", recorder_id=actor.id,
        )
        TaskVisit.update(checked_out_at=now, record=record.id).where(TaskVisit.id == visit.id).execute()
        if record.status == "too_short":
            close_too_short(task, record, actor=actor)
            return task, record
        witnesses = household_members(task.recipient_household_id)
        if witnesses:
            notifications.notify(witnesses, f"record:{record.id}:witness", "witness_request", {
                "volunteer": actor.name, "category": task.title, "minutes": record.duration_minutes,
                "record_id": record.id,
            })
    return task, record


def cancel(actor: Member, task: Task, *, reason: str = "", on_behalf_of: Member | None = None) -> Task:
    """The recipient's family or the coordinator cancels; a payback hold is released; the volunteer is told."""
    family = actor.household_id is not None and actor.household_id == task.recipient_household_id
    if not family and not privacy.coordinates(actor, task.community_id):
        raise Forbidden("只有服务对象的家人或服务站可以取消")
    volunteer_id = task.volunteer_id
    with database.atomic():
        transition(task, "cancel", actor=actor, on_behalf_of=on_behalf_of, note=reason[:200], closed_at=clock.now())
        _release_hold(task)
        if volunteer_id:
            notifications.notify([volunteer_id], f"task:{task.id}:cancelled", "coordinator_alert", {
                "subject": "服务已取消", "summary": f"{task.title}（{reason or '对方取消'}）",
                "when": task.window_start, "page": "pages/tasks/index",
            })
    return task


def _release_hold(task: Task) -> None:
    if task.source != "payback" or task.request_id is None:
        return
    request = Request.get_by_id(task.request_id)
    if request.hold_id and Transfer.get_by_id(request.hold_id).state == "pending":
        ledger.void_hold(request.hold_id)


def mark_no_show(actor: Member, task: Task, *, note: str = "") -> Task:
    """The volunteer did not come: it counts against them. A request whose time window is still
    ahead goes back on the board (the payback hold stays) and matching asks others; otherwise
    the task ends and a payback hold is released."""
    if not privacy.coordinates(actor, task.community_id):
        raise Forbidden("只有服务站可以记录未到")
    with database.atomic():
        transition(task, "no_show", actor=actor, note=note, closed_at=clock.now())
        if task.source in ("request", "payback") and task.window_end > clock.now():
            transition(task, "reopen", actor=actor, note="志愿者未到，重新找人", volunteer=None, provider=None,
                       claimed_at=None, closed_at=None)
            matching.task_opened(task)
        else:
            _release_hold(task)
    return task


def expire_overdue(now: dt.datetime | None = None) -> int:
    """Open tasks whose time window has passed expire (a payback hold is released). Idempotent."""
    now = now or clock.now()
    count = 0
    for task in Task.select().where(Task.status == "open", Task.window_end < now):
        try:
            with database.atomic():
                transition(task, "expire", actor=None, closed_at=now)
                _release_hold(task)
            count += 1
        except IllegalTransition:
            continue  # claimed a moment ago
    return count


def close_too_short(task: Task, record: ServiceRecord, *, actor: Member | None) -> None:
    """Its service was too short to count: the task ends so (a state of its own, its event saying
    how long the service was) and a payback hold is released in full."""
    note = f"服务{record.duration_minutes}分钟，{records.too_short_label()}"
    transition(task, "too_short", actor=actor, note=note, closed_at=clock.now())
    _release_hold(task)


# The settled hook runs in every confirmation's transaction: its reads are rendered once.
_TASK = Prepared(lambda task_id: Task.select().where(Task.id == task_id))
_TASK_OF_RECORD = Prepared(lambda record_id: Task.select(Task).join(TaskVisit, on=(TaskVisit.task == Task.id))
                           .where(TaskVisit.record == record_id).limit(1))
_HOLD_OF_REQUEST = Prepared(lambda request_id: Transfer.select(Transfer).join(Request, on=(Request.hold == Transfer.id))
                            .where(Request.id == request_id))


def on_record_settled(record: ServiceRecord) -> None:
    """A task's record was credited, found too short (or confirmed awaiting approval): move the task along.

    For a payback task the hold is spent now: the credited minutes, never more than held.
    """
    if record.source == "provider":
        task = _TASK.first(record.task_id)
    elif record.source in ("task", "agreement"):
        task = _TASK_OF_RECORD.first(record.id)
        if task is None:
            return
    else:
        return  # self-reports and events have no task
    if record.status == "too_short":
        if task.status in ("done", "confirmed"):
            close_too_short(task, record, actor=None)
    elif record.status in ("credited", "redeemed"):
        if task.status in ("done", "confirmed"):
            transition(task, "credit", actor=None, closed_at=clock.now())
        if task.source == "payback":
            hold = _HOLD_OF_REQUEST.first(task.request_id)
            if hold.state == "pending":
                spent = min(record.credited_minutes or 0, hold.minutes)
                details = {
                    "content": f"优先回馈：{task.title}", "place": task.place,
                    "duration_minutes": record.duration_minutes, "witness_name": record.witness_name,
                    "service_date": record.started_at.date().isoformat(),
                }
                if record.provider_id:  # a provider served: the passbook names it; nobody was credited
                    details.update(served_by=record.provider.name, provider=record.provider.name,
                                   provider_id=record.provider_id)
                else:
                    known = getattr(record, "known_names", {})  # the crediting noted the volunteer's name
                    details["served_by"] = known.get(record.volunteer_id) or record.volunteer.name
                # Where the credit just posted, and what its crossing said, when the crediting noted them.
                served_in = getattr(record, "credited_in", None) or network_tasks.serving_community(record)
                if served_in is not None and served_in != task.community_id:
                    details.update(getattr(record, "crossing", None)
                                   or network_tasks.crossing_details(task.community_id, served_in))
                ledger.post_hold(hold, minutes=spent, details=details, served_in=served_in)
    elif record.status == "confirmed" and task.status == "done":
        transition(task, "confirm", actor=None)
