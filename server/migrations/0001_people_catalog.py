"""People, the service menu, teams and the outbox (frozen copies of the models)."""
from peewee import *
from server.db import JSONField

# Datetime defaults are set by the application, not the database.


def up(migrator, db):
    class Community(Model):
        name = CharField(unique=True, max_length=64)
        code = CharField(unique=True, max_length=16)
        district = CharField(max_length=64, default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'community'
    db.create_tables([Community])

    class Household(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        name = CharField(max_length=64)
        building = CharField(max_length=16, default='')
        unit = CharField(max_length=16, default='')
        room = CharField(max_length=16, default='')
        area = CharField(max_length=32, default='')
        invite_code = CharField(unique=True, max_length=12)
        opened_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'household'
    db.create_tables([Household])

    class Member(Model):
        community = ForeignKeyField(Community, null=True, on_delete='RESTRICT')
        household = ForeignKeyField(Household, null=True, on_delete='RESTRICT')
        openid = CharField(unique=True, null=True, max_length=64)
        handle = CharField(unique=True, null=True, max_length=32)
        name = CharField(max_length=32, default='')
        gender = CharField(max_length=4, default='')
        birth_date = DateField(null=True)
        phone = CharField(max_length=20, default='')
        relation = CharField(max_length=16, default='')
        is_head = BooleanField(default=False)
        roles = CharField(max_length=64, default='')
        health_needs = TextField(null=True)
        consent_health_at = DateTimeField(null=True)
        privacy_agreed_at = DateTimeField(null=True)
        token_version = IntegerField(default=0)
        erased_at = DateTimeField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'member'
    db.create_tables([Member])

    class OutboxMessage(Model):
        kind = CharField(max_length=48)
        key = CharField(unique=True, max_length=191)
        payload = JSONField(default=dict)
        created_at = DateTimeField()
        due_at = DateTimeField()
        attempts = IntegerField(default=0)
        enqueued_at = DateTimeField(null=True)
        done_at = DateTimeField(null=True)
        last_error = TextField(default='')
        class Meta:
            database = db
            table_name = 'outbox_message'
            indexes = ((('done_at', 'due_at'), False),)
    db.create_tables([OutboxMessage])

    class ServiceCategory(Model):
        code = CharField(unique=True, max_length=32)
        name = CharField(max_length=32)
        description = TextField(default='')
        sort_order = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'service_category'
    db.create_tables([ServiceCategory])

    class ServiceItem(Model):
        category = ForeignKeyField(ServiceCategory, on_delete='RESTRICT')
        code = CharField(unique=True, max_length=48)
        name = CharField(max_length=32)
        sort_order = IntegerField(default=0)
        active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'service_item'
    db.create_tables([ServiceItem])

    class Team(Model):
        community = ForeignKeyField(Community, null=True, on_delete='RESTRICT')
        code = CharField(unique=True, max_length=48)
        name = CharField(max_length=32)
        description = TextField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'team'
    db.create_tables([Team])

    class TeamCategory(Model):
        team = ForeignKeyField(Team, on_delete='CASCADE')
        category = ForeignKeyField(ServiceCategory, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'team_category'
            indexes = ((('team', 'category'), True),)
    db.create_tables([TeamCategory])

    class Volunteer(Model):
        member = ForeignKeyField(Member, unique=True, on_delete='RESTRICT')
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        volunteer_no = CharField(unique=True, max_length=24)
        occupation = CharField(max_length=32, default='')
        political_status = CharField(null=True, max_length=16)
        consent_political_at = DateTimeField(null=True)
        specialties = TextField(default='')
        availability_mask = IntegerField(default=0)
        status = CharField(max_length=12, default='active')
        retired_reason = CharField(null=True, max_length=12)
        status_note = CharField(max_length=200, default='')
        status_changed_at = DateTimeField(null=True)
        registered_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'volunteer'
            indexes = ((('community', 'status'), False),)
    db.create_tables([Volunteer])

    class VolunteerIntention(Model):
        volunteer = ForeignKeyField(Volunteer, on_delete='CASCADE')
        category = ForeignKeyField(ServiceCategory, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'volunteer_intention'
            indexes = ((('volunteer', 'category'), True), (('category',), False))
    db.create_tables([VolunteerIntention])

    class VolunteerTeam(Model):
        volunteer = ForeignKeyField(Volunteer, on_delete='CASCADE')
        team = ForeignKeyField(Team, on_delete='CASCADE')
        joined_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'volunteer_team'
            indexes = ((('volunteer', 'team'), True), (('team',), False))
    db.create_tables([VolunteerTeam])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('volunteer_team'))
    migrator.migrate(migrator.drop_table('volunteer_intention'))
    migrator.migrate(migrator.drop_table('volunteer'))
    migrator.migrate(migrator.drop_table('team_category'))
    migrator.migrate(migrator.drop_table('team'))
    migrator.migrate(migrator.drop_table('service_item'))
    migrator.migrate(migrator.drop_table('service_category'))
    migrator.migrate(migrator.drop_table('outbox_message'))
    migrator.migrate(migrator.drop_table('member'))
    migrator.migrate(migrator.drop_table('household'))
    migrator.migrate(migrator.drop_table('community'))
