"""What every request pays beyond its own work (issue 17, per-request overhead), and that cutting it changed
no answer: the statements a hot read asks, the Redis round trips of the rate limits, and the pager's plain
first page read as the parser would."""

import datetime as dt

import pytest
from werkzeug.datastructures import MultiDict

from server.extensions import pager
from server.services.board import core as board
from tests.factories import (
    headers,
    make_community,
    make_coordinator,
    make_member,
    make_request,
    make_volunteer,
)
from tests.sql_log import statements


def test_hot_reads_ask_the_database_once_or_twice(any_app):
    """/me is the login check itself; the board the login check, the volunteer's network and the board; the
    passbook the login check with the passbook's heading, and the page."""
    community = make_community()
    volunteer, _ = make_volunteer(community)
    make_request(make_member(community))
    client, token = any_app.test_client(), headers(any_app, volunteer)
    coordinator = headers(any_app, make_coordinator(community))
    for path, who, expected in (("/api/v1/me", token, 1), ("/api/v1/tasks", token, 3), ("/api/v1/tasks", coordinator, 2),
                                ("/api/v1/me/passbook", token, 2), ("/api/v1/health/ping", token, 0)):
        client.get(path, headers=who)  # the catalog's names, read once per process
        with statements() as seen:
            assert client.get(path, headers=who).status_code == 200
        assert len(seen) == expected, (path, seen)


def test_the_gate_reads_the_caller_and_the_object_in_one_statement(any_app, monkeypatch):
    """A path naming an object: the login check and the object are one statement, and the answer is the one the
    gate gave reading them one after the other."""
    from server.extensions import auth
    from server.models import ServiceRecord

    community = make_community()
    volunteer, _ = make_volunteer(community)
    witness = make_member(community)
    record = ServiceRecord.create(
        community=community.id, volunteer=volunteer.id, volunteer_household=volunteer.household_id,
        recipient=witness.id, recipient_household=witness.household_id, category=1, place="3号楼",
        started_at=dt.datetime(2026, 12, 1, 9), ended_at=dt.datetime(2026, 12, 1, 10), duration_minutes=60,
        content="修水管", witness=witness.id, witness_name=witness.name, source="self_report", status="reported",
        organiser="", created_at=dt.datetime(2026, 12, 1, 10, 5), needs_approval=True)
    client, token = any_app.test_client(), headers(any_app, witness)
    path = f"/api/v1/service-records/{record.id}"
    answer = client.get(path, headers=token)
    assert answer.status_code == 200
    with statements() as seen:
        assert client.get(path, headers=token).json == answer.json
    with monkeypatch.context() as apart:  # the caller and the object read one after the other, as before
        apart.setattr(auth, "_WITH_MEMBER", {})
        with statements() as before:
            assert client.get(path, headers=token).json == answer.json
    assert len(seen) == len(before) - 1 and 'JOIN "service_record"' in seen[0], seen
    assert client.get(f"/api/v1/service-records/{record.id + 1000}", headers=token).status_code == 404


def test_the_object_read_with_the_caller_is_the_row_peewee_reads(any_app):
    """Every scope the gate reads with the member, on the demo's rows: the member and the object come out of the
    one statement exactly as peewee's own reads build them (values and their types: booleans, dates, JSON), and a
    missing object is missing."""
    from server.extensions import auth
    from server.models import Member
    from server.services.people import demo

    demo.load()
    caller = Member.get(Member.handle == "resident")
    typed = lambda row: {name: (type(value), value) for name, value in row.__data__.items()}  # noqa: E731
    covered = set()
    for param, both in auth._WITH_MEMBER.items():
        member, missing = both(caller.id, 10**9)
        assert typed(member) == typed(Member.get_by_id(caller.id)) and missing() == (None, None), param
        model = auth._SCOPE_MODELS[param]
        for row in model.select().order_by(model.id.desc()).limit(3):
            _, found = both(caller.id, row.id)
            community_id, built = found()
            assert typed(built) == typed(model.get_by_id(row.id)), (param, row.id)
            assert community_id == (row.community_id if row.community_id is not None else "global")
            covered.add(model.__name__)
    # the demo has rows of the models with JSON, dates and booleans among them
    assert {"Agreement", "Event", "ServiceRecord", "Task", "Household", "Member", "Correction", "Provider"} <= covered, covered


def test_reads_skip_the_rate_limits_and_a_write_takes_one_round_trip(app, redis_trips):
    """A read outside the guarded areas is counted by no limit, so it goes to Redis not at all; a write goes
    once (its member's write limit: one script); a guarded read (a certificate check) counts."""
    client = app.test_client()
    member = headers(app, make_member(make_community()))
    client.get("/api/v1/me", headers=member)
    client.post("/api/v1/notifications/read-all", json={}, headers=member)  # Redis scripts loaded, connections open
    redis_trips.clear()
    for path in ("/api/v1/me", "/api/v1/tasks", "/api/v1/health/ping", "/api/v1/me/passbook"):
        client.get(path, headers=member)
    assert redis_trips == []
    assert client.post("/api/v1/notifications/read-all", json={}, headers=member).status_code == 200
    assert len(redis_trips) == 1 and b"EVALSHA" in redis_trips[0][0]
    redis_trips.clear()
    assert client.get("/api/v1/certificates/NOSUCH/verify").status_code == 404
    assert len(redis_trips) == 1


def test_a_request_outside_every_area_is_not_handed_to_flask_limiter(app, monkeypatch, redis_trips):
    """Flask-Limiter's bookkeeping (resolving its limits, each exempt outside its area) was most of the lightest
    request's cost and a third of a confirmation's: reads and writes outside every area skip it, a write still
    counts against its member's write limit (one round trip), and a guarded read still goes through Flask-Limiter."""
    (limiter,) = app.extensions["limiter"]
    resolved = []
    resolve = limiter.limit_manager.resolve_limits
    monkeypatch.setattr(limiter.limit_manager, "resolve_limits",
                        lambda *args, **kwargs: resolved.append(1) or resolve(*args, **kwargs))
    client = app.test_client()
    member = headers(app, make_volunteer(make_community())[0])
    for path in ("/api/v1/me", "/api/v1/tasks", "/api/v1/health/ping", "/api/v1/me/passbook"):
        assert client.get(path, headers=member).status_code == 200, path
    assert client.post("/api/v1/notifications/read-all", json={}, headers=member).status_code == 200
    assert resolved == []
    redis_trips.clear()
    assert client.post("/api/v1/notifications/read-all", json={}, headers=member).status_code == 200
    assert len(redis_trips) == 1 and b"EVALSHA" in redis_trips[0][0]
    assert client.get("/api/v1/certificates/NOSUCH/verify").status_code == 404
    assert len(resolved) == 1


@pytest.mark.parametrize("query", [
    "", "limit=1", "limit=20", "limit=50", "limit=020", "limit=0", "limit=51", "limit=-1", "limit=+5", "limit= 5",
    "limit=5.0", "limit=abc", "limit=", "limit=1&limit=2", "limit=９", "limit=99999999999999999999", "cursor=",
    "cursor=abc", "limit=3&cursor=abc", "category=repairs", "other=1&limit=7",
])
def test_the_plain_first_page_is_what_the_parser_reads(app, query):
    """Where the pager reads a first page itself it reads what the parser would; anything else goes to the parser."""
    from urllib.parse import parse_qsl

    from server.extensions.smorest import Blueprint

    args = MultiDict(parse_qsl(query, keep_blank_values=True))
    plain = pager.plain_first_page(board.ORDER, args, limit=20, max_limit=50)
    with app.test_request_context(f"/?{query}"):
        try:
            parsed = Blueprint.PAGINATION_ARGUMENTS_PARSER.parse(
                pager.parameters_schema(board.ORDER, limit=20, max_limit=50), location="query")
        except Exception:  # noqa: BLE001 - refused (422): the plain reading must have left it to the parser
            parsed = None
    if plain is None:
        assert query not in ("", "limit=1", "limit=020", "other=1&limit=7", "category=repairs"), query
        return
    assert parsed is not None and (plain.after, plain.limit) == (parsed.after, parsed.limit), query


# A self-report's confirmation, in statements (BEGIN and COMMIT aside): the login check with the record (one
# statement: the gate reads the caller and the object the path names together); then on PostgreSQL the accounts
# and the chain head locked with the volunteer's day read, and everything the credit writes in one more
# (docs/ledger.md, "A credit in two statements"); on SQLite the accounts with the chain head, the volunteer and
# the day's credited minutes, the transfer, the balances, the entries, the chain head, the record, the yearly
# total and the notification.
CONFIRMATION_STATEMENTS = {"sqlite": 10, "postgres": 3}


def _second_confirmation(app):
    """A witness who has confirmed one record (caches and prepared statements warm): a function that confirms
    the volunteer's next and returns the answer."""
    from tests.factories import make_record

    community = make_community()
    volunteer, _ = make_volunteer(community)
    witness = make_member(community)
    client, token = app.test_client(), headers(app, witness)
    first, second = make_record(volunteer, witness=witness, days_ago=1), make_record(volunteer, witness=witness, days_ago=2)
    assert client.post(f"/api/v1/service-records/{first.id}/confirm", json={}, headers=token).status_code == 200
    return lambda: client.post(f"/api/v1/service-records/{second.id}/confirm", json={}, headers=token)


def test_a_confirmation_asks_the_database_so_many_times(any_app, database_url):
    """The guard on the hottest write's round trips: lower them and lower this."""
    from server.db import is_postgres

    confirm = _second_confirmation(any_app)
    with statements() as seen:
        answer = confirm()
    assert answer.status_code == 200 and answer.json["status"] == "credited"
    assert len(seen) == CONFIRMATION_STATEMENTS["postgres" if is_postgres() else "sqlite"], seen


# On PostgreSQL, in round trips: the gate's statement; the locking statement with the transaction's BEGIN in
# front of it (server/db/connection.py, `BeginningMixin`); the credit's statement; the COMMIT.
CONFIRMATION_ROUND_TRIPS_POSTGRES = 4


@pytest.mark.postgres
def test_a_confirmation_on_postgresql_takes_so_many_round_trips(pg_app, monkeypatch):
    """Every query string the API sends to PostgreSQL for one confirmation, counted where psycopg2 sends it."""
    from server.db.connection import BeginningCursor

    confirm = _second_confirmation(pg_app)
    sent = []
    execute = BeginningCursor.execute

    def counted(cursor, query, vars=None):
        result = execute(cursor, query, vars)
        sent.append(cursor.query.decode())
        return result

    monkeypatch.setattr(BeginningCursor, "execute", counted)
    answer = confirm()
    assert answer.status_code == 200 and answer.json["status"] == "credited"
    assert len(sent) == CONFIRMATION_ROUND_TRIPS_POSTGRES, sent
    assert sent[1].startswith("BEGIN; EXECUTE ") and sent[-1] == "COMMIT"
