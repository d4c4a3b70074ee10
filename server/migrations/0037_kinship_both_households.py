"""Kinship across communities is confirmed by both households (issue 15 §3): the relative household (or its own
station on its behalf) accepts once, recorded beside the asking station's confirmation. Kinships confirmed
before this are not backfilled: a relative household in another community is asked to confirm."""
from peewee import *


def up(migrator, db):
    class Member(Model):
        class Meta:
            database = db
            table_name = 'member'

    migrator.migrate(
        migrator.add_column('kinship', 'relative_accepted_by_id',
                            ForeignKeyField(Member, field=Member.id, null=True, on_delete='RESTRICT')),
        migrator.add_column('kinship', 'relative_accepted_at', DateTimeField(null=True)),
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column('kinship', 'relative_accepted_at'),
                     migrator.drop_column('kinship', 'relative_accepted_by_id'))
