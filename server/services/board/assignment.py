"""A coordinator assigns a task nobody took (指派): to a volunteer, who may decline, or to a provider.

    open ──assign (volunteer)──▶ claimed ──decline──▶ open (matching goes on, the coordinator is told)
    open ──assign (provider)───▶ claimed ──report_service──▶ done ──(recipient confirms)──▶ credited

Assigning writes the TaskEvent `assign` (the volunteer, or a note naming the provider) that the
redemption report counts as "assigned at", exactly like a claim. A volunteer is held to the claim's
rules (active, not their own household, in the task's team, window ahead) and is told at once; only a
volunteer the coordinator assigned may decline (one who claimed gives the task back with `release`).
A provider (签约服务机构) must be active, of the task's community and serve its category; the
requester's household is told who is coming. Its service is reported by the coordinator and
confirmed by the recipient or family like any record; a payback hold is then spent and nobody is
credited (server/services/board/records.py, `redeem`; docs/ledger.md).
"""

import datetime as dt

from server import clock
from server.db import database
from server.errors import Forbidden, NotFound, RuleBroken
from server.models import Member, Provider, ServiceRecord, Task, TaskEvent, Volunteer, VolunteerTeam
from server.services.board import matching, providers, records, tasks
from server.services.messaging import notifications
from server.services.people import core as people
from server.services.people import privacy


def _coordinator(actor: Member, task: Task) -> None:
    if not privacy.coordinates(actor, task.community_id):
        raise NotFound()  # another community's task: as if it did not exist


def assign(actor: Member, task: Task, *, volunteer_id: int | None = None, provider_id: int | None = None,
           note: str = "") -> Task:
    """Give an open task to one volunteer or one provider (exactly one of the two)."""
    _coordinator(actor, task)
    if bool(volunteer_id) == bool(provider_id):
        raise RuleBroken("请选择一位志愿者或一家签约服务机构（只选一个）",
                         field="provider_id" if volunteer_id else "volunteer_id", rule="assignee_required")
    if task.held:
        raise RuleBroken("这个求助正在等待审核，请先发布再指派", rule="task_held")
    if task.window_end < clock.now():
        raise RuleBroken("这个任务的服务时间已经过了", rule="window_passed")
    if volunteer_id:
        return _to_volunteer(actor, task, volunteer_id, note)
    return _to_provider(actor, task, provider_id, note)


def _to_volunteer(actor: Member, task: Task, volunteer_id: int, note: str) -> Task:
    member = people.community_member(volunteer_id, task.community_id, "volunteer_id")
    profile = Volunteer.get_or_none(Volunteer.member == member.id)
    if profile is None or profile.status != "active":
        raise RuleBroken(f"{member.name}现在不是在岗志愿者，不能指派", field="volunteer_id", rule="volunteer_not_active")
    if task.recipient_household_id is not None and task.recipient_household_id == member.household_id:
        raise RuleBroken("不能指派服务对象自己家里的人", field="volunteer_id", rule="own_household")
    if task.team_id and not VolunteerTeam.select().where(
            VolunteerTeam.volunteer == profile.id, VolunteerTeam.team == task.team_id).exists():
        raise RuleBroken("这个任务需要特定服务队的志愿者", field="volunteer_id", rule="team_required")
    with database.atomic():
        tasks.transition(task, "assign", actor=actor, note=note[:200], volunteer=member.id, claimed_at=clock.now())
        key = f"task:{task.id}:assigned:{member.id}:{_count(task, 'assign')}"
        notifications.notify([member.id], key, "coordinator_alert", {
            "subject": "协调员指派给您", "summary": f"{task.title}（不方便可以婉拒）", "when": task.window_start,
            "page": f"pages/tasks/detail?id={task.id}"}, urgent=task.priority)
        tasks.tell_family(task, member.name)
    return task


def _to_provider(actor: Member, task: Task, provider_id: int, note: str) -> Task:
    provider = Provider.get_or_none(Provider.id == provider_id)
    if provider is None or provider.community_id != task.community_id:
        raise RuleBroken("本社区没有这家签约服务机构", field="provider_id", rule="unknown_provider")
    if not provider.active:
        raise RuleBroken(f"「{provider.name}」已停用，不能指派", field="provider_id", rule="provider_inactive")
    if not providers.serves(provider, task.category_id):
        raise RuleBroken(f"「{provider.name}」不提供这类服务", field="provider_id", rule="provider_category")
    words = f"指派给签约服务机构：{provider.name}" + (f"；{note}" if note else "")
    with database.atomic():
        tasks.transition(task, "assign", actor=actor, note=words[:200], provider=provider.id, claimed_at=clock.now())
        tasks.tell_family(task, provider.name)
    return task


def _count(task: Task, kind: str) -> int:
    """How many times the task took this step: an event key per time (assigned, declined, assigned again
    is told again; the outbox's unique key would otherwise swallow the second message)."""
    return TaskEvent.select().where(TaskEvent.task == task.id, TaskEvent.kind == kind).count()


def assigned_event(task: Task) -> TaskEvent | None:
    """The coordinator's assignment the task's volunteer holds now (None if they claimed it themselves)."""
    if task.volunteer_id is None or task.status != "claimed":
        return None
    latest = (TaskEvent.select().where(TaskEvent.task == task.id, TaskEvent.kind.in_(("claim", "assign")))
              .order_by(TaskEvent.id.desc()).first())
    if latest is not None and latest.kind == "assign" and latest.volunteer_id == task.volunteer_id:
        return latest
    return None


def decline(actor: Member, task: Task, *, reason: str = "") -> Task:
    """婉拒: the assigned volunteer hands the task back; it returns to the board, matching goes on
    (not asking them again) and the coordinators hear it."""
    if actor.id != task.volunteer_id:
        raise Forbidden("只有被指派的志愿者可以婉拒")
    if assigned_event(task) is None:
        raise RuleBroken("这个任务是您自己接的，不需要婉拒；如不能去，请放弃任务", rule="not_assigned")
    with database.atomic():
        tasks.transition(task, "decline", actor=actor, note=reason[:200], volunteer=None, claimed_at=None)
        matching.task_opened(task)
        coordinators = privacy.coordinator_ids(task.community_id)
        if coordinators:
            key = f"task:{task.id}:declined:{actor.id}:{_count(task, 'decline')}"
            notifications.notify(coordinators, key, "coordinator_alert", {
                "subject": "志愿者婉拒了指派", "summary": f"{actor.name}：{task.title}（{reason or '未说明原因'}）",
                "when": task.window_start, "page": f"pages/station/assign/assign?task_id={task.id}"},
                urgent=task.priority)
    return task


def report_service(actor: Member, task: Task, *, started_at: dt.datetime, ended_at: dt.datetime,
                   content: str = "") -> ServiceRecord:
    """The coordinator records a provider's visit (times and what was done); the recipient or family is
    asked to confirm it like any record. Nobody is credited: a payback hold is spent on confirmation."""
    _coordinator(actor, task)
    if task.provider_id is None:
        raise RuleBroken("这个任务没有指派给签约服务机构", rule="not_provider_task")
    if ended_at <= started_at:
        raise RuleBroken("结束时间要晚于开始时间", field="ended_at", rule="end_before_start")
    if ended_at > clock.now() + dt.timedelta(minutes=5):
        raise RuleBroken("服务还没有结束，不能提前记录", field="ended_at", rule="future")
    if started_at.date() != ended_at.date():
        raise RuleBroken("一条记录只能记同一天的服务，跨天请分开记", field="ended_at", rule="spans_days")
    provider = Provider.get_by_id(task.provider_id)
    recipient = Member.get_by_id(task.recipient_id) if task.recipient_id else None
    with database.atomic():
        tasks.transition(task, "report", actor=actor, note=provider.name)
        record = records.create_for_provider(
            task=task, provider=provider, recipient=recipient, started_at=started_at, ended_at=ended_at,
            content=content or task.description or task.title, recorder=actor)
        if record.status == "too_short":
            tasks.close_too_short(task, record, actor=actor)
        else:
            records.ask_witness(record, provider.name, f"record:{record.id}:witness")
    return record
