"""The matching score: who may be asked about a task and how well they fit — SQL first, then Python.

    total = Σ weight × component        (each component 0–1; weights in MATCH_WEIGHTS)

    fit           0.6 if the task's category is one of the volunteer's service intentions (服务意向)
                + 0.3 if they are in a team serving that category (TeamCategory), or in the team the
                      task requires
                + 0.1 if their specialties (个人专长) mention the task's item or category   (at most 1)
    availability  1 if their declared availability (weekday × morning/afternoon/evening bits)
                  overlaps the task's time window, else 0
    proximity     1 in the task's building, 0.5 in its area, else 0
    fairness      1 / (1 + tasks they claimed in the last 30 days): fewer recent assignments first
    reliability   (completed + 1) / (completed + no-shows + releases/2 + 2): 0.5 for a newcomer,
                  near 1 after a long clean record, lower with each no-show or task given back
    stars         star level / 5, from the hours credited in a calendar year against
                  STAR_THRESHOLD_HOURS (stars.level, the one rule), the better of this year
                  and last so January resets nobody

Ties go to a per-task hash of the volunteer's member id (then the id), so equal volunteers take
turns across tasks instead of the oldest profiles always winning.

Eligible: active volunteers of the task's community, not erased, not of the recipient's
household, in the task's team when it requires one, fitting the category (an intention
or a team serving it) — and not the volunteer who gave this task back or did not come.

Never a scan in Python. SQL finds the eligible through indexes — the category's
volunteers through VolunteerIntention (category, volunteer), a serving team's through
VolunteerTeam (team), each checked against the volunteer's community, status and
`availability_mask & bits` — and orders them by the part of the score it can compute
(fit without specialties, availability, proximity; ties by the per-task hash). While at
least MATCH_SHORTLIST of them are free in the task's window, only those are read;
otherwise the list is filled up with the others. Two grouped queries add the task
history and yearly hours of the short list only, and Python scores it in full. What SQL
leaves out weighs at most 0.1·fit + fairness + reliability + stars (`extra_most`), so the
top K is proven the same as a full scan's when the K-th total beats the best coarse score
anyone left off could have plus that much (`proven`); when it does not (a near-tied list),
the caller reads a longer list, up to every eligible volunteer. Exact, not an
approximation: tests/services/test_match_score.py and bench/matching.py compare it with a
full scan.
"""

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, SQL, Case, Cast, fn

from server.models import (
    Household,
    MemberYear,
    NetworkMember,
    TaskCandidate,
    TaskEvent,
    TeamCategory,
    Volunteer,
    VolunteerIntention,
    VolunteerTeam,
)
from server.models import Member as M
from server.services.recognition import stars

FIT_INTENTION, FIT_TEAM, FIT_SPECIALTY = 0.6, 0.3, 0.1
NEAR_BUILDING, NEAR_AREA = 1.0, 0.5
FAIRNESS_DAYS = 30
HISTORY_KINDS = ("claim", "check_out", "no_show", "release")
# Morning until noon, afternoon until 18:00, evening after (the volunteer form's three slots).
SLOT_ENDS = (12, 18, 24)
ALL_SLOTS = (1 << 21) - 1
HASH_PRIME = 10007


@dataclass
class Facts:
    """What the score is computed from, for one volunteer and one task."""

    member_id: int
    intention: bool = False
    team: bool = False
    specialty: bool = False
    available: bool = False
    proximity: float = 0.0
    recent_claims: int = 0
    completed: int = 0
    no_shows: int = 0
    releases: int = 0
    year_minutes: int = 0
    tiebreak: int = 0


def window_bits(start: dt.datetime, end: dt.datetime) -> int:
    """The availability bits (weekday × slot, as Volunteer.availability_mask) a time window touches."""
    if end - start >= dt.timedelta(days=7):
        return ALL_SLOTS
    bits, moment = 0, start
    while moment < end:
        slot = next(n for n, hour in enumerate(SLOT_ENDS) if moment.hour < hour)
        bits |= 1 << (moment.weekday() * len(SLOT_ENDS) + slot)
        moment = dt.datetime.combine(moment.date(), dt.time()) + dt.timedelta(hours=SLOT_ENDS[slot])
    return bits


def _offset(task_id: int) -> int:
    return task_id * 104729 % HASH_PRIME


def tiebreak(member_id: int, task_id: int) -> int:
    """A per-task hash of the volunteer (member id): equal volunteers take turns across tasks (SQL computes the same)."""
    return (member_id * 7919 + _offset(task_id)) % HASH_PRIME


def _sql_tiebreak(task_id: int):
    # peewee's `%` means LIKE, and a literal % would confuse psycopg2: a mod b = a - (a / b) * b
    # (integer division on both backends; BIGINT so large ids cannot overflow PostgreSQL's integer).
    hashed = Cast(M.id, "BIGINT") * 7919 + _offset(task_id)
    return hashed - (hashed / HASH_PRIME) * HASH_PRIME


def components(facts: Facts) -> dict[str, float]:
    fit = FIT_INTENTION * facts.intention + FIT_TEAM * facts.team + FIT_SPECIALTY * facts.specialty
    return {
        "fit": min(1.0, round(fit, 6)),
        "availability": 1.0 if facts.available else 0.0,
        "proximity": facts.proximity,
        "fairness": 1 / (1 + facts.recent_claims),
        "reliability": (facts.completed + 1) / (facts.completed + facts.no_shows + facts.releases / 2 + 2),
        "stars": stars.level(facts.year_minutes) / stars.LEVELS,
    }


def score(facts: Facts, weights: dict[str, float]) -> tuple[float, dict[str, float]]:
    parts = components(facts)
    return round(sum(weights[name] * value for name, value in parts.items()), 4), parts


def rank(facts: list[Facts], weights: dict[str, float]) -> list[tuple[float, dict[str, float], Facts]]:
    """Best first: total, then the per-task hash, then the id (deterministic: a re-run ranks alike)."""
    scored = [(*score(f, weights), f) for f in facts]
    scored.sort(key=lambda row: (-row[0], row[2].tiebreak, row[2].member_id))
    return scored


def mentions(specialties: str, words: list[str]) -> bool:
    return any(word and word in specialties for word in words)


# --- the SQL short list -----------------------------------------------------------------


def _flag(condition):
    """A condition as 0/1 (PostgreSQL will not add booleans)."""
    return Case(None, [(condition, 1)], 0)


def shortlist(task, *, bits: int, weights: dict[str, float], limit: int, exclude=(), opening_id=None,
              communities=None) -> list[dict]:
    """The best `limit` eligible volunteers by the SQL-computable part of the score."""
    return bounded_shortlist(task, bits=bits, weights=weights, limit=limit, exclude=exclude, opening_id=opening_id,
                             communities=communities)[0]


def bounded_shortlist(task, *, bits: int, weights: dict[str, float], limit: int, exclude=(),
                      opening_id=None, communities=None) -> tuple[list[dict], float | None]:
    """The short list, and the best coarse score anyone left off it could have (None: nobody was left off).

    Volunteers free in the task's window come first: while at least `limit` of them fit,
    the others are not read at all (`availability_mask & bits` filters; one left off has at
    best a full fit and the task's building); otherwise the list is filled up with the rest,
    in the same order. `communities` (ids) replaces whose volunteers are eligible: the network's
    communities with room, for a payback opened to it (server/services/board/network_tasks.py).
    """
    if weights["availability"] > 0:
        rows = _shortlist(task, bits, weights, limit, exclude, opening_id, communities, available_only=True)
        if len(rows) >= limit:
            not_free = weights["fit"] * min(1.0, FIT_INTENTION + FIT_TEAM) + weights["proximity"] * NEAR_BUILDING
            return rows, max(float(rows[-1]["coarse"]), not_free)
    rows = _shortlist(task, bits, weights, limit, exclude, opening_id, communities, available_only=False)
    return rows, float(rows[-1]["coarse"]) if len(rows) >= limit else None


# Totals are rounded to four places and SQL adds in floating point: a bound must beat by more than that.
PROOF_MARGIN = 1e-3


def extra_most(weights: dict[str, float]) -> float:
    """The most the components SQL leaves out can add to a coarse score: the specialty's share of fit,
    fairness, reliability and stars, each at most 1."""
    return weights["fit"] * FIT_SPECIALTY + weights["fairness"] + weights["reliability"] + weights["stars"]


def proven(ranked: list, top: int, outside: float | None, weights: dict[str, float]) -> bool:
    """Is `ranked` (the short list's best, best first) the top `top` of every eligible volunteer? Yes when
    nobody was left off, or when the `top`-th total beats the best anyone left off could reach (a tie
    could go either way on the hash, so it must beat it). A negative weight bounds nothing."""
    if outside is None:
        return True
    if len(ranked) < top or min(weights.values()) < 0:
        return False
    return ranked[top - 1][0] > outside + extra_most(weights) + PROOF_MARGIN


def _shortlist(task, bits, weights, limit, exclude, opening_id, communities, *, available_only: bool) -> list[dict]:
    """One SELECT per way of fitting (the intention; a team only), each driven by its index, in one UNION ALL.

    Flags come from joins, not correlated subqueries: PostgreSQL then plans hash or merge
    joins and does not price the query high enough to start JIT compilation or parallel
    workers, which cost more than this query takes.
    """
    category = task.category_id
    VI = VolunteerIntention

    def branch(intention, team):
        return _select(task, bits, weights, intention, team, available_only, exclude, opening_id, communities)

    if task.team_id:  # only the team's members, with or without the intention
        return _ordered(
            branch(_flag(VI.id.is_null(False)), SQL("1"))
            .join(VolunteerTeam, on=((VolunteerTeam.volunteer == Volunteer.id) & (VolunteerTeam.team == task.team_id)))
            .join(VI, JOIN.LEFT_OUTER, on=((VI.volunteer == Volunteer.id) & (VI.category == category))), limit)
    teams = [link.team_id for link in TeamCategory.select(TeamCategory.team).where(TeamCategory.category == category)]
    # those who chose the category (through its intention index) ...
    chose = branch(SQL("1"), SQL("0")).join(VI, on=((VI.volunteer == Volunteer.id) & (VI.category == category)))
    if not teams:
        return _ordered(chose, limit)
    serving = (VolunteerTeam.select(VolunteerTeam.volunteer.alias("volunteer_id"))
               .where(VolunteerTeam.team.in_(teams)).distinct().alias("serving"))
    chose = branch(SQL("1"), _flag(serving.c.volunteer_id.is_null(False))).join(
        VI, on=((VI.volunteer == Volunteer.id) & (VI.category == category))).join(
        serving, JOIN.LEFT_OUTER, on=(serving.c.volunteer_id == Volunteer.id))
    # ... and those who only belong to a team serving it
    team_only = branch(SQL("0"), SQL("1")).join(serving, on=(serving.c.volunteer_id == Volunteer.id)).where(
        ~fn.EXISTS(VI.select(SQL("1")).where((VI.volunteer == Volunteer.id) & (VI.category == category))))
    return _ordered(chose.union_all(team_only), limit)


def _communities(task, communities=None):
    """The task's community; for a payback opened to its network (通存通兑), every member community — or
    the communities the caller names."""
    if communities is not None:
        return Volunteer.community.in_(list(communities))
    if getattr(task, "network_id", None):
        members = NetworkMember.select(NetworkMember.community).where(NetworkMember.network == task.network_id)
        return Volunteer.community.in_(members)
    return Volunteer.community == task.community_id


def _select(task, bits, weights, intention, team, available_only, exclude, opening_id, communities):
    """Active volunteers of the task's community, minus whom it must not ask, with the coarse score."""
    available = _flag(Volunteer.availability_mask.bin_and(bits) != 0)
    near = []
    # Across a network, 3号楼 of another community is not the task's building.
    across = communities is not None or getattr(task, "network_id", None)
    here = (Household.community == task.community_id) if across else None
    if task.building:
        near.append((Household.building == task.building if here is None else (Household.building == task.building) & here,
                     NEAR_BUILDING))
    if task.area:
        near.append((Household.area == task.area if here is None else (Household.area == task.area) & here, NEAR_AREA))
    proximity = Case(None, near, 0) if near else SQL("0")
    coarse = (weights["fit"] * (FIT_INTENTION * intention + FIT_TEAM * team)
              + weights["availability"] * available + weights["proximity"] * proximity)
    query = (
        Volunteer.select(M.id.alias("member_id"), Volunteer.specialties, intention.alias("intention"),
                         team.alias("team"), available.alias("available"), proximity.alias("proximity"),
                         coarse.alias("coarse"), _sql_tiebreak(task.id).alias("tiebreak"))
        .join(M, on=(Volunteer.member == M.id))
        .join(Household, JOIN.LEFT_OUTER, on=(M.household == Household.id))
        .switch(Volunteer)
        .where(_communities(task, communities), Volunteer.status == "active", M.erased_at.is_null())
    )
    if available_only:
        query = query.where(Volunteer.availability_mask.bin_and(bits) != 0)
    if task.recipient_household_id:
        query = query.where(M.household.is_null() | (M.household != task.recipient_household_id))
    if exclude:
        query = query.where(M.id.not_in(list(exclude)))
    if opening_id is not None:
        query = query.where(M.id.not_in(
            TaskCandidate.select(TaskCandidate.volunteer).where(TaskCandidate.opening == opening_id)))
    return query


def _ordered(query, limit: int) -> list[dict]:
    return list(query.order_by(SQL("coarse").desc(), SQL("tiebreak"), SQL("member_id")).limit(limit).dicts())


def history(member_ids: list[int], since: dt.datetime) -> dict[int, dict[str, int]]:
    """Per volunteer: tasks claimed recently, completed, not attended and given back (TaskEvent)."""
    counts = {member_id: dict.fromkeys(("recent_claims", "completed", "no_shows", "releases"), 0)
              for member_id in member_ids}
    if not member_ids:
        return counts
    rows = (
        TaskEvent.select(TaskEvent.volunteer, TaskEvent.kind, fn.COUNT(fn.DISTINCT(TaskEvent.task)),
                         fn.SUM(_flag(TaskEvent.at >= since)))
        .where(TaskEvent.volunteer.in_(member_ids), TaskEvent.kind.in_(HISTORY_KINDS))
        .group_by(TaskEvent.volunteer, TaskEvent.kind)
        .tuples()
    )
    for member_id, kind, tasks, recent in rows:
        facts = counts[member_id]
        if kind == "claim":
            facts["recent_claims"] = int(recent or 0)
        elif kind == "check_out":
            facts["completed"] = int(tasks)
        elif kind == "no_show":
            facts["no_shows"] = int(tasks)
        else:
            facts["releases"] = int(tasks)
    return counts


def yearly_minutes(member_ids: list[int], year: int) -> dict[int, int]:
    """The better of this year's and last year's credited minutes."""
    if not member_ids:
        return {}
    rows = (MemberYear.select(MemberYear.member, fn.MAX(MemberYear.minutes))
            .where(MemberYear.member.in_(member_ids), MemberYear.year.in_([year, year - 1]))
            .group_by(MemberYear.member).tuples())
    return {member_id: int(minutes or 0) for member_id, minutes in rows}


def facts_for(rows: list[dict], *, words: list[str], now: dt.datetime) -> list[Facts]:
    """The short list's rows, completed with history and hours (two queries for all of them)."""
    ids = [row["member_id"] for row in rows]
    past = history(ids, now - dt.timedelta(days=FAIRNESS_DAYS))
    hours = yearly_minutes(ids, now.year)
    return [
        Facts(member_id=row["member_id"], intention=bool(row["intention"]), team=bool(row["team"]),
              specialty=mentions(row["specialties"] or "", words), available=bool(row["available"]),
              proximity=float(row["proximity"]), year_minutes=hours.get(row["member_id"], 0),
              tiebreak=int(row["tiebreak"]), **past[row["member_id"]])
        for row in rows
    ]
