"""A household closes when its last member is erased: `closed_at` (its balance went to the love pool, nobody
may join it again)."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column('household', 'closed_at', DateTimeField(null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('household', 'closed_at'))
