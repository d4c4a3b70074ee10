"""The city seeder (bench/city.py) at a tiny scale: what it COPYs is a ledger that verifies, and the
monthly close, the audit and the verifier run over it (issue 17 goal 7). Counts, not timings."""

import datetime as dt

import pytest

from bench import city
from server import clock
from server.db import database
from server.models import (
    Account,
    Entry,
    LedgerChain,
    MemberYear,
    ServiceRecord,
    SigningKey,
    Statement,
    Transfer,
)
from server.services.ledger import ledger_verify, signing, statements
from server.services.oversight import monthly_close

pytestmark = pytest.mark.postgres

SIZE = city.Size(communities=3, households=12, volunteers=5, entries=600)


@pytest.fixture
def seeded(pg_app, postgres_url):
    clock.freeze(dt.datetime(2026, 12, 6, 10, 0))
    with pg_app.app_context():
        made = city.load(postgres_url, SIZE)
        yield made


def test_the_city_is_seeded_as_asked_and_verifies(seeded):
    assert seeded["entries"] == Entry.select().count() == SIZE.entries
    assert Transfer.select().count() == SIZE.entries // 2
    assert ServiceRecord.select().count() == seeded["records"] > 0
    assert Transfer.select().where(Transfer.code == "payback").count() > 0  # households spend too
    assert Account.select().where(Account.kind == "household").count() == SIZE.households
    assert LedgerChain.select().count() == SIZE.communities
    assert MemberYear.select().count() > 0
    assert ledger_verify.verify() == []
    for community_id in range(1, SIZE.communities + 1):
        assert ledger_verify.verify(community_id) == []


def test_the_verifier_finds_a_seeded_entry_edited(seeded):
    entry = Entry.select().where(Entry.community == 2).order_by(Entry.seq).offset(10).first()
    database.execute_sql("ALTER TABLE entry DISABLE TRIGGER USER")  # the append-only guard, for this edit only
    try:
        Entry.update(minutes=entry.minutes + 1).where(Entry.id == entry.id).execute()
    finally:
        database.execute_sql("ALTER TABLE entry ENABLE TRIGGER USER")
    rules = {v.rule for v in ledger_verify.verify(2)}
    assert {"chain_hash", "running_balance", "transfer_sums_to_zero", "community_sums_to_zero"} <= rules
    assert ledger_verify.verify(1) == []


def test_the_set_based_close_matches_the_entries_and_signs_every_statement(seeded):
    year, month = statements.previous_month(clock.today())
    counts = [statements.close_community_month(c, year, month) for c in range(1, SIZE.communities + 1)]
    assert sum(counts) == SIZE.households == Statement.select().count()
    assert ledger_verify.verify() == []  # every statement's figures against its account's entries
    for statement in Statement.select():
        assert signing.verify(signing.signed(statement))["valid"]
    assert statements.close_community_month(1, year, month) == counts[0]  # closing twice changes nothing


def test_the_city_closed_by_a_pool_of_processes_is_closed_once_and_verifies(seeded, monkeypatch):
    """At a city's size the scheduled close runs communities side by side in forked processes, each with
    its own connection: every household closed once, every statement signed and matching its entries,
    one key per community, and the parent's connection still usable after."""
    monkeypatch.setattr(monthly_close, "POOL_FROM_HOUSEHOLDS", 1)
    monkeypatch.setattr(monthly_close.os, "cpu_count", lambda: 1)  # a pool of two even on a one-core runner
    closed = monthly_close.close_last_month()
    per_community = SIZE.households // SIZE.communities
    assert closed == {c: per_community for c in range(1, SIZE.communities + 1)}
    assert Statement.select().count() == SIZE.households
    assert SigningKey.select().count() == SIZE.communities
    assert ledger_verify.verify() == []
    for statement in Statement.select():
        assert signing.verify(signing.signed(statement))["valid"]
    assert monthly_close.close_last_month() == closed  # the next day's run closes nothing
    assert Statement.select().count() == SIZE.households
