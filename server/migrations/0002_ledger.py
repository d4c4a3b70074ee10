"""The hours ledger and service records (frozen models), its database-enforced rules, and accounts
for households and communities that existed before it."""
import datetime

from peewee import *
from server.db import JSONField

# Datetime defaults are set by the application, not the database.


def up(migrator, db):
    class Community(Model):
        class Meta:
            database = db
            table_name = 'community'

    class Household(Model):
        class Meta:
            database = db
            table_name = 'household'

    class Member(Model):
        class Meta:
            database = db
            table_name = 'member'

    class ServiceCategory(Model):
        class Meta:
            database = db
            table_name = 'service_category'

    class ServiceItem(Model):
        class Meta:
            database = db
            table_name = 'service_item'

    class Account(Model):
        key = CharField(unique=True, max_length=48)
        community = ForeignKeyField(Community, on_delete='RESTRICT')
        household = ForeignKeyField(Household, unique=True, null=True, on_delete='RESTRICT')
        kind = CharField(max_length=12)
        posted_minutes = IntegerField(default=0)
        pending_minutes = IntegerField(default=0)
        opened_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'account'
    db.create_tables([Account])

    class Transfer(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT', index=False)
        code = CharField(max_length=24)
        state = CharField(max_length=8, default='posted')
        idempotency_key = CharField(unique=True, max_length=128)
        body_hash = CharField(max_length=64)
        minutes = IntegerField()
        posted_minutes = IntegerField(null=True)
        hold_account = ForeignKeyField(Account, null=True, on_delete='RESTRICT')
        reverses = ForeignKeyField('self', unique=True, null=True, on_delete='RESTRICT')
        record_id = IntegerField(index=True, null=True)
        reason = TextField(default='')
        details = JSONField(default=dict)
        actor = ForeignKeyField(Member, null=True, on_delete='RESTRICT', index=False)
        on_behalf_of = ForeignKeyField(Member, null=True, on_delete='RESTRICT', index=False)
        effective_date = DateField()
        created_at = DateTimeField()
        resolved_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'transfer'
            indexes = ((('hold_account', 'state'), False), (('code', 'effective_date'), False))
    db.create_tables([Transfer])

    class Entry(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT', index=False)
        seq = IntegerField()
        account = ForeignKeyField(Account, on_delete='RESTRICT', index=False)
        transfer = ForeignKeyField(Transfer, on_delete='RESTRICT')
        minutes = IntegerField()
        balance_after = IntegerField()
        effective_date = DateField()
        created_at = DateTimeField()
        prev_hash = CharField(max_length=64)
        hash = CharField(max_length=64)
        class Meta:
            database = db
            table_name = 'entry'
            indexes = ((('community', 'seq'), True), (('account', 'id'), False))
    db.create_tables([Entry])

    class Kinship(Model):
        household = ForeignKeyField(Household, on_delete='RESTRICT')
        relative_household = ForeignKeyField(Household, on_delete='RESTRICT')
        relation = CharField(max_length=16)
        requested_by = ForeignKeyField(Member, on_delete='RESTRICT')
        confirmed_by = ForeignKeyField(Member, null=True, on_delete='RESTRICT')
        confirmed_at = DateTimeField(null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'kinship'
            indexes = ((('household', 'relative_household'), True),)
    db.create_tables([Kinship])

    class LedgerChain(Model):
        community = ForeignKeyField(Community, unique=True, on_delete='RESTRICT')
        last_seq = IntegerField(default=0)
        last_hash = CharField(max_length=64, default='0000000000000000000000000000000000000000000000000000000000000000')
        class Meta:
            database = db
            table_name = 'ledger_chain'
    db.create_tables([LedgerChain])

    class MemberYear(Model):
        member = ForeignKeyField(Member, on_delete='RESTRICT')
        year = IntegerField()
        minutes = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'member_year'
            indexes = ((('member', 'year'), True),)
    db.create_tables([MemberYear])

    class ServiceRecord(Model):
        community = ForeignKeyField(Community, on_delete='RESTRICT', index=False)
        volunteer = ForeignKeyField(Member, on_delete='RESTRICT', index=False)
        volunteer_household = ForeignKeyField(Household, on_delete='RESTRICT', index=False)
        recipient = ForeignKeyField(Member, null=True, on_delete='RESTRICT', index=False)
        recipient_household = ForeignKeyField(Household, null=True, on_delete='RESTRICT', index=False)
        public_good = BooleanField(default=False)
        category = ForeignKeyField(ServiceCategory, on_delete='RESTRICT', index=False)
        item = ForeignKeyField(ServiceItem, null=True, on_delete='RESTRICT', index=False)
        place = CharField(max_length=100)
        started_at = DateTimeField()
        ended_at = DateTimeField()
        duration_minutes = IntegerField()
        credited_minutes = IntegerField(null=True)
        content = TextField()
        witness = ForeignKeyField(Member, null=True, on_delete='RESTRICT', index=False)
        witness_name = CharField(max_length=32, default='')
        witness_phone = CharField(max_length=20, default='')
        source = CharField(max_length=12)
        status = CharField(max_length=10, default='reported')
        needs_approval = BooleanField(default=False)
        rating = IntegerField(null=True)
        comment = TextField(default='')
        organiser = CharField(max_length=64, default='')
        recorder = ForeignKeyField(Member, null=True, on_delete='RESTRICT', index=False)
        on_behalf_of = ForeignKeyField(Member, null=True, on_delete='RESTRICT', index=False)
        confirmed_by = ForeignKeyField(Member, null=True, on_delete='RESTRICT', index=False)
        confirmed_at = DateTimeField(null=True)
        confirmed_via = CharField(max_length=12, default='')
        confirmed_for = ForeignKeyField(Member, null=True, on_delete='RESTRICT', index=False)
        dispute_reason = TextField(default='')
        reject_reason = TextField(default='')
        transfer = ForeignKeyField(Transfer, unique=True, null=True, on_delete='RESTRICT')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'service_record'
            indexes = ((('community', 'status'), False), (('volunteer', 'started_at'), False), (('witness', 'status'), False), (('recipient_household', 'status'), False))
    db.create_tables([ServiceRecord])

    class Statement(Model):
        account = ForeignKeyField(Account, on_delete='RESTRICT')
        household = ForeignKeyField(Household, on_delete='RESTRICT')
        year = IntegerField()
        month = IntegerField()
        opening_minutes = IntegerField()
        minutes_in = IntegerField()
        minutes_out = IntegerField()
        closing_minutes = IntegerField()
        per_member = JSONField(default=list)
        closed_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'statement'
            indexes = ((('account', 'year', 'month'), True), (('year', 'month'), False))
    db.create_tables([Statement])

    if isinstance(db, SqliteDatabase):
        for statement in SQLITE_RULES:
            db.execute_sql(statement)
    else:
        for statement in POSTGRES_RULES:
            db.execute_sql(statement)
    _backfill_accounts(db)


def _backfill_accounts(db):
    """Households and communities made before the ledger existed get their accounts now."""
    now = datetime.datetime.now()
    for (community_id,) in db.execute_sql("SELECT id FROM community ORDER BY id").fetchall():
        for kind in ("issuance", "love_pool"):
            db.execute_sql(
                "INSERT INTO account (key, community_id, household_id, kind, posted_minutes, pending_minutes, opened_at) "
                "VALUES (%s, %s, NULL, %s, 0, 0, %s)" % ((db.param,) * 4), (f"{kind}:{community_id}", community_id, kind, now))
        db.execute_sql("INSERT INTO ledger_chain (community_id, last_seq, last_hash) VALUES (%s, 0, %s)" % ((db.param,) * 2),
                       (community_id, "0" * 64))
    for household_id, community_id in db.execute_sql("SELECT id, community_id FROM household ORDER BY id").fetchall():
        db.execute_sql(
            "INSERT INTO account (key, community_id, household_id, kind, posted_minutes, pending_minutes, opened_at) "
            "VALUES (%s, %s, %s, 'household', 0, 0, %s)" % ((db.param,) * 4), (f"household:{household_id}", community_id,
                                                                            household_id, now))


SQLITE_RULES = [
    # Invariant 4 of docs/ledger.md: entries are append-only.
    "CREATE TRIGGER entry_no_update BEFORE UPDATE ON entry BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
    "CREATE TRIGGER entry_no_delete BEFORE DELETE ON entry BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
    # A transfer's identity never changes and no transfer disappears; its state may move on.
    "CREATE TRIGGER transfer_identity BEFORE UPDATE OF idempotency_key, body_hash, code, minutes, community_id, "
    "hold_account_id, reverses_id, record_id, effective_date, created_at ON transfer "
    "BEGIN SELECT RAISE(ABORT, 'a transfer is immutable; reverse it instead'); END",
    "CREATE TRIGGER transfer_no_delete BEFORE DELETE ON transfer BEGIN SELECT RAISE(ABORT, 'a transfer is immutable; reverse it instead'); END",
    # Invariant 9: a closed month takes no household entries.
    "CREATE TRIGGER entry_closed_month BEFORE INSERT ON entry WHEN EXISTS (SELECT 1 FROM statement s "
    "WHERE s.account_id = NEW.account_id AND s.year = CAST(strftime('%Y', NEW.effective_date) AS INTEGER) "
    "AND s.month = CAST(strftime('%m', NEW.effective_date) AS INTEGER)) "
    "BEGIN SELECT RAISE(ABORT, 'the month of this entry is closed'); END",
]

POSTGRES_RULES = [
    # psycopg2 reads % as a parameter marker: %% is one literal %.
    """CREATE FUNCTION lovebank_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION '%%', TG_ARGV[0] USING ERRCODE = 'restrict_violation'; END $$""",
    "CREATE TRIGGER entry_no_update BEFORE UPDATE OR DELETE ON entry FOR EACH ROW "
    "EXECUTE FUNCTION lovebank_refuse('ledger entries are append-only')",
    "CREATE TRIGGER transfer_identity BEFORE UPDATE OF idempotency_key, body_hash, code, minutes, community_id, "
    "hold_account_id, reverses_id, record_id, effective_date, created_at ON transfer FOR EACH ROW "
    "EXECUTE FUNCTION lovebank_refuse('a transfer is immutable; reverse it instead')",
    "CREATE TRIGGER transfer_no_delete BEFORE DELETE ON transfer FOR EACH ROW "
    "EXECUTE FUNCTION lovebank_refuse('a transfer is immutable; reverse it instead')",
    """CREATE FUNCTION lovebank_entry_month_open() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF EXISTS (SELECT 1 FROM statement s WHERE s.account_id = NEW.account_id
                    AND s.year = EXTRACT(YEAR FROM NEW.effective_date)
                    AND s.month = EXTRACT(MONTH FROM NEW.effective_date)) THEN
           RAISE EXCEPTION 'the month of this entry is closed' USING ERRCODE = 'restrict_violation';
         END IF;
         RETURN NEW;
       END $$""",
    "CREATE TRIGGER entry_closed_month BEFORE INSERT ON entry FOR EACH ROW EXECUTE FUNCTION lovebank_entry_month_open()",
]


def down(migrator, db):
    migrator.migrate(migrator.drop_table('statement'))
    migrator.migrate(migrator.drop_table('service_record'))
    migrator.migrate(migrator.drop_table('member_year'))
    migrator.migrate(migrator.drop_table('ledger_chain'))
    migrator.migrate(migrator.drop_table('kinship'))
    migrator.migrate(migrator.drop_table('entry'))
    migrator.migrate(migrator.drop_table('transfer'))
    migrator.migrate(migrator.drop_table('account'))
