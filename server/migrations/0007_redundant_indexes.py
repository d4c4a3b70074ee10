"""Two indexes another index already covers (transfer.hold_account_id by (hold_account_id, state);
member_year.member_id by the unique (member_id, year)): each cost a page write on every credit."""
from peewee import *

def up(migrator, db):
    migrator.migrate(migrator.drop_index('transfer', 'transfer_hold_account_id'))
    migrator.migrate(migrator.drop_index('member_year', 'memberyear_member_id'))


def down(migrator, db):
    migrator.migrate(migrator.add_index('member_year', ('member_id',), name='memberyear_member_id'))
    migrator.migrate(migrator.add_index('transfer', ('hold_account_id',)))
