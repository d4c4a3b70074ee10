"""The matching score's parts: time windows as availability bits, stars, components, and SQL agreeing with Python."""

import datetime as dt

import pytest

from server import clock, runtime
from server.models import Task, Team, Volunteer
from server.services.board import match_score
from server.services.board.match_score import Facts
from server.services.people.volunteers import availability_to_mask
from tests.factories import make_community, make_member, make_request, make_volunteer

WEIGHTS = {"fit": 3, "availability": 2, "proximity": 2, "fairness": 1.5, "reliability": 1.5, "stars": 1}


def mask(*slots):
    return availability_to_mask([{"weekday": day, "slot": slot} for day, slot in slots])


def test_a_window_touches_the_slots_it_overlaps():
    saturday = dt.datetime(2026, 5, 16, 10, 0)
    assert match_score.window_bits(saturday, saturday + dt.timedelta(hours=3)) == mask((6, "morning"), (6, "afternoon"))
    evening = dt.datetime(2026, 5, 17, 19, 0)  # Sunday evening into Monday morning
    assert match_score.window_bits(evening, evening + dt.timedelta(hours=14)) == mask((7, "evening"), (1, "morning"))
    assert match_score.window_bits(saturday, saturday + dt.timedelta(hours=2)) == mask((6, "morning"))
    assert match_score.window_bits(saturday, saturday + dt.timedelta(days=8)) == match_score.ALL_SLOTS


@pytest.mark.parametrize(("hours", "stars"), [(0, 0), (9.99, 0), (10, 1), (24.5, 1), (25, 2), (50, 3), (100, 4),
                                              (199.5, 4), (200, 5), (900, 5)])
def test_the_stars_component_is_the_star_level_out_of_five(hours, stars):
    assert match_score.components(Facts(member_id=1, year_minutes=int(hours * 60)))["stars"] == stars / 5


def test_matching_reads_the_star_thresholds_from_the_setting(monkeypatch):
    """STAR_THRESHOLD_HOURS is the one rule: lowering it raises a volunteer's stars in the score too."""
    twelve_hours = Facts(member_id=1, year_minutes=12 * 60)
    assert match_score.components(twelve_hours)["stars"] == 1 / 5
    monkeypatch.setitem(runtime._settings, "STAR_THRESHOLD_HOURS", (2.0, 4.0, 6.0, 8.0, 10.0))
    assert match_score.components(twelve_hours)["stars"] == 1.0


def test_components_of_a_newcomer_and_of_a_veteran():
    newcomer = Facts(member_id=1, intention=True)
    total, parts = match_score.score(newcomer, WEIGHTS)
    assert parts == {"fit": 0.6, "availability": 0.0, "proximity": 0.0, "fairness": 1.0, "reliability": 0.5,
                     "stars": 0.0}
    assert total == 3 * 0.6 + 1.5 + 0.75
    veteran = Facts(member_id=2, intention=True, team=True, specialty=True, available=True, proximity=1.0,
                    recent_claims=3, completed=20, no_shows=1, releases=2, year_minutes=120 * 60)
    parts = match_score.components(veteran)
    assert parts["fit"] == 1.0 and parts["fairness"] == 0.25 and parts["stars"] == 0.8
    assert parts["reliability"] == pytest.approx(21 / 24)


def test_ties_are_broken_by_a_per_task_hash_not_by_age():
    tied = [Facts(member_id=n, intention=True, tiebreak=match_score.tiebreak(n, 7)) for n in range(1, 40)]
    first = [f.member_id for *_, f in match_score.rank(tied, WEIGHTS)][:5]
    for facts in tied:
        facts.tiebreak = match_score.tiebreak(facts.member_id, 8)
    second = [f.member_id for *_, f in match_score.rank(tied, WEIGHTS)][:5]
    assert first != second and first != [1, 2, 3, 4, 5]


def test_the_sql_short_list_computes_what_python_would(any_app):
    """Flags, proximity and the tie-break hash from SQL equal the Python definitions, on both backends."""
    clock.freeze(dt.datetime(2026, 5, 15, 10, 0))
    try:
        community = make_community()
        resident = make_member(community, building="3号楼", area="东区")
        volunteers = [
            make_volunteer(community, building="3号楼", area="东区", intentions=["repairs"],
                           availability=[{"weekday": 6, "slot": "morning"}])[0],
            make_volunteer(community, building="5号楼", area="东区", intentions=["hardship"], team_codes=["home_care"],
                           availability=[{"weekday": 1, "slot": "evening"}])[0],
            make_volunteer(community, building="9号楼", area="西区", intentions=["repairs"], specialties="家电维修")[0],
        ]
        make_volunteer(community, intentions=["tutoring"])  # does not fit repairs
        task = Task.get(Task.request == make_request(resident, hours_from_now=24).id)
        rows = match_score.shortlist(task, bits=match_score.window_bits(task.window_start, task.window_end),
                                     weights=WEIGHTS, limit=10)
        by_member = {row["member_id"]: row for row in rows}
        assert set(by_member) == {v.id for v in volunteers}
        near, team_only, far = (by_member[v.id] for v in volunteers)
        assert (near["intention"], near["team"], near["available"], near["proximity"]) == (1, 0, 1, 1.0)
        assert (team_only["intention"], team_only["team"], team_only["available"], team_only["proximity"]) == (0, 1, 0, 0.5)
        assert (far["intention"], far["available"], far["proximity"]) == (1, 1, 0)  # default: every morning
        for row in rows:
            assert row["tiebreak"] == match_score.tiebreak(row["member_id"], task.id)
            assert float(row["coarse"]) == pytest.approx(WEIGHTS["fit"] * (0.6 * row["intention"] + 0.3 * row["team"])
                                                  + 2 * row["available"] + 2 * float(row["proximity"]))
        assert [r["member_id"] for r in rows] == [volunteers[0].id, volunteers[2].id, volunteers[1].id]
        facts = match_score.facts_for(rows, words=["义务维修", "家电维修"], now=clock.now())
        assert [f.specialty for f in facts] == [False, True, False]
        assert Volunteer.select().count() == 4

        task.team = Team.get(Team.code == "home_care")  # a task for one team: its members only
        (member,) = match_score.shortlist(task, bits=0, weights=WEIGHTS, limit=10)
        assert (member["member_id"], member["intention"], member["team"], member["available"]) == (volunteers[1].id, 0, 1, 0)
    finally:
        clock.freeze(None)


def test_the_best_candidates_are_a_full_scans_top_k(any_app, monkeypatch):
    """The short list is proven, or read longer, until its top K is the full scan's (bench/matching.py's
    naive scan, on its seeded community): however short MATCH_SHORTLIST is set, on both backends."""
    from bench.matching import naive, seed
    from server.services.board import matching

    task = seed(400)
    now = clock.now()
    scan, _ = naive(task, now)
    assert len(scan) == runtime.setting("MATCH_TOP_K")
    for shortlist in (1, 7, 300):
        monkeypatch.setitem(runtime._settings, "MATCH_SHORTLIST", shortlist)
        best = matching.best_candidates(task, None, now=now)
        assert [(total, facts.member_id) for total, _, facts in best] == [
            (total, facts.member_id) for total, _, facts in scan], shortlist


def test_a_near_tie_is_not_proven_and_a_weight_below_zero_proves_nothing():
    ranked = [(9.0, {}, Facts(member_id=1))]
    assert match_score.proven(ranked, 1, None, WEIGHTS)
    assert match_score.proven(ranked, 1, 9.0 - match_score.extra_most(WEIGHTS) - 0.01, WEIGHTS)
    assert not match_score.proven(ranked, 1, 9.0 - match_score.extra_most(WEIGHTS), WEIGHTS)
    assert not match_score.proven(ranked, 2, 0.0, WEIGHTS)  # fewer than K on the list: someone left off may fit
    assert not match_score.proven(ranked, 1, 0.0, {**WEIGHTS, "stars": -1})


def test_reading_part_by_part_is_exact_whatever_the_weights_and_the_tasks_address(any_app, monkeypatch):
    """The building, the area, the rest, free first, each read only for whoever can still enter the top K
    (match_score.best): the same top K as the naive scan when availability or proximity weighs nothing,
    a weight is negative (nothing bounds: every part is read), or the task has no building or no area."""
    from bench.matching import naive, seed
    from server.services.board import matching

    task = seed(400)
    now = clock.now()
    for weights in ({}, {"availability": 0}, {"proximity": 0, "fit": 0}, {"stars": -1}, {"fairness": 0, "reliability": 0}):
        monkeypatch.setitem(runtime._settings, "MATCH_WEIGHTS", {**WEIGHTS, **weights})
        for building, area in (("3号楼", "东区"), ("", "东区"), ("", ""), ("3号楼", "")):
            task.building, task.area = building, area
            for shortlist in (1, 300):
                monkeypatch.setitem(runtime._settings, "MATCH_SHORTLIST", shortlist)
                scan, _ = naive(task, now)
                best = matching.best_candidates(task, None, now=now)
                assert [(total, facts.member_id) for total, _, facts in best] == [
                    (total, facts.member_id) for total, _, facts in scan], (weights, building, area, shortlist)
