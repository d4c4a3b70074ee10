"""Households: opening an account (开户), family joining by invite code, members without a phone."""

from server.models import Member
from tests.factories import headers, make_community, make_coordinator, make_member


def test_open_join_and_view_a_household(app):
    community = make_community()
    client = app.test_client()
    head = make_member(community=None, household=False)
    opened = client.post("/api/v1/households", headers=headers(app, head),
                         json={"community_id": community.id, "name": "王家", "building": "3号楼", "unit": "2单元"})
    assert opened.status_code == 201, opened.json
    code = opened.json["invite_code"]
    assert len(code) == 8 and not set(code) & set("01OIL")

    daughter = make_member(household=False)
    joined = client.post("/api/v1/households/join", headers=headers(app, daughter),
                         json={"invite_code": code.lower(), "relation": "女儿"})
    assert joined.status_code == 200, joined.json
    assert {m["relation"] for m in joined.json["members"]} == {"本人", "女儿"}
    me = client.get("/api/v1/me", headers=headers(app, daughter)).json
    assert me["household_id"] == opened.json["id"] and "resident" in me["roles"]

    # the family sees each other's phone masked, their own in full
    view = client.get(f"/api/v1/households/{opened.json['id']}", headers=headers(app, daughter)).json
    phones = {m["id"]: m["phone"] for m in view["members"]}
    assert phones[daughter.id] == Member.get_by_id(daughter.id).phone
    assert "****" in phones[head.id]


def test_cannot_open_twice_or_join_with_a_wrong_code(app):
    community = make_community()
    member = make_member(community)
    client = app.test_client()
    again = client.post("/api/v1/households", headers=headers(app, member), json={"community_id": community.id, "name": "x"})
    assert again.status_code == 409
    stranger = make_member(household=False)
    wrong = client.post("/api/v1/households/join", headers=headers(app, stranger),
                        json={"invite_code": "ZZZZZZZZ", "relation": "女儿"})
    assert wrong.status_code == 422 and wrong.json["errors"]["json"] == {"invite_code": ["邀请码不对，请向家人核对"]}


def test_unknown_community_and_bad_fields_are_422(app):
    member = make_member(household=False)
    client = app.test_client()
    unknown = client.post("/api/v1/households", headers=headers(app, member), json={"community_id": 999, "name": "x"})
    assert unknown.status_code == 422 and "community_id" in unknown.json["errors"]["json"]
    bad = client.post("/api/v1/households", headers=headers(app, member), json={"community_id": "one", "name": ""})
    assert bad.status_code == 422
    assert set(bad.json["errors"]["json"]) == {"community_id", "name"}


def test_family_adds_a_member_without_a_phone(app):
    community = make_community()
    head = make_member(community)
    client = app.test_client()
    added = client.post(f"/api/v1/households/{head.household_id}/members", headers=headers(app, head),
                        json={"name": "王德顺", "relation": "配偶", "gender": "男", "birth_date": "1950-06-01"})
    assert added.status_code == 201, added.json
    assert added.json["uses_wechat"] is False
    assert Member.get_by_id(added.json["id"]).household_id == head.household_id


def test_a_neighbour_cannot_see_another_household(app):
    community = make_community()
    one, other = make_member(community), make_member(community)
    client = app.test_client()
    assert client.get(f"/api/v1/households/{other.household_id}", headers=headers(app, one)).status_code == 404
    assert client.post(f"/api/v1/households/{other.household_id}/members", headers=headers(app, one),
                       json={"name": "x", "relation": "配偶"}).status_code == 404


def test_coordinator_lists_and_views_households_of_their_community(app):
    community = make_community()
    members = [make_member(community) for _ in range(3)]
    make_member(make_community())  # elsewhere
    coordinator = make_coordinator(community)
    client = app.test_client()
    listing = client.get("/api/v1/households?limit=2", headers=headers(app, coordinator))
    assert listing.status_code == 200 and len(listing.json["items"]) == 2
    rest = client.get(f"/api/v1/households?limit=2&cursor={listing.json['next_cursor']}", headers=headers(app, coordinator))
    assert len(rest.json["items"]) == 1 and rest.json["next_cursor"] is None
    detail = client.get(f"/api/v1/households/{members[0].household_id}", headers=headers(app, coordinator)).json
    assert detail["members"][0]["phone"] == members[0].phone  # coordinators see phones


def test_invite_code_regenerated_only_by_head_or_coordinator(app):
    community = make_community()
    head = make_member(community)
    client = app.test_client()
    old = client.get(f"/api/v1/households/{head.household_id}", headers=headers(app, head)).json["invite_code"]
    relative = make_member(household=False)
    client.post("/api/v1/households/join", headers=headers(app, relative), json={"invite_code": old, "relation": "儿子"})
    assert client.post(f"/api/v1/households/{head.household_id}/invite-code", headers=headers(app, relative)).status_code == 403
    new = client.post(f"/api/v1/households/{head.household_id}/invite-code", headers=headers(app, head))
    assert new.status_code == 200 and new.json["invite_code"] != old
