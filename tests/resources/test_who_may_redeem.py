"""Who may redeem the household's hours (优先回馈), told as stories over HTTP on SQLite and PostgreSQL.

The household is the account holder: an elder who never volunteered spends hours her children gave;
a hardship case (兜底对象) under the age spends a love-pool grant once the station marks her, and not
after it ends; an active volunteer of 40 keeps banking. The ledger verifies after each.
"""

import datetime as dt

from server import clock
from server.models import HardshipPeriod, Transfer
from server.services.ledger import ledger_verify
from tests.factories import headers, make_community, make_coordinator, make_member, make_volunteer, need


def _json(body: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.datetime | dt.date) else v) for k, v in body.items()}


def _born(years: int) -> dt.date:
    """A birth date `years` ago, a month back (so the birthday has passed)."""
    today = clock.today()
    return dt.date(today.year - years, 1, 1) if today.month > 1 else dt.date(today.year - years - 1, 1, 1)


def _post(client, url, body, who, key=None):
    extra = {"Idempotency-Key": key} if key else {}
    return client.post(url, json=body, headers={**who, **extra})


def _members(answer) -> dict:
    return {line["name"]: line for line in answer["members"]}


def test_an_elder_who_never_volunteered_redeems_hours_her_children_gave(any_app):
    app, client = any_app, any_app.test_client()
    community = make_community()
    coordinator = make_coordinator(community)
    elder = make_member(community, name="李秀英", birth_date=_born(72))
    daughter, _ = make_volunteer(community, name="李小梅", birth_date=_born(45))
    station = headers(app, coordinator)
    # The daughter's household has banked hours; she names her mother's household and the station confirms.
    assert _post(client, "/api/v1/ledger/adjustments", {"household_id": daughter.household_id, "minutes": 300,
                 "reason": "历年服务补录"}, station, key="fund-daughter").status_code == 201
    kinship = _post(client, "/api/v1/kinships", {"invite_code": elder.household.invite_code, "relation": "母亲"},
                    headers(app, daughter)).json
    assert client.post(f"/api/v1/kinships/{kinship['id']}/confirm", headers=station).status_code == 200

    refused = client.get("/api/v1/payback-requests/eligibility", headers=headers(app, daughter)).json
    assert refused["eligible"] is False and "在岗志愿者，未满60岁，先继续存时间" in refused["reason"]

    gift = _post(client, "/api/v1/ledger/gifts", {"to_household_id": elder.household_id, "minutes": 180,
                 "note": "给妈妈"}, headers(app, daughter), key="gift-mum")
    assert gift.status_code == 201, gift.json

    answer = client.get("/api/v1/payback-requests/eligibility", headers=headers(app, elder)).json
    assert answer["eligible"] is True and answer["available_minutes"] == 180
    assert _members(answer)["李秀英"] == {"member_id": elder.id, "name": "李秀英", "relation": "本人",
                                        "may_redeem": True, "reasons": ["年满60岁"], "reason_not": ""}
    opened = _post(client, "/api/v1/payback-requests", _json(need(minutes=120)), headers(app, elder))
    assert opened.status_code == 201, opened.json
    assert opened.json["held_minutes"] == 120 and opened.json["hold_state"] == "pending"
    book = client.get("/api/v1/me/passbook", headers=headers(app, elder)).json
    assert (book["balance_minutes"], book["held_minutes"], book["available_minutes"]) == (180, 120, 60)
    assert client.get("/api/v1/me/passbook", headers=headers(app, daughter)).json["held_minutes"] == 0
    assert client.get("/api/v1/ledger/verification", headers=station).json["ok"] is True
    assert ledger_verify.verify() == []


def test_a_hardship_case_under_60_redeems_a_grant_only_while_marked(any_app):
    app, client = any_app, any_app.test_client()
    community = make_community()
    coordinator = make_coordinator(community)
    station = headers(app, coordinator)
    widow = make_member(community, name="赵玉兰", birth_date=_born(55))
    donor = make_member(community)  # a neighbour's household fills the love pool
    assert _post(client, "/api/v1/ledger/adjustments", {"household_id": donor.household_id, "minutes": 300,
                 "reason": "历年服务补录"}, station, key="fund-donor").status_code == 201
    donated = _post(client, "/api/v1/ledger/donations", {"minutes": 240, "note": "捐入爱心池"}, headers(app, donor),
                    key="donate-pool")
    assert donated.status_code == 201, donated.json
    assert _post(client, "/api/v1/ledger/grants", {"household_id": widow.household_id, "minutes": 240,
                 "reason": "孤寡老人帮扶"}, station, key="grant-widow").status_code == 201

    before = client.get("/api/v1/payback-requests/eligibility", headers=headers(app, widow)).json
    assert before["eligible"] is False and "未满60岁，也不是兜底对象" in before["reason"]
    refused = _post(client, "/api/v1/payback-requests", _json(need(minutes=60)), headers(app, widow))
    assert refused.status_code == 422 and refused.json["errors"]["rule"] == "payback_not_eligible"

    bad = _post(client, f"/api/v1/members/{widow.id}/hardship", {"reason": "穷"}, station)
    assert bad.status_code == 422 and "reason" in bad.json["errors"]["json"]
    marked = _post(client, f"/api/v1/members/{widow.id}/hardship", {"reason": "孤寡", "note": "独居"}, station)
    assert marked.status_code == 201, marked.json
    assert (marked.json["reason"], marked.json["started_by_name"], marked.json["ended_at"]) == (
        "孤寡", coordinator.name, None)
    again = _post(client, f"/api/v1/members/{widow.id}/hardship", {"reason": "孤寡"}, station)
    assert again.status_code == 409 and again.json["errors"]["rule"] == "already_hardship"

    answer = client.get(f"/api/v1/payback-requests/eligibility?member_id={widow.id}", headers=station).json
    assert answer["eligible"] is True and _members(answer)["赵玉兰"]["reasons"] == ["兜底对象（孤寡）"]
    # The station opens it for her (she has no one else to do it).
    opened = _post(client, "/api/v1/payback-requests", _json(need(minutes=60, for_member_id=widow.id)), station)
    assert opened.status_code == 201, opened.json
    assert opened.json["requester_name"] == "赵玉兰" and opened.json["created_by_name"] == coordinator.name
    assert ledger_verify.verify() == []

    ended = client.delete(f"/api/v1/members/{widow.id}/hardship", headers=station)
    assert ended.status_code == 200 and ended.json["ended_by_name"] == coordinator.name and ended.json["ended_at"]
    assert client.delete(f"/api/v1/members/{widow.id}/hardship", headers=station).status_code == 409
    after = _post(client, "/api/v1/payback-requests", _json(need(minutes=60)), headers(app, widow))
    assert after.status_code == 422 and after.json["errors"]["rule"] == "payback_not_eligible"
    assert HardshipPeriod.select().where(HardshipPeriod.member == widow.id).count() == 1  # history kept
    assert ledger_verify.verify() == []


def test_an_active_volunteer_of_40_keeps_banking_and_is_told_why(any_app):
    app, client = any_app, any_app.test_client()
    community = make_community()
    coordinator = make_coordinator(community)
    volunteer, _ = make_volunteer(community, name="陈刚", birth_date=_born(40))
    assert _post(client, "/api/v1/ledger/adjustments", {"household_id": volunteer.household_id, "minutes": 300,
                 "reason": "历年服务补录"}, headers(app, coordinator), key="fund-chen").status_code == 201
    refused = _post(client, "/api/v1/payback-requests", _json(need(minutes=60)), headers(app, volunteer))
    assert refused.status_code == 422 and refused.json["errors"]["rule"] == "payback_not_eligible"
    assert refused.json["message"] == "陈刚：在岗志愿者，未满60岁，先继续存时间，暂不能申请优先回馈。"
    assert Transfer.select().where(Transfer.hold_account.is_null(False)).count() == 0
    assert ledger_verify.verify() == []


def test_the_household_answer_names_everyone_and_why(any_app):
    """One household: a grandmother (age), a retired-for-illness volunteer (retirement), a working son (not)."""
    app, client = any_app, any_app.test_client()
    community = make_community()
    coordinator = make_coordinator(community)
    son, profile = make_volunteer(community, name="王建国", birth_date=_born(38))
    from server.services.people import core as people
    from server.services.people import volunteers

    grandma = people.add_dependent(son, son.household, name="王奶奶", relation="母亲", birth_date=_born(80))
    uncle, uncle_profile = make_volunteer(community, name="王叔", birth_date=_born(50))
    volunteers.set_status(coordinator, uncle_profile, status="retired", reason="illness")
    answer = client.get(f"/api/v1/payback-requests/eligibility?member_id={grandma.id}", headers=headers(app, son)).json
    assert answer["member_id"] == grandma.id and answer["eligible"] is True
    lines = _members(answer)
    assert list(lines) == ["王奶奶", "王建国"]  # oldest first
    assert lines["王奶奶"]["reasons"] == ["年满60岁"] and lines["王建国"]["may_redeem"] is False
    uncle_answer = client.get("/api/v1/payback-requests/eligibility", headers=headers(app, uncle)).json
    assert _members(uncle_answer)["王叔"]["reasons"] == ["因病退出的志愿者"]
    stranger = make_member(community)
    assert client.get(f"/api/v1/payback-requests/eligibility?member_id={grandma.id}",
                      headers=headers(app, stranger)).status_code == 422
    # the older parameter name still works
    assert client.get(f"/api/v1/payback-requests/eligibility?for_member_id={grandma.id}",
                      headers=headers(app, son)).json["member_id"] == grandma.id


def test_hardship_is_marked_only_by_the_members_station(any_app):
    app, client = any_app, any_app.test_client()
    home, other = make_community(), make_community()
    member = make_member(home)
    neighbour = make_member(home)
    foreign_station = headers(app, make_coordinator(other))
    body = {"reason": "残疾"}
    assert _post(client, f"/api/v1/members/{member.id}/hardship", body, foreign_station).status_code == 404
    assert _post(client, f"/api/v1/members/{member.id}/hardship", body, headers(app, neighbour)).status_code == 403
    from tests.factories import make_admin

    assert _post(client, f"/api/v1/members/{member.id}/hardship", body, headers(app, make_admin())).status_code == 201


def test_the_demo_shows_a_hardship_case_with_a_grant(app):
    """The demo's coordinator finds 钱凤英 (58, 孤寡) may redeem the love-pool hours granted to her."""
    from server.models import Member
    from server.services.people import demo

    demo.load()
    qian = Member.get(Member.name == "钱凤英")
    answer = app.test_client().get(f"/api/v1/payback-requests/eligibility?member_id={qian.id}",
                                   headers=headers(app, Member.get(Member.handle == "coordinator"))).json
    assert answer["eligible"] is True and answer["available_minutes"] == 240
    assert _members(answer)["钱凤英"]["reasons"] == ["兜底对象（孤寡）"]
    assert ledger_verify.verify() == []
