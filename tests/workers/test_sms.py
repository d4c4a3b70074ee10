"""Texts (短信) for members WeChat cannot reach: over HTTP and the workers, against the local SMS stand-in
(tests/sms_stub.py), real Redis, SQLite and PostgreSQL."""

import datetime as dt

import pytest
from rq import SimpleWorker

from server import clock, queues
from server.db import database
from server.models import CodeAttempt, Notification, ServiceRecord, SmsDay, SmsMessage
from server.services.messaging import notifications, outbox
from tests.factories import (
    headers,
    make_community,
    make_coordinator,
    make_member,
    make_record,
    make_volunteer,
)
from tests.sms_stub import APP_ID, SIGN_NAME, SmsStub, tc3_signature
from tests.workers.conftest import retry_now
from workers import bootstrap
from workers.jobs import outbox as outbox_jobs
from workers.jobs import sms as sms_jobs

DAYTIME = dt.datetime(2026, 5, 15, 10, 0)
SMS_IDS = {"hours_credited": "1100001", "witness_request": "1100002", "task_reminder": "1100003",
           "task_claimed": "1100004", "event_reminder": "1100005"}


@pytest.fixture
def stub():
    server = SmsStub().start()
    yield server
    server.stop()


@pytest.fixture
def sms_app(any_app, redis_url, stub):
    """The app and the workers with SMS at the stand-in, WeChat off, the clock at 10:00 on a Friday."""
    bootstrap.configure({"DATABASE_URL": any_app.config["DATABASE_URL"], "REDIS_URL": redis_url,
                         "SECRET_KEY": "test-secret", "ENV": "test", "QUIET_HOURS": "22:00-08:00",
                         **stub.settings(**SMS_IDS)})
    clock.freeze(DAYTIME)
    yield any_app
    clock.freeze(None)


def configure(app, redis_url, stub, **overrides):
    bootstrap.configure({"DATABASE_URL": app.config["DATABASE_URL"], "REDIS_URL": redis_url,
                         "SECRET_KEY": "test-secret", "ENV": "test", "QUIET_HOURS": "22:00-08:00",
                         **stub.settings(**SMS_IDS), **overrides})


def work(redis) -> None:
    """What the scheduler and the workers do: sweep the outbox onto RQ, run every job to the end, until
    nothing is due (a job's own enqueue may find its ids taken by the test's; the sweeper then takes them)."""
    outbox.discard_pending()  # what this test thread emitted is the sweeper's, as after a request
    for _ in range(5):
        swept = outbox_jobs.sweep(stale_after_seconds=0)
        ran = SimpleWorker(queues.ALL, connection=redis).work(burst=True)
        if not swept and not ran:
            return


@pytest.fixture
def people(sms_app):
    community = make_community()
    volunteer, _ = make_volunteer(community)
    return {"community": community, "volunteer": volunteer, "elder": make_member(community, phone="13900001111"),
            "coordinator": make_coordinator(community)}


def consent_at_counter(app, coordinator, member, phone="13812345678"):
    answer = app.test_client().put(f"/api/v1/members/{member.id}/sms", headers=headers(app, coordinator),
                                   json={"consent": True, "via": "counter", "phone": phone, "form_ref": "XF-2026-001"})
    assert answer.status_code == 200, answer.json
    return answer.json


def credit(app, volunteer, witness):
    """The witness confirms a service by the volunteer over HTTP: the volunteer's hours are credited."""
    record = make_record(volunteer, witness=witness)
    answer = app.test_client().post(f"/api/v1/service-records/{record.id}/confirm", headers=headers(app, witness),
                                    json={})
    assert answer.status_code == 200, answer.json
    return record


def test_consent_then_a_credited_service_sends_one_text(sms_app, people, stub, redis):
    state = consent_at_counter(sms_app, people["coordinator"], people["volunteer"])
    assert state["enabled"] and state["phone"] == "138****5678" and state["via"] == "counter"
    credit(sms_app, people["volunteer"], people["elder"])
    work(redis)
    work(redis)  # a second pass changes nothing: one text per notification
    [body] = stub.sent()
    assert body["PhoneNumberSet"] == ["+8613812345678"] and body["TemplateId"] == "1100001"
    assert body["SmsSdkAppId"] == APP_ID and body["SignName"] == SIGN_NAME
    assert body["TemplateParamSet"] == ["义务维修", "1.5小时"]
    text = SmsMessage.get()
    assert (text.status, text.provider_code, text.attempts) == ("sent", "Ok", 1)
    assert text.notification.template_key == "hours_credited"
    # The delivery report, pulled every minute, says the phone got it.
    assert sms_jobs.pull_reports() == 1
    shown = sms_app.test_client().get(f"/api/v1/members/{people['volunteer'].id}/sms",
                                      headers=headers(sms_app, people["coordinator"])).json
    assert [(m["status"], m["provider_code"]) for m in shown["messages"]] == [("delivered", "SUCCESS")]
    assert "1.5小时" in shown["messages"][0]["text"]


def test_no_consent_no_text(sms_app, people, stub, redis):
    credit(sms_app, people["volunteer"], people["elder"])
    work(redis)
    assert Notification.select().count() >= 1  # the inbox has it
    assert stub.calls() == [] and SmsMessage.select().count() == 0


def test_withdrawn_consent_stops_texts_even_those_waiting(sms_app, people, stub, redis):
    consent_at_counter(sms_app, people["coordinator"], people["volunteer"])
    with database.atomic():
        notifications.notify([people["volunteer"].id], "record:1:credited", "hours_credited",
                             {"category": "助餐", "minutes": 60})
    outbox_jobs.sweep(stale_after_seconds=0)
    SimpleWorker([queues.NOTIFICATIONS], connection=redis).work(burst=True, max_jobs=1)  # planned, not sent
    assert SmsMessage.get().status == "pending"
    answer = sms_app.test_client().delete(f"/api/v1/members/{people['volunteer'].id}/sms",
                                          headers=headers(sms_app, people["volunteer"]))
    assert answer.status_code == 200 and answer.json["enabled"] is False
    work(redis)
    assert stub.sent() == []
    assert [(t.status, t.note) for t in SmsMessage.select()] == [("skipped", "consent_withdrawn")]


def test_quiet_hours_defer_a_text_until_morning(sms_app, people, stub, redis):
    consent_at_counter(sms_app, people["coordinator"], people["volunteer"])
    clock.freeze(dt.datetime(2026, 5, 15, 23, 30))
    with database.atomic():
        notifications.notify([people["volunteer"].id], "record:1:credited", "hours_credited",
                             {"category": "助餐", "minutes": 60, "outcome": "已存入您家的爱心存折"})
    work(redis)
    text = SmsMessage.get()
    assert (text.status, text.next_attempt_at) == ("deferred", dt.datetime(2026, 5, 16, 8, 0))
    assert stub.sent() == []
    clock.freeze(dt.datetime(2026, 5, 16, 8, 0))
    work(redis)
    assert SmsMessage.get().status == "sent" and len(stub.sent()) == 1
    assert SmsMessage.get().day == dt.date(2026, 5, 16)


def test_the_daily_cap_stops_texts(sms_app, people, stub, redis, redis_url):
    configure(sms_app, redis_url, stub, SMS_DAILY_CAP=2)
    consent_at_counter(sms_app, people["coordinator"], people["volunteer"])
    with database.atomic():
        for n in range(3):
            notifications.notify([people["volunteer"].id], f"record:{n}:credited", "hours_credited",
                                 {"category": "助餐", "minutes": 60})
    work(redis)
    statuses = sorted((t.status, t.note) for t in SmsMessage.select())
    assert statuses == [("sent", "send success"), ("sent", "send success"), ("skipped", "daily_cap")]
    assert len(stub.sent()) == 2
    assert SmsDay.get().sent == 2


def test_a_failed_send_is_retried_and_its_status_kept(sms_app, people, stub, redis):
    consent_at_counter(sms_app, people["coordinator"], people["volunteer"])
    stub.script_send(502)  # the provider's gateway fails once
    with database.atomic():
        notifications.notify([people["volunteer"].id], "record:1:credited", "hours_credited",
                             {"category": "助餐", "minutes": 60})
    work(redis)
    text = SmsMessage.get()
    assert (text.status, text.provider_code, text.attempts) == ("pending", "ServerNetworkError", 1)
    assert SmsDay.get().sent == 0  # a text that did not go does not count against the day
    assert retry_now(redis, queues.NOTIFICATIONS) == 1  # RQ's Retry scheduled the job again
    SimpleWorker(queues.ALL, connection=redis).work(burst=True)
    text = SmsMessage.get()
    assert (text.status, text.provider_code, text.attempts) == ("sent", "Ok", 2)
    assert len(stub.calls("SendSms")) == 2 and SmsDay.get().sent == 1


def test_a_refused_text_is_failed_with_the_providers_code_and_never_retried(sms_app, people, stub, redis):
    consent_at_counter(sms_app, people["coordinator"], people["volunteer"])
    stub.script_send("FailedOperation.PhoneNumberInBlacklist")
    with database.atomic():
        notifications.notify([people["volunteer"].id], "record:1:credited", "hours_credited",
                             {"category": "助餐", "minutes": 60})
    work(redis)
    text = SmsMessage.get()
    assert (text.status, text.provider_code) == ("failed", "FailedOperation.PhoneNumberInBlacklist")
    assert retry_now(redis, queues.NOTIFICATIONS) == 0 and len(stub.calls("SendSms")) == 1


def test_a_failed_delivery_report_is_kept(sms_app, people, stub, redis):
    consent_at_counter(sms_app, people["coordinator"], people["volunteer"])
    stub.auto_report = False
    with database.atomic():
        notifications.notify([people["volunteer"].id], "record:1:credited", "hours_credited",
                             {"category": "助餐", "minutes": 60})
    work(redis)
    stub.report(SmsMessage.get().serial_no, delivered=False, description="用户关机")
    assert sms_jobs.pull_reports() == 1
    assert (SmsMessage.get().status, SmsMessage.get().provider_code) == ("failed", "FAIL 用户关机")


def test_a_worker_killed_during_the_call_never_sends_twice(sms_app, people, stub, redis):
    consent_at_counter(sms_app, people["coordinator"], people["volunteer"])
    with database.atomic():
        notifications.notify([people["volunteer"].id], "record:1:credited", "hours_credited",
                             {"category": "助餐", "minutes": 60})
    outbox_jobs.sweep(stale_after_seconds=0)
    SimpleWorker([queues.NOTIFICATIONS], connection=redis).work(burst=True, max_jobs=1)  # planned, not sent
    # As a worker killed between marking the row and the provider's answer leaves it:
    SmsMessage.update(status="sending").execute()
    work(redis)
    assert stub.sent() == [] and SmsMessage.get().status == "unknown"


def test_witness_by_sms_code_confirms_the_record_once(sms_app, people, stub, redis):
    elder, volunteer = people["elder"], people["volunteer"]
    consent_at_counter(sms_app, people["coordinator"], elder, phone="13700002222")
    record = make_record(volunteer, witness=elder)  # the witness request goes out
    work(redis)
    [body] = stub.sent()
    assert body["TemplateId"] == "1100002" and body["PhoneNumberSet"] == ["+8613700002222"]
    code = body["TemplateParamSet"][3]
    assert len(code) == 6 and code.isdigit()
    text = SmsMessage.get()
    assert text.record_id == record.id and code not in str(text.params) and text.code_hash
    client = sms_app.test_client()
    wrong = client.post("/api/v1/service-records/confirm-code", headers=headers(sms_app, volunteer),
                        json={"record_id": record.id, "code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 422 and wrong.json["errors"]["rule"] == "code_wrong"
    ok = client.post("/api/v1/service-records/confirm-code", headers=headers(sms_app, volunteer),
                     json={"record_id": record.id, "code": code})
    assert ok.status_code == 200, ok.json
    assert ServiceRecord.get_by_id(record.id).confirmed_via == "sms"
    assert ServiceRecord.get_by_id(record.id).confirmed_by_id == elder.id
    again = client.post("/api/v1/service-records/confirm-code", headers=headers(sms_app, volunteer),
                        json={"record_id": record.id, "code": code})
    assert again.status_code == 409
    assert SmsMessage.get().code_used_by_id == volunteer.id
    assert [a.succeeded for a in CodeAttempt.select().order_by(CodeAttempt.id)] == [False, True]


def test_tc3_signature_is_checked(stub):
    """The stand-in refuses a request signed with another key (so the SDK's signing is what passes)."""
    from server.services.messaging.sms import SmsClient

    good = SmsClient(stub.secret_id, stub.secret_key, APP_ID, SIGN_NAME, stub.endpoint)
    bad = SmsClient(stub.secret_id, "not-the-key", APP_ID, SIGN_NAME, stub.endpoint)
    assert good.send("13812345678", "1", ["a"]).verdict == "sent"
    refused = bad.send("13812345678", "1", ["a"])
    assert (refused.verdict, refused.code) == ("failed", "AuthFailure.SignatureFailure")
    assert tc3_signature("k", host="h", content_type="application/json", body=b"{}", timestamp="1700000000")
    [signed, unsigned] = stub.calls("SendSms")
    assert signed["signed"] and not unsigned["signed"]
