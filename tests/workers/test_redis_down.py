"""Redis down: the API still books, claims and confirms (2xx), and once Redis is back every outbox row runs once."""

import datetime as dt

from rq import Queue

from server import clock, queueing, queues
from server.models import Notification, OutboxMessage, TaskCandidate
from tests.conftest import make_app
from tests.factories import headers, make_community, make_member, make_volunteer, need
from workers import bootstrap
from workers.jobs import outbox as outbox_jobs

DEAD_REDIS = "redis://127.0.0.1:9/0"  # the discard port: nothing answers


def _json(body: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.datetime | dt.date) else v) for k, v in body.items()}


def test_the_api_works_without_redis_and_the_outbox_drains_exactly_once(app, worker_settings, run_jobs, redis):
    community = make_community()
    resident = make_member(community, name="王秀兰")
    volunteer, _ = make_volunteer(community, name="李建国", availability=[])
    down = make_app(app.config["DATABASE_URL"], DEAD_REDIS)
    client = down.test_client()
    as_resident, as_volunteer = headers(down, resident), headers(down, volunteer)

    assert client.get("/api/v1/health").json["status"] == "degraded"
    clock.freeze(clock.now().replace(second=0, microsecond=0))
    waiting = client.post("/api/v1/requests", json=_json(need(hours_from_now=3)), headers=as_resident)
    served = client.post("/api/v1/requests", json=_json(need(hours_from_now=0, description="灯不亮了")),
                         headers=as_resident)
    assert (waiting.status_code, served.status_code) == (201, 201), (waiting.json, served.json)
    task_id = served.json["task_id"]
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=as_volunteer).status_code == 200
    assert client.post(f"/api/v1/tasks/{task_id}/check-in", json={}, headers=as_volunteer).status_code == 200
    clock.freeze(clock.now() + dt.timedelta(minutes=65))
    out = client.post(f"/api/v1/tasks/{task_id}/check-out", headers=as_volunteer)
    assert out.status_code == 200
    confirmed = client.post(f"/api/v1/service-records/{out.json['record']['id']}/confirm", json={}, headers=as_resident)
    assert confirmed.status_code == 200 and confirmed.json["status"] == "credited"

    rows = list(OutboxMessage.select())
    kinds = sorted(m.kind for m in rows)
    # two openings; claimed, the witness asked, the hours credited
    assert kinds == ["matching", "matching", "notification", "notification", "notification"]
    assert all(m.enqueued_at is None and m.done_at is None for m in rows)  # nothing reached Redis

    # Redis is back: the sweeper enqueues what the API could not, one worker drains it
    bootstrap.configure(worker_settings)
    queueing.reset_breaker()
    assert outbox_jobs.sweep() == 5
    assert outbox_jobs.sweep() == 0  # enqueued once, not twice
    ran = run_jobs()
    everything = list(OutboxMessage.select())
    assert ran == len(everything) == 6  # + the offer for the task still waiting, emitted by its matching job
    assert all(m.done_at is not None and m.attempts == 0 for m in everything)
    assert outbox_jobs.sweep() == 0 and run_jobs() == 0
    assert sum(Queue(name, connection=redis).failed_job_registry.count for name in queues.ALL) == 0

    assert [c.volunteer_id for c in TaskCandidate.select()] == [volunteer.id]  # the claimed task is not offered
    received = sorted((n.recipient_id, n.template_key) for n in Notification.select())
    assert received == sorted([(volunteer.id, "task_offer"), (resident.id, "task_claimed"),
                               (resident.id, "witness_request"), (volunteer.id, "hours_credited")])
    clock.freeze(None)
