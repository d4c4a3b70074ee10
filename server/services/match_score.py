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
    stars         star level / 5, from the hours credited in a calendar year (10/25/50/100/200 h →
                  1–5★, DESIGN §4), the better of this year and last so January resets nobody

Ties go to a per-task hash of the volunteer's id (then the id), so equal volunteers take
turns across tasks instead of the oldest profiles always winning.

Eligible: active volunteers of the task's community, not erased, not of the recipient's
household, in the task's team when it requires one, fitting the category (an intention
or a team serving it) — and not the volunteer who gave this task back or did not come.

Never a scan in Python. One SQL query filters with indexes (volunteer community+status,
intentions by category, team links) and orders by the part of the score SQL can compute
— fit without specialties, availability (`availability_mask & bits`), proximity — and
returns the first MATCH_SHORTLIST; two grouped queries add the task history and yearly
hours of those only; Python scores them in full. What SQL leaves out weighs at most
0.1·fit + fairness + reliability + stars, so someone beyond the short list could outrank
someone inside it only when the whole list is near-tied; a few hundred places for a top
5 or 10 is the approximation we accept (bench/matching.py compares with a full scan).
"""

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, SQL, Case, Cast, fn

from server.models import (
    Household,
    MemberYear,
    TaskCandidate,
    TaskEvent,
    TeamCategory,
    Volunteer,
    VolunteerIntention,
    VolunteerTeam,
)
from server.models import Member as M

FIT_INTENTION, FIT_TEAM, FIT_SPECIALTY = 0.6, 0.3, 0.1
NEAR_BUILDING, NEAR_AREA = 1.0, 0.5
FAIRNESS_DAYS = 30
# Yearly hours for 1–5 stars (DESIGN §4). The coordinator-operations issue owns the star
# model; until it lands, matching reads MemberYear against these.
STAR_HOURS = (10, 25, 50, 100, 200)
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


def star_level(minutes: int) -> int:
    return sum(minutes >= hours * 60 for hours in STAR_HOURS)


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
        "stars": star_level(facts.year_minutes) / len(STAR_HOURS),
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


def shortlist(task, *, bits: int, weights: dict[str, float], limit: int, exclude=(), opening_id=None) -> list[dict]:
    """The best `limit` eligible volunteers by the SQL-computable part of the score."""
    category = task.category_id
    intention = fn.EXISTS(VolunteerIntention.select(SQL("1")).where(
        (VolunteerIntention.volunteer == Volunteer.id) & (VolunteerIntention.category == category)))
    if task.team_id:
        team = SQL("1")
        fits = Volunteer.id.in_(VolunteerTeam.select(VolunteerTeam.volunteer).where(VolunteerTeam.team == task.team_id))
    else:
        serving = fn.EXISTS(
            VolunteerTeam.select(SQL("1"))
            .join(TeamCategory, on=(TeamCategory.team == VolunteerTeam.team))
            .where((VolunteerTeam.volunteer == Volunteer.id) & (TeamCategory.category == category)))
        team = _flag(serving)
        fits = intention | serving
    available = _flag(Volunteer.availability_mask.bin_and(bits) != 0)
    near = []
    if task.building:
        near.append((Household.building == task.building, NEAR_BUILDING))
    if task.area:
        near.append((Household.area == task.area, NEAR_AREA))
    proximity = Case(None, near, 0) if near else SQL("0")
    coarse = (weights["fit"] * (FIT_INTENTION * _flag(intention) + FIT_TEAM * team)
              + weights["availability"] * available + weights["proximity"] * proximity)
    hashed = _sql_tiebreak(task.id)

    query = (
        Volunteer.select(M.id.alias("member_id"), Volunteer.specialties, _flag(intention).alias("intention"),
                         team.alias("team"), available.alias("available"), proximity.alias("proximity"),
                         coarse.alias("coarse"), hashed.alias("tiebreak"))
        .join(M, on=(Volunteer.member == M.id))
        .join(Household, JOIN.LEFT_OUTER, on=(M.household == Household.id))
        .where(Volunteer.community == task.community_id, Volunteer.status == "active", M.erased_at.is_null(), fits)
    )
    if task.recipient_household_id:
        query = query.where(M.household.is_null() | (M.household != task.recipient_household_id))
    if exclude:
        query = query.where(M.id.not_in(list(exclude)))
    if opening_id is not None:
        query = query.where(M.id.not_in(
            TaskCandidate.select(TaskCandidate.volunteer).where(TaskCandidate.opening == opening_id)))
    return list(query.order_by(SQL("coarse").desc(), SQL("tiebreak"), M.id).limit(limit).dicts())


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
