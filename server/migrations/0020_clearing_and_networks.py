"""Clearing between communities and networks (issue #15 §1–2; frozen models).

Every community gets a `clearing` system account (opened here for the communities that exist);
a transfer between two communities names the other one (`counter_community_id`, part of its
immutable identity); networks group communities, each member with its limit, and a month's
settlement is stored when the month closes. The account kind's CHECK learns `clearing`.
"""
import datetime

from peewee import *

from server.db.fields import JSONField

OLD_KINDS = ('household', 'issuance', 'love_pool')
NEW_KINDS = ('household', 'issuance', 'love_pool', 'clearing')


def _words(values):
    return ", ".join(f"'{value}'" for value in values)


def _account_kinds(migrator, db, kinds):
    """Swap the account kind's CHECK (0015: triggers on SQLite, a constraint on PostgreSQL)."""
    name = "account_kind_check"
    if isinstance(db, SqliteDatabase):
        for event, when in (("insert", "INSERT"), ("update", "UPDATE OF kind")):
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}_{event}"')
            db.execute_sql(
                f'CREATE TRIGGER "{name}_{event}" BEFORE {when} ON "account" WHEN NEW.kind NOT IN ({_words(kinds)}) '
                f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END")
    else:
        db.execute_sql(f'ALTER TABLE "account" DROP CONSTRAINT IF EXISTS "{name}"')
        migrator.migrate(migrator.add_constraint("account", name, Check(f"kind IN ({_words(kinds)})")))


def _counter_identity(db, drop=False):
    """A transfer's other community is part of its identity: it never changes."""
    if isinstance(db, SqliteDatabase):
        db.execute_sql('DROP TRIGGER IF EXISTS "transfer_counter_identity"')
        if not drop:
            db.execute_sql("CREATE TRIGGER transfer_counter_identity BEFORE UPDATE OF counter_community_id ON transfer "
                           "BEGIN SELECT RAISE(ABORT, 'a transfer is immutable; reverse it instead'); END")
    else:
        db.execute_sql('DROP TRIGGER IF EXISTS "transfer_counter_identity" ON "transfer"')
        if not drop:
            db.execute_sql("CREATE TRIGGER transfer_counter_identity BEFORE UPDATE OF counter_community_id ON transfer "
                           "FOR EACH ROW EXECUTE FUNCTION lovebank_refuse('a transfer is immutable; reverse it instead')")


def up(migrator, db):
    class Community(Model):
        class Meta:
            database = db
            table_name = 'community'

    class Member(Model):
        class Meta:
            database = db
            table_name = 'member'

    class Network(Model):
        name = CharField(unique=True, max_length=64)
        kind = CharField(max_length=8, constraints=[Check("kind IN ('街道', '区', '市')")])
        created_by = ForeignKeyField(Member, null=True, on_delete='RESTRICT', index=False)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'network'
    db.create_tables([Network])

    class NetworkMember(Model):
        network = ForeignKeyField(Network, on_delete='RESTRICT')
        community = ForeignKeyField(Community, unique=True, on_delete='RESTRICT')
        limit_minutes = IntegerField()
        joined_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'network_member'
    db.create_tables([NetworkMember])

    class NetworkSettlement(Model):
        network = ForeignKeyField(Network, on_delete='RESTRICT', index=False)
        year = IntegerField()
        month = IntegerField()
        flows = JSONField(default=list)
        positions = JSONField(default=list)
        closed_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'network_settlement'
            indexes = ((('network', 'year', 'month'), True),)
    db.create_tables([NetworkSettlement])

    migrator.migrate(migrator.add_column('transfer', 'counter_community_id', ForeignKeyField(
        Community, field=Community.id, null=True, on_delete='RESTRICT', index=False)))
    db.execute_sql('CREATE INDEX "transfer_counter_community_id" ON "transfer" ("counter_community_id") '
                   'WHERE ("counter_community_id" IS NOT NULL)')
    _counter_identity(db)
    _account_kinds(migrator, db, NEW_KINDS)
    now = datetime.datetime.now()
    for (community_id,) in db.execute_sql("SELECT id FROM community ORDER BY id").fetchall():
        db.execute_sql(
            "INSERT INTO account (key, community_id, household_id, kind, posted_minutes, pending_minutes, opened_at) "
            "VALUES (%s, %s, NULL, 'clearing', 0, 0, %s)" % ((db.param,) * 3), (f"clearing:{community_id}", community_id, now))


def down(migrator, db):
    db.execute_sql("DELETE FROM account WHERE kind = 'clearing'")
    _account_kinds(migrator, db, OLD_KINDS)
    _counter_identity(db, drop=True)
    db.execute_sql('DROP INDEX IF EXISTS "transfer_counter_community_id"')
    migrator.migrate(migrator.drop_column('transfer', 'counter_community_id'))
    migrator.migrate(migrator.drop_table('network_settlement'))
    migrator.migrate(migrator.drop_table('network_member'))
    migrator.migrate(migrator.drop_table('network'))
