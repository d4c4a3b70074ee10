"""The task board's stories through the HTTP API: booking, payback, agreements, events, honest hours."""

import datetime as dt

from server import clock, runtime
from server.models import Member, OutboxMessage, Task, TaskEvent, Transfer
from server.services.board import agreements, tasks
from server.services.people import core as people
from server.services.people import volunteers
from tests.factories import (
    headers,
    make_agreement,
    make_community,
    make_coordinator,
    make_event,
    make_member,
    make_request,
    make_volunteer,
    need,
)


def _json(body: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.datetime | dt.date) else v) for k, v in body.items()}


def _fund(app, coordinator, household_id, minutes, key):
    answer = app.test_client().post("/api/v1/ledger/adjustments", json={
        "household_id": household_id, "minutes": minutes, "reason": "历年服务补录"},
        headers={**headers(app, coordinator), "Idempotency-Key": key})
    assert answer.status_code == 201, answer.json


def test_booking_to_credit(app):
    """resident books → volunteer claims, checks in and out → resident confirms → the passbook shows it."""
    community = make_community()
    resident = make_member(community, name="王秀兰")
    volunteer, _ = make_volunteer(community, name="李建国")
    client = app.test_client()

    booked = client.post("/api/v1/requests", json=_json(need(hours_from_now=0, minutes=60)), headers=headers(app, resident))
    assert booked.status_code == 201, booked.json
    assert booked.json["status"] == "open" and booked.json["status_label"] == "等待志愿者接单"
    task_id = booked.json["task_id"]

    board = client.get("/api/v1/tasks", headers=headers(app, volunteer)).json
    (line,) = board["items"]
    assert line["id"] == task_id and line["recipient_name"] == "王**" and line["recipient_phone"] == ""

    claimed = client.post(f"/api/v1/tasks/{task_id}/claim", headers=headers(app, volunteer))
    assert claimed.status_code == 200 and claimed.json["recipient_name"] == "王秀兰" and claimed.json["claimed_by_me"]
    assert client.get(f"/api/v1/requests/{booked.json['id']}", headers=headers(app, resident)).json["volunteer"]["name"] == "李建国"
    assert OutboxMessage.select().where(OutboxMessage.key.contains(f"task:{task_id}:claimed")).exists()

    clock.freeze(clock.now())
    assert client.post(f"/api/v1/tasks/{task_id}/check-in", json={}, headers=headers(app, volunteer)).json["status"] == "in_progress"
    clock.freeze(clock.now() + dt.timedelta(minutes=75))
    out = client.post(f"/api/v1/tasks/{task_id}/check-out", headers=headers(app, volunteer))
    assert out.status_code == 200 and out.json["task"]["status"] == "done"
    record = out.json["record"]
    assert record["duration_minutes"] == 75 and record["witness_id"] == resident.id and record["source"] == "task"

    mine = client.get("/api/v1/requests", headers=headers(app, resident)).json["items"]
    assert mine[0]["record_id"] == record["id"] and mine[0]["status"] == "done"
    confirmed = client.post(f"/api/v1/service-records/{record['id']}/confirm", json={"rating": 5}, headers=headers(app, resident))
    assert confirmed.json["status"] == "credited" and confirmed.json["credited_minutes"] == 60
    assert client.get(f"/api/v1/tasks/{task_id}", headers=headers(app, volunteer)).json["status"] == "credited"
    book = client.get("/api/v1/me/passbook", headers=headers(app, volunteer)).json
    assert book["balance_minutes"] == 60 and book["entries"][0]["witness_name"] == "王秀兰"


def test_illegal_steps_answer_409_with_the_current_state(app):
    community = make_community()
    resident = make_member(community)
    volunteer, _ = make_volunteer(community)
    other, _ = make_volunteer(community)
    task = Task.get(Task.request == make_request(resident, hours_from_now=0).id)
    client = app.test_client()
    early = client.post(f"/api/v1/tasks/{task.id}/check-in", json={}, headers=headers(app, volunteer))
    assert early.status_code == 403  # only the claimer checks in
    assert client.post(f"/api/v1/tasks/{task.id}/claim", headers=headers(app, volunteer)).status_code == 200
    second = client.post(f"/api/v1/tasks/{task.id}/claim", headers=headers(app, other))
    assert second.status_code == 409 and second.json["errors"]["details"]["current_status"] == "claimed"
    assert "志愿者已接单" in second.json["message"]
    out = client.post(f"/api/v1/tasks/{task.id}/check-out", headers=headers(app, volunteer))
    assert out.status_code == 409 and out.json["errors"]["details"]["current_status"] == "claimed"


def test_board_order_masking_teams_and_pages(app):
    community = make_community()
    coordinator = make_coordinator(community)
    volunteer, profile = make_volunteer(community)
    elder, _ = make_volunteer(community, birth_date=dt.date(1950, 1, 1))
    _fund(app, coordinator, elder.household_id, 600, "fund-elder-1")
    client = app.test_client()
    ordinary = make_request(make_member(community))
    urgent = make_request(make_member(community), urgency="urgent")
    payback = client.post("/api/v1/payback-requests", json=_json(need()), headers=headers(app, elder))
    assert payback.status_code == 201, payback.json
    from server.models import Team

    medical = Team.get(Team.code == "medical")
    team_only = make_request(make_member(community))
    Task.update(team=medical.id).where(Task.request == team_only.id).execute()

    ids = [t["id"] for t in client.get("/api/v1/tasks", headers=headers(app, volunteer)).json["items"]]
    task_of = {r.id: Task.get(Task.request == r.id).id for r in (ordinary, urgent, team_only)}
    assert ids == [payback.json["task_id"], task_of[urgent.id], task_of[ordinary.id]]  # team task hidden
    line = client.get("/api/v1/tasks", headers=headers(app, volunteer)).json["items"][0]
    assert line["priority"] is True and "*" in line["recipient_name"]
    volunteers.join_team(volunteer, medical)
    assert len(client.get("/api/v1/tasks", headers=headers(app, volunteer)).json["items"]) == 4
    refused = client.post(f"/api/v1/tasks/{task_of[team_only.id]}/claim", headers=headers(app, make_volunteer(community)[0]))
    assert refused.status_code == 422 and refused.json["errors"]["rule"] == "team_required"

    seen, cursor = [], None
    while True:
        page = client.get("/api/v1/tasks?limit=1" + (f"&cursor={cursor}" if cursor else ""), headers=headers(app, volunteer)).json
        seen += [t["id"] for t in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [t["id"] for t in client.get("/api/v1/tasks", headers=headers(app, volunteer)).json["items"]]
    assert client.get("/api/v1/tasks?category=repairs&limit=50", headers=headers(app, volunteer)).json["items"]
    assert client.get("/api/v1/tasks?category=nothing", headers=headers(app, volunteer)).status_code == 422
    assert client.get("/api/v1/tasks?cursor=garbage", headers=headers(app, volunteer)).status_code == 422
    assert client.get(f"/api/v1/tasks?date={clock.today().isoformat()}", headers=headers(app, volunteer)).status_code == 200


def test_payback_with_enough_too_few_partial_and_cancelled(app):
    community = make_community()
    coordinator = make_coordinator(community)
    retired, profile = make_volunteer(community, name="张桂芳", birth_date=dt.date(1975, 1, 1))
    helper, _ = make_volunteer(community)
    client = app.test_client()
    ineligible = client.get("/api/v1/payback-requests/eligibility", headers=headers(app, retired)).json
    assert ineligible["eligible"] is False
    volunteers.set_status(coordinator, profile, status="retired", reason="illness")
    eligibility = client.get("/api/v1/payback-requests/eligibility", headers=headers(app, retired)).json
    assert eligibility["eligible"] is True and "因病退出" in eligibility["reason"]

    too_few = client.post("/api/v1/payback-requests", json=_json(need(minutes=120)), headers=headers(app, retired))
    assert too_few.status_code == 422 and too_few.json["errors"]["rule"] == "insufficient_minutes"
    assert "需要2小时" in too_few.json["message"] and Task.select().count() == 0

    _fund(app, coordinator, retired.household_id, 180, "fund-retired")
    opened = client.post("/api/v1/payback-requests", json=_json(need(hours_from_now=0, minutes=120)),
                         headers=headers(app, retired)).json
    assert opened["held_minutes"] == 120 and opened["hold_state"] == "pending"
    book = client.get("/api/v1/me/passbook", headers=headers(app, retired)).json
    assert (book["balance_minutes"], book["held_minutes"], book["available_minutes"]) == (180, 120, 60)

    task_id = opened["task_id"]
    client.post(f"/api/v1/tasks/{task_id}/claim", headers=headers(app, helper))
    clock.freeze(clock.now())
    client.post(f"/api/v1/tasks/{task_id}/check-in", json={}, headers=headers(app, helper))
    clock.freeze(clock.now() + dt.timedelta(minutes=95))
    record = client.post(f"/api/v1/tasks/{task_id}/check-out", headers=headers(app, helper)).json["record"]
    client.post(f"/api/v1/service-records/{record['id']}/confirm", json={}, headers=headers(app, retired))
    settled = client.get(f"/api/v1/requests/{opened['id']}", headers=headers(app, retired)).json
    assert settled["hold_state"] == "posted" and settled["spent_minutes"] == 90  # fewer than held; the rest released
    book = client.get("/api/v1/me/passbook", headers=headers(app, retired)).json
    assert (book["balance_minutes"], book["held_minutes"], book["available_minutes"]) == (90, 0, 90)
    assert book["entries"][0]["code_label"] == "优先回馈支出" and book["entries"][0]["minutes"] == -90
    assert client.get("/api/v1/me/passbook", headers=headers(app, helper)).json["balance_minutes"] == 90  # earns as usual

    second = client.post("/api/v1/payback-requests", json=_json(need(minutes=60)), headers=headers(app, retired)).json
    cancelled = client.post(f"/api/v1/payback-requests/{second['id']}/cancel", json={"reason": "身体好了"},
                            headers=headers(app, retired)).json
    assert cancelled["status"] == "cancelled" and cancelled["hold_state"] == "voided"
    assert client.get("/api/v1/me/passbook", headers=headers(app, retired)).json["available_minutes"] == 90


def test_family_books_and_opens_payback_for_a_member_without_a_phone(app):
    community = make_community()
    coordinator = make_coordinator(community)
    daughter = make_member(community, name="王小红")
    grandpa = people.add_dependent(daughter, daughter.household, name="王德顺", relation="父亲", birth_date=dt.date(1948, 3, 3))
    client = app.test_client()
    booked = client.post("/api/v1/requests", json=_json(need(for_member_id=grandpa.id)), headers=headers(app, daughter)).json
    assert booked["requester_name"] == "王德顺" and booked["created_by_name"] == "王小红"
    event = TaskEvent.get(TaskEvent.task == booked["task_id"], TaskEvent.kind == "open")
    assert (event.actor_id, event.on_behalf_of_id) == (daughter.id, grandpa.id)
    stranger = make_member(community)
    refused = client.post("/api/v1/requests", json=_json(need(for_member_id=grandpa.id)), headers=headers(app, stranger))
    assert refused.status_code == 422 and refused.json["errors"]["json"] == {"for_member_id": ["只能替自己家里人或（服务站）本社区居民预约"]}
    by_station = client.post("/api/v1/requests", json=_json(need(for_member_id=grandpa.id)), headers=headers(app, coordinator))
    assert by_station.status_code == 201 and by_station.json["created_by_name"] == coordinator.name
    assert client.get(f"/api/v1/requests/{booked['id']}", headers=headers(app, stranger)).status_code == 404


def test_honest_hours_pairs_open_visits_and_qr(app):
    # A fixed morning: run at 22:16 the three pairs crossed midnight, and the fourth counted for a new day.
    clock.freeze(dt.datetime.combine(clock.today(), dt.time(9, 0)))
    community = make_community()
    resident = make_member(community)
    volunteer, _ = make_volunteer(community)
    client = app.test_client()
    first = Task.get(Task.request == make_request(resident, hours_from_now=0).id)
    second = Task.get(Task.request == make_request(resident, hours_from_now=0).id)
    far = Task.get(Task.request == make_request(resident, hours_from_now=30).id)
    for task in (first, second, far):
        client.post(f"/api/v1/tasks/{task.id}/claim", headers=headers(app, volunteer))
    too_early = client.post(f"/api/v1/tasks/{far.id}/check-in", json={}, headers=headers(app, volunteer))
    assert too_early.status_code == 422 and too_early.json["errors"]["rule"] == "too_early"
    qr = client.post(f"/api/v1/tasks/{first.id}/checkin-qr", headers=headers(app, resident)).json
    wrong = client.post(f"/api/v1/tasks/{second.id}/check-in", json={"token": qr["token"]}, headers=headers(app, volunteer))
    assert wrong.status_code == 422 and wrong.json["errors"]["rule"] == "qr_wrong_task"
    now = clock.now()
    for pair in range(3):
        clock.freeze(now + dt.timedelta(minutes=pair * 40))
        assert client.post(f"/api/v1/tasks/{first.id}/check-in", json={"token": qr["token"]} if pair == 0 else {},
                           headers=headers(app, volunteer)).status_code == 200
        busy = client.post(f"/api/v1/tasks/{second.id}/check-in", json={}, headers=headers(app, volunteer))
        assert busy.status_code == 422 and busy.json["errors"]["rule"] == "visit_open"
        clock.freeze(now + dt.timedelta(minutes=pair * 40 + 30))
        assert client.post(f"/api/v1/tasks/{first.id}/check-out", headers=headers(app, volunteer)).status_code == 200
    fourth = client.post(f"/api/v1/tasks/{first.id}/check-in", json={}, headers=headers(app, volunteer))
    assert fourth.status_code == 422 and fourth.json["errors"]["rule"] == "checkin_pairs"
    assert TaskEvent.get(TaskEvent.task == first.id, TaskEvent.kind == "check_in").note == "qr"


def test_agreement_signed_by_all_then_occurrences_without_duplicates(app):
    clock.freeze(dt.datetime.combine(clock.today(), dt.time(7, 0)))  # before the day's 09:00 visit
    community = make_community()
    coordinator = make_coordinator(community)
    elder = make_member(community, name="独居老人")
    son = make_member(household=False)
    people.join_household(son, invite_code=Member.get_by_id(elder.id).household.invite_code, relation="儿子")
    one, _ = make_volunteer(community)
    two, _ = make_volunteer(community)
    outsider, _ = make_volunteer(community)
    agreement = make_agreement(coordinator, elder, [one, two], days=20)
    client = app.test_client()
    url = f"/api/v1/agreements/{agreement.id}/sign"
    assert client.post(url, headers=headers(app, outsider)).status_code == 404  # not a party: cannot even see it
    early = client.post(url, headers=headers(app, coordinator))
    assert early.status_code == 422 and early.json["errors"]["rule"] == "countersign_last"
    assert client.post(url, headers=headers(app, one)).json["my_party"] == "volunteer"
    assert client.post(url, headers=headers(app, one)).status_code == 409  # once
    guardian = client.post(url, headers=headers(app, son)).json  # the son signs for his father
    recipient_signature = next(s for s in guardian["signatures"] if s["party"] == "recipient")
    assert recipient_signature["member_name"] == "独居老人" and recipient_signature["signed_by_name"] == son.name
    assert client.post(url, headers=headers(app, two)).status_code == 200
    active = client.post(url, headers=headers(app, coordinator)).json
    assert active["status"] == "active" and all(s["signed_at"] for s in active["signatures"])

    # the countersignature put today + 14 days on the board, every weekday, for both volunteers
    assert agreements.generate_occurrences() == 0
    assert Task.select().where(Task.agreement == agreement.id).count() == 30
    mine = client.get("/api/v1/tasks/mine", headers=headers(app, one)).json
    assert len(mine) == 15 and all(t["source"] == "agreement" and t["status"] == "claimed" for t in mine)
    assert client.post(f"/api/v1/tasks/{mine[0]['id']}/release", headers=headers(app, one)).status_code == 422

    suspended = client.post(f"/api/v1/agreements/{agreement.id}/status", json={"action": "suspend", "note": "住院"},
                            headers=headers(app, coordinator)).json
    assert suspended["status"] == "suspended"
    assert Task.select().where(Task.agreement == agreement.id, Task.status == "claimed",
                               Task.window_start > clock.now()).count() == 0
    renewal = (clock.today() + dt.timedelta(days=2 * 365)).isoformat()  # an agreement runs at most three years at a time
    renewed = client.post(f"/api/v1/agreements/{agreement.id}/status", json={"action": "renew", "end_date": renewal},
                          headers=headers(app, coordinator))
    assert renewed.status_code == 200 and renewed.json["end_date"] == renewal


def test_agreement_drafting_rules(app):
    community = make_community()
    coordinator = make_coordinator(community)
    elder = make_member(community)
    volunteer, _ = make_volunteer(community)
    client = app.test_client()
    file = client.post("/api/v1/recipient-files", json={
        "member_id": elder.id, "needs": "需要陪同就医", "emergency_contact_name": "王小红",
        "emergency_contact_phone": "13900000000", "consent_date": clock.today().isoformat()}, headers=headers(app, coordinator))
    assert file.status_code == 201
    body = {"recipient_file_id": file.json["id"], "category_code": "health_care", "item_codes": ["escort"],
            "content": "每周三陪同就医", "place": "社区医院", "schedule": [{"weekday": 3, "start": "9:00", "minutes": 60}],
            "start_date": clock.today().isoformat(), "end_date": clock.today().isoformat(), "volunteer_member_ids": [volunteer.id]}
    bad_time = client.post("/api/v1/agreements", json=body, headers=headers(app, coordinator))
    assert bad_time.status_code == 422 and "schedule" in bad_time.json["errors"]["json"]
    body["schedule"][0]["start"] = "09:00"
    family = make_member(household=False)
    people.join_household(family, invite_code=Member.get_by_id(elder.id).household.invite_code, relation="女儿")
    volunteers.enrol(family, {})
    own = client.post("/api/v1/agreements", json={**body, "volunteer_member_ids": [family.id]}, headers=headers(app, coordinator))
    assert own.status_code == 422 and own.json["errors"]["rule"] == "family_volunteer"
    assert client.post("/api/v1/agreements", json=body, headers=headers(app, coordinator)).status_code == 201


def test_event_capacity_waitlist_checkin_and_close_twice(app):
    community = make_community()
    coordinator = make_coordinator(community)
    people_ = [make_volunteer(community)[0] for _ in range(3)]
    event = make_event(coordinator, capacity=2, hours_ahead=1)
    client = app.test_client()
    statuses = [client.post(f"/api/v1/events/{event.id}/signup", headers=headers(app, v)).json["status"] for v in people_]
    assert statuses == ["signed", "signed", "waitlisted"]
    assert client.delete(f"/api/v1/events/{event.id}/signup", headers=headers(app, people_[1])).status_code == 204
    assert client.get(f"/api/v1/events/{event.id}", headers=headers(app, people_[2])).json["my_status"] == "signed"
    qr = client.post(f"/api/v1/events/{event.id}/qr", headers=headers(app, coordinator)).json["token"]
    for volunteer in (people_[0], people_[2]):
        assert client.post("/api/v1/events/check-in", json={"token": qr}, headers=headers(app, volunteer)).status_code == 200
    not_signed = client.post("/api/v1/events/check-in", json={"token": qr}, headers=headers(app, people_[1]))
    assert not_signed.status_code == 422
    clock.freeze(clock.now() + dt.timedelta(hours=3))
    first = client.post(f"/api/v1/events/{event.id}/close", headers=headers(app, coordinator)).json
    again = client.post(f"/api/v1/events/{event.id}/close", headers=headers(app, coordinator)).json
    assert (first["credited_now"], again["credited_now"], again["attended"]) == (2, 0, 2)
    for volunteer, minutes in ((people_[0], 120), (people_[1], 0), (people_[2], 120)):
        book = client.get("/api/v1/me/passbook", headers=headers(app, volunteer)).json
        assert book["balance_minutes"] == minutes
    assert Transfer.select().where(Transfer.code == "event_credit").count() == 2


def test_expired_tasks_release_payback_holds(app):
    community = make_community()
    coordinator = make_coordinator(community)
    elder, profile = make_volunteer(community)
    volunteers.set_status(coordinator, profile, status="retired", reason="age")
    _fund(app, coordinator, elder.household_id, 120, "fund-elder")
    from server.services.board import bookings

    request = bookings.open_payback(elder, need(minutes=60))
    clock.freeze(clock.now() + dt.timedelta(days=2))
    assert tasks.expire_overdue() == 1 and tasks.expire_overdue() == 0
    assert Task.get(Task.request == request.id).status == "expired"
    assert Transfer.get_by_id(request.hold_id).state == "voided"


def test_a_resident_cannot_see_another_households_request(app):
    community = make_community()
    mine, theirs = make_member(community), make_member(community)
    request = make_request(theirs)
    client = app.test_client()
    assert client.get(f"/api/v1/requests/{request.id}", headers=headers(app, mine)).status_code == 404
    assert client.post(f"/api/v1/requests/{request.id}/cancel", json={}, headers=headers(app, mine)).status_code == 404
    task_id = Task.get(Task.request == request.id).id
    assert client.get(f"/api/v1/tasks/{task_id}", headers=headers(app, mine)).status_code == 404
    assert client.post(f"/api/v1/tasks/{task_id}/cancel", json={}, headers=headers(app, mine)).status_code == 404


def test_bad_bookings_are_422_naming_the_field(app):
    community = make_community()
    resident = make_member(community)
    client = app.test_client()
    past = client.post("/api/v1/requests", json=_json(need(hours_from_now=-10)), headers=headers(app, resident))
    assert past.status_code == 422 and "window_end" in past.json["errors"]["json"]
    odd = client.post("/api/v1/requests", json=_json(need(minutes=45)), headers=headers(app, resident))
    assert odd.status_code == 422 and "estimated_minutes" in odd.json["errors"]["json"]
    menu = client.post("/api/v1/requests", json=_json(need(category_code="flying")), headers=headers(app, resident))
    assert menu.status_code == 422 and "category_code" in menu.json["errors"]["json"]
    junk = client.post("/api/v1/requests", json={"description": 1, "window_start": "soon"}, headers=headers(app, resident))
    assert junk.status_code == 422 and {"description", "window_start", "category_code"} <= set(junk.json["errors"]["json"])


def test_coordinator_desk_lists_what_needs_them(app):
    community = make_community()
    coordinator = make_coordinator(community)
    volunteer, _ = make_volunteer(community)
    resident = make_member(community)
    from tests.factories import make_record

    outsider = make_record(volunteer)  # witnessed by someone without the app
    old = make_request(resident)
    Task.update(created_at=clock.now() - dt.timedelta(hours=3)).where(Task.request == old.id).execute()
    make_request(resident)  # fresh: not yet a worry
    event = make_event(coordinator)
    desk = app.test_client().get("/api/v1/desk", headers=headers(app, coordinator)).json
    assert [r["id"] for r in desk["records_waiting"]] == [outsider.id]
    assert [t["request_id"] for t in desk["unclaimed_tasks"]] == [old.id]
    assert [e["id"] for e in desk["events"]] == [event.id]
    assert app.test_client().get("/api/v1/desk", headers=headers(app, resident)).status_code == 403


def test_the_desk_calls_a_task_unclaimed_after_the_escalation_setting(app, monkeypatch):
    """One rule for "unclaimed too long": ESCALATE_AFTER_MINUTES, the wait matching widens after, not a copy of it."""
    community = make_community()
    coordinator = make_coordinator(community)
    old = make_request(make_member(community))
    Task.update(created_at=clock.now() - dt.timedelta(minutes=50)).where(Task.request == old.id).execute()
    desk = app.test_client().get("/api/v1/desk", headers=headers(app, coordinator)).json
    assert desk["unclaimed_tasks"] == [] and desk["unclaimed_after_minutes"] == 120
    monkeypatch.setitem(runtime._settings, "ESCALATE_AFTER_MINUTES", 45)
    desk = app.test_client().get("/api/v1/desk", headers=headers(app, coordinator)).json
    assert [t["request_id"] for t in desk["unclaimed_tasks"]] == [old.id]
    assert desk["unclaimed_after_minutes"] == 45  # the station's page names the wait from it
