"""The inbox, WeChat consent credits and content-safety checks (frozen copies of the models)."""
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

    class ContentCheck(Model):
        kind = CharField(max_length=32)
        object_id = IntegerField()
        author = ForeignKeyField(Member, null=True, on_delete='SET NULL')
        content_hash = CharField(max_length=64)
        scene = IntegerField(default=2)
        result = CharField(max_length=12, default='pending')
        label = IntegerField(null=True)
        trace_id = CharField(max_length=64, default='')
        errcode = IntegerField(null=True)
        created_at = DateTimeField()
        checked_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'content_check'
            indexes = ((('kind', 'object_id', 'content_hash'), True),)
    db.create_tables([ContentCheck])

    class Notification(Model):
        recipient = ForeignKeyField(Member, on_delete='CASCADE')
        community = ForeignKeyField(Community, null=True, on_delete='SET NULL')
        event_key = CharField(max_length=120)
        template_key = CharField(max_length=32)
        title = CharField(max_length=64)
        body = TextField()
        link = CharField(default='')
        urgent = BooleanField(default=False)
        data = JSONField(default=dict)
        created_at = DateTimeField()
        read_at = DateTimeField(null=True)
        wechat_status = CharField(max_length=12, default='pending')
        wechat_errcode = IntegerField(null=True)
        wechat_note = CharField(max_length=200, default='')
        attempts = IntegerField(default=0)
        sent_at = DateTimeField(null=True)
        next_attempt_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'notification'
            indexes = ((('recipient', 'event_key', 'template_key'), True), (('recipient', 'id'), False), (('recipient', 'read_at'), False))
    db.create_tables([Notification])

    class SubscriptionCredit(Model):
        member = ForeignKeyField(Member, on_delete='CASCADE')
        template_key = CharField(max_length=32)
        credits = IntegerField(default=0)
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'subscription_credit'
            indexes = ((('member', 'template_key'), True),)
    db.create_tables([SubscriptionCredit])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('subscription_credit'))
    migrator.migrate(migrator.drop_table('notification'))
    migrator.migrate(migrator.drop_table('content_check'))
