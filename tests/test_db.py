"""The database layer itself: SQLite's write queue and checkpoints, and rows built by `Prepared`."""

import datetime as dt
import os

from server.db import SQLITE_PRAGMAS, Prepared, QueuedSqliteDatabase
from server.models import Member, ServiceRecord
from tests.factories import make_community, make_member, make_volunteer

ROUNDS, ROW, PAGE = 100, "爱" * 1000, 4096  # each commit writes at least one 4 KB page


def _open(path):
    return QueuedSqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE", timeout=15)


class _Interleaved(QueuedSqliteDatabase):
    """A process whose checkpoint lets another writer commit between its two steps, exactly where a
    second gunicorn worker commits under steady writes: after the copy outside the queue."""

    CHECKPOINT_EVERY = 10**9  # the test calls checkpoint() itself
    between = None

    def _passive_checkpoint(self):
        done = super()._passive_checkpoint()
        if self.between is not None:
            between, self.between = self.between, None
            between()
        return done


def test_the_write_ahead_log_starts_again_under_steady_writes(tmp_path):
    """Two writers, as two gunicorn workers: while one checkpoints, the other's transaction began
    before the copy and commits after it. The log starts again from its beginning only if the
    checkpoint also copies what was committed meanwhile; it did not, and the log's file grew by
    every page ever written (hundreds of MB in a benchmark's minute). The interleaving is made
    step by step in one thread, so the outcome depends on nothing the machine's load can change."""
    path = tmp_path / "steady.db"
    first = _Interleaved(str(path), pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE", timeout=15)
    second = _Interleaved(str(path), pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE", timeout=15)
    first.execute_sql("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    for _ in range(ROUNDS):
        with first.atomic():
            first.execute_sql("INSERT INTO note (body) VALUES (?)", [ROW])
        meanwhile = second.atomic()
        meanwhile.__enter__()  # begins before the checkpoint's copy, as the other worker's request did
        second.execute_sql("INSERT INTO note (body) VALUES (?)", [ROW])
        first.between = lambda meanwhile=meanwhile: meanwhile.__exit__(None, None, None)
        first.checkpoint()
        assert first.between is None, "the checkpoint's first step ran"
    assert first.execute_sql("SELECT count(*) FROM note").fetchone()[0] == 2 * ROUNDS
    size = os.path.getsize(f"{path}-wal")
    first.close(), second.close()
    assert size < 20 * PAGE, f"the log's file grew to {size} bytes ({size // PAGE} pages) in {ROUNDS} rounds"


def test_prepared_rows_equal_what_peewee_builds(any_app):
    """`Prepared` builds instances and dicts without peewee's per-field conversion where a driver already
    returns the field's type; dates, booleans, nulls and foreign keys must come out the same, on both backends."""
    community = make_community()
    member = make_member(community, birth_date=dt.date(1950, 3, 1))
    Member.update(consent_health_at=dt.datetime(2026, 1, 2, 3, 4, 5, 678)).where(Member.id == member.id).execute()
    volunteer, _ = make_volunteer(community)
    record = ServiceRecord.create(
        community=community, volunteer=volunteer.id, volunteer_household=volunteer.household_id, recipient=member.id,
        recipient_household=member.household_id, public_good=False, category=1, place="3号楼",
        started_at=dt.datetime(2026, 11, 20, 9), ended_at=dt.datetime(2026, 11, 20, 10), duration_minutes=60,
        content="陪同就医", witness=member.id, witness_name=member.name, source="self_report", organiser="自主",
        created_at=dt.datetime(2026, 11, 20, 10, 5))

    for model, row_id in ((Member, member.id), (ServiceRecord, record.id)):
        prepared = Prepared(lambda object_id, model=model: model.select().where(model.id == object_id))
        built, reference = prepared.first(row_id), model.get_by_id(row_id)
        assert built.__data__ == reference.__data__
        assert {name: type(value) for name, value in built.__data__.items()} == {
            name: type(value) for name, value in reference.__data__.items()}

    columns = (ServiceRecord.id, ServiceRecord.started_at, ServiceRecord.public_good, ServiceRecord.volunteer,
               Member.birth_date, Member.consent_health_at, Member.name.alias("recipient_name"))
    joined = Prepared(lambda record_id: ServiceRecord.select(*columns).join(Member, on=(ServiceRecord.recipient == Member.id))
                      .where(ServiceRecord.id == record_id).dicts())
    reference = ServiceRecord.select(*columns).join(Member, on=(ServiceRecord.recipient == Member.id)).where(
        ServiceRecord.id == record.id).dicts().get()
    built = joined.first(record.id)
    assert built == reference and {k: type(v) for k, v in built.items()} == {k: type(v) for k, v in reference.items()}


def test_prepared_queries_still_reach_peewee_query_log_and_hooks(app, caplog):
    """The hot path goes straight to the driver only when nobody listens: with peewee's query log
    at DEBUG, or a query hook installed, every statement goes through peewee as before."""
    from server.db import database

    member = make_member(make_community())
    prepared = Prepared(lambda member_id: Member.select(Member.name).where(Member.id == member_id))
    with caplog.at_level("DEBUG", logger="peewee"):
        assert prepared.scalar(member.id) == member.name
    assert any(prepared._compiled(1)[1] in str(record.msg) for record in caplog.records)

    seen = []

    def hook(event):
        seen.append(event.sql)

    database.obj.query_hooks.append(hook)
    try:
        with database.atomic():
            assert prepared.scalar(member.id) == member.name
    finally:
        database.obj.query_hooks.remove(hook)
    assert seen == [prepared._compiled(1)[1]]


def test_dates_are_stored_as_the_default_adapters_wrote_them():
    """`server.db` registers C-level adapters for dates and datetimes; the stored text must be what
    sqlite3's (deprecated, Python-level) defaults wrote, which peewee and older rows rely on."""
    import sqlite3

    import server.db  # noqa: F401  (registers the adapters)

    connection = sqlite3.connect(":memory:")
    stored = [connection.execute("SELECT ?", (value,)).fetchone()[0] for value in (
        dt.datetime(2026, 11, 29, 8, 30, 5, 123), dt.datetime(2026, 11, 29, 8, 30), dt.date(2026, 1, 2))]
    assert stored == ["2026-11-29 08:30:05.000123", "2026-11-29 08:30:00", "2026-01-02"]
    connection.close()


def test_a_checkpoint_due_while_reading_never_fails_the_write(tmp_path):
    """A loop over a query that writes as it goes (the outbox's flush marks each row it enqueues):
    SQLite refuses a checkpoint while the connection still reads; the write must go through and
    the checkpoint wait for the next time (it failed the write with 'database table is locked')."""
    db = _open(tmp_path / "reading.db")
    db.CHECKPOINT_EVERY = 1
    db.execute_sql("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL, seen INTEGER DEFAULT 0)")
    for n in range(5):
        db.execute_sql("INSERT INTO note (body) VALUES (?)", [f"note {n}"])
    cursor = db.execute_sql("SELECT id FROM note ORDER BY id")
    for (note_id,) in cursor:  # still reading while each write makes a checkpoint due
        db.execute_sql("UPDATE note SET seen = 1 WHERE id = ?", [note_id])
    assert db.execute_sql("SELECT count(*) FROM note WHERE seen = 1").fetchone()[0] == 5
    db.close()
