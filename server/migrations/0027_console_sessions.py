"""The station's web console: logins by scanning and browser sessions (frozen models; issue #16 §1)."""
from peewee import *


def up(migrator, db):
    class Member(Model):
        class Meta:
            database = db
            table_name = 'member'

    class ConsoleSession(Model):
        login_hash = CharField(max_length=64, unique=True)
        poll_hash = CharField(max_length=64, unique=True)
        created_at = DateTimeField()
        expires_at = DateTimeField()
        member = ForeignKeyField(Member, null=True, on_delete='RESTRICT', index=False)
        approved_at = DateTimeField(null=True)
        session_hash = CharField(max_length=64, null=True, unique=True)
        claimed_at = DateTimeField(null=True)
        last_seen_at = DateTimeField(null=True)
        ended_at = DateTimeField(null=True)
        ended_why = CharField(max_length=16, default='')
        class Meta:
            database = db
            table_name = 'console_session'
            indexes = ((('member', 'ended_at'), False), (('expires_at',), False))
    db.create_tables([ConsoleSession])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('console_session'))
