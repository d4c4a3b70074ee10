"""Fewer index pages written per credit. Two indexes another one covers go (transfer.hold_account_id
by (hold_account_id, state); member_year.member_id by the unique (member_id, year)), and three nothing
needs (transfer.record_id: a record names its transfer; transfer (code, effective_date): the yearly
gift and donation caps start from the household's entries; service_record (recipient_household_id,
status): no query asks for a household's received services by status). The transfer's hold and reversal indexes and
the record's unique transfer_id keep only rows that have one: most transfers are credits, and a
record's NULL entry moved when it was credited — page writes each."""
from peewee import *

PARTIAL = [
    ('transfer', 'transfer_hold_account_id_state', False, ('hold_account_id', 'state'), 'hold_account_id'),
    ('transfer', 'transfer_reverses_id', True, ('reverses_id',), 'reverses_id'),
    ('service_record', 'servicerecord_transfer_id', True, ('transfer_id',), 'transfer_id'),
]


def _columns(columns) -> str:
    return ", ".join(f'"{column}"' for column in columns)


def up(migrator, db):
    migrator.migrate(migrator.drop_index('transfer', 'transfer_hold_account_id'))
    migrator.migrate(migrator.drop_index('transfer', 'transfer_record_id'))
    migrator.migrate(migrator.drop_index('transfer', 'transfer_code_effective_date'))
    migrator.migrate(migrator.drop_index('service_record', 'servicerecord_recipient_household_id_status'))
    migrator.migrate(migrator.drop_index('member_year', 'memberyear_member_id'))
    for table, name, unique, columns, not_null in PARTIAL:
        db.execute_sql(f'DROP INDEX "{name}"')
        db.execute_sql(f'CREATE {"UNIQUE " if unique else ""}INDEX "{name}" ON "{table}" '
                       f'({_columns(columns)}) WHERE ("{not_null}" IS NOT NULL)')


def down(migrator, db):
    for table, name, unique, columns, _ in PARTIAL:
        db.execute_sql(f'DROP INDEX "{name}"')
        db.execute_sql(f'CREATE {"UNIQUE " if unique else ""}INDEX "{name}" ON "{table}" ({_columns(columns)})')
    migrator.migrate(migrator.add_index('member_year', ('member_id',), name='memberyear_member_id'))
    migrator.migrate(migrator.add_index('service_record', ('recipient_household_id', 'status')))
    migrator.migrate(migrator.add_index('transfer', ('code', 'effective_date')))
    migrator.migrate(migrator.add_index('transfer', ('record_id',)))
    migrator.migrate(migrator.add_index('transfer', ('hold_account_id',)))
