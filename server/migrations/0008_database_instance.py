"""A random token naming this database, for the outbox's RQ job ids (frozen copy of the model)."""
import uuid

from peewee import *


def up(migrator, db):
    class DatabaseInstance(Model):
        token = CharField(max_length=32)
        class Meta:
            database = db
            table_name = 'database_instance'
    db.create_tables([DatabaseInstance])
    DatabaseInstance.insert(token=uuid.uuid4().hex).execute()


def down(migrator, db):
    migrator.migrate(migrator.drop_table('database_instance'))
