"""Idempotency keys scoped to the caller and the operation, with the first answer kept; a version on
service records, raised by each edit before confirmation (frozen models)."""
from peewee import *

# Datetime defaults are set by the application, not the database.


def up(migrator, db):
    class Member(Model):
        class Meta:
            database = db
            table_name = 'member'

    class IdempotentRequest(Model):
        member = ForeignKeyField(Member, on_delete='CASCADE', index=False)
        operation = CharField(max_length=100)
        key = CharField(max_length=100)
        body_hash = CharField(max_length=64)
        status = IntegerField()
        response = TextField()
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'idempotent_request'
            indexes = ((('member', 'operation', 'key'), True),)
    db.create_tables([IdempotentRequest])
    migrator.migrate(migrator.add_column('service_record', 'version', IntegerField(default=1)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('service_record', 'version'))
    migrator.migrate(migrator.drop_table('idempotent_request'))
