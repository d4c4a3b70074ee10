"""Requests and self-reports are checked with msg_sec_check when WeChat is on: risky text waits for the station."""


from server.models import Notification, ServiceRecord, Task
from server.services.board import bookings
from tests.factories import make_community, make_coordinator, make_member, make_record, make_volunteer, need


def test_a_request_is_held_until_checked_then_published_or_kept(wechat_workers, run_jobs, flush):
    community = make_community()
    coordinator = make_coordinator(community)
    resident = make_member(community, openid="openid-resident")
    clean = bookings.book(resident, need(description="请帮忙修一下水龙头"))
    risky = bookings.book(resident, need(description="这是违禁的内容"))
    assert Task.get(Task.request == clean.id).held and Task.get(Task.request == risky.id).held  # not on the board yet
    flush()
    run_jobs()
    run_jobs()  # the coordinator's alert is a job the callback emitted
    assert not Task.get(Task.request == clean.id).held
    assert Task.get(Task.request == risky.id).held
    assert Notification.select().where(Notification.recipient == coordinator.id,
                                       Notification.event_key == f"request:{risky.id}:held").count() == 1


def test_a_risky_self_report_waits_for_the_coordinator(wechat_workers, run_jobs, flush):
    community = make_community()
    volunteer, _ = make_volunteer(community)
    volunteer.openid = "openid-volunteer"
    volunteer.save()
    witness = make_member(community)
    record = make_record(volunteer, witness=witness, content="可疑的内容")
    plain = make_record(volunteer, witness=witness, content="帮邻居搬东西", days_ago=1)
    flush()
    run_jobs()
    assert ServiceRecord.get_by_id(record.id).needs_approval is True
    assert ServiceRecord.get_by_id(plain.id).needs_approval is False


def test_without_wechat_nothing_is_held(app):
    resident = make_member(make_community(), openid="openid-x")
    request = bookings.book(resident, need())
    assert not Task.get(Task.request == request.id).held
