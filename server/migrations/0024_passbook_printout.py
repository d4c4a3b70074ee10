"""Passbook printouts at the station's printer (frozen models; issue #16 §3): one row per continuing
printout, the household's mark is its highest last_entry_id."""
from peewee import *


def up(migrator, db):
    class Household(Model):
        class Meta:
            database = db
            table_name = 'household'

    class Member(Model):
        class Meta:
            database = db
            table_name = 'member'

    class PassbookPrintout(Model):
        household = ForeignKeyField(Household, on_delete='RESTRICT', index=False)
        first_entry_id = IntegerField()
        last_entry_id = IntegerField()
        lines = IntegerField()
        printed_at = DateTimeField()
        printed_by = ForeignKeyField(Member, on_delete='RESTRICT', index=False)
        class Meta:
            database = db
            table_name = 'passbook_printout'
            indexes = ((('household', 'last_entry_id'), False),)
    db.create_tables([PassbookPrintout])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('passbook_printout'))
