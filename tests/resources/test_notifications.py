"""The inbox story: a resident's messages arrive, page newest first, get read one by one or all at once."""

import datetime as dt

import pytest

from server import clock
from server.db import database
from server.services.messaging import notifications
from tests.factories import headers, make_community, make_member

CREDITED = {"category": "义务维修", "minutes": 90}


@pytest.fixture
def resident(app):
    return make_member(make_community(), name="王秀兰")


def deliver(member, count, *, start=1):
    """`count` notifications for `member`, delivered as the worker does (inbox rows, WeChat off)."""
    for n in range(start, start + count):
        payload = {"member_ids": [member.id], "event_key": f"record:{n}:credited", "template_key": "hours_credited",
                   "data": CREDITED, "urgent": False}
        notifications.create_inbox_rows(payload, lambda openid, key: ("skipped", "wechat_off"))


def test_inbox_pages_newest_first_without_shifting(app, client, resident):
    deliver(resident, 5)
    auth = headers(app, resident)
    first = client.get("/api/v1/notifications?limit=2", headers=auth).get_json()
    assert [n["id"] for n in first["items"]] == [5, 4]
    item = first["items"][0]
    assert item["title"] == "爱心时间已记入"
    # Queued without `outcome` (as before it existed): the template's default says where the hours went.
    assert item["body"] == "您的义务维修服务已确认，记入1.5小时，已存入您家的爱心存折。谢谢您！"
    assert item["link"] == "pages/passbook/index" and item["read"] is False and item["wechat_status"] == "skipped"
    assert item["created_at"].endswith("+08:00")
    deliver(resident, 1, start=6)  # arrives while reading: the next page is still 3, 2
    second = client.get(f"/api/v1/notifications?limit=2&cursor={first['next_cursor']}", headers=auth).get_json()
    assert [n["id"] for n in second["items"]] == [3, 2]
    last = client.get(f"/api/v1/notifications?limit=2&cursor={second['next_cursor']}", headers=auth).get_json()
    assert [n["id"] for n in last["items"]] == [1] and last["next_cursor"] is None


def test_unread_count_and_marking_read(app, client, resident):
    deliver(resident, 3)
    auth = headers(app, resident)
    assert client.get("/api/v1/notifications/unread-count", headers=auth).get_json() == {"unread": 3}
    clock.freeze(dt.datetime(2026, 5, 15, 9, 30))
    answer = client.post("/api/v1/notifications/read", json={"id": 2}, headers=auth)
    assert answer.status_code == 200 and answer.get_json()["read"] is True
    clock.freeze(dt.datetime(2026, 5, 15, 9, 45))
    again = client.post("/api/v1/notifications/read", json={"id": 2}, headers=auth).get_json()
    assert again["read_at"].startswith("2026-05-15T09:30")  # the first reading counts
    unread = client.get("/api/v1/notifications?unread_only=true", headers=auth).get_json()
    assert [n["id"] for n in unread["items"]] == [3, 1]
    assert client.get("/api/v1/notifications/unread-count", headers=auth).get_json() == {"unread": 2}


def test_mark_all_read_up_to_what_the_screen_showed(app, client, resident):
    deliver(resident, 3)
    auth = headers(app, resident)
    answer = client.post("/api/v1/notifications/read-all", json={"up_to": 2}, headers=auth)
    assert answer.get_json() == {"marked": 2, "unread": 1}
    assert client.post("/api/v1/notifications/read-all", json={}, headers=auth).get_json() == {"marked": 1, "unread": 0}


def test_someone_elses_notification_is_not_found(app, client, resident):
    neighbour = make_member(make_community())
    deliver(neighbour, 1)
    auth = headers(app, resident)
    answer = client.post("/api/v1/notifications/read", json={"id": 1}, headers=auth)
    assert answer.status_code == 404 and answer.get_json()["message"] == "找不到这条消息"
    assert client.get("/api/v1/notifications", headers=auth).get_json() == {"items": [], "next_cursor": None}
    with database.atomic():
        assert notifications.unread_count(neighbour) == 1


@pytest.mark.parametrize("url, method, body, field", [
    ("/api/v1/notifications?limit=0", "GET", None, "limit"),
    ("/api/v1/notifications?limit=101", "GET", None, "limit"),
    ("/api/v1/notifications?cursor=abc", "GET", None, "cursor"),
    ("/api/v1/notifications/read", "POST", {}, "id"),
    ("/api/v1/notifications/read", "POST", {"id": "x"}, "id"),
    ("/api/v1/notifications/read-all", "POST", {"up_to": 0}, "up_to"),
])
def test_bad_input_is_422_naming_the_field(app, client, resident, url, method, body, field):
    answer = client.open(url, method=method, json=body, headers=headers(app, resident))
    assert answer.status_code == 422
    errors = answer.get_json()["errors"]
    assert field in (errors.get("query") or errors.get("json") or {})


def test_openapi_documents_every_inbox_endpoint(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/notifications", "/api/v1/notifications/unread-count", "/api/v1/notifications/read",
                 "/api/v1/notifications/read-all", "/api/v1/subscriptions"):
        for operation in paths[path].values():
            assert operation["summary"] and "**Who may call:**" in operation["description"]
