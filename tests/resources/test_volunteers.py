"""Volunteer registration, consent for sensitive fields, masking, status and teams."""

from server.models import Team, Volunteer
from tests.factories import headers, make_community, make_coordinator, make_member, make_volunteer

REGISTRATION = {
    "name": "李建国", "gender": "男", "birth_date": "1981-05-20", "phone": "13812345678",
    "occupation": "电工", "specialties": "家电维修", "intentions": ["repairs", "hardship"],
    "availability": [{"weekday": 1, "slot": "evening"}, {"weekday": 6, "slot": "morning"}],
}


def test_register_gives_a_public_volunteer_number(app):
    community = make_community(code="HPX")
    member = make_member(community)
    team = Team.get(Team.code == "home_care")
    answer = app.test_client().post("/api/v1/volunteers", headers=headers(app, member),
                                    json={**REGISTRATION, "team_ids": [team.id]})
    assert answer.status_code == 201, answer.json
    body = answer.json
    assert body["volunteer_no"] == f"HPX-{body['id']:05d}"
    assert body["intentions"] == ["repairs", "hardship"] or set(body["intentions"]) == {"repairs", "hardship"}
    assert body["teams"] == [{"id": team.id, "name": team.name}]
    assert body["availability"] == REGISTRATION["availability"]
    assert body["political_status"] is None and body["consent_political"] is False
    assert body["phone"] == "13812345678"  # the volunteer sees their own


def test_register_requires_the_source_fields_and_a_household(app):
    community = make_community()
    member = make_member(community)
    client = app.test_client()
    missing = client.post("/api/v1/volunteers", headers=headers(app, member), json={"occupation": "x"})
    assert missing.status_code == 422
    assert {"name", "gender", "birth_date", "phone"} <= set(missing.json["errors"]["json"])
    bad_phone = client.post("/api/v1/volunteers", headers=headers(app, member), json={**REGISTRATION, "phone": "123"})
    assert bad_phone.json["errors"]["json"] == {"phone": ["请填写11位手机号"]}
    no_home = make_member(household=False)
    assert client.post("/api/v1/volunteers", headers=headers(app, no_home), json=REGISTRATION).status_code == 403
    assert client.post("/api/v1/volunteers", headers=headers(app, member), json={**REGISTRATION, "intentions": ["flying"]}).status_code == 422


def test_political_status_needs_its_own_consent_and_is_erased_on_withdrawal(app):
    community = make_community()
    member = make_member(community)
    client = app.test_client()
    refused = client.post("/api/v1/volunteers", headers=headers(app, member), json={**REGISTRATION, "political_status": "中共党员"})
    assert refused.status_code == 422 and refused.json["errors"]["rule"] == "consent_required"
    ok = client.post("/api/v1/volunteers", headers=headers(app, member),
                     json={**REGISTRATION, "consent_political": True, "political_status": "中共党员"})
    assert ok.status_code == 201 and ok.json["political_status"] == "中共党员"
    withdrawn = client.patch(f"/api/v1/volunteers/{ok.json['id']}", headers=headers(app, member), json={"consent_political": False})
    assert withdrawn.json["political_status"] is None
    assert Volunteer.get_by_id(ok.json["id"]).political_status is None


def test_private_fields_only_for_self_and_coordinator(app):
    community = make_community()
    vol_member, volunteer = make_volunteer(community)
    app.test_client().patch(f"/api/v1/volunteers/{volunteer.id}", headers=headers(app, vol_member),
                            json={"consent_political": True, "political_status": "群众"})
    neighbour = make_member(community)
    coordinator = make_coordinator(community)
    client = app.test_client()
    seen = client.get(f"/api/v1/volunteers/{volunteer.id}", headers=headers(app, neighbour)).json
    assert "****" in seen["phone"] and "political_status" not in seen and "birth_date" not in seen
    full = client.get(f"/api/v1/volunteers/{volunteer.id}", headers=headers(app, coordinator)).json
    assert full["phone"] == vol_member.phone and full["political_status"] == "群众"
    listing = client.get("/api/v1/volunteers", headers=headers(app, coordinator)).json["items"]
    assert listing[0]["political_status"] == "群众" and listing[0]["phone"] == vol_member.phone


def test_a_volunteer_cannot_edit_someone_else(app):
    community = make_community()
    _, volunteer = make_volunteer(community)
    other, _ = make_volunteer(community)
    answer = app.test_client().patch(f"/api/v1/volunteers/{volunteer.id}", headers=headers(app, other), json={"specialties": "x"})
    assert answer.status_code == 403


def test_coordinator_retires_with_a_reason(app):
    community = make_community()
    _, volunteer = make_volunteer(community)
    coordinator = make_coordinator(community)
    client = app.test_client()
    url = f"/api/v1/volunteers/{volunteer.id}/status"
    no_reason = client.post(url, headers=headers(app, coordinator), json={"status": "retired"})
    assert no_reason.status_code == 422 and no_reason.json["errors"]["json"] == {"reason": ["退出时请说明原因：年龄、疾病或其他"]}
    retired = client.post(url, headers=headers(app, coordinator), json={"status": "retired", "reason": "illness"})
    assert retired.status_code == 200 and retired.json["status"] == "retired" and retired.json["retired_reason"] == "illness"
    back = client.post(url, headers=headers(app, coordinator), json={"status": "active"})
    assert back.json["retired_reason"] is None


def test_coordinator_filters_the_volunteer_list(app):
    community = make_community()
    make_volunteer(community, intentions=["repairs"], name="修理工")
    make_volunteer(community, intentions=["health_care"], name="护士甲")
    coordinator = make_coordinator(community)
    client = app.test_client()
    health = client.get("/api/v1/volunteers?category=health_care", headers=headers(app, coordinator)).json["items"]
    assert [v["name"] for v in health] == ["护士甲"]
    by_name = client.get("/api/v1/volunteers?q=修理", headers=headers(app, coordinator)).json["items"]
    assert [v["name"] for v in by_name] == ["修理工"]
    assert client.get("/api/v1/volunteers?status=sleeping", headers=headers(app, coordinator)).status_code == 422


def test_teams_join_leave_and_community_teams(app):
    community, elsewhere = make_community(), make_community()
    member, volunteer = make_volunteer(community)
    coordinator = make_coordinator(community)
    client = app.test_client()
    created = client.post("/api/v1/teams", headers=headers(app, coordinator),
                          json={"name": "楼道志愿队", "categories": ["environment"]})
    assert created.status_code == 201 and created.json["categories"] == ["environment"]
    other_team = client.post("/api/v1/teams", headers=headers(app, make_coordinator(elsewhere)), json={"name": "别处的队"}).json
    teams = client.get("/api/v1/teams", headers=headers(app, member)).json
    names = {t["name"] for t in teams}
    assert "楼道志愿队" in names and "别处的队" not in names and len(teams) == 7
    assert client.post(f"/api/v1/teams/{created.json['id']}/membership", headers=headers(app, member)).status_code == 200
    assert client.post(f"/api/v1/teams/{created.json['id']}/membership", headers=headers(app, member)).status_code == 200  # twice: once
    profile = client.get(f"/api/v1/volunteers/{volunteer.id}", headers=headers(app, member)).json
    assert [t["name"] for t in profile["teams"]] == ["楼道志愿队"]
    assert client.post(f"/api/v1/teams/{other_team['id']}/membership", headers=headers(app, member)).status_code == 404
    assert client.delete(f"/api/v1/teams/{created.json['id']}/membership", headers=headers(app, member)).status_code == 204
    assert client.get(f"/api/v1/volunteers/{volunteer.id}", headers=headers(app, member)).json["teams"] == []
