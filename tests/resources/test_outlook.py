"""The outlook (兑付能力预警) over HTTP: does it match a hand calculation, warn when supply falls short
within five years, and stay green when the volunteers are enough? On SQLite and PostgreSQL.

The expected numbers are worked out by hand in each test (docs/redemption.md, "Outlook"), never by
calling the service's own code.
"""

import datetime as dt
import io

from openpyxl import load_workbook

from server import clock, runtime
from server.services.ledger import ledger_verify
from tests.factories import (
    credited_record,
    headers,
    make_admin,
    make_community,
    make_coordinator,
    make_member,
    make_volunteer,
    need,
)

TODAY = dt.datetime(2026, 6, 15, 10, 0)


def _json(body: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.datetime | dt.date) else v) for k, v in body.items()}


def _fund(client, station, household_id: int, minutes: int, key: str):
    answer = client.post("/api/v1/ledger/adjustments", json={"household_id": household_id, "minutes": minutes,
                         "reason": "纸质存折转入"}, headers={**station, "Idempotency-Key": f"fund-{key}-outlook"})
    assert answer.status_code == 201, answer.json


def _serve_payback(app, client, elder, helper, minutes_held: int, minutes_served: int):
    """The elder opens a payback request; the helper claims it, serves, the elder confirms."""
    opened = client.post("/api/v1/payback-requests", json=_json(need(hours_from_now=0, minutes=minutes_held)),
                         headers=headers(app, elder))
    assert opened.status_code == 201, opened.json
    task_id = opened.json["task_id"]
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=headers(app, helper)).status_code == 200
    client.post(f"/api/v1/tasks/{task_id}/check-in", json={}, headers=headers(app, helper))
    clock.freeze(clock.now() + dt.timedelta(minutes=minutes_served))
    record = client.post(f"/api/v1/tasks/{task_id}/check-out", headers=headers(app, helper)).json["record"]
    client.post(f"/api/v1/service-records/{record['id']}/confirm", json={}, headers=headers(app, elder))
    settled = client.get(f"/api/v1/requests/{opened.json['id']}", headers=headers(app, elder)).json
    assert settled["hold_state"] == "posted"
    return settled["spent_minutes"]


def test_the_outlook_of_a_seeded_community_matches_a_hand_calculation_and_warns(any_app):
    app, client = any_app, any_app.test_client()
    community = make_community(name="夕阳红社区")
    coordinator = make_coordinator(community)
    station = headers(app, coordinator)

    # Fifteen months ago: a service that falls outside the last twelve months (banked, but not supply).
    clock.freeze(dt.datetime(2025, 3, 3, 12, 0))
    chen, _ = make_volunteer(community, name="陈刚", birth_date=dt.date(1990, 1, 1))          # 36 this year
    sun = make_member(community, name="孙阿姨", birth_date=dt.date(1970, 9, 9))               # 60 in 2030
    credited_record(chen, sun, minutes=120, days_ago=1)

    clock.freeze(dt.datetime(2026, 6, 10, 12, 0))
    zhou, _ = make_volunteer(community, name="周叔", birth_date=dt.date(1955, 2, 2))          # 71: leaves in 2030
    helper, _ = make_volunteer(community, name="小吴", birth_date=dt.date(1985, 4, 4))        # 41 this year
    wang = make_member(community, name="王奶奶", birth_date=dt.date(1958, 3, 1))              # 68: eligible now
    liu = make_member(community, name="刘大爷", birth_date=dt.date(1967, 5, 5))               # 60 in 2027
    zhao = make_member(community, name="赵玉兰", birth_date=dt.date(1980, 8, 8))              # 46, hardship case
    credited_record(chen, sun, minutes=180, days_ago=1)
    credited_record(zhou, sun, minutes=240, days_ago=2)
    _fund(client, station, wang.household_id, 600, "wang")
    _fund(client, station, liu.household_id, 1200, "liu")
    _fund(client, station, sun.household_id, 3000, "sun")
    _fund(client, station, zhao.household_id, 300, "zhao")
    marked = client.post(f"/api/v1/members/{zhao.id}/hardship", json={"reason": "孤寡"}, headers=station)
    assert marked.status_code == 201, marked.json
    # 王奶奶 redeems: 95 minutes served, 90 credited to 小吴 and spent from her household.
    assert _serve_payback(app, client, wang, helper, 120, 95) == 90

    clock.freeze(TODAY)
    answer = client.get(f"/api/v1/communities/{community.id}/outlook", headers=station)
    assert answer.status_code == 200, answer.json
    outlook = answer.json

    # By hand. Households and their available minutes today, with the first year one of them may redeem:
    #   王奶奶 600 − 90 = 510 (born 1958: already), 周叔 240 (1955: already), 赵玉兰 300 (hardship: always),
    #   刘大爷 1200 (2027), 孙阿姨 3000 (2030); 陈刚 120 + 180 and 小吴 90 (born 1990, 1985): not before 2036.
    # Banked: 2027–2029 510 + 240 + 300 + 1200 = 2250; from 2030 + 3000 = 5250.
    # Demand = banked × 0.2 + 90 (the last twelve months' payback): 540, then 1050 + 90 = 1140.
    # Supply: 陈刚 180 (his 120 of March 2025 is older than twelve months), 周叔 240 until 2029, 小吴 90:
    #   510 in 2027–2029, 270 from 2030 (周叔 turns 75).
    # Eligible members: 王奶奶, 周叔, 刘大爷, 赵玉兰 = 4; from 2030 with 孙阿姨, 5.
    def expected(year):
        late = year >= 2030
        banked, demand, supply = (5250, 1140, 270) if late else (2250, 540, 510)
        return {"year": year, "reaching_payback_age": 1 if year in (2027, 2030) else 0,
                "eligible_members": 5 if late else 4, "eligible_households": 5 if late else 4,
                "banked_minutes": banked, "demand_minutes": demand, "supply_minutes": supply,
                "volunteers": 2 if late else 3, "coverage_percent": supply * 100 // demand, "status": "short"}

    keys = expected(2027).keys()
    assert [{k: y[k] for k in keys} for y in outlook["years"]] == [expected(y) for y in range(2027, 2037)]
    first = outlook["years"][0]
    assert (first["coverage_percent"], first["coverage_text"], first["status_text"]) == (94, "94%", "不够")
    assert (first["banked_text"], first["demand_text"], first["supply_text"]) == ("37.5小时", "9小时", "8.5小时")
    assert outlook["recent"] == {"start": "2025-06-16", "end": "2026-06-15", "payback_minutes": 90,
                                 "payback_text": "1.5小时", "supply_minutes": 510, "supply_text": "8.5小时",
                                 "active_volunteers": 3, "volunteers_without_birth_date": 0}

    # Bands by age this year: 陈刚 36 and 小吴 41 in 30–44 (270 minutes, 135 each); 周叔 71 in 70+, leaving.
    bands = {b["label"]: b for b in outlook["bands"]}
    assert list(bands) == ["30岁以下", "30–44岁", "45–59岁", "60–69岁", "70岁及以上"]
    assert {k: bands["30–44岁"][k] for k in ("volunteers", "minutes", "per_volunteer_minutes", "leaving_volunteers")} \
        == {"volunteers": 2, "minutes": 270, "per_volunteer_minutes": 135, "leaving_volunteers": 0}
    assert (bands["70岁及以上"]["leaving_volunteers"], bands["70岁及以上"]["leaving_minutes"]) == (1, 240)
    # Recruit: of the bands that still serve in five years, most minutes per volunteer; ties go to the younger.
    assert outlook["warning"] == {
        "status": "red", "status_text": "预警", "first_short_year": 2027, "lowest_coverage_percent": 23,
        "recruit_bands": ["30–44岁", "30岁以下"],
        "message": "预计2027年志愿服务只够兑付需求的94%，低于100%的警戒线。请尽早从30–44岁、30岁以下的居民中招募志愿者。"}
    assert [b["label"] for b in outlook["bands"] if b["recruit"]] == ["30岁以下", "30–44岁"]
    # The coordinator's desk carries the warning card while the outlook is red.
    assert client.get("/api/v1/desk", headers=station).json["outlook_warning"] == outlook["warning"]

    assert outlook["settings"] == {"payback_age": 60, "redemption_rate": 0.2, "volunteer_leaving_age": 75,
                                   "warn_coverage": 1.0, "age_bands": [30, 45, 60, 70]}
    told = {a["key"]: a for a in outlook["assumptions"]}
    assert set(told) >= {"payback_age", "redemption_rate", "recent_payback", "supply", "volunteer_leaving_age",
                         "warn_coverage", "age_bands"}
    assert told["redemption_rate"]["value"] == "0.2" and "20%" in told["redemption_rate"]["text"]
    assert "2025年6月16日至2026年6月15日" in told["recent_payback"]["text"]
    assert "75岁" in told["volunteer_leaving_age"]["text"]

    # Only the community's coordinators and admins; the outlook writes nothing to the ledger.
    resident = headers(app, wang)
    assert client.get(f"/api/v1/communities/{community.id}/outlook", headers=resident).status_code == 403
    other = make_coordinator(make_community())
    assert client.get(f"/api/v1/communities/{community.id}/outlook", headers=headers(app, other)).status_code == 404
    admin = headers(app, make_admin())
    assert client.get(f"/api/v1/communities/{community.id}/outlook", headers=admin).json == outlook
    assert ledger_verify.verify() == []

    # The half-year report: the same years as a table, demand against supply as a chart, the warning and
    # every assumption as notes; as JSON, in the workbook and as a PNG.
    base = f"/api/v1/communities/{community.id}/reports/half-year?year=2026&half=1"
    report = client.get(base, headers=station).json
    section = next(s for s in report["sections"] if s["key"] == "outlook")
    assert section["rows"][0] == ["2027年", 1, 4, 37.5, 9.0, 8.5, "94%", "不够"]
    assert section["rows"][3][3:6] == [87.5, 19.0, 4.5] and len(section["rows"]) == 10
    assert section["chart"] == {"title": "兑付需求和服务供给", "kind": "line"}
    assert section["notes"][0].startswith("预警：预计2027年") and told["redemption_rate"]["text"] in section["notes"]
    book = load_workbook(io.BytesIO(client.get(f"{base}&format=xlsx", headers=station).data))
    sheet = book["兑付能力预警"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert sheet._charts and ["2027年", 1, 4] in [row[:3] for row in rows]
    png = client.get(f"{base}&format=png&chart=outlook", headers=station)
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")


def test_enough_young_volunteers_keep_the_outlook_green_until_the_bar_is_raised(any_app, monkeypatch):
    app, client = any_app, any_app.test_client()
    community = make_community()
    station = headers(app, make_coordinator(community))
    clock.freeze(dt.datetime(2026, 6, 10, 12, 0))
    elder = make_member(community, name="李奶奶", birth_date=dt.date(1950, 1, 1))
    young, profile = make_volunteer(community, name="小张", birth_date=dt.date(1996, 6, 1))
    _fund(client, station, elder.household_id, 600, "elder")
    credited_record(young, elder, minutes=240, days_ago=3)
    clock.freeze(TODAY)

    # Demand 600 × 0.2 = 120 a year (no payback yet); supply 240: 200% every year.
    outlook = client.get(f"/api/v1/communities/{community.id}/outlook", headers=station).json
    assert {(y["demand_minutes"], y["supply_minutes"], y["coverage_percent"], y["status"]) for y in outlook["years"]} \
        == {(120, 240, 200, "enough")}
    assert outlook["warning"] == {"status": "green", "status_text": "正常", "first_short_year": None,
                                  "lowest_coverage_percent": 200, "recruit_bands": [],
                                  "message": "未来5年志愿服务预计够兑付，最低的一年是需求的200%。"}
    assert not any(b["recruit"] for b in outlook["bands"])
    assert client.get("/api/v1/desk", headers=station).json["outlook_warning"] is None

    # A bar of 2.5 (250%) turns it red; a bar of exactly 2.0 does not (below, not at).
    monkeypatch.setitem(runtime._settings, "OUTLOOK_WARN_COVERAGE", 2.0)
    assert client.get(f"/api/v1/communities/{community.id}/outlook", headers=station).json["warning"]["status"] \
        == "green"
    monkeypatch.setitem(runtime._settings, "OUTLOOK_WARN_COVERAGE", 2.5)
    red = client.get(f"/api/v1/communities/{community.id}/outlook", headers=station).json["warning"]
    assert (red["status"], red["first_short_year"], red["recruit_bands"]) == ("red", 2027, ["30–44岁", "30岁以下"])
    # 小张 is 30 this year: the 30–44 band gave 240 minutes per volunteer; the under-30 band none.

    # The answer follows the data the same day: 600 more banked → demand 240, coverage exactly 100%: still green.
    monkeypatch.setitem(runtime._settings, "OUTLOOK_WARN_COVERAGE", 1.0)
    _fund(client, station, elder.household_id, 600, "elder-more")
    year = client.get(f"/api/v1/communities/{community.id}/outlook", headers=station).json["years"][0]
    assert (year["demand_minutes"], year["coverage_percent"], year["status"]) == (240, 100, "enough")
    # 小张 retires for illness: no supply, and his own household (240) may now redeem: 1440 × 0.2 = 288.
    retired = client.post(f"/api/v1/volunteers/{profile.id}/status", json={"status": "retired", "reason": "illness"},
                          headers=station)
    assert retired.status_code == 200, retired.json
    after = client.get(f"/api/v1/communities/{community.id}/outlook", headers=station).json
    assert (after["years"][0]["demand_minutes"], after["years"][0]["supply_minutes"]) == (288, 0)
    assert after["years"][0]["eligible_members"] == 2 and after["warning"]["status"] == "red"


def test_a_community_without_elders_has_no_demand(any_app):
    app, client = any_app, any_app.test_client()
    community = make_community()
    clock.freeze(TODAY)
    outlook = client.get(f"/api/v1/communities/{community.id}/outlook",
                         headers=headers(app, make_coordinator(community))).json
    assert {(y["demand_minutes"], y["coverage_percent"], y["status_text"]) for y in outlook["years"]} == {
        (0, None, "没有需求")}
    assert outlook["warning"]["status"] == "green" and outlook["warning"]["message"] == "未来5年还没有可兑付的需求。"


def test_the_demo_shows_an_ageing_community_whose_outlook_is_red(app):
    """幸福苑: elders with paper passbooks, more turning 60, one young volunteer; the station is told whom to recruit."""
    from server.models import Community, Member
    from server.services.people import demo

    demo.load()
    xfy = Community.get(Community.code == "XFY")
    station = headers(app, Member.get(Member.handle == "coordinator-b"))
    outlook = app.test_client().get(f"/api/v1/communities/{xfy.id}/outlook", headers=station).json
    assert outlook["warning"]["status"] == "red" and outlook["warning"]["recruit_bands"]
    assert outlook["recent"]["active_volunteers"] == 1 and outlook["recent"]["supply_minutes"] == 240
    assert outlook["years"][0]["eligible_households"] >= 3
    assert app.test_client().get("/api/v1/desk", headers=station).json["outlook_warning"]["status"] == "red"
    assert ledger_verify.verify() == []


def test_the_outlook_is_what_its_schema_would_write_and_is_made_once(app):
    """The API's outlook is built JSON-ready with the kept answer (marshmallow does not walk its ten years on
    every request): it must be exactly what OutlookSchema writes from the raw answer, every object's keys in the
    schema's order, red (bands to recruit from) and green; and a second request makes nothing again."""
    import json

    from server.models import Community, Member
    from server.ready import Ready
    from server.resources.communities.schemas import OutlookSchema
    from server.services.oversight import outlook
    from server.services.people import demo
    from tests.sql_log import statements

    demo.load()
    schema = OutlookSchema()
    red = Community.get(Community.code == "XFY")
    green = make_community()
    for community, coordinator in ((red, Member.get(Member.handle == "coordinator-b")),
                                   (green, make_coordinator(green))):
        answer = outlook.outlook_answer(coordinator, community.id)
        walked = schema.dump(outlook.outlook(community))
        assert isinstance(answer, Ready) and schema.dump(answer) is answer
        assert json.dumps(answer, ensure_ascii=False) == json.dumps(walked, ensure_ascii=False)
        assert any(band["recruit"] for band in answer["bands"]) == (community is red)
        path, station = f"/api/v1/communities/{community.id}/outlook", headers(app, coordinator)
        assert app.test_client().get(path, headers=station).json == walked
        with statements() as sent:
            assert app.test_client().get(path, headers=station).json == walked
        # the login check, the community (the gate's scope, then its row), and the fingerprint's four index-only
        # queries: nothing of the outlook's own
        assert len(sent) == 7, sent
