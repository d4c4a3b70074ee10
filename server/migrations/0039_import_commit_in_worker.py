"""A large import commits in a worker (issue #17: 10,000 paper records took 50 s on PostgreSQL, past gunicorn's
30-second worker timeout). import_batch gains who asked for the commit and when, until it lands, and why the
last background commit did not land. The status column keeps its two values: "committing" is shown, not stored."""
from peewee import *


def up(migrator, db):
    class Member(Model):
        class Meta:
            database = db
            table_name = 'member'

    migrator.migrate(
        migrator.add_column('import_batch', 'commit_requested_by_id',
                            ForeignKeyField(Member, field=Member.id, null=True, on_delete='RESTRICT', index=False)),
        migrator.add_column('import_batch', 'commit_requested_at', DateTimeField(null=True)),
        migrator.add_column('import_batch', 'commit_error', TextField(default='')),
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column('import_batch', 'commit_error'),
                     migrator.drop_column('import_batch', 'commit_requested_at'),
                     migrator.drop_column('import_batch', 'commit_requested_by_id'))
