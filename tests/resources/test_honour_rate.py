"""兑付率 over HTTP: a quarter of payback requests worked out by hand, and where its figures are shown.

和平里's first quarter of 2026 (elder 李秀英, 72, spends the hours her household banked):

| request | opened    | window starts | promise due (48 h or window) | what happened                          | outcome          |
|---------|-----------|---------------|------------------------------|----------------------------------------|------------------|
| R1      | 1-05 9:00 | 1-06 9:00     | 1-06 9:00                    | 李 claims 1-05 10:00, serves 60 min     | on time, 24 h    |
| R2      | 1-10 9:00 | 1-14 9:00     | 1-12 9:00                    | 孙 claims 1-13 8:00, serves 90 min 9:30 | late, 96.5 h     |
| R3      | 2-02 9:00 | 2-03 9:00     | 2-03 9:00                    | nobody claims; expires                 | not honoured     |
| R4      | 2-10 9:00 | 2-12 9:00     | 2-12 9:00                    | the elder cancels                      | cancelled        |
| R5      | 3-02 9:00 | 3-03 14:00    | 3-03 14:00                   | the station assigns 安康家政 3-02 15:00   | on time, 29 h    |
| R6      | 3-10 9:00 | 3-12 9:00     | 3-12 9:00                    | the station cancels                    | not honoured     |
| R7      | 3-30 9:00 | 4-03 9:00     | 4-01 9:00                    | still waiting on 4-02                  | open             |

Opened 7; on time 2, late 1, not honoured 2 → 2 / 5 = 40.0%; served by volunteers 2, by a provider 1;
median of 24, 29, 96.5 h = 29.0 h; redeemed 60 + 90 + 120 = 270 minutes. A request opened on 1 April
and an ordinary booking do not count.
"""

import datetime as dt

import pytest

from server import clock
from server.models import Community, Provider, Request, Task, TaskEvent, Transfer
from server.services.board import tasks
from server.services.ledger import core as ledger
from server.services.ledger import ledger_verify
from tests.factories import (
    headers,
    make_admin,
    make_community,
    make_coordinator,
    make_member,
    make_volunteer,
    need,
)

Q1 = "year=2026&quarter=1"


def _json(body: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.datetime | dt.date) else v) for k, v in body.items()}


def at(month, day, hour, minute=0):
    moment = dt.datetime(2026, month, day, hour, minute)
    clock.freeze(moment)
    return moment


def _open(client, who, *, opened, window, minutes=60, key):
    at(*opened)
    start = dt.datetime(2026, *window)
    body = need(minutes=minutes, window_start=start, window_end=start + dt.timedelta(hours=3))
    answer = client.post("/api/v1/payback-requests", json=_json(body), headers={**who, "Idempotency-Key": f"honour-{key}"})
    assert answer.status_code == 201, answer.json
    return answer.json


def _serve(client, app, volunteer, elder, task_id, *, start, minutes):
    at(*start)
    assert client.post(f"/api/v1/tasks/{task_id}/check-in", json={}, headers=headers(app, volunteer)).status_code == 200
    clock.freeze(clock.now() + dt.timedelta(minutes=minutes))
    record = client.post(f"/api/v1/tasks/{task_id}/check-out", headers=headers(app, volunteer)).json["record"]
    confirmed = client.post(f"/api/v1/service-records/{record['id']}/confirm", json={}, headers=headers(app, elder))
    assert confirmed.json["status"] == "credited", confirmed.json


def _assign_provider(coordinator, provider, task_id, when):
    """What the station's assign step leaves (POST /tasks/{id}/assign comes with another part of #14)."""
    Task.update(provider=provider.id, status="claimed", claimed_at=when).where(Task.id == task_id).execute()
    TaskEvent.create(task=task_id, kind="assign", from_status="open", to_status="claimed", actor=coordinator.id,
                     note=provider.name, at=when)


def _provider_served(task_id, minutes):
    """The family confirms the provider's visit: the hold posts as redeemed, nobody is credited."""
    task = Task.get_by_id(task_id)
    ledger.post_hold(Request.get_by_id(task.request_id).hold_id, minutes=minutes,
                     details={"content": "优先回馈：签约机构服务", "served_by": "安康家政"})
    Task.update(status="credited", closed_at=clock.now()).where(Task.id == task_id).execute()


@pytest.fixture
def quarter(any_app):
    app, client = any_app, any_app.test_client()
    at(1, 2, 9)
    community = make_community(name="和平里社区")
    coordinator = make_coordinator(community)
    station = headers(app, coordinator)
    elder = make_member(community, name="李秀英", birth_date=dt.date(1954, 1, 1))
    li, _ = make_volunteer(community, name="李建国")
    sun, _ = make_volunteer(community, name="孙丽")
    provider = Provider.create(community=community.id, name="安康家政", contact_name="周经理", phone="02588886666")
    funded = client.post("/api/v1/ledger/adjustments", json={"household_id": elder.household_id, "minutes": 1200,
                         "reason": "历年服务补录"}, headers={**station, "Idempotency-Key": "fund-elder"})
    assert funded.status_code == 201, funded.json
    me = headers(app, elder)

    r1 = _open(client, me, opened=(1, 5, 9), window=(1, 6, 9), key="r1")
    Request.update(promise_due_at=dt.datetime(2026, 1, 6, 9)).where(Request.id == r1["id"]).execute()  # as #14 §2 sets it
    at(1, 5, 10)
    assert client.post(f"/api/v1/tasks/{r1['task_id']}/claim", headers=headers(app, li)).status_code == 200
    _serve(client, app, li, elder, r1["task_id"], start=(1, 6, 9), minutes=60)

    r2 = _open(client, me, opened=(1, 10, 9), window=(1, 14, 9), minutes=120, key="r2")
    at(1, 13, 8)
    assert client.post(f"/api/v1/tasks/{r2['task_id']}/claim", headers=headers(app, sun)).status_code == 200
    _serve(client, app, sun, elder, r2["task_id"], start=(1, 14, 9, 30), minutes=90)

    _open(client, me, opened=(2, 2, 9), window=(2, 3, 9), key="r3")
    at(2, 3, 13)
    assert tasks.expire_overdue() == 1

    r4 = _open(client, me, opened=(2, 10, 9), window=(2, 12, 9), key="r4")
    assert client.post(f"/api/v1/payback-requests/{r4['id']}/cancel", json={"reason": "女儿回来了"},
                       headers=me).json["status"] == "cancelled"

    r5 = _open(client, me, opened=(3, 2, 9), window=(3, 3, 14), minutes=120, key="r5")
    _assign_provider(coordinator, provider, r5["task_id"], at(3, 2, 15))
    at(3, 3, 17)
    _provider_served(r5["task_id"], 120)

    r6 = _open(client, me, opened=(3, 10, 9), window=(3, 12, 9), key="r6")
    assert client.post(f"/api/v1/payback-requests/{r6['id']}/cancel", json={"reason": "重复提交"},
                       headers=station).json["status"] == "cancelled"

    _open(client, me, opened=(3, 30, 9), window=(4, 3, 9), key="r7")
    client.post("/api/v1/requests", json=_json(need()), headers=me)  # an ordinary booking: not a payback
    at(3, 31, 12)
    yield {"app": app, "client": client, "community": community, "coordinator": coordinator, "station": station,
           "elder": elder}
    clock.freeze(None)


EXPECTED = {"opened": 7, "on_time": 2, "late": 1, "not_honoured": 2, "cancelled": 1, "open": 1, "honour_rate": 0.4,
            "honour_rate_label": "40.0%", "served_by_volunteers": 2, "served_by_providers": 1,
            "median_hours_to_service": 29.0, "minutes_redeemed": 270}


def _figures(answer: dict) -> dict:
    return {key: answer[key] for key in EXPECTED}


def test_the_quarter_matches_the_hand_count(quarter):
    q, client = quarter, quarter["client"]
    at(4, 2, 10)
    _open(client, headers(q["app"], q["elder"]), opened=(4, 1, 9), window=(4, 5, 9), key="r8")  # next quarter
    answer = client.get(f"/api/v1/communities/{q['community'].id}/redemption?{Q1}", headers=q["station"])
    assert answer.status_code == 200, answer.json
    assert _figures(answer.json) == EXPECTED
    assert answer.json["complete"] is True and answer.json["label"] == "2026年第1季度"
    assert answer.json["summary"] == "兑付率40.0%：按时兑付2件，晚于承诺1件，未兑付2件"
    assert answer.json["labels"]["not_honoured"] == "未兑付"
    # The household's hours: 1,200 banked, 270 spent; nobody was credited for the provider's visit.
    posted = Transfer.select().where(Transfer.code == "payback", Transfer.state == "posted").count()
    assert posted == 3 and ledger_verify.verify() == []
    book = client.get("/api/v1/me/passbook", headers=headers(q["app"], q["elder"])).json
    assert book["balance_minutes"] == 1200 - 270


def test_the_desk_shows_the_quarter_so_far(quarter):
    q = quarter
    desk = q["client"].get("/api/v1/desk", headers=q["station"]).json
    assert _figures(desk["honour"]) == EXPECTED and desk["honour"]["complete"] is False
    so_far = q["client"].get(f"/api/v1/communities/{q['community'].id}/redemption", headers=q["station"]).json
    assert (so_far["year"], so_far["quarter"]) == (2026, 1) and _figures(so_far) == EXPECTED


def test_admins_see_every_community_side_by_side(quarter):
    q, client = quarter, quarter["client"]
    quiet = make_community(name="清水河社区")
    admin = headers(q["app"], make_admin())
    answer = client.get(f"/api/v1/redemption?{Q1}", headers=admin)
    assert answer.status_code == 200, answer.json
    lines = {line["community_name"]: line for line in answer.json["communities"]}
    assert _figures(lines["和平里社区"]) == EXPECTED
    assert lines["清水河社区"]["honour_rate"] is None and lines["清水河社区"]["honour_rate_label"] == "暂无"
    assert _figures(answer.json["total"]) == EXPECTED
    assert client.get(f"/api/v1/communities/{quiet.id}/redemption?{Q1}", headers=admin).json["opened"] == 0
    assert client.get(f"/api/v1/redemption?{Q1}", headers=q["station"]).status_code == 403


def test_who_may_read_it_and_bad_quarters(quarter):
    q, client = quarter, quarter["client"]
    url = f"/api/v1/communities/{q['community'].id}/redemption"
    assert client.get(f"{url}?{Q1}", headers=headers(q["app"], q["elder"])).status_code == 403
    elsewhere = headers(q["app"], make_coordinator(make_community()))
    assert client.get(f"{url}?{Q1}", headers=elsewhere).status_code == 404
    for query, field in (("year=2026&quarter=5", "quarter"), ("year=1999&quarter=1", "year"),
                         ("year=2026", "quarter"), ("quarter=2", "year"), ("year=abc&quarter=1", "year")):
        answer = client.get(f"{url}?{query}", headers=q["station"])
        assert answer.status_code == 422, (query, answer.json)
        assert field in str(answer.json["errors"]), (query, answer.json)


def test_the_notice_and_the_half_year_report_carry_it(quarter):
    q, client = quarter, quarter["client"]
    at(4, 2, 10)
    notice = client.post(f"/api/v1/communities/{q['community'].id}/notices", json={"year": 2026, "quarter": 1},
                         headers=q["station"])
    assert notice.status_code == 201, notice.json
    read = client.get(f"/api/v1/notices/{notice.json['id']}", headers=headers(q["app"], q["elder"])).json
    honour = read["honour"]
    assert _figures(honour) == EXPECTED
    assert honour["summary"] == "兑付率40.0%：按时兑付2件，晚于承诺1件，未兑付2件"
    assert "李" not in str(honour) and "安康" not in str(honour)  # figures only, no names

    at(7, 2, 10)
    report = client.get(f"/api/v1/communities/{q['community'].id}/reports/half-year?year=2026&half=1",
                        headers=q["station"]).json
    (section,) = [s for s in report["sections"] if s["key"] == "honour"]
    assert section["headers"][:7] == ["季度", "回馈申请", "按时兑付", "晚于承诺兑付", "未兑付", "家庭自行取消", "尚在承诺期内"]
    first, second = section["rows"]
    # R7 is past its window by July and still unserved: not honoured now, so the quarter reads 2 / 6.
    assert first[:8] == ["2026年第1季度", 7, 2, 1, 3, 1, 0, "33.3%"]
    assert second[:8] == ["2026年第2季度", 0, 0, 0, 0, 0, 0, "暂无"]
    assert section["chart"] == {"title": "按时、晚于承诺和未兑付的回馈申请", "kind": "bar"}
    xlsx = client.get(f"/api/v1/communities/{q['community'].id}/reports/half-year?year=2026&half=1&format=png"
                      "&chart=honour", headers=q["station"])
    assert xlsx.status_code == 200 and xlsx.data[:4] == b"\x89PNG"


def test_the_demo_shows_a_past_quarter_with_an_honour_rate(app):
    """张桂芳's five payback requests of the last quarter: three on time, one late, one expired."""
    from server.services.people import demo
    from tests.resources.test_openapi import demo_logins

    at(11, 29, 10)
    station = demo_logins(app)("coordinator")
    client = app.test_client()
    community = Community.get(Community.code == "HPL")
    answer = client.get(f"/api/v1/communities/{community.id}/redemption?year=2026&quarter=3", headers=station).json
    assert {key: answer[key] for key in ("opened", "on_time", "late", "not_honoured", "cancelled", "open")} == {
        "opened": 5, "on_time": 3, "late": 1, "not_honoured": 1, "cancelled": 0, "open": 0}
    assert answer["honour_rate_label"] == "60.0%" and answer["minutes_redeemed"] == 90 + 60 + 60 + 60
    assert answer["served_by_volunteers"] == 4 and answer["community_name"] == "和平里社区"
    assert ledger_verify.verify() == []
    assert demo.load() is False
