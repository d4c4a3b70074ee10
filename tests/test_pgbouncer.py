"""PgBouncer in transaction mode lends a server connection for one transaction: nothing may rely on
session state. The hot paths (`db.Prepared`: login check, board, passbook, crediting) render SQL once
on the client; psycopg2 sends every statement as text, so no server-side prepared statement exists for
a pooler to lose, and there is no setting to turn one off (docs/scaling.md)."""

import datetime as dt

import pytest

from server import clock
from server.db import database
from tests.factories import headers, make_community, make_member, make_volunteer, need

pytestmark = pytest.mark.postgres


def _json(body: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.datetime | dt.date) else v) for k, v in body.items()}


def test_the_hot_paths_leave_no_prepared_statement_and_no_session_setting(pg_app):
    community = make_community()
    resident = make_member(community)
    volunteer, _ = make_volunteer(community)
    client = pg_app.test_client()
    database.close()
    baseline = _session_state()

    booked = client.post("/api/v1/requests", json=_json(need(hours_from_now=0)), headers=headers(pg_app, resident))
    assert booked.status_code == 201, booked.json
    task_id = booked.json["task_id"]
    assert client.get("/api/v1/tasks", headers=headers(pg_app, volunteer)).status_code == 200
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=headers(pg_app, volunteer)).status_code == 200
    clock.freeze(clock.now())
    assert client.post(f"/api/v1/tasks/{task_id}/check-in", json={}, headers=headers(pg_app, volunteer)).status_code == 200
    clock.freeze(clock.now() + dt.timedelta(minutes=45))
    record = client.post(f"/api/v1/tasks/{task_id}/check-out", headers=headers(pg_app, volunteer)).json["record"]
    confirmed = client.post(f"/api/v1/service-records/{record['id']}/confirm", json={"rating": 5},
                            headers=headers(pg_app, resident))
    assert confirmed.status_code == 200 and confirmed.json["status"] == "credited"
    for path in ("/api/v1/me", "/api/v1/me/passbook", "/api/v1/notifications"):
        assert client.get(path, headers=headers(pg_app, volunteer)).status_code == 200

    assert baseline[0] == 0 and _session_state() == baseline


def _session_state() -> tuple:
    """On every connection the pool holds (one: a test client is one thread): its prepared statements,
    and the settings changed from the server's defaults in this session."""
    pool = database.obj
    database.close()
    assert len(pool._connections) == 1 and not pool._in_use
    database.connect()
    try:
        prepared = database.execute_sql("SELECT count(*) FROM pg_prepared_statements").fetchone()[0]
        changed = database.execute_sql(
            "SELECT name, setting FROM pg_settings WHERE source = 'session' ORDER BY name").fetchall()
    finally:
        database.close()
    return prepared, changed
