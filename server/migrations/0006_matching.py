"""Matching: each time a task stood open (rounds, alerts), the volunteers asked with their scores, and covering indexes for walking a category's and a team's volunteers (frozen models)."""
from peewee import *
from server.db import JSONField

# Datetime defaults are set by the application, not the database.


def up(migrator, db):
    class Member(Model):
        class Meta:
            database = db
            table_name = 'member'

    class Task(Model):
        class Meta:
            database = db
            table_name = 'task'

    class TaskEvent(Model):
        class Meta:
            database = db
            table_name = 'task_event'

    class TaskOpening(Model):
        task = ForeignKeyField(Task, on_delete='RESTRICT')
        opened_by = ForeignKeyField(TaskEvent, unique=True, on_delete='RESTRICT')
        opened_at = DateTimeField()
        priority = BooleanField(default=False)
        rounds = IntegerField(default=1)
        alerted_at = DateTimeField(null=True)
        closed_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'task_opening'
            indexes = ((('task', 'closed_at'), False),)
    db.create_tables([TaskOpening])

    class TaskCandidate(Model):
        task = ForeignKeyField(Task, on_delete='RESTRICT')
        opening = ForeignKeyField(TaskOpening, on_delete='RESTRICT')
        round = IntegerField()
        rank = IntegerField()
        volunteer = ForeignKeyField(Member, on_delete='RESTRICT')
        total = FloatField()
        components = JSONField(default=dict)
        notified_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'task_candidate'
            indexes = ((('opening', 'volunteer'), True), (('task', 'opening', 'round', 'rank'), False))
    db.create_tables([TaskCandidate])

    migrator.migrate(migrator.add_index('volunteer_intention', ('category_id', 'volunteer_id')))
    migrator.migrate(migrator.add_index('volunteer_team', ('team_id', 'volunteer_id')))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('volunteer_team', 'volunteer_team_team_id_volunteer_id'))
    migrator.migrate(migrator.drop_index('volunteer_intention', 'volunteer_intention_category_id_volunteer_id'))
    migrator.migrate(migrator.drop_table('task_candidate'))
    migrator.migrate(migrator.drop_table('task_opening'))
