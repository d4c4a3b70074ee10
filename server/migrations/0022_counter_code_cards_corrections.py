"""Counter entry, witness code cards and corrections (frozen models; issue #16 §2–3).

New tables: code_card, witness_code (HMACs only), code_attempt, correction. Two enums grow:
service_record.source gains `counter` and audit_flag.kind gains `paper_signature`. Their checks are
replaced as migration 0015 made them: PostgreSQL drops and adds the named constraint, SQLite drops
and recreates the two triggers (a table made from the models carries the new CHECK itself).
"""
from peewee import *
from peewee import SqliteDatabase

# (table, column, the words before, the words after), frozen.
GROWN = (
    ('service_record', 'source', ('task', 'agreement', 'event', 'self_report', 'payback', 'provider'),
     ('task', 'agreement', 'event', 'self_report', 'payback', 'provider', 'counter')),
    ('audit_flag', 'kind', ('pair_repeat', 'overlap', 'long_duration', 'witness_share', 'quick_confirm', 'ledger'),
     ('pair_repeat', 'overlap', 'long_duration', 'witness_share', 'quick_confirm', 'ledger', 'paper_signature')),
)


def _words(values):
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


def _check(migrator, db, table, column, values):
    name = f"{table}_{column}_check"
    if isinstance(db, SqliteDatabase):
        for event, when in (("insert", "INSERT"), ("update", f"UPDATE OF {column}")):
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}_{event}"')
            db.execute_sql(
                f'CREATE TRIGGER "{name}_{event}" BEFORE {when} ON "{table}" '
                f"WHEN NEW.{column} NOT IN ({_words(values)}) "
                f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END")
    else:
        migrator.migrate(migrator.drop_constraint(table, name))
        migrator.migrate(migrator.add_constraint(table, name, Check(f"{column} IN ({_words(values)})")))


def up(migrator, db):
    class Community(Model):
        class Meta:
            database = db
            table_name = 'community'

    class Household(Model):
        class Meta:
            database = db
            table_name = 'household'

    class Member(Model):
        class Meta:
            database = db
            table_name = 'member'

    class ServiceRecord(Model):
        class Meta:
            database = db
            table_name = 'service_record'

    class Transfer(Model):
        class Meta:
            database = db
            table_name = 'transfer'

    class CodeCard(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT', index=False)
        household = ForeignKeyField(Household, on_delete='RESTRICT', index=False)
        size = IntegerField()
        issued_by = ForeignKeyField(Member, on_delete='RESTRICT', index=False)
        issued_at = DateTimeField()
        revoked_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = 'code_card'
            indexes = ((('household', 'revoked_at'), False),)

    class WitnessCode(Model):
        card = ForeignKeyField(CodeCard, on_delete='RESTRICT', index=False)
        number = IntegerField()
        code_hash = CharField(max_length=64)
        used_at = DateTimeField(null=True)
        used_by = ForeignKeyField(Member, null=True, on_delete='RESTRICT', index=False)
        record = ForeignKeyField(ServiceRecord, null=True, on_delete='RESTRICT', index=False)

        class Meta:
            database = db
            table_name = 'witness_code'
            indexes = ((('card', 'number'), True), (('card', 'code_hash'), True))

    class CodeAttempt(Model):
        record = ForeignKeyField(ServiceRecord, on_delete='RESTRICT', index=False)
        actor = ForeignKeyField(Member, on_delete='RESTRICT', index=False)
        card = ForeignKeyField(CodeCard, null=True, on_delete='RESTRICT', index=False)
        number = IntegerField(null=True)
        succeeded = BooleanField(default=False)
        attempted_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'code_attempt'
            indexes = ((('record', 'succeeded'), False),)

    class Correction(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT', index=False)
        record = ForeignKeyField(ServiceRecord, on_delete='RESTRICT')
        status = CharField(max_length=8, default='pending',
                           constraints=[Check("status IN ('pending', 'applied', 'rejected')")])
        old_started_at = DateTimeField()
        old_ended_at = DateTimeField()
        old_minutes = IntegerField()
        started_at = DateTimeField()
        ended_at = DateTimeField()
        new_minutes = IntegerField()
        reason = TextField()
        requested_by = ForeignKeyField(Member, on_delete='RESTRICT', index=False)
        requested_at = DateTimeField()
        decided_by = ForeignKeyField(Member, null=True, on_delete='RESTRICT', index=False)
        decided_at = DateTimeField(null=True)
        reject_reason = TextField(default='')
        reversal = ForeignKeyField(Transfer, null=True, on_delete='RESTRICT', index=False)
        credit = ForeignKeyField(Transfer, null=True, on_delete='RESTRICT', index=False)

        class Meta:
            database = db
            table_name = 'correction'
            indexes = ((('community', 'status'), False),)

    Correction.add_index(Correction.index(Correction.record, unique=True, where=Correction.status == 'pending',
                                          name='correction_record_pending'))
    db.create_tables([CodeCard, WitnessCode, CodeAttempt, Correction])
    for table, column, _before, after in GROWN:
        _check(migrator, db, table, column, after)


def down(migrator, db):
    for table, column, before, _after in GROWN:
        _check(migrator, db, table, column, before)
    for table in ('correction', 'code_attempt', 'witness_code', 'code_card'):
        migrator.migrate(migrator.drop_table(table))
