"""Hardship cases (兜底对象): the periods a coordinator marked a member, with who and when it began and ended
(frozen models). The reason's CHECK comes with the new table on both databases; one open period per member
is a partial unique index."""
from peewee import *

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

    class HardshipPeriod(Model):
        member = ForeignKeyField(Member, on_delete='RESTRICT')
        community = ForeignKeyField(Community, on_delete='RESTRICT', index=False)
        reason = CharField(max_length=8, constraints=[Check("reason IN ('失独', '孤寡', '残疾', '重病')")])
        note = CharField(max_length=200, default='')
        started_at = DateTimeField()
        started_by = ForeignKeyField(Member, on_delete='RESTRICT', index=False)
        ended_at = DateTimeField(null=True)
        ended_by = ForeignKeyField(Member, null=True, on_delete='RESTRICT', index=False)
        class Meta:
            database = db
            table_name = 'hardship_period'
    HardshipPeriod.add_index(HardshipPeriod.index(HardshipPeriod.member, unique=True,
                                                  where=HardshipPeriod.ended_at.is_null(), name='hardship_period_open'))
    db.create_tables([HardshipPeriod])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('hardship_period'))
