"""`Prepared` queries as PostgreSQL prepared statements (server/db/prepared.py): the same answers as the text
they replace, a statement the server cannot prepare sent as text without harming the caller's transaction, and
a connection that dies after preparing replaced by one that prepares afresh."""

import datetime as dt

import pytest
from peewee import OperationalError, Value

from server.db import Prepared, connection_lost, database, discard_connection
from server.models import Household, Member
from server.services.ledger import ledger_ops
from server.services.ledger import passbook as passbook_service
from tests.conftest import make_app, terminate_backend
from tests.factories import (
    headers,
    make_community,
    make_coordinator,
    make_member,
    make_request,
    make_volunteer,
)

pytestmark = pytest.mark.postgres

READS = ("/api/v1/me", "/api/v1/me/passbook", "/api/v1/me/passbook?limit=2", "/api/v1/tasks",
         "/api/v1/notifications")




def _statement(prepared: Prepared):
    """The one server-side statement a Prepared query has made (one signature of parameter types)."""
    (statements,) = [compiled[4] for compiled in prepared._cache.values()]
    (statement,) = statements.values()
    return statement


def _world():
    community = make_community()
    volunteer, _ = make_volunteer(community)
    coordinator = make_coordinator(community)
    household = Household.get_by_id(volunteer.household_id)
    for n in range(3):
        ledger_ops.adjust(coordinator, household, minutes=30 + n, reason="测试", key=f"fund-{n}")
    make_request(make_member(community))
    return volunteer, coordinator


def _answers(app, volunteer, coordinator) -> dict:
    client = app.test_client()
    paths = [*READS, f"/api/v1/households/{volunteer.household_id}/passbook"]
    answers = {}
    for path in paths:
        for who in (volunteer, coordinator):
            answer = client.get(path, headers=headers(app, who))
            answers[path, who.id] = (answer.status_code, answer.json)
    return answers


def test_prepared_statements_on_and_off_answer_the_same(postgres_url, redis_url, redis):
    """The hot reads, twice each (the second run is an EXECUTE of what the first prepared), with the setting on and
    off: the same status and body, and only the setting on leaves prepared statements behind."""
    held = {}
    try:
        for prepare in (True, False):
            app = make_app(postgres_url, redis_url, PG_PREPARED_STATEMENTS=prepare)
            if not held:
                held["people"] = _world()
            first, second = _answers(app, *held["people"]), _answers(app, *held["people"])
            assert first == second
            held[prepare] = first
            database.connect(reuse_if_open=True)
            conn = database.obj._state.conn
            assert (conn.prepared is not None and len(conn.prepared) > 3) if prepare else conn.prepared is None
            database.close()
    finally:
        if not database.is_closed():
            database.close()
    assert held[True] == held[False]
    volunteer, coordinator = held["people"]
    assert all(status == 200 for (path, who), (status, _) in held[True].items() if who == volunteer.id), held[True]
    assert held[True][f"/api/v1/households/{volunteer.household_id}/passbook", coordinator.id][0] == 200


def test_a_statement_the_server_cannot_prepare_is_sent_as_text(pg_app):
    """`$1 IS NULL` with text for $1 (whose literal is `unknown` until its context types it) leaves PostgreSQL no
    way to tell the parameter's type: PREPARE fails. Outside a transaction
    and inside one (where the failed PREPARE must not abort the caller's work) the text answers instead, and
    from then on the statement is sent as text."""
    member = make_member(make_community())
    unpreparable = Prepared(lambda member_id: Member.select(Member.name).where(Value(member_id).is_null()))
    preparable = Prepared(lambda member_id: Member.select(Member.name).where(Member.id == member_id))
    database.close()
    database.connect()
    try:
        assert unpreparable.scalar("文字") is None
        server = _statement(unpreparable)
        assert server.text_only and server.name not in database.obj._state.conn.prepared

        other = Prepared(lambda member_id: Member.select(Member.name).where(Value(member_id).is_null()))
        with database.atomic():
            Member.update(name="改名前").where(Member.id == member.id).execute()
            assert other.scalar("文字") is None  # PREPARE refused inside the transaction
            assert preparable.scalar(member.id) == "改名前"  # the transaction goes on, prepared statements too
            Member.update(name="改名后").where(Member.id == member.id).execute()
        assert _statement(other).text_only
        assert preparable.scalar(member.id) == "改名后"
        names = {name for (name,) in database.execute_sql("SELECT name FROM pg_prepared_statements")}
        assert names == database.obj._state.conn.prepared
        assert _statement(preparable).name in names
    finally:
        database.close()


def test_a_connection_lost_after_preparing_is_replaced_and_prepares_again(pg_app, postgres_url):
    """The backend holding the prepared statements dies: the next statement finds the connection gone (as any
    statement would), and the connection opened in its place prepares its statements afresh."""
    member = make_member(make_community())
    lookup = Prepared(lambda member_id: Member.select(Member.name).where(Member.id == member_id))
    database.close()
    database.connect()
    try:
        assert lookup.scalar(member.id) == member.name
        first = database.obj._state.conn
        name = _statement(lookup).name
        assert name in first.prepared
        assert terminate_backend(postgres_url, first.get_backend_pid())
        with pytest.raises(OperationalError) as lost:
            lookup.scalar(member.id)
        assert connection_lost(lost.value)
        discard_connection()
        database.connect()
        second = database.obj._state.conn
        assert second is not first and second.prepared == set()
        assert lookup.scalar(member.id) == member.name
        assert name in second.prepared
    finally:
        database.close()


def test_a_request_whose_connection_dies_between_prepared_statements_runs_again(pg_app, postgres_url, monkeypatch):
    """The passbook's login check (with its heading) runs as a prepared statement, then its backend is terminated
    before the page's own statement: the read runs again on a fresh connection (server/extensions/reconnect.py), which
    prepares both afresh, and answers as before."""
    volunteer, _ = _world()
    client = pg_app.test_client()
    token = headers(pg_app, volunteer)
    expected = client.get("/api/v1/me/passbook", headers=token)
    assert expected.status_code == 200
    page, pids = passbook_service._FIRST_PAGE, []

    class TerminateFirst:
        def rows(self, *params):
            pid = database.obj._state.conn.get_backend_pid()
            if not pids:
                assert terminate_backend(postgres_url, pid)
            pids.append(pid)
            return page.rows(*params)

    monkeypatch.setattr(passbook_service, "_FIRST_PAGE", TerminateFirst())
    answer = client.get("/api/v1/me/passbook", headers=token)
    assert answer.status_code == 200, answer.json
    assert answer.json == expected.json
    assert len(pids) == 2 and pids[0] != pids[1]


def test_a_value_beyond_its_columns_type_compares_as_in_the_text(pg_app):
    """Parameters are declared with the types of the values' literals, not the columns': an id beyond an integer
    column's range finds nothing (as `WHERE id = 7000000000` does) instead of failing with an overflow, and a
    datetime compared with a date column is compared as a datetime, not cut to its day."""
    member = make_member(make_community())
    by_id = Prepared(lambda member_id: Member.select(Member.name).where(Member.id == member_id))
    created_after = Prepared(lambda when: Member.select(Member.id).where(Member.created_at.cast("date") >= when))
    database.close()
    database.connect()
    try:
        with database.atomic():
            assert by_id.scalar(7_000_000_000) is None
            assert by_id.scalar(member.id) == member.name
        today = member.created_at.date()
        assert created_after.scalar(today) == member.id
        late = dt.datetime.combine(today, dt.time(23, 59))
        assert created_after.scalar(late) is None  # the date (midnight) is before 23:59 of the same day
        assert len(database.obj._state.conn.prepared) == 4  # by_id with int4 and int8, created_after with two types
    finally:
        database.close()
