"""Subscribe-message consent: the mini-program reports each accept, the member sees the sends left."""

import threading

import pytest

from server import runtime
from server.db import database
from server.models import SubscriptionCredit
from server.services.messaging import subscriptions
from tests.factories import headers, make_community, make_member

TEMPLATE_IDS = {"task_offer": "TPL-offer"}


@pytest.fixture
def volunteer(app, monkeypatch):
    monkeypatch.setitem(runtime._settings, "WECHAT_TEMPLATE_IDS", TEMPLATE_IDS)
    return make_member(make_community(), openid="openid-li")


def test_each_accept_is_one_send(app, client, volunteer):
    auth = headers(app, volunteer)
    before = {s["template_key"]: s for s in client.get("/api/v1/subscriptions", headers=auth).get_json()}
    assert before["task_offer"] == {"template_key": "task_offer", "label": "有人需要帮助时通知我",
                                    "template_id": "TPL-offer", "credits": 0}
    assert before["hours_credited"]["template_id"] is None  # not configured: in-app only
    for _ in range(2):
        answer = client.post("/api/v1/subscriptions", headers=auth,
                             json={"results": {"task_offer": "accept", "hours_credited": "reject"}})
        assert answer.status_code == 200
    after = {s["template_key"]: s["credits"] for s in answer.get_json()}
    assert after["task_offer"] == 2 and after["hours_credited"] == 0


def test_unknown_templates_and_answers_are_422(app, client, volunteer):
    auth = headers(app, volunteer)
    unknown = client.post("/api/v1/subscriptions", headers=auth, json={"results": {"lottery": "accept"}})
    assert unknown.status_code == 422 and "results" in unknown.get_json()["errors"]["json"]
    bad = client.post("/api/v1/subscriptions", headers=auth, json={"results": {"task_offer": "yes"}})
    assert bad.status_code == 422 and "results" in bad.get_json()["errors"]["json"]
    empty = client.post("/api/v1/subscriptions", headers=auth, json={"results": {}})
    assert empty.status_code == 422


def test_credits_are_capped(app, volunteer):
    for _ in range(subscriptions.MAX_CREDITS + 3):
        subscriptions.record(volunteer, {"task_offer": "accept"})
    assert SubscriptionCredit.get().credits == subscriptions.MAX_CREDITS


@pytest.mark.postgres
def test_concurrent_spends_never_go_below_zero(pg_app):
    """Ten workers race for three credits: exactly three sends are allowed (guarded UPDATE)."""
    member = make_member(make_community(), openid="openid-race")
    for _ in range(3):
        subscriptions.record(member, {"task_offer": "accept"})
    database.close()
    wins, barrier = [], threading.Barrier(10)

    def spend():
        barrier.wait()
        with database.atomic():
            if subscriptions.spend(member.id, "task_offer"):
                wins.append(1)
        database.close()

    threads = [threading.Thread(target=spend) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(wins) == 3 and SubscriptionCredit.get().credits == 0
