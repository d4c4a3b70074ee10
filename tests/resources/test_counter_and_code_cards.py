"""The service station's desk over HTTP (issue #16): counter entry (柜台登记) and witness code cards (见证码卡)."""

import datetime as dt

from server import clock
from server.models import CodeAttempt, Member, WitnessCode
from server.services.oversight import audits
from server.services.people import core as people
from tests.factories import headers, make_community, make_coordinator, make_member, make_volunteer

NOW = dt.datetime(2026, 11, 18, 16, 0)  # a Wednesday afternoon: services of the morning are over


def _entry(volunteer, **overrides) -> dict:
    start = NOW.replace(hour=9)
    body = {
        "volunteer_member_id": volunteer.id, "category_code": "repairs", "item_code": "appliance_repair",
        "place": "5号楼1单元102", "started_at": start.isoformat(),
        "ended_at": (start + dt.timedelta(minutes=95)).isoformat(), "content": "修理电饭煲（纸质记录单）",
    }
    body.update(overrides)
    return body


def _desk(any_app):
    clock.freeze(NOW)
    community = make_community()
    volunteer, _ = make_volunteer(community, name="赵大勇")
    coordinator = make_coordinator(community, name="孙站长")
    daughter = make_member(community, name="钱小梅")
    elder = people.add_dependent(daughter, daughter.household, name="钱奶奶", relation="母亲")
    return community, volunteer, coordinator, elder, any_app.test_client()


def _issue(client, app, coordinator, household_id):
    answer = client.post(f"/api/v1/households/{household_id}/code-cards", headers=headers(app, coordinator))
    assert answer.status_code == 201, answer.json
    return answer.json


def test_a_counter_entry_with_the_paper_signature_is_credited_and_flagged_for_the_audit(any_app):
    community, volunteer, coordinator, elder, client = _desk(any_app)
    entered = client.post("/api/v1/service-records/counter", headers=headers(any_app, coordinator),
                          json=_entry(volunteer, witness_member_id=elder.id, recipient_member_id=elder.id,
                                      paper_signature=True))
    assert entered.status_code == 201, entered.json
    record = entered.json
    assert (record["source"], record["status"], record["credited_minutes"]) == ("counter", "credited", 90)
    assert (record["recorder_name"], record["confirmed_by_name"], record["confirmed_via"]) == ("孙站长", "孙站长", "paper")
    assert record["volunteer_name"] == "赵大勇" and record["organiser"] == "服务站柜台登记"
    book = client.get("/api/v1/me/passbook", headers=headers(any_app, volunteer)).json
    assert book["balance_minutes"] == 90 and book["entries"][0]["witness_name"] == "钱奶奶"

    # the quarter's audit flags it, so its sample reaches it first
    clock.freeze(dt.datetime(2027, 1, 5, 10, 0))
    audit = audits.run(None, community, 2026, 4)
    kinds = {(f.record_id, f.kind) for f in audit.flags}
    assert (record["id"], "paper_signature") in kinds
    assert {int(rid): weight for rid, weight in audit.weights.items()}[record["id"]] > 1


def test_a_counter_entry_follows_a_self_reports_rules(any_app):
    community, volunteer, coordinator, elder, client = _desk(any_app)
    url, auth = "/api/v1/service-records/counter", headers(any_app, coordinator)
    assert client.post(url, headers=headers(any_app, volunteer), json=_entry(volunteer)).status_code == 403
    no_witness = client.post(url, headers=auth, json=_entry(volunteer, paper_signature=True))
    assert no_witness.status_code == 422 and "witness_member_id" in no_witness.json["errors"]["json"]
    first = client.post(url, headers=auth, json=_entry(volunteer, witness_member_id=elder.id, paper_signature=True))
    assert first.status_code == 201
    overlap = client.post(url, headers=auth, json=_entry(volunteer, witness_member_id=elder.id))
    assert overlap.status_code == 422 and overlap.json["errors"]["json"].keys() == {"started_at"}
    ahead = client.post(url, headers=auth, json=_entry(volunteer, witness_member_id=elder.id,
                                                       started_at=NOW.replace(hour=17).isoformat(),
                                                       ended_at=NOW.replace(hour=18).isoformat()))
    assert ahead.status_code == 422 and "ended_at" in ahead.json["errors"]["json"]
    stranger = make_member(make_community())
    outside = client.post(url, headers=auth, json=_entry(stranger, witness_member_id=elder.id))
    assert outside.status_code == 422 and "volunteer_member_id" in outside.json["errors"]["json"]
    # a paper form older than the self-report back-date limit is the station's own review: credited, not 补录
    old = NOW.replace(hour=9) - dt.timedelta(days=40)
    late = client.post(url, headers=auth, json=_entry(volunteer, witness_member_id=elder.id, paper_signature=True,
                                                      started_at=old.isoformat(),
                                                      ended_at=(old + dt.timedelta(hours=1)).isoformat()))
    assert late.status_code == 201 and (late.json["status"], late.json["needs_approval"]) == ("credited", False)


def test_a_counter_entry_confirmed_by_a_code_from_the_elders_card(any_app):
    community, volunteer, coordinator, elder, client = _desk(any_app)
    card = _issue(client, any_app, coordinator, elder.household_id)
    assert card["size"] == 20 and [c["number"] for c in card["codes"]] == list(range(1, 21))
    assert all(len(c["code"]) == 6 and c["code"].isdigit() for c in card["codes"])
    stored = [w.code_hash for w in WitnessCode.select()]
    assert not {c["code"] for c in card["codes"]} & set(stored)  # only HMACs are kept

    entered = client.post("/api/v1/service-records/counter", headers=headers(any_app, coordinator),
                          json=_entry(volunteer, witness_member_id=elder.id, recipient_member_id=elder.id))
    assert entered.status_code == 201 and entered.json["status"] == "reported"
    assert entered.json["code_card"] is True
    code = card["codes"][0]["code"]
    confirmed = client.post("/api/v1/service-records/confirm-code", headers=headers(any_app, coordinator),
                            json={"record_id": entered.json["id"], "code": code})
    assert confirmed.status_code == 200, confirmed.json
    assert (confirmed.json["status"], confirmed.json["confirmed_via"], confirmed.json["confirmed_by_name"]) == (
        "credited", "code", "钱奶奶")
    assert confirmed.json["credited_minutes"] == 90 and confirmed.json["code_card"] is False
    (attempt,) = CodeAttempt.select()
    assert (attempt.actor_id, attempt.number, attempt.succeeded) == (coordinator.id, 1, True)
    used = WitnessCode.get(WitnessCode.number == 1)
    assert (used.used_by_id, used.record_id, used.used_at) == (coordinator.id, entered.json["id"], NOW)


def test_a_code_works_once_and_a_volunteer_enters_it_for_a_self_report(any_app):
    community, volunteer, coordinator, elder, client = _desk(any_app)
    card = _issue(client, any_app, coordinator, elder.household_id)
    start = NOW.replace(hour=9)
    first, second = [client.post("/api/v1/service-records", headers=headers(any_app, volunteer), json={
        "category_code": "repairs", "place": "5号楼1单元102", "content": "修理电饭煲", "witness_member_id": elder.id,
        "started_at": (start + dt.timedelta(hours=h)).isoformat(),
        "ended_at": (start + dt.timedelta(hours=h, minutes=60)).isoformat()}).json for h in (0, 2)]
    assert first["code_card"] is True
    code = card["codes"][4]["code"]
    ok = client.post("/api/v1/service-records/confirm-code", headers=headers(any_app, volunteer),
                     json={"record_id": first["id"], "code": code})
    assert ok.status_code == 200 and ok.json["status"] == "credited"
    twice = client.post("/api/v1/service-records/confirm-code", headers=headers(any_app, volunteer),
                        json={"record_id": second["id"], "code": code})
    assert twice.status_code == 409 and twice.json["errors"]["rule"] == "code_used"
    assert "第5号" in twice.json["message"]
    assert client.get(f"/api/v1/service-records/{second['id']}", headers=headers(any_app, volunteer)).json[
        "status"] == "reported"
    # nobody else may enter codes for the record (the elder's neighbour, say)
    neighbour = make_member(community)
    other = client.post("/api/v1/service-records/confirm-code", headers=headers(any_app, neighbour),
                        json={"record_id": second["id"], "code": card["codes"][5]["code"]})
    assert other.status_code == 404
    bad = client.post("/api/v1/service-records/confirm-code", headers=headers(any_app, volunteer),
                      json={"record_id": second["id"], "code": "12345"})
    assert bad.status_code == 422 and "code" in bad.json["errors"]["json"]


def test_a_new_card_revokes_the_old_one(any_app):
    community, volunteer, coordinator, elder, client = _desk(any_app)
    old = _issue(client, any_app, coordinator, elder.household_id)
    new = _issue(client, any_app, coordinator, elder.household_id)
    cards = client.get(f"/api/v1/households/{elder.household_id}/code-cards", headers=headers(any_app, coordinator)).json
    assert [(c["id"], c["revoked_at"] is None) for c in cards] == [(new["id"], True), (old["id"], False)]
    assert all("codes" not in c for c in cards)  # never shown again
    record = client.post("/api/v1/service-records/counter", headers=headers(any_app, coordinator),
                         json=_entry(volunteer, witness_member_id=elder.id)).json
    old_codes = {c["code"] for c in old["codes"]} - {c["code"] for c in new["codes"]}
    stale = client.post("/api/v1/service-records/confirm-code", headers=headers(any_app, coordinator),
                        json={"record_id": record["id"], "code": sorted(old_codes)[0]})
    assert stale.status_code == 422 and stale.json["errors"]["rule"] == "code_wrong"
    fresh = client.post("/api/v1/service-records/confirm-code", headers=headers(any_app, coordinator),
                        json={"record_id": record["id"], "code": new["codes"][0]["code"]})
    assert fresh.status_code == 200 and fresh.json["status"] == "credited"
    # only a coordinator of the household's community issues cards
    assert client.post(f"/api/v1/households/{elder.household_id}/code-cards",
                       headers=headers(any_app, volunteer)).status_code == 403
    other_station = make_coordinator(make_community())
    assert client.post(f"/api/v1/households/{elder.household_id}/code-cards",
                       headers=headers(any_app, other_station)).status_code == 404


def test_a_retry_of_the_issue_never_shows_the_codes_again(any_app):
    community, volunteer, coordinator, elder, client = _desk(any_app)
    key = {"Idempotency-Key": "card-for-qian-0001"}
    first = client.post(f"/api/v1/households/{elder.household_id}/code-cards",
                        headers={**headers(any_app, coordinator), **key})
    assert first.status_code == 201 and len(first.json["codes"]) == 20
    again = client.post(f"/api/v1/households/{elder.household_id}/code-cards",
                        headers={**headers(any_app, coordinator), **key})
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json["id"] == first.json["id"] and "codes" not in again.json


def test_wrong_codes_lock_the_record_after_the_limit(any_app):
    community, volunteer, coordinator, elder, client = _desk(any_app)
    card = _issue(client, any_app, coordinator, elder.household_id)
    record = client.post("/api/v1/service-records/counter", headers=headers(any_app, coordinator),
                         json=_entry(volunteer, witness_member_id=elder.id)).json
    real = {c["code"] for c in card["codes"]}
    wrong = [f"{n:06d}" for n in range(1000) if f"{n:06d}" not in real][:5]
    answers = [client.post("/api/v1/service-records/confirm-code", headers=headers(any_app, volunteer),
                           json={"record_id": record["id"], "code": code}) for code in wrong]
    assert [a.status_code for a in answers] == [422] * 5
    assert "还可以再试4次" in answers[0].json["message"] and "已锁定" in answers[-1].json["message"]
    locked = client.post("/api/v1/service-records/confirm-code", headers=headers(any_app, volunteer),
                         json={"record_id": record["id"], "code": card["codes"][0]["code"]})
    assert locked.status_code == 409 and locked.json["errors"]["rule"] == "code_locked"
    assert CodeAttempt.select().where(CodeAttempt.succeeded == False).count() == 5  # noqa: E712
    # the station may still approve it itself
    approved = client.post(f"/api/v1/service-records/{record['id']}/approve", headers=headers(any_app, coordinator))
    assert approved.status_code == 200 and approved.json["status"] == "credited"


def test_code_entry_is_rate_limited(redis_url, redis, sqlite_url):
    """Beyond the per-member limit of code confirmations the API answers 429 (Flask-Limiter, as other codes)."""
    from tests.conftest import make_app

    app = make_app(sqlite_url, redis_url, RATE_LIMIT_CODE_PER_MEMBER="3/day")
    try:
        clock.freeze(NOW)
        community = make_community()
        volunteer, _ = make_volunteer(community)
        client = app.test_client()
        codes = [client.post("/api/v1/service-records/confirm-code", headers=headers(app, volunteer),
                             json={"record_id": 987654, "code": "000000"}).status_code for _ in range(4)]
        assert codes == [404, 404, 404, 429]
    finally:
        clock.freeze(None)


def test_a_witness_without_a_card_or_a_family_member_cannot_use_codes(any_app):
    community, volunteer, coordinator, elder, client = _desk(any_app)
    record = client.post("/api/v1/service-records/counter", headers=headers(any_app, coordinator),
                         json=_entry(volunteer, witness_member_id=elder.id)).json
    assert record["code_card"] is False
    none = client.post("/api/v1/service-records/confirm-code", headers=headers(any_app, volunteer),
                       json={"record_id": record["id"], "code": "123456"})
    assert none.status_code == 422 and none.json["errors"]["rule"] == "no_code_card"
    assert Member.get_by_id(elder.id).household_id == elder.household_id


def test_a_coordinator_cannot_credit_their_own_service_by_paper(any_app):
    community, volunteer, coordinator, elder, client = _desk(any_app)
    Member.update(roles=Member.roles.concat(",coordinator")).where(Member.id == volunteer.id).execute()
    own = client.post("/api/v1/service-records/counter", headers=headers(any_app, volunteer),
                      json=_entry(volunteer, witness_member_id=elder.id, paper_signature=True))
    assert own.status_code == 403 and "另一位工作人员" in own.json["message"]
    # waiting for its witness's code or tap, it may be entered
    waiting = client.post("/api/v1/service-records/counter", headers=headers(any_app, volunteer),
                          json=_entry(volunteer, witness_member_id=elder.id))
    assert waiting.status_code == 201 and waiting.json["status"] == "reported"
