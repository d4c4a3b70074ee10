"""Coordinator operations (frozen copies of the models): quarterly audits with flags and visits,
public notices, star awards, objections and certificates; volunteers' opt-in to be named in notices."""
from peewee import *
from server.db import JSONField

# Datetime defaults are set by the application, not the database.


def up(migrator, db):
    class Community(Model):
        class Meta:
            database = db
            table_name = 'community'

    class Member(Model):
        class Meta:
            database = db
            table_name = 'member'

    class ServiceRecord(Model):
        class Meta:
            database = db
            table_name = 'service_record'

    class Transfer(Model):
        class Meta:
            database = db
            table_name = 'transfer'

    class Volunteer(Model):
        class Meta:
            database = db
            table_name = 'volunteer'

    class Audit(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        year = IntegerField()
        quarter = IntegerField()
        status = CharField(max_length=8, default='open')
        seed = CharField(max_length=32)
        sample_size = IntegerField()
        population = IntegerField(default=0)
        weights = JSONField(default=dict)
        ledger_ok = BooleanField(default=True)
        violations = JSONField(default=list)
        thresholds = JSONField(default=dict)
        created_by = ForeignKeyField(Member, null=True, on_delete='RESTRICT')
        created_at = DateTimeField()
        closed_by = ForeignKeyField(Member, null=True, on_delete='RESTRICT')
        closed_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'audit'
            indexes = ((('community', 'year', 'quarter'), True),)
    db.create_tables([Audit])

    class AuditFlag(Model):
        audit = ForeignKeyField(Audit, on_delete='CASCADE')
        record = ForeignKeyField(ServiceRecord, on_delete='RESTRICT')
        kind = CharField(max_length=16)
        detail = TextField(default='')
        class Meta:
            database = db
            table_name = 'audit_flag'
            indexes = ((('audit', 'record', 'kind'), True),)
    db.create_tables([AuditFlag])

    class AuditVisit(Model):
        audit = ForeignKeyField(Audit, on_delete='CASCADE')
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        record = ForeignKeyField(ServiceRecord, on_delete='RESTRICT')
        draw_order = IntegerField()
        weight = IntegerField()
        recipient = ForeignKeyField(Member, null=True, on_delete='RESTRICT')
        assignee = ForeignKeyField(Member, null=True, on_delete='RESTRICT')
        method = CharField(max_length=8, default='visit')
        status = CharField(max_length=10, default='pending')
        notes = TextField(default='')
        outcome_by = ForeignKeyField(Member, null=True, on_delete='RESTRICT')
        outcome_at = DateTimeField(null=True)
        reversal = ForeignKeyField(Transfer, null=True, on_delete='RESTRICT')
        reversal_note = TextField(default='')
        class Meta:
            database = db
            table_name = 'audit_visit'
            indexes = ((('audit', 'record'), True), (('assignee', 'status'), False))
    db.create_tables([AuditVisit])

    class Notice(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        kind = CharField(max_length=12)
        year = IntegerField()
        quarter = IntegerField(null=True)
        title = CharField(max_length=64)
        period_start = DateField()
        period_end = DateField()
        content = JSONField(default=dict)
        published_at = DateTimeField()
        objection_until = DateTimeField()
        created_by = ForeignKeyField(Member, null=True, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'notice'
            indexes = ((('community', 'kind', 'year', 'quarter'), True), (('community', 'published_at'), False))
    db.create_tables([Notice])

    class StarAward(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        member = ForeignKeyField(Member, on_delete='RESTRICT')
        volunteer = ForeignKeyField(Volunteer, on_delete='RESTRICT')
        year = IntegerField()
        period_start = DateField()
        period_end = DateField()
        stars = IntegerField()
        minutes = IntegerField()
        status = CharField(max_length=12, default='proposed')
        applied_at = DateTimeField(null=True)
        notice = ForeignKeyField(Notice, null=True, on_delete='RESTRICT')
        decided_by = ForeignKeyField(Member, null=True, on_delete='RESTRICT')
        decided_at = DateTimeField(null=True)
        decision_note = TextField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'star_award'
            indexes = ((('member', 'year', 'stars'), True), (('community', 'status'), False))
    db.create_tables([StarAward])

    class Certificate(Model):
        award = ForeignKeyField(StarAward, unique=True, on_delete='RESTRICT')
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        member = ForeignKeyField(Member, on_delete='RESTRICT')
        serial = CharField(unique=True, max_length=32)
        name = CharField(max_length=32)
        volunteer_no = CharField(max_length=24)
        stars = IntegerField()
        minutes = IntegerField()
        year = IntegerField()
        period_start = DateField()
        period_end = DateField()
        community_name = CharField(max_length=64)
        issuer = CharField(max_length=64)
        issued_on = DateField()
        issued_by = ForeignKeyField(Member, null=True, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'certificate'
    db.create_tables([Certificate])

    class Objection(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        notice = ForeignKeyField(Notice, on_delete='RESTRICT')
        award = ForeignKeyField(StarAward, on_delete='RESTRICT')
        objector = ForeignKeyField(Member, on_delete='RESTRICT')
        reason = TextField()
        status = CharField(max_length=10, default='open')
        created_at = DateTimeField()
        resolved_by = ForeignKeyField(Member, null=True, on_delete='RESTRICT')
        resolved_at = DateTimeField(null=True)
        resolution = TextField(default='')
        class Meta:
            database = db
            table_name = 'objection'
            indexes = ((('award', 'objector'), True), (('award', 'status'), False))
    db.create_tables([Objection])

    migrator.migrate(migrator.add_column('volunteer', 'public_name', BooleanField(default=False)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('volunteer', 'public_name'))
    migrator.migrate(migrator.drop_table('objection'))
    migrator.migrate(migrator.drop_table('certificate'))
    migrator.migrate(migrator.drop_table('star_award'))
    migrator.migrate(migrator.drop_table('notice'))
    migrator.migrate(migrator.drop_table('audit_visit'))
    migrator.migrate(migrator.drop_table('audit_flag'))
    migrator.migrate(migrator.drop_table('audit'))
