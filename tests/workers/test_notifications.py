"""Delivering notifications: one inbox row per event, WeChat copies with consent, quiet hours and retries."""

import datetime as dt

import pytest
from rq import Queue
from rq.exceptions import DuplicateJobError

from server import clock, queueing, queues
from server.db import database
from server.models import Member, Notification, OutboxMessage, SubscriptionCredit
from server.services.messaging import notifications, outbox, subscriptions
from tests.factories import make_community, make_member
from tests.wechat_stub import SUBSCRIBE_SEND, TOKEN
from tests.workers.conftest import retry_now
from workers.jobs import outbox as outbox_jobs

OFFER = {"category": "义务维修", "summary": "帮忙修理厨房的水龙头，漏水很厉害，老人行动不便",
         "when": dt.datetime(2026, 5, 16, 9, 0), "place": "3号楼2单元101", "task_id": 7}


def notify(member_ids, event="task:7:offered", template="task_offer", data=OFFER, urgent=False):
    with database.atomic():
        return notifications.notify(member_ids, event, template, data, urgent=urgent)


@pytest.fixture
def community(app):
    return make_community()


@pytest.fixture
def subscribed(community):
    """A volunteer on WeChat who allowed one task_offer message."""
    member = make_member(community, openid="openid-li")
    subscriptions.record(member, {"task_offer": "accept"})
    return member


def credits(member, template="task_offer"):
    row = SubscriptionCredit.get_or_none(SubscriptionCredit.member == member.id,
                                         SubscriptionCredit.template_key == template)
    return row.credits if row else 0


def test_inbox_row_without_wechat(community, run_jobs, flush):
    """WeChat off: the inbox gets the message, in plain Chinese, and the WeChat copy is skipped."""
    member = make_member(community)
    notify([member.id])
    flush()
    assert run_jobs() == 1
    row = Notification.get()
    assert row.recipient_id == member.id and row.community_id == community.id
    assert row.title == "有邻居需要您的帮助"
    assert "5月16日（周六）上午9:00" in row.body and row.link == "pages/tasks/detail?id=7"
    assert (row.wechat_status, row.wechat_note, row.read_at) == ("skipped", "wechat_off", None)


def test_one_row_however_often_it_runs(community, subscribed, wechat_workers, wechat, run_jobs, flush, redis):
    """Notify twice, enqueue twice, run the job twice: one inbox row and one WeChat message."""
    notify([subscribed.id])
    notify([subscribed.id])  # the same event again: the same outbox row
    assert OutboxMessage.select().count() == 1
    flush()
    message = OutboxMessage.get()
    with pytest.raises(DuplicateJobError):  # enqueue twice with the same job id → one job
        queueing.enqueue_outbox(message)
    assert Queue(queues.NOTIFICATIONS, connection=redis).count == 1
    assert run_jobs() == 1
    assert outbox_jobs.deliver(message.id) == "skipped"  # RQ delivering it again: the outbox row is done
    # even the handler itself, run again past the outbox's guard, adds nothing
    outbox_jobs.HANDLERS[notifications.KIND](message.payload, message)
    assert Notification.select().count() == 1
    assert Notification.get().wechat_status == "sent", Notification.get().wechat_note
    assert len(wechat.calls(SUBSCRIBE_SEND)) == 1


def test_wechat_copy_spends_one_credit_and_fits_the_fields(community, subscribed, wechat_workers, wechat,
                                                          run_jobs, flush):
    notify([subscribed.id])
    flush()
    run_jobs()
    [call] = wechat.calls(SUBSCRIBE_SEND)
    body = call["body"]
    assert body["touser"] == "openid-li" and body["template_id"] == "TPL-task_offer"
    assert body["page"] == "pages/tasks/detail?id=7" and body["miniprogram_state"] == "formal"
    assert body["data"]["thing1"]["value"] == "义务维修：帮忙修理厨房的水龙头，漏水很…"  # thing: 20 characters
    assert body["data"]["time2"]["value"] == "2026年5月16日 09:00"
    row = Notification.get()
    assert (row.wechat_status, row.attempts, row.sent_at) == ("sent", 1, clock.now())
    assert credits(subscribed) == 0


def test_no_credit_left_means_inbox_only(community, subscribed, wechat_workers, wechat, run_jobs, flush):
    notify([subscribed.id], event="task:7:offered")
    notify([subscribed.id], event="task:8:offered", data={**OFFER, "task_id": 8})
    flush()
    run_jobs()
    statuses = {n.event_key: (n.wechat_status, n.wechat_note) for n in Notification.select()}
    assert statuses == {"task:7:offered": ("sent", ""), "task:8:offered": ("skipped", "no_credit")}
    assert len(wechat.calls(SUBSCRIBE_SEND)) == 1


def test_members_without_openid_get_the_inbox_only(community, wechat_workers, wechat, run_jobs, flush):
    member = make_member(community)  # a family member acts for them (no WeChat)
    notify([member.id])
    flush()
    run_jobs()
    assert (Notification.get().wechat_status, Notification.get().wechat_note) == ("skipped", "no_openid")
    assert wechat.calls(SUBSCRIBE_SEND) == []


def test_quiet_hours_defer_the_wechat_copy_not_the_inbox(community, subscribed, wechat_workers, wechat,
                                                          run_jobs, flush):
    clock.freeze(dt.datetime(2026, 5, 15, 23, 30))
    notify([subscribed.id])
    flush()
    run_jobs()
    row = Notification.get()
    assert row.wechat_status == "deferred" and row.next_attempt_at == dt.datetime(2026, 5, 16, 8, 0)
    assert wechat.calls(SUBSCRIBE_SEND) == []
    assert outbox_jobs.sweep() == 0  # not due before 08:00
    clock.freeze(dt.datetime(2026, 5, 16, 8, 0))
    assert outbox_jobs.sweep() == 1
    run_jobs()
    assert Notification.get().wechat_status == "sent" and len(wechat.calls(SUBSCRIBE_SEND)) == 1


def test_urgent_messages_ignore_quiet_hours(community, wechat_workers, wechat, run_jobs, flush, redis):
    coordinator = make_member(community, household=False, roles="coordinator", openid="openid-zhao")
    subscriptions.record(coordinator, {"coordinator_alert": "accept"})
    clock.freeze(dt.datetime(2026, 5, 16, 2, 0))
    notify([coordinator.id], event="task:7:escalated", template="coordinator_alert", urgent=True,
           data={"subject": "求助无人接单", "summary": "王秀兰的维修求助已等待2小时", "when": clock.now(),
                 "page": "pages/tasks/detail?id=7"})
    assert Queue(queues.URGENT_NOTIFICATIONS, connection=redis).count == 0
    flush()
    assert Queue(queues.URGENT_NOTIFICATIONS, connection=redis).count == 1
    run_jobs()
    assert Notification.get().wechat_status == "sent"


def test_refused_43101_is_recorded_not_retried(community, subscribed, wechat_workers, wechat, run_jobs,
                                               flush, redis):
    wechat.script(SUBSCRIBE_SEND, {"errcode": 43101, "errmsg": "user refuse to accept the msg"})
    subscriptions.record(subscribed, {"task_offer": "accept"})  # we think two are left
    notify([subscribed.id])
    flush()
    assert run_jobs() == 1  # the job finished: nothing to retry
    row = Notification.get()
    assert (row.wechat_status, row.wechat_errcode, row.attempts) == ("refused", 43101, 1)
    assert Queue(queues.NOTIFICATIONS, connection=redis).scheduled_job_registry.count == 0
    assert credits(subscribed) == 0  # WeChat says none is left: trust it
    assert len(wechat.calls(SUBSCRIBE_SEND)) == 1


def test_bad_data_47003_refused_and_the_credit_kept(community, subscribed, wechat_workers, wechat, run_jobs, flush):
    wechat.script(SUBSCRIBE_SEND, {"errcode": 47003, "errmsg": "argument invalid! data.thing1.value invalid"})
    notify([subscribed.id])
    flush()
    run_jobs()
    assert (Notification.get().wechat_status, Notification.get().wechat_errcode) == ("refused", 47003)
    assert credits(subscribed) == 1  # WeChat did not deliver: the consent is still there


@pytest.mark.parametrize("failure", [(500, {"errcode": 500, "errmsg": "server error"}),
                                     {"errcode": -1, "errmsg": "system error"}])
def test_5xx_or_busy_is_retried_then_succeeds(community, subscribed, wechat_workers, wechat, run_jobs, flush,
                                              redis, failure):
    wechat.script(SUBSCRIBE_SEND, failure)
    notify([subscribed.id])
    flush()
    run_jobs()
    row = Notification.get()
    assert row.wechat_status == "pending" and row.attempts == 1
    assert credits(subscribed) == 1  # given back for the retry
    message = OutboxMessage.get()
    assert message.done_at is None and "RetryLater" in message.last_error
    assert retry_now(redis, queues.NOTIFICATIONS) == 1  # RQ's Retry held it with backoff
    assert run_jobs() == 1
    row = Notification.get()
    assert (row.wechat_status, row.attempts, row.wechat_errcode) == ("sent", 2, 0)
    assert len(wechat.calls(SUBSCRIBE_SEND)) == 2 and credits(subscribed) == 0
    assert Notification.select().count() == 1


def test_network_errors_are_retried(community, subscribed, wechat_workers, worker_settings, run_jobs, flush, redis):
    from workers import bootstrap

    bootstrap.configure({**wechat_workers, "WECHAT_API_BASE": "http://127.0.0.1:9/"})  # nothing listens
    notify([subscribed.id])
    flush()
    run_jobs()
    row = Notification.get()
    assert row.wechat_status == "pending" and row.wechat_note.startswith("token: network")
    assert Queue(queues.NOTIFICATIONS, connection=redis).scheduled_job_registry.count == 1


def test_the_last_retry_gives_up_as_failed(community, subscribed, wechat_workers, wechat, run_jobs, flush, redis):
    wechat.script(SUBSCRIBE_SEND, *[(503, {"errcode": 503})] * (len(queueing.RETRY_INTERVALS) + 1))
    notify([subscribed.id])
    flush()
    run_jobs()
    for _ in queueing.RETRY_INTERVALS:
        retry_now(redis, queues.NOTIFICATIONS)
        run_jobs()
    row = Notification.get()
    assert (row.wechat_status, row.attempts) == ("failed", len(queueing.RETRY_INTERVALS) + 1)
    assert OutboxMessage.get().done_at is not None  # settled: nothing left to retry
    assert credits(subscribed) == 1


def test_a_send_interrupted_by_a_dead_worker_is_never_repeated(community, subscribed, wechat_workers, wechat,
                                                              run_jobs, flush):
    """A row left `sending` (the worker died during the call) may be at WeChat already: not sent again."""
    notify([subscribed.id])
    flush()
    notifications.create_inbox_rows(OutboxMessage.get().payload, lambda openid, key: ("pending", ""))
    Notification.update(wechat_status="sending", attempts=1).execute()  # as a killed worker leaves it
    run_jobs()
    row = Notification.get()
    assert (row.wechat_status, row.wechat_note) == ("unknown", "interrupted during the call")
    assert wechat.calls(SUBSCRIBE_SEND) == []


def test_the_access_token_is_shared_through_redis(community, wechat_workers, wechat, run_jobs, flush):
    """Two workers (two clients) use one token from Redis instead of each fetching its own."""
    from workers import bootstrap

    members = [make_member(community, openid=f"openid-{n}") for n in range(3)]
    for member in members:
        subscriptions.record(member, {"task_offer": "accept"})
    notify([members[0].id], event="task:1:offered")
    flush()
    run_jobs()
    bootstrap._clients.clear()  # another worker process: a client of its own
    notify([m.id for m in members[1:]], event="task:2:offered")
    flush()
    run_jobs()
    assert len(wechat.calls(SUBSCRIBE_SEND)) == 3
    assert len(wechat.calls(TOKEN)) == 1


def test_recipients_are_batched(community, run_jobs, flush):
    members = [make_member(community, household=False) for _ in range(notifications.BATCH + 5)]
    assert notify([m.id for m in members] + [members[0].id]) == notifications.BATCH + 5
    assert OutboxMessage.select().count() == 2
    flush()
    assert run_jobs() == 2
    assert Notification.select().count() == notifications.BATCH + 5


def test_notify_refuses_unknown_templates_and_missing_data(app):
    with pytest.raises(ValueError, match="unknown notification template"):
        notify([1], template="nope")
    with pytest.raises(ValueError, match="'place'"):
        notify([1], data={k: v for k, v in OFFER.items() if k != "place"})
    with pytest.raises(ValueError, match="event_key"):
        notify([1], event="x" * 121)
    assert OutboxMessage.select().count() == 0


def test_each_member_gets_their_row_and_status_on_both_backends(any_app):
    """The inbox rows are one INSERT … SELECT from the members: each gets the WeChat status their openid
    allows, an erased member nothing, and running it again adds nothing and finds the same open copies."""
    community = make_community()
    reached, unreached, erased = (make_member(community, openid="openid-a"), make_member(community),
                                  make_member(community, openid="openid-c"))
    Member.update(erased_at=clock.now()).where(Member.id == erased.id).execute()
    notify([reached.id, unreached.id, erased.id], urgent=True)
    payload = OutboxMessage.get().payload

    def status(has_openid, template_key):
        return ("pending", "") if has_openid else ("skipped", "no_openid")

    open_ids = notifications.create_inbox_rows(payload, status)
    assert notifications.create_inbox_rows(payload, status) == open_ids
    rows = {row.recipient_id: row for row in Notification.select()}
    assert set(rows) == {reached.id, unreached.id}
    assert open_ids == [rows[reached.id].id]
    assert (rows[unreached.id].wechat_status, rows[unreached.id].wechat_note) == ("skipped", "no_openid")
    row = rows[reached.id]
    assert (row.wechat_status, row.wechat_note, row.attempts, row.read_at) == ("pending", "", 0, None)
    assert row.community_id == community.id and row.urgent is True and row.data == payload["data"]
    assert row.title == "有邻居需要您的帮助" and row.link == "pages/tasks/detail?id=7"
    assert isinstance(row.created_at, dt.datetime)
    outbox.discard_pending()
