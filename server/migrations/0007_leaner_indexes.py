"""Fewer index pages written per credit: two indexes another one covers (transfer.hold_account_id by
(hold_account_id, state); member_year.member_id by the unique (member_id, year)) go, and the
transfer's hold and reversal indexes keep only the rows that have one (most transfers are credits,
whose NULL entries were a page write each)."""
from peewee import *

PARTIAL = [
    ('transfer_hold_account_id_state', False, ('hold_account_id', 'state'), 'hold_account_id'),
    ('transfer_reverses_id', True, ('reverses_id',), 'reverses_id'),
]


def _columns(columns) -> str:
    return ", ".join(f'"{column}"' for column in columns)


def up(migrator, db):
    migrator.migrate(migrator.drop_index('transfer', 'transfer_hold_account_id'))
    migrator.migrate(migrator.drop_index('member_year', 'memberyear_member_id'))
    for name, unique, columns, not_null in PARTIAL:
        db.execute_sql(f'DROP INDEX "{name}"')
        db.execute_sql(f'CREATE {"UNIQUE " if unique else ""}INDEX "{name}" ON "transfer" '
                       f'({_columns(columns)}) WHERE ("{not_null}" IS NOT NULL)')


def down(migrator, db):
    for name, unique, columns, _ in PARTIAL:
        db.execute_sql(f'DROP INDEX "{name}"')
        db.execute_sql(f'CREATE {"UNIQUE " if unique else ""}INDEX "{name}" ON "transfer" ({_columns(columns)})')
    migrator.migrate(migrator.add_index('member_year', ('member_id',), name='memberyear_member_id'))
    migrator.migrate(migrator.add_index('transfer', ('hold_account_id',)))
