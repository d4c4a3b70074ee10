"""A provider's service (签约服务机构) is a service record: it names the provider and its task, has no volunteer
(volunteer_id and volunteer_household_id may be empty), comes from source `provider` and ends `redeemed`.

Dropping NOT NULL on SQLite: not by rebuilding the table (that drops its CHECK triggers and, with rows in
task_visit pointing at it, cannot drop the old table), but by the procedure SQLite documents for removing a
NOT NULL constraint, which changes no stored row: edit the table's SQL in sqlite_schema and bump the schema
version. The CHECK triggers of 0015 for source and status are made again with the longer lists; PostgreSQL
gets its constraints again the same way.
"""
from peewee import Check, ForeignKeyField, IntegerField, Model, SqliteDatabase

SOURCES_BEFORE = ('task', 'agreement', 'event', 'self_report', 'payback')
STATUSES_BEFORE = ('reported', 'confirmed', 'credited', 'disputed', 'rejected', 'reversed', 'withdrawn', 'too_short')
SOURCES = SOURCES_BEFORE + ('provider',)
STATUSES = STATUSES_BEFORE + ('redeemed',)
NULLABLE = ('volunteer_id', 'volunteer_household_id')


def _words(values):
    return ", ".join("'" + value + "'" for value in values)


def _checks(migrator, db, sources, statuses):
    for column, values in (('source', sources), ('status', statuses)):
        name = f"service_record_{column}_check"
        if isinstance(db, SqliteDatabase):
            for event, when in (("insert", "INSERT"), ("update", f"UPDATE OF {column}")):
                db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}_{event}"')
                db.execute_sql(
                    f'CREATE TRIGGER "{name}_{event}" BEFORE {when} ON "service_record" '
                    f"WHEN NEW.{column} NOT IN ({_words(values)}) "
                    f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END")
        else:
            migrator.migrate(migrator.drop_constraint('service_record', name))
            migrator.migrate(migrator.add_constraint('service_record', name, Check(f"{column} IN ({_words(values)})")))


def _sqlite_null(db, null: bool):
    sql = db.execute_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'service_record'").fetchone()[0]
    for column in NULLABLE:
        strict, loose = f'"{column}" INTEGER NOT NULL', f'"{column}" INTEGER'
        sql = sql.replace(strict, loose) if null else sql.replace(loose + ",", strict + ",")
    version = db.execute_sql("PRAGMA schema_version").fetchone()[0]
    db.execute_sql("PRAGMA writable_schema = ON")
    db.execute_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'service_record'", (sql,))
    db.execute_sql(f"PRAGMA schema_version = {version + 1}")
    db.execute_sql("PRAGMA writable_schema = OFF")


def up(migrator, db):
    class Provider(Model):
        class Meta:
            database = db
            table_name = 'provider'

    migrator.migrate(migrator.add_column('service_record', 'provider_id', ForeignKeyField(
        Provider, field=Provider.id, null=True, on_delete='RESTRICT', index=False)))
    migrator.migrate(migrator.add_column('service_record', 'task_id', IntegerField(null=True)))
    if isinstance(db, SqliteDatabase):
        _sqlite_null(db, True)
    else:
        for column in NULLABLE:
            migrator.migrate(migrator.drop_not_null('service_record', column))
    _checks(migrator, db, SOURCES, STATUSES)


def down(migrator, db):
    _checks(migrator, db, SOURCES_BEFORE, STATUSES_BEFORE)
    if isinstance(db, SqliteDatabase):
        _sqlite_null(db, False)
    else:
        for column in NULLABLE:
            migrator.migrate(migrator.add_not_null('service_record', column))
    migrator.migrate(migrator.drop_column('service_record', 'task_id'))
    migrator.migrate(migrator.drop_column('service_record', 'provider_id'))
