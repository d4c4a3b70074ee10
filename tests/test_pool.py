"""PostgreSQL is pooled by default: one pool per process, connections checked on checkout, and a
forked child never touches the parent's connections.

Backends are terminated with `pg_terminate_backend(pid, timeout)`, which returns once the backend
is gone, so nothing here depends on timing.
"""

import os

import psycopg2
import pytest

from server.db import PostgresPool, open_database
from tests.conftest import terminate_backend

pytestmark = pytest.mark.postgres


@pytest.fixture
def pool(postgres_url):
    db = open_database(postgres_url)
    yield db
    db.close_all()


def _pid(db) -> int:
    return db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]


def _alive(url: str, pid: int) -> bool:
    admin = psycopg2.connect(url)
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,))
            return cursor.fetchone()[0] == 1
    finally:
        admin.close()


@pytest.mark.parametrize("scheme", ["postgresql://", "postgresql+pool://", "postgres://"])
def test_every_postgresql_url_gives_a_pool_that_keeps_its_connection(postgres_url, scheme):
    db = open_database(postgres_url.replace("postgresql://", scheme, 1))
    try:
        assert isinstance(db, PostgresPool)
        db.connect()
        first = _pid(db)
        db.close()  # back to the pool, not closed
        db.connect()
        assert _pid(db) == first
        db.close()
    finally:
        db.close_all()


SOCKET_DIR = "/var/run/postgresql"  # Debian's, where the README's one-host form points


@pytest.mark.skipif(not os.path.exists(f"{SOCKET_DIR}/.s.PGSQL.5432"), reason="no PostgreSQL socket here")
def test_the_socket_form_of_the_url_connects_through_the_socket(postgres_url):
    """README, "PostgreSQL connections": on the database's own host, `postgresql://user@/db?host=<socket dir>`."""
    db = open_database(postgres_url.replace("@127.0.0.1:5432/", "@/", 1) + f"?host={SOCKET_DIR}")
    try:
        db.connect()
        # inet_client_addr() is NULL for a connection over the socket
        assert db.execute_sql("SELECT inet_client_addr() IS NULL").fetchone() == (True,)
        db.close()
    finally:
        db.close_all()


def test_url_parameters_size_the_pool(postgres_url):
    db = open_database(postgres_url + "?max_connections=3&stale_timeout=300")
    assert (db._max_connections, db._stale_timeout) == (3, 300)


def test_a_pool_opens_as_many_connections_as_threads_use_at_once(pool):
    """No cap by default, as without a pool: peewee's 20 would refuse the 21st thread (a 500)."""
    import threading

    barrier, pids, failures = threading.Barrier(25), [], []

    def use():
        try:
            pool.connect()
            try:
                barrier.wait(timeout=60)  # all 25 hold a connection at once
                pids.append(_pid(pool))
            finally:
                pool.close()
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=use) for _ in range(25)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and len(set(pids)) == 25
    assert len(pool._connections) == 25  # all back in the pool


def test_a_terminated_idle_connection_is_replaced_on_the_next_checkout(pool, postgres_url):
    pool.connect()
    dead = _pid(pool)
    pool.close()
    assert terminate_backend(postgres_url, dead)
    pool.connect()  # the dead one is found on checkout and thrown away: no error, a new backend
    try:
        fresh = _pid(pool)
        assert fresh != dead
        assert pool.execute_sql("SELECT 1").fetchone() == (1,)
    finally:
        pool.close()
    assert pool._connections and len(pool._connections) == 1  # only the new one went back


def test_a_connection_put_back_inside_a_transaction_comes_out_rolled_back(pool):
    pool.connect()
    pool.execute_sql("BEGIN")
    pool.execute_sql("CREATE TEMPORARY TABLE left_open (n int)")
    pool.close()  # put back with its transaction open
    pool.connect()
    try:
        assert pool.execute_sql("SELECT to_regclass('pg_temp.left_open')").fetchone() == (None,)
    finally:
        pool.close()


def test_a_forked_child_opens_its_own_connection_and_leaves_the_parents_alone(pool, postgres_url):
    """Idle in the pool and checked out at the fork: the child uses neither, and its exit
    (which closes what it holds) ends neither of the parent's sessions."""
    pool.connect()
    idle = _pid(pool)
    pool.close()
    pool.connect()
    held = pool.connection()
    assert _pid(pool) == idle  # the same connection, checked out again
    spare = psycopg2.connect(postgres_url)  # a second parent session, idle in the pool at the fork
    pool._connections.append((0, -1, spare))
    spare_pid = spare.get_backend_pid()

    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        code = 1
        try:
            os.close(read)
            assert pool.is_closed() and not pool._connections and not pool._in_use
            pool.connect()
            os.write(write, str(_pid(pool)).encode())
            pool.close_all()
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as pipe:
        child_pid = int(pipe.read() or 0)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert child_pid and child_pid not in (idle, spare_pid)

    assert pool.connection() is held and _pid(pool) == idle  # the parent's session survived the child
    assert _alive(postgres_url, spare_pid)
    with spare.cursor() as cursor:
        cursor.execute("SELECT 1")
    pool.close()
