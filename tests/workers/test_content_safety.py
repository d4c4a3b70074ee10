"""Content safety: what members write is checked by WeChat in a job, and the asking area is told."""

import pytest
from rq import Queue

from server import queues
from server.db import database
from server.models import ContentCheck, OutboxMessage
from server.services.messaging import content_safety
from tests.factories import make_community, make_member
from tests.wechat_stub import MSG_SEC_CHECK
from workers.jobs import outbox as outbox_jobs

told_log = []


@pytest.fixture(autouse=True)
def dummy_kind():
    """A stand-in for the task board: it records what it was told."""
    told_log.clear()

    @content_safety.on_result("test.note", scene=content_safety.SCENES["comment"])
    def told(object_id, result, check):
        told_log.append((object_id, result, check.result))

    yield
    content_safety.forget("test.note")


def check(member, text, object_id=1):
    with database.atomic():
        return content_safety.request_check("test.note", object_id, member, text)


@pytest.fixture
def author(app):
    return make_member(make_community(), openid="openid-author")


@pytest.mark.parametrize("text, result", [("请帮忙修水龙头", "pass"), ("可疑的内容", "review"), ("违禁的内容", "risky")])
def test_wechat_verdict_is_recorded_and_the_area_told(author, wechat_workers, wechat, run_jobs, flush, text, result):
    check(author, text)
    flush()
    assert run_jobs() == 1
    [call] = wechat.calls(MSG_SEC_CHECK)
    assert call["body"] == {"version": 2, "openid": "openid-author", "scene": 2, "content": text}
    row = ContentCheck.get()
    assert row.result == result and row.checked_at is not None and row.author_id == author.id
    assert told_log == [(1, result, result)]


def test_unchecked_without_wechat_or_openid(app, run_jobs, flush):
    """WeChat off, or an author without WeChat: `unchecked`, which the area treats as a pass."""
    proxy_entered = make_member(make_community())
    check(proxy_entered, "王大爷需要有人陪同去医院")
    flush()
    run_jobs()
    assert ContentCheck.get().result == "unchecked" and told_log == [(1, "unchecked", "unchecked")]


def test_checked_once_however_often_it_runs(author, wechat_workers, wechat, run_jobs, flush):
    check(author, "请帮忙修水龙头")
    check(author, "请帮忙修水龙头")  # the same text of the same object: one check
    assert ContentCheck.select().count() == 1 and OutboxMessage.select().count() == 1
    flush()
    run_jobs()
    message = OutboxMessage.get()
    content_safety.run_check(ContentCheck.get().id, "请帮忙修水龙头", object())  # a re-run: settled already
    assert outbox_jobs.deliver(message.id) == "skipped"
    assert len(wechat.calls(MSG_SEC_CHECK)) == 1 and len(told_log) == 1
    check(author, "改过的描述")  # an edited text is checked again
    assert ContentCheck.select().count() == 2


def test_a_busy_wechat_is_retried(author, wechat_workers, wechat, run_jobs, flush, redis):
    wechat.script(MSG_SEC_CHECK, {"errcode": -1, "errmsg": "system error"})
    check(author, "请帮忙修水龙头")
    flush()
    run_jobs()
    assert ContentCheck.get().result == "pending" and told_log == []
    assert Queue(queues.DEFAULT, connection=redis).scheduled_job_registry.count == 1


def test_a_refusal_is_kept_as_unchecked(author, wechat_workers, wechat, run_jobs, flush):
    wechat.script(MSG_SEC_CHECK, {"errcode": 61010, "errmsg": "user access expired"})
    check(author, "请帮忙修水龙头")
    flush()
    run_jobs()
    row = ContentCheck.get()
    assert (row.result, row.errcode) == ("unchecked", 61010) and told_log == [(1, "unchecked", "unchecked")]


def test_long_texts_are_checked_in_pieces_and_the_worst_wins(author, wechat_workers, wechat, run_jobs, flush):
    text = "好" * content_safety.PIECE + "违禁"
    check(author, text)
    flush()
    run_jobs()
    assert len(wechat.calls(MSG_SEC_CHECK)) == 2 and ContentCheck.get().result == "risky"


def test_a_kind_without_a_callback_is_refused_at_once(author):
    with pytest.raises(LookupError), database.atomic():
        content_safety.request_check("nobody.listens", 1, author, "text")
