"""PostgreSQL dropping connections under requests: reads and idempotent writes run again on a
fresh connection; other writes answer 503 with Retry-After; never a 500.

Only this test database's backends are terminated (`datname = current_database()`), with
`pg_terminate_backend(pid, timeout)` waiting until each is gone, so nothing depends on timing.
A query hook terminates the request's own backend right after the request's first statement:
the request is then in flight, exactly as when the trial's `pg_terminate_backend` hit it.
"""

import logging

import psycopg2
import pytest
from peewee import OperationalError

from server.db import connection_lost, database
from server.models import Household, Member, Transfer
from server.services.ledger import ledger_ops
from tests.conftest import make_app
from tests.factories import headers, make_community, make_coordinator, make_member


@pytest.fixture(params=["postgresql://", "postgresql+pool://"], ids=["default", "alias"])
def pg(request, postgres_url, redis_url, redis):
    url = postgres_url.replace("postgresql://", request.param, 1)
    application = make_app(url, redis_url)
    yield application, postgres_url
    if not database.is_closed():
        database.close()
    if hasattr(database.obj, "close_all"):
        database.obj.close_all()


def _terminate(url: str, pid: int | None = None) -> int:
    """Terminate backends of this test database only (one pid, or all but ours); wait till gone."""
    admin = psycopg2.connect(url)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid, 30000) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                           + (" AND pid = %s" if pid else ""), (pid,) if pid else ())
            return sum(1 for (done,) in cursor.fetchall() if done)
    finally:
        admin.close()


class DropAfterFirstStatement:
    """A query hook: after the first statement of the next request, its backend is terminated."""

    def __init__(self, url: str):
        self.url, self.dropped, self.pids = url, 0, []

    def __call__(self, event):
        if event.exception is not None:
            return  # the statement that found the connection gone
        pid = database.obj._state.conn.get_backend_pid()
        self.pids.append(pid)
        if not self.dropped:
            self.dropped = _terminate(self.url, pid)

    def __enter__(self):
        database.obj.query_hooks.append(self)
        return self

    def __exit__(self, *exc):
        database.obj.query_hooks.remove(self)


def _world():
    community = make_community()
    member = make_member(community)
    coordinator = make_coordinator(community)
    ledger_ops.adjust(coordinator, Household.get_by_id(member.household_id), minutes=600, reason="测试", key="fund")
    return member


def test_a_read_in_flight_runs_again_on_a_fresh_connection(pg, caplog):
    app, url = pg
    member = _world()
    client = app.test_client()
    token = headers(app, member)
    expected = client.get("/api/v1/me/passbook", headers=token).json
    caplog.set_level(logging.WARNING)
    with DropAfterFirstStatement(url) as drop:
        answer = client.get("/api/v1/me/passbook", headers=token)
    assert drop.dropped == 1 and len(set(drop.pids)) == 2, drop.pids  # killed, then a fresh backend
    assert answer.status_code == 200, answer.json
    assert answer.json == expected
    assert "running it again" in caplog.text


def test_connections_dropped_between_requests_are_replaced(pg):
    """A pool's idle connections die with their backends; the next request must not be a 500: the
    pool finds them dead on checkout (tests/test_pool.py) and opens new ones."""
    app, url = pg
    member = _world()
    client = app.test_client()
    token = headers(app, member)
    assert client.get("/api/v1/me", headers=token).status_code == 200
    _terminate(url)
    for _ in range(3):
        assert client.get("/api/v1/me", headers=token).status_code == 200


def test_a_write_in_flight_is_a_clean_503_with_retry_after(pg):
    """PATCH /me might have committed just before the connection went: not run twice, but told."""
    app, url = pg
    member = _world()
    client = app.test_client()
    token = headers(app, member)
    with DropAfterFirstStatement(url) as drop:
        answer = client.patch("/api/v1/me", json={"name": "新名字"}, headers=token)
    assert drop.dropped == 1
    assert answer.status_code == 503, answer.json
    assert answer.headers["Retry-After"].isdigit()
    assert answer.json["code"] == 503 and answer.json["errors"]["rule"] == "database_unavailable"
    assert "请稍等" in answer.json["message"]
    assert Member.get_by_id(member.id).name == member.name  # rolled back with the connection
    again = client.patch("/api/v1/me", json={"name": "新名字"}, headers=token)  # the next request connects afresh
    assert again.status_code == 200 and again.json["name"] == "新名字"


def test_a_write_with_its_idempotency_key_runs_again_once(pg):
    app, url = pg
    member = _world()
    client = app.test_client()
    token = headers(app, member) | {"Idempotency-Key": "donate-after-drop"}
    with DropAfterFirstStatement(url) as drop:
        answer = client.post("/api/v1/ledger/donations", json={"minutes": 60}, headers=token)
    assert drop.dropped == 1
    assert answer.status_code in (200, 201), answer.json
    assert Transfer.select().where(Transfer.code == "donation").count() == 1
    replay = client.post("/api/v1/ledger/donations", json={"minutes": 60}, headers=token)
    assert replay.json["id"] == answer.json["id"]


def test_a_creating_post_with_a_key_runs_again_once(pg):
    """Every creating POST honours the key (its answer is kept in the same transaction), so a
    booking caught by the drop runs again on a fresh connection and is made once."""
    from server.models import Request
    from tests.factories import need

    app, url = pg
    member = _world()
    client = app.test_client()
    token = headers(app, member) | {"Idempotency-Key": "book-after-drop"}
    body = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in need().items()}
    with DropAfterFirstStatement(url) as drop:
        answer = client.post("/api/v1/requests", json=body, headers=token)
    assert drop.dropped == 1
    assert answer.status_code == 201, answer.json
    replay = client.post("/api/v1/requests", json=body, headers=token)
    assert replay.json["id"] == answer.json["id"] and Request.select().count() == 1


def test_sqlite_errors_are_not_taken_for_a_lost_connection(app):
    assert not connection_lost(OperationalError("database is locked"))


def test_postgresql_not_answering_is_503_not_500(redis_url, redis):
    """No server at all (restarting, failing over): the connection opened before the view fails."""
    app = make_app("postgresql://postgres@127.0.0.1:1/lovebank_nowhere", redis_url)
    try:
        answer = app.test_client().get("/api/v1/me", headers={"Authorization": "Bearer x"})
    finally:
        database.initialize(None)
    assert answer.status_code == 503, answer.data
    assert answer.headers["Retry-After"].isdigit()
    assert answer.json["errors"]["rule"] == "database_unavailable"
