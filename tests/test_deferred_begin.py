"""PostgreSQL: a transaction's BEGIN goes with its first statement (server/db/connection.py, `BeginningMixin`).

What is checked is what the server did: the text psycopg2 sent (`cursor.query`), the transaction state libpq
reports, locks another session meets, and rows a rollback left or took away.
"""

import io

import psycopg2
import psycopg2.extras
import pytest
from peewee import IntegrityError, ProgrammingError
from psycopg2.extensions import TRANSACTION_STATUS_IDLE, TRANSACTION_STATUS_INTRANS

from server.db import open_database

pytestmark = pytest.mark.postgres

PROBE = "deferred_begin_probe"


@pytest.fixture
def pool(postgres_url):
    db = open_database(postgres_url)
    db.connect()
    db.execute_sql(f"CREATE TABLE IF NOT EXISTS {PROBE} (n int PRIMARY KEY)")
    db.execute_sql(f"TRUNCATE {PROBE}")
    yield db
    if not db.is_closed():
        db.close()
    db.connect()
    db.execute_sql(f"DROP TABLE IF EXISTS {PROBE}")
    db.close()
    db.close_all()


def _rows(db) -> list[int]:
    return [n for n, in db.execute_sql(f"SELECT n FROM {PROBE} ORDER BY n").fetchall()]


def test_the_first_statement_carries_the_begin_and_the_transaction_is_open_after_it(pool):
    conn = pool.connection()
    with pool.atomic():
        assert conn.deferred_begin == "BEGIN"
        assert conn.get_transaction_status() == TRANSACTION_STATUS_IDLE  # nothing sent yet
        cursor = pool.execute_sql(f"INSERT INTO {PROBE} VALUES (%s)", (1,))
        assert cursor.query == f"BEGIN; INSERT INTO {PROBE} VALUES (1)".encode()
        assert conn.deferred_begin is None
        assert conn.get_transaction_status() == TRANSACTION_STATUS_INTRANS
        cursor = pool.execute_sql(f"INSERT INTO {PROBE} VALUES (%s)", (2,))
        assert cursor.query == f"INSERT INTO {PROBE} VALUES (2)".encode()  # the BEGIN once, not again
    assert conn.get_transaction_status() == TRANSACTION_STATUS_IDLE  # committed
    assert _rows(pool) == [1, 2]


def test_a_rollback_takes_back_what_the_first_statement_did(pool):
    with pytest.raises(RuntimeError), pool.atomic():
        pool.execute_sql(f"INSERT INTO {PROBE} VALUES (1)")
        raise RuntimeError("the caller gives up")
    assert _rows(pool) == []


def test_the_first_statements_row_lock_is_held_until_the_commit(pool, postgres_url):
    """A `SELECT … FOR UPDATE` that opens the transaction locks for the transaction, not for itself alone."""
    pool.execute_sql(f"INSERT INTO {PROBE} VALUES (1)")
    other = psycopg2.connect(postgres_url)
    other.autocommit = True
    try:
        with pool.atomic():
            assert pool.execute_sql(f"SELECT n FROM {PROBE} WHERE n = 1 FOR UPDATE").fetchall() == [(1,)]
            with pytest.raises(psycopg2.errors.LockNotAvailable), other.cursor() as cursor:
                cursor.execute(f"SELECT n FROM {PROBE} WHERE n = 1 FOR UPDATE NOWAIT")
        with other.cursor() as cursor:  # released with the commit
            cursor.execute(f"SELECT n FROM {PROBE} WHERE n = 1 FOR UPDATE NOWAIT")
            assert cursor.fetchall() == [(1,)]
    finally:
        other.close()


def test_a_transaction_that_sent_nothing_ends_without_a_word(pool):
    conn = pool.connection()
    cursor = pool.execute_sql("SELECT 1")
    with pool.atomic():
        pass
    with pytest.raises(RuntimeError), pool.atomic():
        raise RuntimeError("nothing done")
    assert conn.deferred_begin is None and conn.get_transaction_status() == TRANSACTION_STATUS_IDLE
    assert cursor.query == b"SELECT 1" and conn.notices == []  # no COMMIT or ROLLBACK sent, so no warning


def test_a_string_the_server_refused_whole_leaves_the_begin_for_the_next_statement(pool):
    """A syntax error runs nothing of the string, the BEGIN included: the next statement must still open the
    transaction, or it would run (and stay) outside it."""
    conn = pool.connection()
    with pytest.raises(RuntimeError), pool.atomic():
        with pytest.raises(ProgrammingError, match="syntax error"):
            pool.execute_sql("SELEC 1")
        assert conn.deferred_begin == "BEGIN" and conn.get_transaction_status() == TRANSACTION_STATUS_IDLE
        pool.execute_sql(f"INSERT INTO {PROBE} VALUES (1)")
        assert conn.get_transaction_status() == TRANSACTION_STATUS_INTRANS
        raise RuntimeError("roll it back")
    assert _rows(pool) == []


def test_a_statement_that_fails_after_the_begin_leaves_the_transaction_failed_as_before(pool):
    pool.execute_sql(f"INSERT INTO {PROBE} VALUES (1)")
    conn = pool.connection()
    with pytest.raises(IntegrityError, match="duplicate key"), pool.atomic():
        pool.execute_sql(f"INSERT INTO {PROBE} VALUES (1)")
    assert conn.deferred_begin is None and conn.get_transaction_status() == TRANSACTION_STATUS_IDLE
    assert _rows(pool) == [1]


def test_a_copy_first_sends_the_begin_by_itself_and_is_rolled_back_with_the_transaction(pool):
    with pytest.raises(RuntimeError), pool.atomic():
        pool.cursor().copy_expert(f"COPY {PROBE} (n) FROM STDIN", io.StringIO("1\n2\n"))
        assert pool.connection().get_transaction_status() == TRANSACTION_STATUS_INTRANS
        assert pool.execute_sql(f"SELECT count(*) FROM {PROBE}").fetchone() == (2,)
        raise RuntimeError("roll it back")
    assert _rows(pool) == []


def test_a_cursor_of_another_kind_carries_the_begin_too_even_one_made_before_the_transaction(pool):
    conn = pool.connection()
    early = conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor)
    with pytest.raises(RuntimeError), pool.atomic():
        early.execute(f"INSERT INTO {PROBE} VALUES (1) RETURNING n")
        assert early.query == f"BEGIN; INSERT INTO {PROBE} VALUES (1) RETURNING n".encode()
        assert early.fetchall() == [{"n": 1}]  # a dictionary cursor still
        raise RuntimeError("roll it back")
    with pytest.raises(RuntimeError), pool.atomic():
        cursor = conn.cursor(cursor_factory=psycopg2.extras.DictCursor)
        cursor.execute(f"INSERT INTO {PROBE} VALUES (%s)", (2,))
        raise RuntimeError("roll it back")
    assert _rows(pool) == []


def test_a_composition_that_fails_to_render_leaves_the_begin_waiting(pool):
    """psycopg2 refuses to render it before anything is sent: the next statement still opens the transaction."""
    from psycopg2 import sql

    conn = pool.connection()
    with pytest.raises(RuntimeError), pool.atomic():
        with pytest.raises(psycopg2.ProgrammingError, match="can't adapt"):
            conn.cursor().execute(sql.SQL("INSERT INTO {} VALUES ({})").format(sql.Identifier(PROBE),
                                                                                 sql.Literal(object())))
        assert conn.deferred_begin == "BEGIN"
        conn.cursor().execute(sql.SQL("INSERT INTO {} VALUES (1)").format(sql.Identifier(PROBE)))
        raise RuntimeError("roll it back")
    assert _rows(pool) == []


def test_a_begin_sent_by_itself_and_refused_waits_for_the_next_statement(pool):
    """A COPY first sends the BEGIN alone; if the server refuses that BEGIN (a misspelt isolation level), the
    statement after it must not run outside the transaction."""
    conn = pool.connection()
    with pytest.raises(RuntimeError), pool.atomic(isolation_level="SERIALISABLE"):
        with pytest.raises(psycopg2.Error):
            pool.cursor().copy_expert(f"COPY {PROBE} (n) FROM STDIN", io.StringIO("1\n"))
        assert conn.deferred_begin == "BEGIN TRANSACTION ISOLATION LEVEL SERIALISABLE"
        with pytest.raises(ProgrammingError, match="syntax error"):  # refused with it, never run alone
            pool.execute_sql(f"INSERT INTO {PROBE} VALUES (4)")
        raise RuntimeError("give up")
    assert _rows(pool) == []


def test_an_isolation_level_goes_with_the_begin(pool):
    with pool.atomic(isolation_level="SERIALIZABLE"):
        assert pool.connection().deferred_begin == "BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE"
        assert pool.execute_sql("SHOW transaction_isolation").fetchone() == ("serializable",)


def test_a_savepoint_opening_the_transaction_carries_the_begin(pool):
    with pytest.raises(RuntimeError), pool.atomic():
        with pool.atomic():  # a savepoint: its SAVEPOINT is the transaction's first statement
            pool.execute_sql(f"INSERT INTO {PROBE} VALUES (1)")
        raise RuntimeError("roll the outer one back")
    assert _rows(pool) == []


def test_a_connection_put_back_with_its_begin_unsent_comes_out_clean(pool):
    conn = pool.connection()
    pool.begin()  # a transaction opened and left without a statement
    assert conn.deferred_begin == "BEGIN"
    pool._close(conn)  # back to the pool (the request ended), as `close` would if peewee let it
    pool._state.reset()
    pool.connect()
    try:
        assert pool.connection() is conn and conn.deferred_begin is None
        pool.execute_sql(f"INSERT INTO {PROBE} VALUES (1)")  # autocommit, as outside any transaction
        assert conn.get_transaction_status() == TRANSACTION_STATUS_IDLE
    finally:
        pool.close()
    pool.connect()
    assert _rows(pool) == [1]
