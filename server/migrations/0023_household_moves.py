"""Household moves (迁移, issue #15 §3; frozen models).

New table: move, with its status CHECK and one pending move per household (a partial UNIQUE index).
"""
from peewee import *

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

    class Transfer(Model):
        class Meta:
            database = db
            table_name = 'transfer'

    class Move(Model):
        household = ForeignKeyField(Household, on_delete='RESTRICT')
        from_community = ForeignKeyField(Community, on_delete='RESTRICT', index=False)
        to_community = ForeignKeyField(Community, on_delete='RESTRICT', index=False)
        status = CharField(max_length=10, default='pending',
                           constraints=[Check("status IN ('pending', 'accepted', 'rejected', 'cancelled')")])
        reason = TextField(default='')
        requested_by = ForeignKeyField(Member, on_delete='RESTRICT', index=False)
        requested_at = DateTimeField()
        decided_by = ForeignKeyField(Member, null=True, on_delete='RESTRICT', index=False)
        decided_at = DateTimeField(null=True)
        decision_reason = TextField(default='')
        transfer = ForeignKeyField(Transfer, null=True, on_delete='RESTRICT', index=False)
        minutes = IntegerField(null=True)

        class Meta:
            database = db
            table_name = 'move'
            indexes = ((('to_community', 'status'), False), (('from_community', 'status'), False))

    Move.add_index(Move.index(Move.household, unique=True, where=Move.status == 'pending',
                              name='move_household_pending'))
    db.create_tables([Move])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('move'))
