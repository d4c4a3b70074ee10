"""The task board: recipient files, agreements, requests, tasks and their history, events (frozen models)."""
from peewee import *
from server.db import JSONField

# Datetime defaults are set by the application, not the database.


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

    class ServiceCategory(Model):
        class Meta:
            database = db
            table_name = 'service_category'

    class ServiceItem(Model):
        class Meta:
            database = db
            table_name = 'service_item'

    class ServiceRecord(Model):
        class Meta:
            database = db
            table_name = 'service_record'

    class Team(Model):
        class Meta:
            database = db
            table_name = 'team'

    class Transfer(Model):
        class Meta:
            database = db
            table_name = 'transfer'

    class RecipientFile(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        member = ForeignKeyField(Member, on_delete='RESTRICT')
        needs = TextField()
        risks = TextField(default='')
        emergency_contact_name = CharField(max_length=32)
        emergency_contact_phone = CharField(max_length=20)
        consent_date = DateField()
        created_by = ForeignKeyField(Member, on_delete='RESTRICT')
        created_at = DateTimeField()
        closed_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'recipient_file'
    db.create_tables([RecipientFile])

    class Agreement(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        recipient_file = ForeignKeyField(RecipientFile, on_delete='RESTRICT')
        recipient = ForeignKeyField(Member, on_delete='RESTRICT')
        category = ForeignKeyField(ServiceCategory, on_delete='RESTRICT')
        item_codes = JSONField(default=list)
        content = TextField()
        place = CharField(max_length=100)
        schedule = JSONField(default=list)
        start_date = DateField()
        end_date = DateField()
        status = CharField(max_length=10, default='signing')
        created_by = ForeignKeyField(Member, on_delete='RESTRICT')
        created_at = DateTimeField()
        activated_at = DateTimeField(null=True)
        status_note = CharField(max_length=200, default='')
        class Meta:
            database = db
            table_name = 'agreement'
    db.create_tables([Agreement])

    class AgreementSignature(Model):
        agreement = ForeignKeyField(Agreement, on_delete='CASCADE')
        party = CharField(max_length=12)
        member = ForeignKeyField(Member, on_delete='RESTRICT')
        signed_by = ForeignKeyField(Member, on_delete='RESTRICT')
        signed_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'agreement_signature'
            indexes = ((('agreement', 'party', 'member'), True),)
    db.create_tables([AgreementSignature])

    class AgreementVolunteer(Model):
        agreement = ForeignKeyField(Agreement, on_delete='CASCADE')
        volunteer = ForeignKeyField(Member, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'agreement_volunteer'
            indexes = ((('agreement', 'volunteer'), True),)
    db.create_tables([AgreementVolunteer])

    class Event(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        title = CharField(max_length=64)
        starts_at = DateTimeField()
        place = CharField(max_length=100)
        category_codes = JSONField(default=list)
        capacity = IntegerField()
        planned_minutes = IntegerField()
        description = CharField(max_length=300, default='')
        status = CharField(max_length=10, default='open')
        created_by = ForeignKeyField(Member, on_delete='RESTRICT')
        closed_at = DateTimeField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'event'
            indexes = ((('community', 'starts_at'), False),)
    db.create_tables([Event])

    class EventSignup(Model):
        event = ForeignKeyField(Event, on_delete='RESTRICT')
        volunteer = ForeignKeyField(Member, on_delete='RESTRICT')
        status = CharField(max_length=12)
        signed_up_at = DateTimeField()
        checked_in_at = DateTimeField(null=True)
        record = ForeignKeyField(ServiceRecord, unique=True, null=True, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'event_signup'
            indexes = ((('event', 'volunteer'), True), (('event', 'status', 'signed_up_at'), False))
    db.create_tables([EventSignup])

    class Request(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        household = ForeignKeyField(Household, on_delete='RESTRICT')
        requester = ForeignKeyField(Member, on_delete='RESTRICT')
        created_by = ForeignKeyField(Member, on_delete='RESTRICT')
        payback = BooleanField(default=False)
        hold = ForeignKeyField(Transfer, unique=True, null=True, on_delete='RESTRICT')
        category = ForeignKeyField(ServiceCategory, on_delete='RESTRICT')
        item = ForeignKeyField(ServiceItem, null=True, on_delete='RESTRICT')
        description = TextField()
        building = CharField(max_length=16, default='')
        unit = CharField(max_length=16, default='')
        place_detail = CharField(max_length=64, default='')
        window_start = DateTimeField()
        window_end = DateTimeField()
        estimated_minutes = IntegerField()
        urgency = CharField(max_length=8, default='normal')
        cancelled_at = DateTimeField(null=True)
        cancelled_by = ForeignKeyField(Member, null=True, on_delete='RESTRICT')
        cancel_reason = CharField(max_length=200, default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'request'
            indexes = ((('household', 'created_at'), False),)
    db.create_tables([Request])

    class Task(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        source = CharField(max_length=10)
        request = ForeignKeyField(Request, unique=True, null=True, on_delete='RESTRICT')
        agreement = ForeignKeyField(Agreement, null=True, on_delete='RESTRICT')
        occurrence_date = DateField(null=True)
        category = ForeignKeyField(ServiceCategory, on_delete='RESTRICT')
        item = ForeignKeyField(ServiceItem, null=True, on_delete='RESTRICT')
        team = ForeignKeyField(Team, null=True, on_delete='RESTRICT')
        title = CharField(max_length=64)
        description = TextField(default='')
        area = CharField(max_length=32, default='')
        building = CharField(max_length=16, default='')
        place = CharField(max_length=100, default='')
        window_start = DateTimeField()
        window_end = DateTimeField()
        estimated_minutes = IntegerField()
        urgency = CharField(max_length=8, default='normal')
        priority = BooleanField(default=False)
        board_order = IntegerField(default=3)
        held = BooleanField(default=False)
        recipient = ForeignKeyField(Member, null=True, on_delete='RESTRICT')
        recipient_household = ForeignKeyField(Household, null=True, on_delete='RESTRICT')
        status = CharField(max_length=12, default='open')
        volunteer = ForeignKeyField(Member, null=True, on_delete='RESTRICT')
        claimed_at = DateTimeField(null=True)
        closed_at = DateTimeField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'task'
            indexes = ((('community', 'status', 'board_order', 'created_at', 'id'), False), (('volunteer', 'status'), False), (('agreement', 'occurrence_date', 'volunteer'), True), (('status', 'window_end'), False))
    db.create_tables([Task])

    class TaskEvent(Model):
        task = ForeignKeyField(Task, on_delete='RESTRICT')
        kind = CharField(max_length=16)
        from_status = CharField(max_length=12)
        to_status = CharField(max_length=12)
        actor = ForeignKeyField(Member, null=True, on_delete='RESTRICT')
        on_behalf_of = ForeignKeyField(Member, null=True, on_delete='RESTRICT')
        volunteer = ForeignKeyField(Member, null=True, on_delete='RESTRICT')
        note = CharField(max_length=200, default='')
        at = DateTimeField()
        class Meta:
            database = db
            table_name = 'task_event'
            indexes = ((('volunteer', 'kind'), False),)
    db.create_tables([TaskEvent])

    class TaskVisit(Model):
        task = ForeignKeyField(Task, on_delete='RESTRICT')
        volunteer = ForeignKeyField(Member, on_delete='RESTRICT')
        day = DateField()
        checked_in_at = DateTimeField()
        checkin_method = CharField(max_length=12)
        checked_out_at = DateTimeField(null=True)
        record = ForeignKeyField(ServiceRecord, unique=True, null=True, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'task_visit'
            indexes = ((('task', 'volunteer', 'day'), False),)
    db.create_tables([TaskVisit])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('task_visit'))
    migrator.migrate(migrator.drop_table('task_event'))
    migrator.migrate(migrator.drop_table('task'))
    migrator.migrate(migrator.drop_table('request'))
    migrator.migrate(migrator.drop_table('event_signup'))
    migrator.migrate(migrator.drop_table('event'))
    migrator.migrate(migrator.drop_table('agreement_volunteer'))
    migrator.migrate(migrator.drop_table('agreement_signature'))
    migrator.migrate(migrator.drop_table('agreement'))
    migrator.migrate(migrator.drop_table('recipient_file'))
