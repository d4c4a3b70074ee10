"""Volunteer applications (志愿者审核): who decided on a registration, and when.

New registrations start `pending` (the application default now lives in the model); the
volunteers already registered keep their status (`active`, `retired`, `suspended`) and a NULL
reviewer: they were accepted before applications existed, so no data changes here."""
from peewee import *


def up(migrator, db):
    class Member(Model):
        class Meta:
            database = db
            table_name = 'member'

    migrator.migrate(migrator.add_column('volunteer', 'reviewed_by_id', ForeignKeyField(
        Member, field=Member.id, null=True, on_delete='RESTRICT', index=False)))
    migrator.migrate(migrator.add_column('volunteer', 'reviewed_at', DateTimeField(null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('volunteer', 'reviewed_at'))
    migrator.migrate(migrator.drop_column('volunteer', 'reviewed_by_id'))
