"""The outbox: written with the change, enqueued after commit, swept when Redis lost it."""

import pytest
from rq import Queue

from server import queueing, queues, runtime
from server.db import database
from server.models import OutboxMessage
from server.services.messaging import outbox
from tests.workers.ping import DELIVERED, ping_handler  # noqa: F401 (the fixture, autouse)
from workers.jobs import outbox as outbox_jobs


def test_emit_is_part_of_the_transaction(app):
    with pytest.raises(RuntimeError), database.atomic():
        outbox.emit("test.ping", "rolled-back", {"n": 0})
        raise RuntimeError("the change failed")
    assert OutboxMessage.select().count() == 0


def test_same_key_is_one_row(app):
    with database.atomic():
        outbox.emit("test.ping", "k", {"n": 1})
        outbox.emit("test.ping", "k", {"n": 2})
    assert [m.payload for m in OutboxMessage.select()] == [{"n": 1}]


def test_flush_enqueues_and_a_job_runs_once(app, worker_settings, run_jobs, redis):
    with database.atomic():
        outbox.emit("test.ping", "one", {"n": 1})
    assert outbox.flush(lambda m: queueing.enqueue_outbox(m)) == 1
    message = OutboxMessage.get()
    assert message.enqueued_at is not None
    # enqueueing the same row again is refused by RQ's unique job id
    from rq.exceptions import DuplicateJobError

    with pytest.raises(DuplicateJobError):
        queueing.enqueue_outbox(message)
    assert run_jobs() == 1
    assert DELIVERED == [1]
    # a second run of the same job (RQ delivers at least once) does nothing
    assert outbox_jobs.deliver(message.id) == "skipped"
    assert DELIVERED == [1] and OutboxMessage.get().done_at is not None


def test_redis_down_loses_nothing(app, worker_settings, run_jobs, redis):
    down = {**worker_settings, "REDIS_URL": "redis://127.0.0.1:9/0"}
    with database.atomic():
        for n in range(3):
            outbox.emit("test.ping", f"n{n}", {"n": n})
    runtime.configure(down)
    assert outbox.flush(queueing.enqueue_outbox) == 0
    runtime.configure(worker_settings)
    assert OutboxMessage.select().where(OutboxMessage.enqueued_at.is_null()).count() == 3
    queueing.reset_breaker()
    assert outbox_jobs.sweep() == 3  # Redis is back: the sweeper enqueues every due row
    assert outbox_jobs.sweep() == 0  # and not twice
    assert run_jobs() == 3
    assert sorted(DELIVERED) == [0, 1, 2]
    assert OutboxMessage.select().where(OutboxMessage.done_at.is_null()).count() == 0


def test_a_failing_handler_is_retried_by_rq(app, worker_settings, run_jobs, redis):
    calls = []

    def flaky(payload, message):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("temporary")
        DELIVERED.append(payload["n"])

    outbox_jobs.HANDLERS["test.flaky"] = flaky
    try:
        with database.atomic():
            outbox.emit("test.flaky", "x", {"n": 7})
        outbox.flush(lambda m: queueing.enqueue_outbox(m))
        run_jobs()
        message = OutboxMessage.get()
        assert message.attempts == 1 and "temporary" in message.last_error and message.done_at is None
        scheduled = Queue(queues.DEFAULT, connection=redis).scheduled_job_registry
        assert scheduled.get_job_ids() == [queueing.job_id(message)]  # RQ's Retry holds it for later
        outbox_jobs.deliver(message.id)  # as the retry will
        assert DELIVERED == [7] and OutboxMessage.get().done_at is not None
    finally:
        outbox_jobs.HANDLERS.pop("test.flaky", None)


def test_a_kinds_on_failure_hears_each_failure_and_the_give_up(app, worker_settings, monkeypatch):
    """Someone waiting on a kind (a large import's station) is told of each failure, and of the last one the row
    is given; a failing on_failure does not hide the handler's own error, nor stop the count."""
    heard = []

    def broken(payload, message):
        raise ConnectionError("the database went away")

    def on_failure(payload, gave_up):
        heard.append((payload["n"], gave_up))
        if len(heard) == 2:
            raise RuntimeError("and so did the hook")

    monkeypatch.setitem(outbox_jobs.HANDLERS, "test.broken", broken)
    monkeypatch.setitem(outbox.ON_FAILURE, "test.broken", on_failure)
    with database.atomic():
        outbox.emit("test.broken", "x", {"n": 3})
    message = OutboxMessage.get()
    for _ in range(2):
        with pytest.raises(ConnectionError, match="went away"):
            outbox_jobs.deliver(message.id)
    OutboxMessage.update(attempts=outbox.GIVE_UP_AFTER_ATTEMPTS - 1).execute()
    with pytest.raises(ConnectionError):
        outbox_jobs.deliver(message.id)
    assert heard == [(3, False), (3, False), (3, True)]
    assert OutboxMessage.get().attempts == outbox.GIVE_UP_AFTER_ATTEMPTS and OutboxMessage.get().done_at is None


def test_a_failure_that_cannot_be_recorded_still_reports_the_handlers_own_error(app, worker_settings, monkeypatch):
    """The database that failed the handler may refuse the failure's record too: RQ is told the handler's error
    (and retries it), not the record's."""
    def broken(payload, message):
        raise ConnectionError("the handler's own error")

    def unrecordable(message, error):
        raise RuntimeError("the database is gone")

    monkeypatch.setitem(outbox_jobs.HANDLERS, "test.broken", broken)
    monkeypatch.setattr(outbox, "record_failure", unrecordable)
    with database.atomic():
        outbox.emit("test.broken", "x", {"n": 3})
    with pytest.raises(ConnectionError, match="handler's own error"):
        outbox_jobs.deliver(OutboxMessage.get().id)
    assert OutboxMessage.get().done_at is None


def _queued(redis) -> dict[str, int]:
    counts = {name: Queue(name, connection=redis).count for name in queues.ALL}
    return {name: count for name, count in counts.items() if count}


def test_a_request_leaves_ordinary_rows_to_the_sweeper(app, worker_settings, run_jobs, redis):
    """A witness confirms: the credit's notification row is committed with it, but the request
    does not touch Redis; the sweeper enqueues the row, once, and the job tells the volunteer."""
    import datetime as dt

    from server.models import Notification
    from server.services.messaging import notifications
    from tests.factories import headers, make_community, make_member, make_record, make_volunteer

    community = make_community()
    volunteer, _ = make_volunteer(community)
    witness = make_member(community)
    record = make_record(volunteer, witness=witness)
    assert outbox_jobs.sweep() == 1 and run_jobs() == 1  # the witness is asked at the report
    response = app.test_client().post(f"/api/v1/service-records/{record.id}/confirm", json={},
                                      headers=headers(app, witness))
    assert response.status_code == 200 and response.json["status"] == "credited"
    message = OutboxMessage.get(OutboxMessage.kind == notifications.KIND, OutboxMessage.enqueued_at.is_null())
    assert _queued(redis) == {}

    assert outbox_jobs.sweep() == 1
    assert Queue(queues.NOTIFICATIONS, connection=redis).job_ids == [queueing.job_id(message)]
    assert OutboxMessage.get_by_id(message.id).enqueued_at is not None
    assert outbox_jobs.sweep() == 0  # noted: not enqueued twice
    assert run_jobs() == 1
    assert [n.template_key for n in Notification.select().where(Notification.recipient == volunteer.id)] == [
        "hours_credited"]
    # a row due later waits for its time
    with database.atomic():
        outbox.emit("test.ping", "later", {"n": 9}, due_at=message.created_at + dt.timedelta(hours=1))
    outbox.discard_pending()
    assert outbox_jobs.sweep() == 0


def test_a_request_enqueues_urgent_kinds_itself(app, worker_settings, redis):
    """A payback request's matching is on RQ when the request returns; the sweeper only notes it."""
    import datetime as dt

    from server.services.board import matching
    from server.services.ledger import ledger_ops
    from tests.factories import headers, make_community, make_coordinator, make_volunteer, need

    community = make_community()
    coordinator = make_coordinator(community)
    elder, _ = make_volunteer(community, birth_date=dt.date(1950, 1, 1))
    ledger_ops.adjust(coordinator, elder.household, minutes=600, reason="历年服务", key="urgent-fund")
    body = {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in need().items()}
    response = app.test_client().post("/api/v1/payback-requests", json=body, headers=headers(app, elder))
    assert response.status_code == 201, response.json
    message = OutboxMessage.get(OutboxMessage.kind == matching.PRIORITY_KIND)
    queued = _queued(redis)  # the coordinators' urgent notice rides along; nothing ordinary does
    assert set(queued) == {queues.PRIORITY_MATCHING, queues.URGENT_NOTIFICATIONS}
    assert Queue(queues.PRIORITY_MATCHING, connection=redis).job_ids == [queueing.job_id(message)]
    assert outbox_jobs.sweep() == 0  # already there: the sweeper notes it and enqueues nothing
    assert OutboxMessage.get_by_id(message.id).enqueued_at is not None
    assert _queued(redis) == queued
