"""Priority payback served by a neighbouring community's volunteer (issue #15 §3; frozen models).

request: when, why and by whom a payback request was opened to its network (network_opened_at,
network_opened_reason, network_opened_by_id). task: the network whose other communities' volunteers
see it on their board (network_id, indexed for the board). transfer: a payback hold learns the
community whose volunteer served it when it posts (counter_community_id, NULL → a community, once,
while the hold is pending); otherwise a transfer's other community still never changes.
"""
from peewee import *


def _counter_identity(db, *, hold_posts_once: bool):
    """A transfer's other community is part of its identity; a pending hold may have it set once when it posts."""
    when_sqlite = " WHEN OLD.counter_community_id IS NOT NULL OR OLD.state <> 'pending'" if hold_posts_once else ""
    when_pg = " WHEN (OLD.counter_community_id IS NOT NULL OR OLD.state <> 'pending')" if hold_posts_once else ""
    if isinstance(db, SqliteDatabase):
        db.execute_sql('DROP TRIGGER IF EXISTS "transfer_counter_identity"')
        db.execute_sql("CREATE TRIGGER transfer_counter_identity BEFORE UPDATE OF counter_community_id ON transfer"
                       f"{when_sqlite} BEGIN SELECT RAISE(ABORT, 'a transfer is immutable; reverse it instead'); END")
    else:
        db.execute_sql('DROP TRIGGER IF EXISTS "transfer_counter_identity" ON "transfer"')
        db.execute_sql("CREATE TRIGGER transfer_counter_identity BEFORE UPDATE OF counter_community_id ON transfer "
                       f"FOR EACH ROW{when_pg} EXECUTE FUNCTION lovebank_refuse('a transfer is immutable; reverse it instead')")


def up(migrator, db):
    class Member(Model):
        class Meta:
            database = db
            table_name = 'member'

    class Network(Model):
        class Meta:
            database = db
            table_name = 'network'

    migrator.migrate(
        migrator.add_column('request', 'network_opened_at', DateTimeField(null=True)),
        migrator.add_column('request', 'network_opened_by_id', ForeignKeyField(
            Member, field=Member.id, null=True, on_delete='RESTRICT', index=False)),
        migrator.add_column('task', 'network_id', ForeignKeyField(
            Network, field=Network.id, null=True, on_delete='RESTRICT', index=False)),
    )
    # Not the migrator: on SQLite it would rebuild the table for a NOT NULL column, dropping 0015's triggers.
    db.execute_sql('ALTER TABLE "request" ADD COLUMN "network_opened_reason" VARCHAR(16) NOT NULL DEFAULT \'\'')
    db.execute_sql('CREATE INDEX "task_network_id_status_board_order_created_at_id" ON "task" '
                   '("network_id", "status", "board_order", "created_at", "id")')
    _counter_identity(db, hold_posts_once=True)


def down(migrator, db):
    _counter_identity(db, hold_posts_once=False)
    db.execute_sql('DROP INDEX IF EXISTS "task_network_id_status_board_order_created_at_id"')
    migrator.migrate(
        migrator.drop_column('task', 'network_id'),
        migrator.drop_column('request', 'network_opened_by_id'),
        migrator.drop_column('request', 'network_opened_reason'),
        migrator.drop_column('request', 'network_opened_at'),
    )
