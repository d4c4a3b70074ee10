"""SMS for members without WeChat (frozen models; issue #16 §4): recorded consents (at most one open per
member), every text with its delivery status and a witness code's HMAC, and the per-member daily count."""
from peewee import *

from server.db import JSONField


def up(migrator, db):
    class Community(Model):
        class Meta:
            database = db
            table_name = 'community'

    class Member(Model):
        class Meta:
            database = db
            table_name = 'member'

    class Notification(Model):
        class Meta:
            database = db
            table_name = 'notification'

    class ServiceRecord(Model):
        class Meta:
            database = db
            table_name = 'service_record'

    class SmsConsent(Model):
        member = ForeignKeyField(Member, on_delete='CASCADE', index=False)
        community = ForeignKeyField(Community, null=True, on_delete='SET NULL', index=False)
        phone = CharField(max_length=20)
        via = CharField(max_length=8, constraints=[Check("via IN ('app', 'counter')")])
        form_ref = CharField(max_length=32, default='')
        recorded_by = ForeignKeyField(Member, on_delete='RESTRICT', index=False)
        consented_at = DateTimeField()
        withdrawn_at = DateTimeField(null=True)
        withdrawn_by = ForeignKeyField(Member, null=True, on_delete='RESTRICT', index=False)

        class Meta:
            database = db
            table_name = 'sms_consent'
            indexes = ((('member', 'consented_at'), False),)
    SmsConsent.add_index(SmsConsent.index(SmsConsent.member, unique=True, where=SmsConsent.withdrawn_at.is_null(),
                                          name='smsconsent_member_open'))

    class SmsMessage(Model):
        member = ForeignKeyField(Member, on_delete='CASCADE', index=False)
        community = ForeignKeyField(Community, null=True, on_delete='SET NULL', index=False)
        notification = ForeignKeyField(Notification, null=True, unique=True, on_delete='SET NULL')
        template_key = CharField(max_length=32)
        phone = CharField(max_length=20)
        params = JSONField(default=list)
        urgent = BooleanField(default=False)
        status = CharField(max_length=10, default='pending', constraints=[Check(
            "status IN ('pending', 'deferred', 'sending', 'sent', 'delivered', 'failed', 'skipped', 'unknown')")])
        provider_code = CharField(max_length=64, default='')
        note = CharField(max_length=200, default='')
        serial_no = CharField(max_length=64, null=True)
        attempts = IntegerField(default=0)
        day = DateField(null=True)
        created_at = DateTimeField()
        next_attempt_at = DateTimeField(null=True)
        sent_at = DateTimeField(null=True)
        delivered_at = DateTimeField(null=True)
        record = ForeignKeyField(ServiceRecord, null=True, on_delete='SET NULL', index=False)
        code_hash = CharField(max_length=64, null=True)
        code_used_at = DateTimeField(null=True)
        code_used_by = ForeignKeyField(Member, null=True, on_delete='RESTRICT', index=False)

        class Meta:
            database = db
            table_name = 'sms_message'
            indexes = ((('member', 'id'), False), (('serial_no',), False), (('record', 'code_hash'), False))

    class SmsDay(Model):
        member = ForeignKeyField(Member, on_delete='CASCADE', index=False)
        day = DateField()
        sent = IntegerField(default=0)

        class Meta:
            database = db
            table_name = 'sms_day'
            indexes = ((('member', 'day'), True),)
            constraints = [SQL('CHECK (sent >= 0)')]

    db.create_tables([SmsConsent, SmsMessage, SmsDay])


def down(migrator, db):
    for table in ('sms_day', 'sms_message', 'sms_consent'):
        migrator.migrate(migrator.drop_table(table))
