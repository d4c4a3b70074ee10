"""志愿者审核: registering is an application a coordinator of the community decides before
the person may act as a volunteer; the applicant and the coordinators are told."""

import datetime as dt

from server import clock
from server.models import OutboxMessage, Task, Volunteer
from server.services.board import match_score
from tests.factories import (
    headers,
    make_admin,
    make_community,
    make_coordinator,
    make_event,
    make_member,
    make_request,
    make_volunteer,
)
from tests.resources.test_volunteers import REGISTRATION

WEIGHTS = {"fit": 3, "availability": 2, "proximity": 2, "fairness": 1.5, "reliability": 1.5, "stars": 1}


def _apply(client, app, member, **overrides):
    return client.post("/api/v1/volunteers", headers=headers(app, member), json={**REGISTRATION, **overrides})


def _told(member_id, template_key) -> list[dict]:
    """The notification payloads written to the outbox for a member and template."""
    return [m.payload for m in OutboxMessage.select().where(OutboxMessage.kind == "notification")
            if m.payload["template_key"] == template_key and member_id in m.payload["member_ids"]]


def _self_report(client, app, member, witness):
    start = clock.now().replace(second=0, microsecond=0) - dt.timedelta(hours=3)
    return client.post("/api/v1/service-records", headers=headers(app, member), json={
        "category_code": "repairs", "item_code": "appliance_repair", "place": "3号楼", "content": "修理洗衣机",
        "started_at": start.isoformat(), "ended_at": (start + dt.timedelta(minutes=60)).isoformat(),
        "witness_member_id": witness.id, "recipient_member_id": witness.id})


def test_an_applicant_waits_for_the_coordinator_then_acts(any_app):
    """Pending: no claim, no self-report, no sign-up, not matched; approved: all of it, and told."""
    app = any_app
    community = make_community()
    coordinator = make_coordinator(community)
    resident = make_member(community)
    applicant = make_member(community, name="陈晓梅")
    client = app.test_client()

    applied = _apply(client, app, applicant, name="陈晓梅", availability=[
        {"weekday": d, "slot": s} for d in range(1, 8) for s in ("morning", "afternoon", "evening")])
    assert applied.status_code == 201, applied.json
    assert (applied.json["status"], applied.json["status_label"]) == ("pending", "审核中")
    (alert,) = _told(coordinator.id, "coordinator_alert")
    assert alert["data"]["subject"] == "志愿者申请待审核" and "陈晓梅" in alert["data"]["summary"]
    me = client.get("/api/v1/me", headers=headers(app, applicant)).json
    assert me["volunteer"]["status"] == "pending"

    task = Task.get(Task.request == make_request(resident).id)
    claim = client.post(f"/api/v1/tasks/{task.id}/claim", headers=headers(app, applicant))
    assert claim.status_code == 422 and claim.json["errors"]["rule"] == "application_pending"
    assert "审核中" in claim.json["message"]
    report = _self_report(client, app, applicant, resident)
    assert report.status_code == 422 and report.json["errors"]["rule"] == "application_pending"
    event = make_event(coordinator)
    signup = client.post(f"/api/v1/events/{event.id}/signup", headers=headers(app, applicant))
    assert signup.status_code == 422 and signup.json["errors"]["rule"] == "application_pending"
    shortlist = match_score.shortlist(task, bits=0, weights=WEIGHTS, limit=10)
    assert applicant.id not in [row["member_id"] for row in shortlist]

    waiting = client.get("/api/v1/volunteers/applications", headers=headers(app, coordinator)).json["items"]
    assert [v["name"] for v in waiting] == ["陈晓梅"] and waiting[0]["phone"] == REGISTRATION["phone"]

    approved = client.post(f"/api/v1/volunteers/{applied.json['id']}/review", headers=headers(app, coordinator),
                           json={"decision": "approve"})
    assert approved.status_code == 200, approved.json
    assert approved.json["status"] == "active" and approved.json["reviewed_at"] is not None
    (told,) = _told(applicant.id, "volunteer_review")
    assert told["data"]["subject"] == "志愿者申请已通过" and told["data"]["result"] == "通过"
    assert Volunteer.get_by_id(applied.json["id"]).reviewed_by_id == coordinator.id
    assert client.get("/api/v1/volunteers/applications", headers=headers(app, coordinator)).json["items"] == []

    assert client.post(f"/api/v1/tasks/{task.id}/claim", headers=headers(app, applicant)).status_code == 200
    assert _self_report(client, app, applicant, resident).status_code == 201
    assert client.post(f"/api/v1/events/{event.id}/signup", headers=headers(app, applicant)).status_code == 200
    other = Task.get(Task.request == make_request(resident).id)
    shortlist = match_score.shortlist(other, bits=0, weights=WEIGHTS, limit=10)
    assert applicant.id in [row["member_id"] for row in shortlist]


def test_a_rejection_needs_a_reason_and_the_applicant_may_apply_again(any_app):
    app = any_app
    community = make_community()
    coordinator = make_coordinator(community)
    applicant = make_member(community)
    client = app.test_client()
    volunteer_id = _apply(client, app, applicant).json["id"]
    url = f"/api/v1/volunteers/{volunteer_id}/review"

    bare = client.post(url, headers=headers(app, coordinator), json={"decision": "reject", "reason": "  "})
    assert bare.status_code == 422 and list(bare.json["errors"]["json"]) == ["reason"]
    rejected = client.post(url, headers=headers(app, coordinator), json={"decision": "reject", "reason": "请先到服务站面谈"})
    assert rejected.status_code == 200 and rejected.json["status"] == "rejected"
    assert rejected.json["status_note"] == "请先到服务站面谈"
    (told,) = _told(applicant.id, "volunteer_review")
    assert told["data"]["result"] == "未通过" and "请先到服务站面谈" in told["data"]["summary"]
    me = client.get("/api/v1/me", headers=headers(app, applicant)).json["volunteer"]
    assert (me["status"], me["status_note"]) == ("rejected", "请先到服务站面谈")
    listed = client.get("/api/v1/volunteers/applications?status=rejected", headers=headers(app, coordinator)).json["items"]
    assert [v["id"] for v in listed] == [volunteer_id]

    again = client.post(url, headers=headers(app, coordinator), json={"decision": "approve"})
    assert again.status_code == 409 and again.json["errors"]["details"]["status"] == "rejected"

    reapplied = _apply(client, app, applicant, specialties="陪老人聊天")
    assert reapplied.status_code == 201 and reapplied.json["id"] == volunteer_id
    assert reapplied.json["status"] == "pending" and reapplied.json["status_note"] == ""
    assert len(_told(coordinator.id, "coordinator_alert")) == 2
    twice = _apply(client, app, applicant)
    assert twice.status_code == 409 and twice.json["errors"]["rule"] == "application_pending"
    approved = client.post(url, headers=headers(app, coordinator), json={"decision": "approve"})
    assert approved.json["status"] == "active"
    assert len(_told(applicant.id, "volunteer_review")) == 2


def test_only_a_coordinator_of_that_community_or_the_admin_decides(app):
    here, there = make_community(), make_community()
    coordinator, elsewhere, admin = make_coordinator(here), make_coordinator(there), make_admin(there)
    applicant, far_applicant = make_member(here), make_member(there)
    client = app.test_client()
    volunteer_id = _apply(client, app, applicant).json["id"]
    far_id = _apply(client, app, far_applicant).json["id"]
    url = f"/api/v1/volunteers/{volunteer_id}/review"
    approve = {"decision": "approve"}

    assert client.post(url, headers=headers(app, elsewhere), json=approve).status_code == 404
    for stranger in (make_member(here), make_volunteer(here)[0], applicant):
        answer = client.post(url, headers=headers(app, stranger), json=approve)
        assert answer.status_code == 403, answer.json
    assert client.post(url, headers=headers(app, coordinator), json={"decision": "maybe"}).status_code == 422

    mine = client.get("/api/v1/volunteers/applications", headers=headers(app, coordinator)).json["items"]
    assert [v["id"] for v in mine] == [volunteer_id]
    assert client.get(f"/api/v1/volunteers/applications?community_id={there.id}",
                      headers=headers(app, coordinator)).status_code == 404
    assert client.get("/api/v1/volunteers/applications", headers=headers(app, applicant)).status_code == 403
    every = client.get("/api/v1/volunteers/applications", headers=headers(app, admin)).json["items"]
    assert {v["id"] for v in every} == {volunteer_id, far_id}
    one = client.get(f"/api/v1/volunteers/applications?community_id={there.id}", headers=headers(app, admin)).json["items"]
    assert [v["id"] for v in one] == [far_id]

    status = client.post(f"/api/v1/volunteers/{volunteer_id}/status", headers=headers(app, coordinator),
                         json={"status": "active"})
    assert status.status_code == 409 and status.json["errors"]["rule"] == "application_pending"
    assert client.post(url, headers=headers(app, admin), json=approve).json["status"] == "active"


def test_a_coordinator_does_not_approve_their_own_application(app):
    community = make_community()
    coordinator = make_member(community, roles="coordinator")  # also a resident with a household
    client = app.test_client()
    volunteer_id = _apply(client, app, coordinator).json["id"]
    own = client.post(f"/api/v1/volunteers/{volunteer_id}/review", headers=headers(app, coordinator),
                      json={"decision": "approve"})
    assert own.status_code == 403 and own.json["errors"]["rule"] == "own_application"


def test_check_in_needs_an_active_volunteer(any_app):
    """A volunteer suspended after claiming cannot check in (the service checks, not only the claim)."""
    app = any_app
    community = make_community()
    coordinator = make_coordinator(community)
    volunteer, profile = make_volunteer(community)
    task = Task.get(Task.request == make_request(make_member(community), hours_from_now=0).id)
    client = app.test_client()
    assert client.post(f"/api/v1/tasks/{task.id}/claim", headers=headers(app, volunteer)).status_code == 200
    client.post(f"/api/v1/volunteers/{profile.id}/status", headers=headers(app, coordinator), json={"status": "suspended"})
    answer = client.post(f"/api/v1/tasks/{task.id}/check-in", json={}, headers=headers(app, volunteer))
    assert answer.status_code == 422 and answer.json["errors"]["rule"] == "volunteer_not_active"


def test_an_application_neither_grants_nor_takes_away_the_right_to_redeem(app):
    """Redeeming follows age, retirement or hardship, not volunteering: an elder applying still redeems by age,
    a young applicant does not."""
    community = make_community()
    elder = make_member(community, birth_date=dt.date(1950, 1, 1))
    young = make_member(community, birth_date=dt.date(1990, 1, 1))
    client = app.test_client()
    _apply(client, app, elder, birth_date="1950-01-01")
    _apply(client, app, young, birth_date="1990-01-01")
    answer = client.get("/api/v1/payback-requests/eligibility", headers=headers(app, elder))
    assert answer.status_code == 200, answer.json
    assert answer.json["eligible"] is True and "年满60岁" in answer.json["reason"]
    answer = client.get("/api/v1/payback-requests/eligibility", headers=headers(app, young))
    assert answer.json["eligible"] is False and "未满60岁" in answer.json["reason"]


def test_the_demo_shows_an_application_for_the_coordinator_to_approve(app):
    from server.models import Member
    from server.services.people import demo

    assert demo.load()
    client = app.test_client()
    coordinator = Member.get(Member.handle == "coordinator")
    waiting = client.get("/api/v1/volunteers/applications", headers=headers(app, coordinator)).json["items"]
    assert [v["name"] for v in waiting] == ["陈晓梅"]
    assert _told(coordinator.id, "coordinator_alert")
    statuses = {v.member.handle: v.status for v in Volunteer.select() if v.member.handle}  # 幸福苑's 杨帆: no login
    assert statuses == {"volunteer": "active", "retired": "retired", "nurse": "active", "teacher": "active",
                        "applicant": "pending"}
    approved = client.post(f"/api/v1/volunteers/{waiting[0]['id']}/review", headers=headers(app, coordinator),
                           json={"decision": "approve"})
    assert approved.json["status"] == "active"
