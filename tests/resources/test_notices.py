"""Public notices through the API: what residents read, whose names they see, and their objections."""

import datetime as dt

import pytest

from server import clock
from server.models import Team
from server.services.recognition import stars
from tests.factories import (
    credited_record,
    headers,
    make_community,
    make_coordinator,
    make_member,
    make_volunteer,
)


@pytest.fixture
def quarter(app):
    """和平里: two volunteers served in the first quarter; one reached a star and applied. Clock: 2 April."""
    community = make_community(name="和平里社区")
    coordinator = make_coordinator(community)
    li, li_profile = make_volunteer(community, name="李建国", team_codes=("home_care",))
    sun, _ = make_volunteer(community, name="孙丽", team_codes=("medical", "home_care"))
    resident = make_member(community, name="王秀兰")
    for day in range(1, 11):
        clock.freeze(dt.datetime(2026, 2, day, 19, 0))
        credited_record(li, resident, minutes=120, start_hour=9)
    clock.freeze(dt.datetime(2026, 3, 3, 19, 0))
    credited_record(sun, resident, minutes=60, start_hour=9, category_code="health_care", item_code="escort")
    stars.apply(li)
    clock.freeze(dt.datetime(2026, 4, 2, 9, 0))
    yield {"community": community, "coordinator": coordinator, "li": li, "li_profile": li_profile, "sun": sun,
           "resident": resident}
    clock.freeze(None)


def _publish(app, q):
    answer = app.test_client().post(f"/api/v1/communities/{q['community'].id}/notices", json={"year": 2026, "quarter": 1},
                                    headers=headers(app, q["coordinator"]))
    assert answer.status_code == 201, answer.json
    return answer.json


def test_residents_read_the_quarter_with_masked_names(app, quarter):
    notice = _publish(app, quarter)
    client = app.test_client()
    listed = client.get("/api/v1/notices", headers=headers(app, quarter["resident"])).json["items"]
    assert [n["id"] for n in listed] == [notice["id"]] and "activity" not in listed[0]
    read = client.get(f"/api/v1/notices/{notice['id']}", headers=headers(app, quarter["resident"])).json
    assert read["title"] == "和平里社区2026年第1季度志愿服务公示" and read["objections_open"]
    activity = read["activity"]
    assert (activity["minutes"], activity["records"], activity["volunteers"]) == (1260, 11, 2)
    assert activity["by_volunteer"] == [{"name": "李**", "minutes": 1200, "records": 10},
                                        {"name": "孙*", "minutes": 60, "records": 1}]
    assert {c["category"]: c["minutes"] for c in activity["by_category"]} == {"义务维修": 1200, "医疗保健": 60}
    home_care = Team.get(Team.code == "home_care").name
    assert {t["team"]: (t["minutes"], t["volunteers"]) for t in activity["by_team"]}[home_care] == (1260, 2)
    assert read["awards"] == [{"award_id": read["awards"][0]["award_id"], "name": "李**", "stars": 1, "minutes": 1200,
                               "period_label": "2026年度", "status_label": "公示/待审批"}]
    assert not any(m.phone in str(read) for m in (quarter["li"], quarter["sun"], quarter["resident"]))


def test_a_volunteer_who_opted_in_is_named(app, quarter):
    notice = _publish(app, quarter)
    client = app.test_client()
    refused = client.patch(f"/api/v1/volunteers/{quarter['li_profile'].id}", json={"public_name": True},
                           headers=headers(app, quarter["coordinator"]))
    assert refused.status_code == 422 and "public_name" in refused.json["errors"]["json"]
    opted = client.patch(f"/api/v1/volunteers/{quarter['li_profile'].id}", json={"public_name": True},
                         headers=headers(app, quarter["li"]))
    assert opted.status_code == 200 and opted.json["public_name"] is True
    read = client.get(f"/api/v1/notices/{notice['id']}", headers=headers(app, quarter["resident"])).json
    assert [v["name"] for v in read["activity"]["by_volunteer"]] == ["李建国", "孙*"]
    assert read["awards"][0]["name"] == "李建国"


def test_notices_stay_inside_their_community(app, quarter):
    notice = _publish(app, quarter)
    client = app.test_client()
    elsewhere = make_community()
    assert client.get(f"/api/v1/notices/{notice['id']}", headers=headers(app, make_member(elsewhere))).status_code == 404
    assert client.get("/api/v1/notices", headers=headers(app, make_member(elsewhere))).json["items"] == []
    assert client.get(f"/api/v1/notices/{notice['id']}",
                      headers=headers(app, make_coordinator(elsewhere))).status_code == 404
    newcomer = make_member(quarter["community"], household=False)
    assert client.get("/api/v1/notices", headers=headers(app, newcomer)).status_code == 403
    foreign = client.post(f"/api/v1/communities/{quarter['community'].id}/notices", json={"year": 2026, "quarter": 1},
                          headers=headers(app, make_coordinator(elsewhere)))
    assert foreign.status_code == 404
    assert client.post(f"/api/v1/communities/{quarter['community'].id}/notices", json={"year": 2026, "quarter": 1},
                       headers=headers(app, quarter["resident"])).status_code == 403


def test_objections_during_the_window_and_their_resolution(app, quarter):
    notice = _publish(app, quarter)
    award_id = notice["awards"][0]["award_id"]
    client = app.test_client()
    url = f"/api/v1/notices/{notice['id']}/objections"
    neighbour = headers(app, quarter["resident"])
    made = client.post(url, json={"award_id": award_id, "reason": "好像没见他来过"}, headers=neighbour)
    assert made.status_code == 201 and made.json["status"] == "open"
    assert client.post(url, json={"award_id": award_id, "reason": "再说一次"}, headers=neighbour).status_code == 409
    own = client.post(url, json={"award_id": award_id, "reason": "我自己的"}, headers=headers(app, quarter["li"]))
    assert own.status_code == 422 and "award_id" in own.json["errors"]["json"]
    unknown = client.post(url, json={"award_id": 987654, "reason": "没有这项"}, headers=headers(app, quarter["sun"]))
    assert unknown.status_code == 422 and "award_id" in unknown.json["errors"]["json"]
    assert client.get(url, headers=neighbour).status_code == 403
    seen = client.get(f"/api/v1/notices/{notice['id']}", headers=headers(app, quarter["coordinator"])).json
    assert seen["awards"][0]["open_objections"] == 1
    listed = client.get(url, headers=headers(app, quarter["coordinator"])).json
    assert [o["reason"] for o in listed] == ["好像没见他来过"]
    resolved = client.post(f"/api/v1/objections/{listed[0]['id']}/resolution",
                           json={"decision": "dismissed", "note": "有见证记录"}, headers=headers(app, quarter["coordinator"]))
    assert resolved.json["status_label"] == "异议不成立"
    clock.freeze(dt.datetime(2026, 4, 9, 9, 0))
    late = client.post(url, json={"award_id": award_id, "reason": "过期了才说"}, headers=headers(app, quarter["sun"]))
    assert late.status_code == 422 and late.json["errors"]["rule"] == "objection_window_closed"


def test_an_awards_notice_publishes_pending_awards_at_once(app, quarter):
    client = app.test_client()
    url = f"/api/v1/communities/{quarter['community'].id}/notices/awards"
    made = client.post(url, headers=headers(app, quarter["coordinator"]))
    assert made.status_code == 201 and made.json["kind"] == "awards" and len(made.json["awards"]) == 1
    nothing = client.post(url, headers=headers(app, quarter["coordinator"]))
    assert nothing.status_code == 422 and nothing.json["errors"]["rule"] == "nothing_to_publish"
    quarterly = _publish(app, quarter)
    assert quarterly["awards"] == []  # already published
