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

Never a scan in Python, and not every eligible volunteer either. The coarse score (fit without
specialties, availability, proximity) is the same for everyone who lives in the same place and is free
or busy alike, but for the fit: so the community is read in parts (`parts`) — the task's building,
the rest of its area, the rest, each split into those free in the task's window and the others —
best first. Each part comes through its index (community with the volunteer's copy of the household's
building or area, status and availability: people.place_volunteers keeps the copy), each volunteer's
fit through one probe of VolunteerIntention (volunteer, category) and one of VolunteerTeam (volunteer,
team), ordered by the coarse score (ties by the per-task hash), at most MATCH_SHORTLIST of a part. Two
grouped queries add the task history and yearly hours of what was read, and Python scores it in full.

What SQL leaves out weighs at most 0.1·fit + fairness + reliability + stars (`extra_most`). So once K
volunteers are scored, a part is read only for whoever's coarse score beats the K-th total less that
(fewer probes: in the benchmark's community, only the area's volunteers fitting both ways); and the top
K is proven the same as a full scan's when the K-th total beats, by that much, the best coarse score
anyone not read could have: the best of the parts still to come, that threshold, the last row of a part
cut at the limit (`proven`). Matching stops at the first part after which it is proven; when the last
part still does not prove it (a near-tied list), everything is read again four times longer, up to
every eligible volunteer. Exact, not an approximation: tests/services/test_match_score.py and
bench/matching.py compare it with a full scan.
"""

import datetime as dt
import operator
from dataclasses import dataclass
from functools import reduce
from types import SimpleNamespace

from peewee import SQL, Case, Cast, fn

from server.db import database
from server.models import Member as M
from server.models import (
    MemberYear,
    NetworkMember,
    TaskCandidate,
    TaskEvent,
    TeamCategory,
    Volunteer,
    VolunteerIntention,
    VolunteerTeam,
)
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


def _sql_tiebreak(offset, member_id=M.id):
    """`tiebreak` in SQL, `offset` being the task's `_offset` (or its stand-in)."""
    # peewee's `%` means LIKE, and a literal % would confuse psycopg2: a mod b = a - (a / b) * b
    # (integer division on both backends; BIGINT so large ids cannot overflow PostgreSQL's integer).
    hashed = Cast(member_id, "BIGINT") * 7919 + offset
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
    scored.sort(key=_order)
    return scored


def _order(row) -> tuple:
    return -row[0], row[2].tiebreak, row[2].member_id


def mentions(specialties: str, words: list[str]) -> bool:
    return any(word and word in specialties for word in words)


# --- the SQL short list -----------------------------------------------------------------


def _flag(condition):
    """A condition as 0/1 (PostgreSQL will not add booleans)."""
    return Case(None, [(condition, 1)], 0)


# The ways to fit a task (intention, team): both, the intention only, a team only.
FITS = ((1, 1), (1, 0), (0, 1))


@dataclass(frozen=True)
class Part:
    """Eligible volunteers who share a proximity and (when it weighs) whether they are free in the task's
    window, so share the coarse score but for the fit. `most` is the best coarse score anyone in it can
    have (both ways of fitting). `place`: "building", "area" (the rest of it) or "rest"."""

    place: str
    proximity: float
    available: bool | None  # None: availability weighs nothing, so the part mixes free and not free
    most: float

    def coarse(self, weights: dict[str, float], intention: int, team: int) -> float:
        return (weights["fit"] * (FIT_INTENTION * intention + FIT_TEAM * team)
                + weights["availability"] * (self.available is True) + weights["proximity"] * self.proximity)


def parts(task, *, bits: int, weights: dict[str, float], across: bool = False) -> list[Part]:
    """The task's building, the rest of its area, the rest of the community — each split into those free
    in the window and the others — best `most` first (free in the building first, with any weights ≥ 0).
    `across` (volunteers of other communities may be asked): 3号楼 of another community is not the task's
    building, so the building and the area are the task's community's, and the rest is everyone else
    (`_where` writes each part's conditions)."""
    places = ([("building", NEAR_BUILDING)] if task.building else []) + (
        [("area", NEAR_AREA)] if task.area else []) + [("rest", 0.0)]
    times = [True, False] if weights["availability"] > 0 else [None]
    found = [Part(place, proximity, available, 0.0) for place, proximity in places for available in times]
    found = [Part(p.place, p.proximity, p.available, p.coarse(weights, 1, 1)) for p in found]
    return sorted(found, key=lambda part: -part.most)  # stable: the building before the area on a tie


def _where(shape, a) -> tuple:
    """The part's conditions on Volunteer (`shape.place`, `shape.available`), from the task's values `a`
    (community_id, building, area, bits)."""
    here = (Volunteer.community == a.community_id,) if shape.across else ()
    building = (Volunteer.building != a.building,) if shape.building else ()
    if shape.place == "building":
        where = here + (Volunteer.building == a.building,)
    elif shape.place == "area":
        where = here + (Volunteer.area == a.area,) + building
    else:
        where = building + ((Volunteer.area != a.area,) if shape.area else ())
        if shape.across and where:
            where = ((Volunteer.community != a.community_id) | reduce(operator.and_, where),)
    free = Volunteer.availability_mask.bin_and(a.bits)
    return where + (() if shape.available is None else (free != 0,) if shape.available else (free == 0,))


def serving_teams(task) -> list[int]:
    """The teams whose members fit the task: the one it requires, or those serving its category."""
    if task.team_id:
        return [task.team_id]
    return [link.team_id for link in TeamCategory.select(TeamCategory.team).where(TeamCategory.category == task.category_id)]


def _fits(task, teams: list[int], part: Part, weights: dict[str, float], above: float | None) -> list[tuple[int, int]]:
    """The ways of fitting this part's volunteers may have to count: all, or those whose coarse score
    beats `above` (when nobody below it can reach the top K)."""
    fits = [(i, t) for i, t in FITS if (t or not task.team_id) and (teams or not t)]
    return fits if above is None else [(i, t) for i, t in fits if part.coarse(weights, i, t) > above]


def best(task, *, bits: int, weights: dict[str, float], top: int, limit: int, words: list[str], now: dt.datetime,
         exclude=(), opening_id=None, communities=None) -> list[tuple[float, dict[str, float], Facts]]:
    """The best `top` (total, components, facts) of every eligible volunteer, best first: the same as a full
    scan's, read part by part (`parts`) until proven (`proven`).

    Each part's best `limit` by coarse score is read, then scored in full. Once K are scored, a part is read
    only for whoever could still enter the top K: a coarse score above the K-th total less `extra_most`
    (the others are below it whatever SQL left out). What is not read is bounded by the `most` of the parts
    still to come, that threshold, and the last row of a part cut at `limit`; when that bound does not prove
    the top K after the last part (a near-tied list), everything is read again with a limit four times longer.
    `communities` (ids) replaces whose volunteers are eligible: the network's communities with room, for a
    payback opened to it (server/services/board/network_tasks.py).
    """
    teams = serving_teams(task)
    bounded = min(weights.values()) >= 0  # a negative weight bounds nothing: every part is read in full
    while True:
        found = parts(task, bits=bits, weights=weights, across=_across(task, communities))
        ranked, left, cut = [], None, None
        for n, part in enumerate(found):
            above = None
            if bounded and len(ranked) >= top:
                above = ranked[top - 1][0] - extra_most(weights) - 2 * PROOF_MARGIN
                left = above if left is None else max(left, above)
            fits = _fits(task, teams, part, weights, above)
            rows = _read(task, part, fits, teams, bits, weights, limit, exclude, opening_id, communities) if fits else []
            if len(rows) >= limit:
                cut = rows[-1]["coarse"] if cut is None else max(cut, rows[-1]["coarse"])
            # the top K of everything read is the top K of the last top K and the new rows: each scored once
            ranked = sorted(ranked + rank(facts_for(rows, words=words, now=now), weights), key=_order)[:top]
            outside = [later.most for later in found[n + 1:]] + [b for b in (left, cut) if b is not None]
            if proven(ranked, top, max(outside) if outside else None, weights):
                return ranked
        limit *= 4


def shortlist(task, *, bits: int, weights: dict[str, float], limit: int, exclude=(), opening_id=None,
              communities=None) -> list[dict]:
    """The best `limit` eligible volunteers by the SQL-computable part of the score, best first (every part
    read; matching's `best` reads only what it needs)."""
    teams = serving_teams(task)
    rows = [row for part in parts(task, bits=bits, weights=weights, across=_across(task, communities))
            for row in _read(task, part, _fits(task, teams, part, weights, None), teams, bits, weights, limit,
                             exclude, opening_id, communities)]
    return sorted(rows, key=lambda row: (-row["coarse"], row["tiebreak"], row["member_id"]))[:limit]


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


def _across(task, communities) -> bool:
    return communities is not None or bool(getattr(task, "network_id", None))


def _communities(shape, a):
    """The task's community; for a payback opened to its network (通存通兑), every member community — or
    the communities the caller names."""
    if shape.communities is not None:
        return Volunteer.community.in_(a.communities)
    if shape.network:
        members = NetworkMember.select(NetworkMember.community).where(NetworkMember.network == a.network)
        return Volunteer.community.in_(members)
    return Volunteer.community == a.community_id


@dataclass(frozen=True)
class _Shape:
    """What one part's read looks like apart from its values: one SQL text per shape and dialect."""

    place: str
    available: bool | None
    across: bool
    building: bool
    area: bool
    fits: tuple
    teams: int
    recipient: bool
    exclude: int
    opening: bool
    communities: int | None  # how many the caller names, or None
    network: bool
    fit_first: bool


_STAND_IN = 7_100_000_000


class _ByShape:
    """SQL that peewee renders once per dialect and shape with stand-in values, then runs with the real
    ones (as server/db/prepared.py's `Prepared`, which takes a fixed number of values: here lists of any
    length, their length in the shape). Rendering a part's read cost about as much CPU as SQLite took to
    answer the building's part."""

    def __init__(self, build):
        self.build, self.cache = build, {}

    def tuples(self, shape: _Shape, values: dict) -> list[tuple]:
        key = (type(database.obj), shape)
        compiled = self.cache.get(key)
        if compiled is None:
            stand_ins, named, n = {}, {}, _STAND_IN
            for name, value in values.items():
                if isinstance(value, list):
                    stand_ins[name] = list(range(n, n + len(value)))
                    named.update({n + i: (name, i) for i in range(len(value))})
                    n += len(value)
                else:
                    stand_ins[name], named[n] = n, (name, None)
                    n += 1
            sql, params = self.build(shape, SimpleNamespace(**stand_ins)).sql()
            slots = []
            for param in params:
                stand_in = int(param) if type(param) is int or (type(param) is str and param.isdigit()) else None
                slots.append((*named[stand_in], None) if stand_in in named else (None, None, param))
            if len(self.cache) >= 512:  # shapes are few; lists of many lengths must not grow it for ever
                self.cache.clear()
            compiled = self.cache[key] = (sql, slots)
        sql, slots = compiled
        args = [constant if name is None else values[name] if index is None else values[name][index]
                for name, index, constant in slots]
        return database.execute_sql(sql, args).fetchall()


def _read(task, part: Part, fits, teams, bits, weights, limit, exclude, opening_id, communities) -> list[dict]:
    """One part's best `limit` among those fitting one of `fits` ways, best coarse score first (`_read_query`),
    the coarse score added."""
    network = communities is None and bool(getattr(task, "network_id", None))
    shape = _Shape(part.place, part.available, _across(task, communities), bool(task.building), bool(task.area),
                   tuple(fits), len(teams), bool(task.recipient_household_id), len(exclude), opening_id is not None,
                   None if communities is None else len(communities), network, weights["fit"] >= 0)
    values = {"community_id": task.community_id, "building": task.building, "area": task.area, "bits": bits,
              "category": task.category_id, "teams": list(teams), "offset": _offset(task.id),
              "recipient": task.recipient_household_id, "exclude": list(exclude), "opening": opening_id,
              "communities": list(communities or ()), "network": getattr(task, "network_id", None), "limit": limit}
    rows = []
    for member_id, specialties, intention, team, available, hashed in _READS.tuples(shape, values):
        rows.append({"member_id": member_id, "specialties": specialties, "intention": intention, "team": team,
                     "available": available, "tiebreak": hashed, "proximity": part.proximity,
                     "coarse": part.coarse(weights, intention, team) + (
                         weights["availability"] * available if part.available is None else 0)})
    return rows


def _read_query(shape: _Shape, a):
    """A part's read: active volunteers of the task's community in the part, minus whom the task must not
    ask. Driven by the part's index (community with building, area, or status); each volunteer's fit is one
    probe of (volunteer, category) and one of (volunteer, team). `a` holds the values (or stand-ins)."""
    VI, VT = VolunteerIntention, VolunteerTeam
    fits = shape.fits
    need_intention, need_team = all(i for i, _ in fits), all(t for _, t in fits)
    # Either way of fitting will do: one index probe per volunteer. PostgreSQL would rather hash every
    # intention in the category (tens of thousands) for a part of a few hundred; an OFFSET keeps it from
    # turning the EXISTS into that (a required fit stays a plain EXISTS: a semi-join, its best plan).
    per_row = not need_intention and not need_team

    def exists(query):
        return fn.EXISTS(query.limit(1).offset(0) if per_row else query)

    chose = exists(VI.select(SQL("1")).where(VI.volunteer == Volunteer.id, VI.category == a.category))
    joined = exists(VT.select(SQL("1")).where(VT.volunteer == Volunteer.id, VT.team.in_(a.teams))) if shape.teams else None
    intention = SQL("1") if need_intention else _flag(chose)
    team = SQL("1") if need_team else _flag(joined) if joined is not None else SQL("0")
    # a team's members are fewer than a category's: probe the team first, the intention only for them
    fitting = ([joined] if need_team else []) + ([chose] if need_intention else [])
    if not fitting:
        fitting = [joined | chose] if joined is not None else [chose]
    available = _flag(Volunteer.availability_mask.bin_and(a.bits) != 0) if shape.available is None else SQL(
        "1" if shape.available else "0")
    # The member (not erased, not of the recipient's household) is one probe per volunteer left: a join
    # would let PostgreSQL, pricing the part at a thousand rows, scan and hash every member instead.
    person = M.select(SQL("1")).where(M.id == Volunteer.member, M.erased_at.is_null())
    if shape.recipient:
        person = person.where(M.household.is_null() | (M.household != a.recipient))
    # read for the volunteers kept only: the rest of the read is the part's index alone (index-only)
    profile = Volunteer.alias()
    specialties = profile.select(profile.specialties).where(profile.id == Volunteer.id).alias("specialties")
    query = (
        Volunteer.select(Volunteer.member.alias("member_id"), specialties, intention.alias("intention"),
                         team.alias("team"), available.alias("available"),
                         _sql_tiebreak(a.offset, Volunteer.member).alias("tiebreak"))
        .where(_communities(shape, a), Volunteer.status == "active", *_where(shape, a), *fitting,
               fn.EXISTS(person.limit(1).offset(0)))
    )
    if shape.exclude:
        query = query.where(Volunteer.member.not_in(a.exclude))
    if shape.opening:
        query = query.where(Volunteer.member.not_in(
            TaskCandidate.select(TaskCandidate.volunteer).where(TaskCandidate.opening == a.opening)))
    # best fit first (the intention weighs more than a team): the flags' columns, each probe made once a row
    fit = (SQL("intention").desc(), SQL("team").desc()) if shape.fit_first else (SQL("intention"), SQL("team"))
    return query.order_by(*fit, SQL("tiebreak"), SQL("member_id")).limit(a.limit)


_READS = _ByShape(_read_query)


def _placeholders(count: int) -> str:
    return ", ".join([database.param] * count)


# History and hours of the volunteers read, as SQL written once: peewee would render an IN list of
# hundreds of ids value by value on every call (more CPU than the database takes to answer it).
def _q(name: str) -> str:
    return f'"{name}"'


_E, _Y = TaskEvent, MemberYear
_HISTORY_SQL = (
    f"SELECT {_q(_E.volunteer.column_name)}, {_q(_E.kind.column_name)}, COUNT(DISTINCT {_q(_E.task.column_name)}), "
    f"SUM(CASE WHEN {_q(_E.at.column_name)} >= {{p}} THEN 1 ELSE 0 END) FROM {_q(_E._meta.table_name)} "
    f"WHERE {_q(_E.volunteer.column_name)} IN ({{ids}}) AND {_q(_E.kind.column_name)} IN ({{kinds}}) "
    f"GROUP BY {_q(_E.volunteer.column_name)}, {_q(_E.kind.column_name)}"
)
_YEARS_SQL = (
    f"SELECT {_q(_Y.member.column_name)}, MAX({_q(_Y.minutes.column_name)}) FROM {_q(_Y._meta.table_name)} "
    f"WHERE {_q(_Y.member.column_name)} IN ({{ids}}) AND {_q(_Y.year.column_name)} IN ({{p}}, {{p}}) "
    f"GROUP BY {_q(_Y.member.column_name)}"
)


def history(member_ids: list[int], since: dt.datetime) -> dict[int, dict[str, int]]:
    """Per volunteer: tasks claimed recently, completed, not attended and given back (TaskEvent)."""
    counts = {member_id: dict.fromkeys(("recent_claims", "completed", "no_shows", "releases"), 0)
              for member_id in member_ids}
    if not member_ids:
        return counts
    sql = _HISTORY_SQL.format(p=database.param, ids=_placeholders(len(member_ids)),
                              kinds=_placeholders(len(HISTORY_KINDS)))
    rows = database.execute_sql(sql, [TaskEvent.at.db_value(since), *member_ids, *HISTORY_KINDS]).fetchall()
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
    sql = _YEARS_SQL.format(p=database.param, ids=_placeholders(len(member_ids)))
    rows = database.execute_sql(sql, [*member_ids, year, year - 1]).fetchall()
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
