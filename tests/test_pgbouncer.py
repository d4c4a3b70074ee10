"""PgBouncer in transaction mode lends a server connection for one transaction: nothing may rely on
session state. The hot paths (`db.Prepared`: login check, board, passbook, crediting) are prepared on
the server, once per connection, unless `PG_PREPARED_STATEMENTS` is off: then no server-side prepared
statement exists for a pooler to lose (docs/scaling.md). Either way no session setting is changed."""

import datetime as dt

import pytest

from server import clock
from server.db import database
from tests.conftest import make_app
from tests.factories import headers, make_community, make_member, make_volunteer, need

pytestmark = pytest.mark.postgres


def _json(body: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.datetime | dt.date) else v) for k, v in body.items()}


@pytest.fixture
def unprepared_app(postgres_url, redis_url, redis):
    """The app as behind PgBouncer in transaction mode: PG_PREPARED_STATEMENTS off."""
    application = make_app(postgres_url, redis_url, PG_PREPARED_STATEMENTS=False)
    yield application
    clock.freeze(None)
    if not database.is_closed():
        database.close()


def test_with_prepared_statements_off_the_hot_paths_leave_no_prepared_statement_and_no_session_setting(
        unprepared_app):
    baseline, after = _hot_paths(unprepared_app)
    assert baseline[0] == 0 and after == baseline


def test_by_default_the_hot_paths_are_prepared_statements_the_connection_knows_and_change_no_setting(pg_app):
    """What the connection holds is what it says it holds (a statement it forgot would be prepared twice, and
    PREPARE refuses a name in use), and nothing else of the session changed."""
    baseline, (count, changed) = _hot_paths(pg_app)
    assert baseline[0] == 0 and changed == baseline[1]
    database.connect()
    try:
        names = {name for (name,) in database.execute_sql("SELECT name FROM pg_prepared_statements")}
        assert names == database.obj._state.conn.prepared and len(names) == count > 5
        assert all(name.startswith("lb_") for name in names)
    finally:
        database.close()


def _hot_paths(app):
    """A booking, claim, check-in, check-out, confirmation, /me, the passbook and the inbox: the session's state
    before and after."""
    community = make_community()
    resident = make_member(community)
    volunteer, _ = make_volunteer(community)
    client = app.test_client()
    database.close()
    baseline = _session_state()

    booked = client.post("/api/v1/requests", json=_json(need(hours_from_now=0)), headers=headers(app, resident))
    assert booked.status_code == 201, booked.json
    task_id = booked.json["task_id"]
    assert client.get("/api/v1/tasks", headers=headers(app, volunteer)).status_code == 200
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=headers(app, volunteer)).status_code == 200
    clock.freeze(clock.now())
    assert client.post(f"/api/v1/tasks/{task_id}/check-in", json={}, headers=headers(app, volunteer)).status_code == 200
    clock.freeze(clock.now() + dt.timedelta(minutes=45))
    record = client.post(f"/api/v1/tasks/{task_id}/check-out", headers=headers(app, volunteer)).json["record"]
    confirmed = client.post(f"/api/v1/service-records/{record['id']}/confirm", json={"rating": 5},
                            headers=headers(app, resident))
    assert confirmed.status_code == 200 and confirmed.json["status"] == "credited"
    for path in ("/api/v1/me", "/api/v1/me/passbook", "/api/v1/notifications"):
        assert client.get(path, headers=headers(app, volunteer)).status_code == 200
    return baseline, _session_state()


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
