"""Matching: when a task opens, ask the volunteers who fit it best; if nobody takes it, ask more, then the station.

    task opens ──▶ round 1: the best K not yet asked  (K = MATCH_TOP_K, MATCH_TOP_K_PAYBACK)
        │ unclaimed after ESCALATE_AFTER_MINUTES ──▶ round 2: the next K
        │ unclaimed after ALERT_AFTER_MINUTES    ──▶ the community's coordinators are alerted
        └ (payback tasks: the priority queue, the larger K, the *_PAYBACK timers, urgent messages)

A payback task reserved for its preferred volunteer (指定服务人, server/services/board/promise.py)
starts at round 0: only they are asked, until `Task.reserved_until` or until they pass or give it
back; then round 1 runs and the timers above count from the reservation's end.

A task opens when it is booked (or published after content review), released by its
volunteer, or reopened after a no-show; the services call `task_opened(task)` in that
transaction, which records a TaskOpening and emits round 1 to the outbox. The round's
job (`run_round`) ranks volunteers (server/services/board/match_score.py), stores each one
asked as a TaskCandidate with the score's breakdown and notifies them (`task_offer`,
event key with the task, opening and round). A re-run finds its candidates stored and
asks nobody twice. `escalate()` runs every few minutes: each step is a guarded UPDATE
on the opening (rounds 1 → 2, alerted_at NULL → now), so it happens once.

A payback opened to its network (通存通兑, server/services/board/network_tasks.py) is matched
across the network's communities whose limits leave room for its minutes, and has one more
round per opening (NETWORK_ROUND, `ask_network`): the best K volunteers of the *other*
communities, asked when it is opened to the network (or opens again), after any reservation.
A volunteer of another community reads 来自XX社区 in the offer.
"""

import datetime as dt
import logging

from peewee import JOIN

from server import clock, runtime
from server.db import database, is_postgres
from server.errors import Forbidden, RuleBroken
from server.models import (
    Community,
    Member,
    Task,
    TaskCandidate,
    TaskEvent,
    TaskOpening,
    Team,
    TeamCategory,
    Volunteer,
    VolunteerTeam,
)
from server.services.board import catalog, match_score
from server.services.ledger import networks
from server.services.messaging import notifications, outbox
from server.services.people import privacy
from server.services.recognition import stars

log = logging.getLogger(__name__)

KIND = "matching"
PRIORITY_KIND = "matching.priority"
# The network's other communities, asked once per opening of a payback opened to the network.
NETWORK_ROUND = 3

COMPONENT_LABELS = {"fit": "服务对口", "availability": "时间合适", "proximity": "住得近", "fairness": "轮流机会",
                    "reliability": "守约记录", "stars": "星级"}


def task_opened(task: Task) -> TaskOpening | None:
    """Call inside the transaction that puts a task (back) on the board; round 1 runs after commit.

    A task held for content review waits until it is published. The opening is named by
    the history row that opened the task, so reporting it twice records and emits it once.
    """
    if task.status != "open" or task.held:
        return None
    event_id = (TaskEvent.select(TaskEvent.id).where(TaskEvent.task == task.id, TaskEvent.to_status == "open")
                .order_by(TaskEvent.id.desc()).scalar())
    if event_id is None:
        log.warning("task %s is open without an opening event; not matched", task.id)
        return None
    now = clock.now()
    reserved = _reserved(task, now)
    TaskOpening.insert(task=task.id, opened_by=event_id, opened_at=now, priority=task.priority,
                       rounds=0 if reserved else 1).on_conflict_ignore().execute()
    opening = TaskOpening.get(TaskOpening.opened_by == event_id)
    TaskOpening.update(closed_at=now).where(TaskOpening.task == task.id, TaskOpening.id != opening.id,
                                            TaskOpening.closed_at.is_null()).execute()
    _emit_round(opening, min(opening.rounds, 1))
    if task.network_id is not None:
        ask_network(task, opening)
    return opening


def ask_network(task: Task, opening: TaskOpening | None = None) -> bool:
    """Call inside the transaction that opens a payback task to its network (or opens such a task again):
    the network round of the task's current opening runs after commit, or when the preferred volunteer's
    reservation ends. Once per opening (the outbox key names it). False when the task has no opening yet
    (held for review: `task_opened` asks when it is published)."""
    if opening is None:
        opening = TaskOpening.get_or_none(TaskOpening.task == task.id, TaskOpening.closed_at.is_null())
        if opening is None:
            return False
    now = clock.now()
    due = task.reserved_until if _reserved(task, now) else None
    outbox.emit(PRIORITY_KIND, f"task:{task.id}:opening:{opening.id}:round:{NETWORK_ROUND}",
                {"opening_id": opening.id, "round": NETWORK_ROUND}, due_at=due)
    return True


def _reserved(task: Task, now: dt.datetime) -> bool:
    """Is the task still reserved for its preferred volunteer? A reservation they gave back ends now."""
    if not task.reserved_for_id or task.reserved_until is None or task.reserved_until <= now:
        return False
    if task.reserved_for_id in gave_back(task.id):
        Task.update(reserved_until=now).where(Task.id == task.id).execute()
        task.reserved_until = now
        return False
    return True


def _emit_round(opening: TaskOpening, round_no: int) -> None:
    outbox.emit(PRIORITY_KIND if opening.priority else KIND, f"task:{opening.task_id}:opening:{opening.id}:round:{round_no}",
                {"opening_id": opening.id, "round": round_no})


# --- one round ------------------------------------------------------------------------


def run_round(opening_id: int, round_no: int) -> list[TaskCandidate]:
    """Ask this round's volunteers: the best not yet asked since the task opened. Safe to run twice."""
    with database.atomic():
        if is_postgres():  # one run per opening at a time; SQLite's write lock already serialises
            TaskOpening.select(TaskOpening.id).where(TaskOpening.id == opening_id).for_update().execute()
        opening = TaskOpening.get_or_none(TaskOpening.id == opening_id)
        if opening is None:
            return []
        task = Task.get_by_id(opening.task_id)
        if opening.closed_at is not None or task.status != "open" or task.held:
            return []  # claimed, cancelled or opened anew before this round ran
        chosen = _asked(opening.id, round_no)
        if not chosen:
            if round_no == 0:
                _choose_preferred(task, opening)
            elif round_no == NETWORK_ROUND:
                _choose_network(task, opening)
            else:
                _choose(task, opening, round_no)
            chosen = _asked(opening.id, round_no)
        if chosen:
            _offer(task, opening, round_no, chosen)
        elif round_no == 1:
            _alert(opening, task, nobody=True)  # nobody to ask: the station hears now, not hours later
        return chosen


def _asked(opening_id: int, round_no: int) -> list[TaskCandidate]:
    return list(TaskCandidate.select().where(TaskCandidate.opening == opening_id, TaskCandidate.round == round_no)
                .order_by(TaskCandidate.rank))


def gave_back(task_id: int) -> list[int]:
    """Volunteers who released this task, declined it, did not come or passed on it: not asked about it again."""
    return [row.volunteer_id for row in TaskEvent.select(TaskEvent.volunteer).where(
        TaskEvent.task == task_id, TaskEvent.kind.in_(("release", "no_show", "pass", "decline")), TaskEvent.volunteer.is_null(False))]


def _choose_preferred(task: Task, opening: TaskOpening) -> None:
    """Round 0: the preferred volunteer alone, while the task is reserved for them (and they still serve:
    one suspended meanwhile ends the reservation, and escalation's next run asks the others)."""
    now = clock.now()
    if not _reserved(task, now):
        return
    if not Volunteer.select().where(Volunteer.member == task.reserved_for_id, Volunteer.status == "active").exists():
        Task.update(reserved_until=now).where(Task.id == task.id).execute()
        return
    TaskCandidate.insert(task=task.id, opening=opening.id, round=0, rank=1, volunteer=task.reserved_for_id, total=0,
                         notified_at=clock.now(), components={"preferred": {
                             "score": 1, "weight": 0, "points": 0, "label": "指定服务人",
                             "note": f"老人指定，{clock.aware(task.reserved_until):%m月%d日 %H:%M}前只问这一位"}},
                         ).on_conflict_ignore().execute()


def _choose_network(task: Task, opening: TaskOpening) -> None:
    """The network round: the best K of the network's other communities whose limits leave room for the
    task's minutes (a volunteer who could not be credited is not asked). Not while it is reserved."""
    if task.network_id is None or _reserved(task, clock.now()):
        return
    room = networks.communities_with_room(task.community_id, task.estimated_minutes)
    if room:
        _choose(task, opening, NETWORK_ROUND, communities=room)


def _askable(task: Task) -> list[int] | None:
    """Whose volunteers an ordinary round may ask: the task's community (None), or for a payback opened to
    its network, it and the members its limits leave room for."""
    if task.network_id is None:
        return None
    return [task.community_id, *networks.communities_with_room(task.community_id, task.estimated_minutes)]


def search_words(task: Task) -> list[str]:
    """What a volunteer's specialties must mention to count: the item, or the category."""
    words = [catalog.category_name(task.category_id)]
    if task.item_id:
        words.append(catalog.item_name(task.item_id))
    return words


def best_candidates(task: Task, opening_id: int | None, *, now: dt.datetime,
                    communities: list[int] | None = None) -> list[tuple[float, dict, match_score.Facts]]:
    """This round's best (total, components, facts), best first: the same as a full scan's, read part by part
    — free in the task's building, then its area, … — until proven (match_score.best). Reads only
    (bench/matching.py times it). `communities`: whose volunteers are eligible, when not the task's own."""
    weights = runtime.setting("MATCH_WEIGHTS")
    top = runtime.setting("MATCH_TOP_K_PAYBACK" if task.priority else "MATCH_TOP_K")
    bits, words, exclude = match_score.window_bits(task.window_start, task.window_end), search_words(task), gave_back(task.id)
    return match_score.best(task, bits=bits, weights=weights, top=top, limit=max(top, runtime.setting("MATCH_SHORTLIST")),
                            words=words, now=now, exclude=exclude, opening_id=opening_id, communities=communities)


def _choose(task: Task, opening: TaskOpening, round_no: int, *, communities: list[int] | None = None) -> None:
    weights = runtime.setting("MATCH_WEIGHTS")
    now = clock.now()
    best = best_candidates(task, opening.id, now=now,
                           communities=communities if communities is not None else _askable(task))
    if not best:
        return
    notes = _notes(task, [facts for *_, facts in best])
    TaskCandidate.insert_many([
        {"task": task.id, "opening": opening.id, "round": round_no, "rank": n, "volunteer": facts.member_id,
         "total": total, "notified_at": now,
         "components": {name: {"score": round(value, 3), "weight": weights[name],
                               "points": round(weights[name] * value, 3), "label": COMPONENT_LABELS[name],
                               "note": notes[facts.member_id][name]} for name, value in parts.items()}}
        for n, (total, parts, facts) in enumerate(best, start=1)
    ]).on_conflict_ignore().execute()


def _notes(task: Task, chosen: list[match_score.Facts]) -> dict[int, dict[str, str]]:
    """Why, in words a coordinator reads: one short note per component and volunteer."""
    category = catalog.category_name(task.category_id)
    teams = _team_names(task, [facts.member_id for facts in chosen])
    notes = {}
    for facts in chosen:
        fit = []
        if facts.intention:
            fit.append(f"服务意向含「{category}」")
        if facts.team:
            fit.append("、".join(teams.get(facts.member_id, [])) or "所需服务队成员")
        if facts.specialty:
            fit.append("专长对口")
        level = stars.level(facts.year_minutes)
        notes[facts.member_id] = {
            "fit": "；".join(fit),
            "availability": "登记的空闲时段覆盖服务时间" if facts.available else "登记的空闲时段不含服务时间",
            "proximity": (f"同住{task.building}" if facts.proximity == match_score.NEAR_BUILDING
                          else f"同在{task.area}" if facts.proximity else "不在同楼或同片区"),
            "fairness": f"近{match_score.FAIRNESS_DAYS}天接单{facts.recent_claims}次",
            "reliability": f"完成{facts.completed}次，未到{facts.no_shows}次，放弃{facts.releases}次",
            "stars": f"年度服务{facts.year_minutes / 60:.1f}小时（{level}星）" if level else
                     f"年度服务{facts.year_minutes / 60:.1f}小时",
        }
    return notes


def _team_names(task: Task, member_ids: list[int]) -> dict[int, list[str]]:
    query = (VolunteerTeam.select(Volunteer.member, Team.name).join(Team).switch(VolunteerTeam)
             .join(Volunteer).where(Volunteer.member.in_(member_ids)))
    if task.team_id:
        query = query.where(Team.id == task.team_id)
    else:
        query = query.where(Team.id.in_(TeamCategory.select(TeamCategory.team).where(
            TeamCategory.category == task.category_id)))
    names: dict[int, list[str]] = {}
    for member_id, name in query.order_by(Team.id).tuples():
        names.setdefault(member_id, []).append(name)
    return names


def offer_data(task: Task, *, community_name: str | None = None) -> dict:
    """The `task_offer` message: the building only (the address shows once claimed). To a volunteer of
    another community (a payback opened to the network) it says whose: 来自XX社区, and the place with it."""
    category = catalog.category_name(task.category_id)
    data = {"category": f"优先回馈·{category}" if task.priority else category,
            "summary": (task.description or task.title)[:30], "when": task.window_start,
            "place": task.building or task.area or "本社区", "task_id": task.id}
    if community_name:
        data.update(origin=f"来自{community_name}，", place=f"{community_name}{task.building or task.area}")
    return data


def _offer(task: Task, opening: TaskOpening, round_no: int, chosen: list[TaskCandidate]) -> None:
    ids = [c.volunteer_id for c in chosen]
    key = f"task:{task.id}:offer:{opening.id}:{round_no}"
    across = []
    if task.network_id is not None:  # a payback opened to the network: some may live in another community
        across = [member_id for (member_id,) in Member.select(Member.id).where(
            Member.id.in_(ids), Member.community != task.community_id).tuples()]
    here = [member_id for member_id in ids if member_id not in across]
    if here:
        notifications.notify(here, key, "task_offer", offer_data(task), urgent=task.priority)
    if across:
        name = Community.select(Community.name).where(Community.id == task.community_id).scalar()
        notifications.notify(across, key, "task_offer", offer_data(task, community_name=name), urgent=task.priority)


# --- escalation -----------------------------------------------------------------------


def _timers(priority: bool) -> tuple[dt.timedelta, dt.timedelta]:
    suffix = "_PAYBACK" if priority else ""
    return (dt.timedelta(minutes=runtime.setting(f"ESCALATE_AFTER_MINUTES{suffix}")),
            dt.timedelta(minutes=runtime.setting(f"ALERT_AFTER_MINUTES{suffix}")))


def escalate(now: dt.datetime | None = None) -> dict[str, int]:
    """Open tasks past their timers: round 1 when a reservation ends, round 2, then the coordinators' alert —
    each once per opening."""
    now = now or clock.now()
    soonest = min(min(_timers(False)), min(_timers(True)))
    due = (TaskOpening.select(TaskOpening, Task).join(Task)
           .where(Task.status == "open", Task.held == False,  # noqa: E712 - SQL, not Python truthiness
                  TaskOpening.closed_at.is_null(), TaskOpening.alerted_at.is_null(),
                  (TaskOpening.opened_at <= now - soonest) | (TaskOpening.rounds == 0))
           .order_by(TaskOpening.opened_at))
    done = {"widened": 0, "alerted": 0}
    for opening in list(due):
        if opening.rounds == 0:
            done["widened"] += _after_preferred(opening, now)
            continue
        widen_after, alert_after = _timers(opening.priority)
        start = _asking_from(opening)
        if opening.rounds < 2 and now >= start + widen_after:
            with database.atomic():
                if TaskOpening.update(rounds=2).where(TaskOpening.id == opening.id, TaskOpening.rounds == 1).execute():
                    _emit_round(opening, 2)
                    done["widened"] += 1
        if now >= start + alert_after:
            done["alerted"] += _alert(opening, opening.task, now=now)
    return done


def _asking_from(opening: TaskOpening) -> dt.datetime:
    """When everyone's asking began: the opening, or the end of the preferred volunteer's reservation."""
    until = opening.task.reserved_until
    return max(opening.opened_at, until) if until is not None else opening.opened_at


def _after_preferred(opening: TaskOpening, now: dt.datetime) -> int:
    """The reservation is over (its time passed, or the preferred volunteer passed): round 1 asks the others."""
    if _reserved(opening.task, now):
        return 0
    with database.atomic():
        if not TaskOpening.update(rounds=1).where(TaskOpening.id == opening.id, TaskOpening.rounds == 0).execute():
            return 0
        _emit_round(opening, 1)
    return 1


def pass_preferred(actor: Member, task: Task) -> Task:
    """The preferred volunteer cannot come (不方便): the reservation ends and the others are asked now."""
    now = clock.now()
    if task.reserved_for_id != actor.id or not _reserved(task, now):
        raise RuleBroken("这个求助没有指定您，或指定时间已过", rule="not_reserved_for_you")
    with database.atomic():
        if not Task.update(reserved_until=now).where(Task.id == task.id, Task.status == "open",
                                                    Task.reserved_until > now).execute():
            raise RuleBroken("这个求助已有人接单或已结束", rule="not_reserved_for_you")
        task.reserved_until = now
        TaskEvent.create(task=task.id, kind="pass", from_status="open", to_status="open", actor=actor, volunteer=actor,
                         note="指定服务人不方便", at=now)
        opening = TaskOpening.get_or_none(TaskOpening.task == task.id, TaskOpening.closed_at.is_null())
        if opening is not None:
            _after_preferred(opening, now)
    return task


def _alert(opening: TaskOpening, task: Task, *, nobody: bool = False, now: dt.datetime | None = None) -> int:
    """Tell the community's coordinators nobody has taken the task (once per opening)."""
    now = now or clock.now()
    with database.atomic():
        if not TaskOpening.update(alerted_at=now).where(TaskOpening.id == opening.id,
                                                        TaskOpening.alerted_at.is_null()).execute():
            return 0
        coordinators = privacy.coordinator_ids(task.community_id)
        if coordinators:
            waited = int((now - opening.opened_at).total_seconds() // 3600)
            why = "没有合适的志愿者可以邀请" if nobody else f"已{waited}小时无人接单"
            notifications.notify(coordinators, f"task:{task.id}:unclaimed:{opening.id}", "coordinator_alert", {
                "subject": "优先回馈无人接单" if task.priority else "求助无人接单",
                "summary": f"{task.title}（{task.building or task.area}）：{why}", "when": task.window_start,
                "page": "pages/station/index",
            }, urgent=task.priority)
    return 1


# --- for coordinators -----------------------------------------------------------------


def candidates_view(viewer: Member, task: Task) -> dict:
    """Whom matching asked about a task, round by round, and why (coordinators only)."""
    if not privacy.coordinates(viewer, task.community_id):
        raise Forbidden("只有服务站可以查看匹配情况")
    rows = (TaskCandidate.select(TaskCandidate, Member.name, Volunteer.volunteer_no)
            .join(Member, on=(TaskCandidate.volunteer == Member.id))
            .join(Volunteer, JOIN.LEFT_OUTER, on=(Volunteer.member == Member.id))
            .where(TaskCandidate.task == task.id)
            .order_by(TaskCandidate.round, TaskCandidate.rank).objects())
    asked: dict[int, list[dict]] = {}
    for row in rows:
        asked.setdefault(row.opening_id, []).append({
            "round": row.round, "rank": row.rank, "total": row.total, "components": row.components,
            "notified_at": clock.aware(row.notified_at), "claimed": row.volunteer_id == task.volunteer_id,
            "volunteer": {"member_id": row.volunteer_id, "name": row.name, "volunteer_no": row.volunteer_no},
        })
    openings = TaskOpening.select().where(TaskOpening.task == task.id).order_by(TaskOpening.id.desc())
    return {"task_id": task.id, "status": task.status, "openings": [
        {"id": o.id, "opened_at": clock.aware(o.opened_at), "priority": o.priority, "rounds": o.rounds,
         "alerted_at": clock.aware(o.alerted_at), "closed_at": clock.aware(o.closed_at),
         "candidates": asked.get(o.id, [])}
        for o in openings
    ]}
