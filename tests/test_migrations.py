"""Migrating an empty database yields exactly the models' schema, on SQLite and PostgreSQL."""


import pytest
from playhouse.schema_diff import diff_models

from server import migrations
from server.db import init_db
from server.models import MODELS
from tests.conftest import scratch_postgres


def _schema(db) -> dict:
    """Tables → columns (name, type, null, pk), indexes (columns, unique, partial) and foreign keys."""
    shape = {}
    for table in sorted(db.get_tables()):
        if table == migrations.HISTORY_TABLE:
            continue
        columns = sorted((c.name, c.data_type.lower(), c.null, c.primary_key) for c in db.get_columns(table))
        # (columns, unique, partial): a partial index must be partial both ways
        indexes = sorted((tuple(i.columns), i.unique, " WHERE " in (i.sql or "").upper()) for i in db.get_indexes(table))
        fks = sorted((f.column, f.dest_table, f.dest_column) for f in db.get_foreign_keys(table))
        shape[table] = {"columns": columns, "indexes": indexes, "foreign_keys": fks}
    return shape


def _compare(url_migrated: str, url_models: str):
    migrated = init_db(url_migrated)
    applied = migrations.migrate(migrated)
    assert applied, "no migration ran on an empty database"
    assert not diff_models(migrated, MODELS), str(diff_models(migrated, MODELS))
    migrated_shape = _schema(migrated)
    migrated.close()

    direct = init_db(url_models)
    direct.create_tables(MODELS)
    direct_shape = _schema(direct)
    direct.close()
    assert migrated_shape == direct_shape


def test_sqlite_migrations_equal_models(tmp_path):
    _compare(f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}")


def test_migrating_twice_changes_nothing(tmp_path):
    db = init_db(f"sqlite:///{tmp_path / 'a.db'}")
    assert migrations.migrate(db)
    assert migrations.migrate(db) == []


@pytest.mark.postgres
def test_postgres_migrations_equal_models():
    with scratch_postgres(2) as urls:
        _compare(*urls)


def _volunteers_keep_their_status(url: str):
    """0012 (志愿者审核) adds the reviewer; volunteers registered before it keep their status."""
    db = init_db(url)
    migrations.runner(db).up("0007_leaner_indexes")
    db.execute_sql("INSERT INTO community (name, code, district, created_at) VALUES ('和平里', 'HPL', '', '2026-01-01 00:00:00')")
    for n, status in enumerate(("active", "retired", "suspended"), start=1):
        db.execute_sql(
            "INSERT INTO member (community_id, name, gender, phone, relation, is_head, roles, token_version, created_at) "
            f"VALUES (1, '志愿者{n}', '', '', '', false, 'resident,volunteer', 0, '2026-01-01 00:00:00')")
        db.execute_sql(
            "INSERT INTO volunteer (member_id, community_id, volunteer_no, occupation, specialties, availability_mask, "
            f"status, status_note, public_name, registered_at) VALUES ({n}, 1, 'HPL-0000{n}', '', '', 0, '{status}', '', "
            "false, '2026-01-01 00:00:00')")
    assert "0012_volunteer_applications" in migrations.migrate(db)
    rows = db.execute_sql("SELECT status, reviewed_by_id, reviewed_at FROM volunteer ORDER BY id").fetchall()
    db.close()
    assert [tuple(row) for row in rows] == [("active", None, None), ("retired", None, None), ("suspended", None, None)]


def test_existing_volunteers_stay_active_on_sqlite(tmp_path):
    _volunteers_keep_their_status(f"sqlite:///{tmp_path / 'a.db'}")


@pytest.mark.postgres
def test_existing_volunteers_stay_active_on_postgres():
    with scratch_postgres() as (url,):
        _volunteers_keep_their_status(url)


def _volunteers_get_their_households_address(url: str):
    """0031 copies each volunteer's household building and area onto the profile ("" without a household)."""
    db = init_db(url)
    migrations.runner(db).up("0030_city_indexes")
    db.execute_sql("INSERT INTO community (name, code, district, created_at) VALUES ('和平里', 'HPL', '', '2026-01-01 00:00:00')")
    db.execute_sql("INSERT INTO household (community_id, name, building, unit, room, area, invite_code, opened_at) "
                   "VALUES (1, '王家', '3号楼', '2单元', '301', '东区', 'INVITE01', '2026-01-01 00:00:00')")
    for n, household in enumerate(("1", "NULL"), start=1):
        db.execute_sql(
            "INSERT INTO member (community_id, household_id, name, gender, phone, relation, is_head, roles, token_version, "
            f"created_at) VALUES (1, {household}, '志愿者{n}', '', '', '', false, 'resident,volunteer', 0, "
            "'2026-01-01 00:00:00')")
        db.execute_sql(
            "INSERT INTO volunteer (member_id, community_id, volunteer_no, occupation, specialties, availability_mask, "
            f"status, status_note, public_name, registered_at) VALUES ({n}, 1, 'HPL-0000{n}', '', '', 0, 'active', '', "
            "false, '2026-01-01 00:00:00')")
    assert "0031_volunteer_place" in migrations.migrate(db)
    rows = db.execute_sql("SELECT building, area FROM volunteer ORDER BY id").fetchall()
    db.close()
    assert [tuple(row) for row in rows] == [("3号楼", "东区"), ("", "")]


def test_volunteers_get_their_households_address_on_sqlite(tmp_path):
    _volunteers_get_their_households_address(f"sqlite:///{tmp_path / 'a.db'}")


@pytest.mark.postgres
def test_volunteers_get_their_households_address_on_postgres():
    with scratch_postgres() as (url,):
        _volunteers_get_their_households_address(url)
