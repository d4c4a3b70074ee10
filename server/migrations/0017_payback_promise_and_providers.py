"""Payback promise and providers (frozen models)."""
from peewee import *


def up(migrator, db):
    class Community(Model):
        class Meta:
            database = db
            table_name = 'community'

    class Member(Model):
        class Meta:
            database = db
            table_name = 'member'

    class ServiceCategory(Model):
        class Meta:
            database = db
            table_name = 'service_category'

    class Provider(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        name = CharField(max_length=64)
        contact_name = CharField(max_length=32, default='')
        phone = CharField(max_length=20, default='')
        active = BooleanField(default=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'provider'
            indexes = ((('community', 'name'), True),)
    db.create_tables([Provider])

    class ProviderCategory(Model):
        provider = ForeignKeyField(Provider, on_delete='CASCADE')
        category = ForeignKeyField(ServiceCategory, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'provider_category'
            indexes = ((('provider', 'category'), True),)
    db.create_tables([ProviderCategory])

    migrator.migrate(migrator.add_column('request', 'promise_due_at', DateTimeField(null=True)))
    migrator.migrate(migrator.add_column('request', 'preferred_volunteer_id', ForeignKeyField(Member, field=Member.id, null=True, on_delete='RESTRICT')))
    migrator.migrate(migrator.add_column('task', 'provider_id', ForeignKeyField(Provider, field=Provider.id, null=True, on_delete='RESTRICT')))
    migrator.migrate(migrator.add_index('request', ('payback', 'promise_due_at')))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('task', 'task_provider_id'))
    migrator.migrate(migrator.drop_index('request', 'request_preferred_volunteer_id'))
    migrator.migrate(migrator.drop_index('request', 'request_payback_promise_due_at'))
    migrator.migrate(migrator.drop_column('task', 'provider_id'))
    migrator.migrate(migrator.drop_column('request', 'preferred_volunteer_id'))
    migrator.migrate(migrator.drop_column('request', 'promise_due_at'))
    migrator.migrate(migrator.drop_table('provider_category'))
    migrator.migrate(migrator.drop_table('provider'))
