"""Imports from paper and Excel (issue #16 §3; frozen models).

New table: import_batch (one per community, kind and file digest), with its kind and status CHECKs.
The ledger's transfer codes gain `opening` (纸质存折期初结余); transfer.code has no CHECK, so no
constraint changes here.
"""
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

    class ImportBatch(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT', index=False)
        kind = CharField(max_length=20, constraints=[
            Check("kind IN ('volunteers', 'households', 'opening_balances', 'service_records')")])
        digest = CharField(max_length=64)
        filename = CharField(max_length=200, default='')
        status = CharField(max_length=10, default='previewed',
                           constraints=[Check("status IN ('previewed', 'committed')")])
        rows = TextField(default='[]')
        row_count = IntegerField(default=0)
        problems = TextField(default='[]')
        plan = TextField(default='{}')
        result = TextField(default='{}')
        created_by = ForeignKeyField(Member, on_delete='RESTRICT', index=False)
        created_at = DateTimeField()
        previewed_at = DateTimeField()
        committed_by = ForeignKeyField(Member, null=True, on_delete='RESTRICT', index=False)
        committed_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = 'import_batch'
            indexes = ((('community', 'kind', 'digest'), True), (('community', 'id'), False))
    db.create_tables([ImportBatch])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('import_batch'))
