"""Matching one task against 100,000 volunteers: the SQL short list against a naive full scan in Python.

    python -m bench.matching [--volunteers 100000] [--backend sqlite|postgresql|both] [--database-url ...]

One community of 100,000 active volunteers (seeded with insert_many): households in 60
buildings of four areas, one to three service intentions each, a third in a team,
availability bits, task history (claims, completions, no-shows) and yearly hours for
some. The task is a repair in 3号楼 on Saturday morning. Timed, median of several runs:

  fast   matching.best_candidates: the community read part by part — free in the task's building,
         then in its area, … — through the volunteers' (community, building/area, status,
         availability) indexes, each part only for whoever can still enter the top K; history and
         hours for those only, the score in Python; it stops once the top K is proven;
  naive  every volunteer of the community loaded with their household, intentions,
         teams, task history and yearly hours, every one scored in Python with the same
         formula (match_score.score), sorted.

Goals (issue 17 goal 5), on SQLite and on PostgreSQL: fast under 20 ms, ≥ 50× faster than naive, and
the same top K as the full scan (best_candidates proves its short list or reads a longer one:
server/services/board/match_score.py). SQLite runs in a temporary file, PostgreSQL in a fresh
database at 127.0.0.1:5432, unless you name an empty database (for one backend).
"""

import argparse
import datetime as dt
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

GOAL_MS, GOAL_RATIO = 20, 50  # issue 17 goal 5, on both backends
BUILDINGS = [f"{n}号楼" for n in range(1, 61)]
AREAS = ["东区", "西区", "南区", "北区"]
CHUNK = 2000


def _insert(model, rows) -> None:
    for start in range(0, len(rows), CHUNK):
        model.insert_many(rows[start:start + CHUNK]).execute()


def seed(count: int):
    """The community, its volunteers with their links, and the task to match. Returns the task."""
    from server import clock
    from server.db import database
    from server.models import (
        Household,
        Member,
        MemberYear,
        ServiceCategory,
        ServiceItem,
        Task,
        TaskEvent,
        Team,
        Volunteer,
        VolunteerIntention,
        VolunteerTeam,
    )
    from server.services.board import bookings
    from server.services.people import core as people

    rng = random.Random(20260515)
    now = clock.now()
    categories = [c.id for c in ServiceCategory.select(ServiceCategory.id).order_by(ServiceCategory.id)]
    teams = [t.id for t in Team.select(Team.id).order_by(Team.id)]
    community = people.create_community(name="压测社区", code="BENCHM")
    households_n = count // 2
    with database.atomic():
        first_household = (Household.select(Household.id).order_by(Household.id.desc()).scalar() or 0) + 1
        _insert(Household, [{"community": community.id, "name": f"压测{n}家", "building": BUILDINGS[n % 60],
                             "area": AREAS[(n % 60) // 15], "invite_code": f"BM{n:09d}", "opened_at": now}
                            for n in range(households_n)])
        first_member = (Member.select(Member.id).order_by(Member.id.desc()).scalar() or 0) + 1
        _insert(Member, [{"community": community.id, "household": first_household + n % households_n,
                          "name": f"志愿者{n}", "roles": "resident,volunteer", "created_at": now}
                         for n in range(count)])
        first_volunteer = (Volunteer.select(Volunteer.id).order_by(Volunteer.id.desc()).scalar() or 0) + 1
        # the household's building and area on the profile, as people.place_volunteers keeps them
        _insert(Volunteer, [{"member": first_member + n, "community": community.id, "volunteer_no": f"BM-{n:06d}",
                             "building": BUILDINGS[(n % households_n) % 60], "area": AREAS[((n % households_n) % 60) // 15],
                             "specialties": rng.choice(["", "", "家电维修", "水电", "量血压", "书法"]),
                             "availability_mask": rng.getrandbits(21) & rng.getrandbits(21),
                             "status": "active" if rng.random() > 0.05 else "retired", "registered_at": now}
                            for n in range(count)])
        intentions, links = [], []
        for n in range(count):
            for category in rng.sample(categories, rng.randint(1, 3)):
                intentions.append({"volunteer": first_volunteer + n, "category": category})
            if rng.random() < 0.33:
                links.append({"volunteer": first_volunteer + n, "team": rng.choice(teams), "joined_at": now})
        _insert(VolunteerIntention, intentions)
        _insert(VolunteerTeam, links)

    resident = Member.create(name="王秀兰", community=community.id, handle="bench-resident", created_at=now)
    people.open_household(resident, community_id=community.id, name="王家", building="3号楼", area="东区")
    saturday = dt.datetime.combine(clock.today() + dt.timedelta(days=(5 - clock.today().weekday()) % 7 or 7),
                                   dt.time(9))
    item = ServiceItem.get(ServiceItem.code == "appliance_repair")
    request = bookings.book(Member.get_by_id(resident.id), {
        "category_code": "repairs", "item_code": item.code, "description": "洗衣机不排水",
        "window_start": saturday, "window_end": saturday + dt.timedelta(hours=3), "estimated_minutes": 60})
    task = Task.get(Task.request == request.id)

    # History: 2,000 past tasks, each claimed by a volunteer and completed, released or not attended.
    with database.atomic():
        past = []
        for n in range(2000):
            past.append(Task(community=community.id, source="request", category=categories[n % 8], title="历史任务",
                             window_start=now - dt.timedelta(days=40), window_end=now - dt.timedelta(days=40),
                             estimated_minutes=60, status="done", created_at=now))
        Task.bulk_create(past, batch_size=500)
        past_ids = [t.id for t in Task.select(Task.id).where(Task.title == "历史任务")]
        events = []
        for task_id in past_ids:
            member = first_member + rng.randrange(count)
            at = now - dt.timedelta(days=rng.randint(1, 90))
            outcome = rng.choices(["check_out", "no_show", "release"], weights=[8, 1, 1])[0]
            events += [{"task": task_id, "kind": "claim", "from_status": "open", "to_status": "claimed",
                        "volunteer": member, "at": at},
                       {"task": task_id, "kind": outcome, "from_status": "claimed", "to_status": "done",
                        "volunteer": member, "at": at}]
        _insert(TaskEvent, events)
        _insert(MemberYear, [{"member": first_member + n, "year": now.year, "minutes": rng.randint(0, 250 * 60)}
                             for n in rng.sample(range(count), count // 4)])
    return task


def naive(task, now):
    """Load every volunteer of the community with everything the score needs; score them all in Python."""
    from peewee import JOIN

    from server import runtime
    from server.models import (
        Household,
        Member,
        MemberYear,
        TaskEvent,
        TeamCategory,
        Volunteer,
        VolunteerIntention,
        VolunteerTeam,
    )
    from server.services.board import match_score, matching

    weights = runtime.setting("MATCH_WEIGHTS")
    volunteers = list(Volunteer.select(Volunteer, Member, Household).join(Member)
                      .join(Household, JOIN.LEFT_OUTER, on=(Member.household == Household.id))
                      .where(Volunteer.community == task.community_id))
    ids = {v.id for v in volunteers}
    intentions, teams = defaultdict(set), defaultdict(set)
    for link in VolunteerIntention.select().where(VolunteerIntention.volunteer.in_(ids)):
        intentions[link.volunteer_id].add(link.category_id)
    for link in VolunteerTeam.select().where(VolunteerTeam.volunteer.in_(ids)):
        teams[link.volunteer_id].add(link.team_id)
    serving = {link.team_id for link in TeamCategory.select().where(TeamCategory.category == task.category_id)}
    members = [v.member_id for v in volunteers]
    history = defaultdict(lambda: defaultdict(set))
    recent = defaultdict(int)
    since = now - dt.timedelta(days=match_score.FAIRNESS_DAYS)
    for event in TaskEvent.select().where(TaskEvent.volunteer.in_(members), TaskEvent.kind.in_(match_score.HISTORY_KINDS)):
        history[event.volunteer_id][event.kind].add(event.task_id)
        if event.kind == "claim" and event.at >= since:
            recent[event.volunteer_id] += 1
    years = defaultdict(int)
    for row in MemberYear.select().where(MemberYear.member.in_(members), MemberYear.year.in_([now.year, now.year - 1])):
        years[row.member_id] = max(years[row.member_id], row.minutes)

    bits = match_score.window_bits(task.window_start, task.window_end)
    words = matching.search_words(task)
    gave_back = set(matching.gave_back(task.id))
    facts = []
    for v in volunteers:
        member = v.member
        if v.status != "active" or member.erased_at is not None or member.id in gave_back:
            continue
        if task.recipient_household_id and member.household_id == task.recipient_household_id:
            continue
        intention = task.category_id in intentions[v.id]
        in_team = task.team_id in teams[v.id] if task.team_id else bool(teams[v.id] & serving)
        if task.team_id and not in_team or not task.team_id and not (intention or in_team):
            continue
        household = member.household if member.household_id else None
        proximity = (match_score.NEAR_BUILDING if household and task.building and household.building == task.building
                     else match_score.NEAR_AREA if household and task.area and household.area == task.area else 0.0)
        done = history[member.id]
        facts.append(match_score.Facts(
            member_id=member.id, intention=intention, team=in_team, specialty=match_score.mentions(v.specialties, words),
            available=bool(v.availability_mask & bits), proximity=proximity, recent_claims=recent[member.id],
            completed=len(done["check_out"]), no_shows=len(done["no_show"]), releases=len(done["release"]),
            year_minutes=years[member.id], tiebreak=match_score.tiebreak(member.id, task.id)))
    top = runtime.setting("MATCH_TOP_K")
    return match_score.rank(facts, weights)[:top], len(volunteers)


def timed(func, runs):
    """The median wall time of `runs` calls, the median CPU time of this process (process_time: what the
    call costs here, whatever else loads the machine; the database's own CPU on PostgreSQL is not in it),
    and the last result."""
    samples, cpu, result = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = func()
        samples.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(samples), statistics.median(cpu), result


def run(count: int, backend: str, database_url: str | None = None) -> dict:
    """Seed `count` volunteers on `backend` (a temporary SQLite file or a fresh PostgreSQL database, unless
    `database_url` names an empty one), then time the short list and the naive scan."""
    from bench import harness
    from server import clock, migrations
    from server.db import database, init_db, is_postgres
    from server.services.board import catalog, matching

    folder = Path(tempfile.mkdtemp(prefix="lovebank-bench-"))
    fresh = None
    try:
        if database_url:
            from config import settings as settings_module
            from server import hooks, runtime

            values = settings_module.load({"DATABASE_URL": database_url, "SECRET_KEY": "bench-secret"})
            runtime.configure(values)
            clock.configure(values["TIMEZONE"])
            migrations.migrate(init_db(database_url))
            catalog.seed()
            hooks.install()
        elif backend == "postgresql":
            fresh, _ = harness.prepare_postgres()
            database_url = fresh
        else:
            database_url, _ = harness.prepare_sqlite(folder)
        started = time.perf_counter()
        task = seed(count)
        seeded = time.perf_counter() - started
        # Production tables are vacuumed (autovacuum): on PostgreSQL the visibility map a bulk load leaves
        # unset would keep the indexes from answering index-only, so measure the tables at rest.
        database.execute_sql("VACUUM ANALYZE" if is_postgres() else "ANALYZE")
        now = clock.now()
        fast_s, fast_cpu, fast = timed(lambda: matching.best_candidates(task, None, now=now), 21)
        naive_s, _, (slow, loaded) = timed(lambda: naive(task, now), 1)
        return {"database": database_url.split(":", 1)[0], "volunteers": loaded, "seed_s": seeded,
                "fast_s": fast_s, "fast_cpu_s": fast_cpu, "naive_s": naive_s, "ratio": naive_s / fast_s,
                "fast_top": [f.member_id for *_, f in fast], "naive_top": [f.member_id for *_, f in slow],
                "fast_totals": [t for t, *_ in fast], "naive_totals": [t for t, *_ in slow]}
    finally:
        if not database.is_closed():
            database.close()
        if fresh:
            database.obj.close_all()
            harness.drop_postgres(fresh)
        shutil.rmtree(folder, ignore_errors=True)


def main(argv=None) -> int:
    from bench import harness

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--volunteers", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--database-url", help="an empty database to use instead of a fresh one (one backend)")
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    rows = []
    for backend in backends:
        r = run(args.volunteers, backend, args.database_url if len(backends) == 1 else None)
        same = r["fast_top"] == r["naive_top"] and r["fast_totals"] == r["naive_totals"]
        print(f"matching benchmark ({r['database']}, {r['volunteers']:,} volunteers in one community, "
              f"seeded in {r['seed_s']:.1f} s)")
        print(f"  SQL short list + Python score (best_candidates)   {r['fast_s'] * 1000:8.1f} ms")
        print(f"    of which CPU in this process (process_time)      {r['fast_cpu_s'] * 1000:8.1f} ms")
        print(f"  naive full scan in Python                          {r['naive_s'] * 1000:8.1f} ms")
        print(f"  same top {len(r['fast_top'])} as the full scan: {'yes' if same else 'no'} "
              f"(totals {r['fast_totals']} vs {r['naive_totals']})")
        rows += [
            (f"matching one task among {r['volunteers']:,} volunteers, ms ({backend})", r["fast_s"] * 1000,
             f"< {GOAL_MS}", r["fast_s"] * 1000 < GOAL_MS),
            (f"naive full scan / matching ({backend})", r["ratio"], f">= {GOAL_RATIO}", r["ratio"] >= GOAL_RATIO),
            (f"same top {len(r['fast_top'])} as the full scan ({backend})", int(same), "= 1", same),
        ]
    return 0 if harness.report("matching (issues 5, 17)", rows) else 1


if __name__ == "__main__":
    sys.exit(main())
