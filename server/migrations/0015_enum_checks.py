"""Enums enforced by the database: each status, kind or word column refuses a value outside its list.

PostgreSQL gets the CHECK constraint a fresh database has (named as PostgreSQL names a column's
check, `<table>_<column>_check`). SQLite cannot add a constraint to an existing table and
rebuilding every table with its foreign keys is heavy and risky: two triggers per column
(before insert, before an update of it) refuse the same values with the same kind of error.
Rows written before this migration are not checked again on SQLite; on PostgreSQL adding the
constraint fails if a row holds a value outside the list (none can: the application writes
only these words)."""
from peewee import Check, SqliteDatabase

# (table, column, the words it may hold), frozen: the lists as they were when the checks came.
CHECKS = (
    ('member', 'gender', ('男', '女', '')),
    ('member', 'relation', ('', '本人', '配偶', '父亲', '母亲', '儿子', '女儿', '儿媳', '女婿', '孙子', '孙女', '外孙', '外孙女', '兄弟姐妹', '其他')),
    ('volunteer', 'status', ('pending', 'rejected', 'active', 'retired', 'suspended')),
    ('volunteer', 'retired_reason', ('age', 'illness', 'other')),
    ('account', 'kind', ('household', 'issuance', 'love_pool')),
    ('transfer', 'state', ('pending', 'posted', 'voided')),
    ('kinship', 'relation', ('本人', '配偶', '父亲', '母亲', '儿子', '女儿', '儿媳', '女婿', '孙子', '孙女', '外孙', '外孙女', '兄弟姐妹', '其他')),
    ('service_record', 'source', ('task', 'agreement', 'event', 'self_report', 'payback')),
    ('service_record', 'status', ('reported', 'confirmed', 'credited', 'disputed', 'rejected', 'reversed', 'withdrawn', 'too_short')),
    ('notification', 'wechat_status', ('pending', 'deferred', 'sending', 'sent', 'refused', 'skipped', 'failed', 'unknown')),
    ('content_check', 'result', ('pending', 'pass', 'review', 'risky', 'unchecked')),
    ('agreement', 'status', ('signing', 'active', 'suspended', 'ended')),
    ('agreement_signature', 'party', ('recipient', 'volunteer', 'coordinator')),
    ('request', 'urgency', ('normal', 'urgent')),
    ('task', 'urgency', ('normal', 'urgent')),
    ('task', 'status', ('open', 'claimed', 'in_progress', 'done', 'confirmed', 'credited', 'cancelled', 'expired', 'no_show', 'too_short')),
    ('event', 'status', ('open', 'closed', 'cancelled')),
    ('event_signup', 'status', ('signed', 'waitlisted', 'cancelled')),
    ('audit', 'status', ('open', 'closed')),
    ('audit_flag', 'kind', ('pair_repeat', 'overlap', 'long_duration', 'witness_share', 'quick_confirm', 'ledger')),
    ('audit_visit', 'method', ('visit', 'phone')),
    ('audit_visit', 'status', ('pending', 'confirmed', 'disputed')),
    ('notice', 'kind', ('quarterly', 'awards')),
    ('star_award', 'status', ('proposed', 'approved', 'rejected', 'superseded')),
    ('objection', 'status', ('open', 'upheld', 'dismissed')),
)


def _words(values):
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


def up(migrator, db):
    for table, column, values in CHECKS:
        name = f"{table}_{column}_check"
        if isinstance(db, SqliteDatabase):
            for event, when in (("insert", "INSERT"), ("update", f"UPDATE OF {column}")):
                db.execute_sql(
                    f'CREATE TRIGGER "{name}_{event}" BEFORE {when} ON "{table}" '
                    f"WHEN NEW.{column} NOT IN ({_words(values)}) "
                    f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END")
        else:
            migrator.migrate(migrator.add_constraint(table, name, Check(f"{column} IN ({_words(values)})")))


def down(migrator, db):
    for table, column, _values in reversed(CHECKS):
        name = f"{table}_{column}_check"
        if isinstance(db, SqliteDatabase):
            for event in ("insert", "update"):
                db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}_{event}"')
        else:
            migrator.migrate(migrator.drop_constraint(table, name))
