"""A community's transfers found by index (issue 17, a city's ledger): verifying one community, its
quarterly audit and its month's close ask for the transfers of one community (`community_id = c OR
counter_community_id = c`), which without it read all of a city's millions. One index page written per
transfer is what it costs."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_index('transfer', ('community_id',)))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('transfer', 'transfer_community_id'))
