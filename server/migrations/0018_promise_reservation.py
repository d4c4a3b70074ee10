"""A payback request's one at-risk alert; a task reserved for its preferred volunteer (frozen models).

service_record (recipient_household_id, status, volunteer_id) comes back (0007 dropped the first two
columns when nothing asked for them): a household's preferred-volunteer candidates are the volunteers
of its credited records, read from the index alone."""
from peewee import *

def up(migrator, db):
    class Member(Model):
        class Meta:
            database = db
            table_name = 'member'

    migrator.migrate(migrator.add_column('request', 'promise_alerted_at', DateTimeField(null=True)))
    migrator.migrate(migrator.add_column('task', 'reserved_for_id', ForeignKeyField(Member, field=Member.id, null=True, on_delete='RESTRICT')))
    migrator.migrate(migrator.add_column('task', 'reserved_until', DateTimeField(null=True)))
    migrator.migrate(migrator.add_index('service_record', ('recipient_household_id', 'status', 'volunteer_id')))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('service_record', 'servicerecord_recipient_household_id_status_volunteer_id'))
    migrator.migrate(migrator.drop_index('task', 'task_reserved_for_id'))
    migrator.migrate(migrator.drop_column('task', 'reserved_until'))
    migrator.migrate(migrator.drop_column('task', 'reserved_for_id'))
    migrator.migrate(migrator.drop_column('request', 'promise_alerted_at'))
