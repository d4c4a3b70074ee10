"""Clearing between communities in the ledger itself (docs/ledger.md, invariant 10): posting, the verifier, the CLI,
and migration 0020 opening clearing accounts for communities made before it."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from server import migrations
from server.db import database, init_db
from server.models import Household, Transfer
from server.services.ledger import core as ledger
from server.services.ledger import ledger_ops, ledger_verify, networks
from tests.conftest import scratch_postgres
from tests.factories import make_community, make_coordinator, make_member


def _world():
    a, b = make_community(), make_community()
    network = networks.create(None, name="街道", kind="街道", community_ids=[a.id, b.id],
                              limits=[{"community_id": a.id, "limit_minutes": 300},
                                      {"community_id": b.id, "limit_minutes": 300}])
    giver, relative = make_member(a), make_member(b)
    station = make_coordinator(a)
    ledger_ops.adjust(station, Household.get_by_id(giver.household_id), minutes=600, reason="存入", key="fund")
    kinship = ledger_ops.request_kinship(giver, invite_code=relative.household.invite_code, relation="女儿")
    ledger_ops.confirm_kinship(station, kinship)
    ledger_ops.accept_kinship(relative, kinship)
    return a, b, network, giver, relative


def _rules(violations):
    return {v.rule for v in violations}


def test_the_verifier_finds_a_limit_passed_behind_the_ledgers_back(any_app):
    a, b, network, giver, relative = _world()
    ledger_ops.gift(giver, to_household_id=relative.household_id, minutes=240, note="", key="gift")
    assert ledger_verify.verify() == [] and ledger_verify.verify(b.id) == []
    database.execute_sql(f"UPDATE network_member SET limit_minutes = 60 WHERE community_id = {a.id}")
    assert _rules(ledger_verify.verify()) == {"network_limit"}
    assert _rules(ledger_verify.verify(a.id)) == {"network_limit"}  # what a's quarterly audit sees


def test_posting_refuses_legs_that_do_not_sum_to_zero_in_each_community(any_app):
    """What a gift across communities posted before clearing (one leg in each community) is now refused."""
    a, b, network, giver, relative = _world()
    sender, receiver = ledger.household_account(giver.household_id), ledger.household_account(relative.household_id)
    transfer = Transfer.create(community=a.id, counter_community=b.id, code="gift", idempotency_key="old", body_hash="x",
                               minutes=60, effective_date=ledger.clock.today(), details={})
    with pytest.raises(ValueError, match="each community's legs must sum to zero"), database.atomic():
        ledger._apply_legs(transfer, [ledger.Leg(sender.id, -60), ledger.Leg(receiver.id, 60)],
                           ledger._lock_accounts([sender.id, receiver.id]), ledger._lock_chains([a.id, b.id]))


def test_legs_outside_the_transfers_communities_are_refused(any_app):
    a, b, network, giver, relative = _world()
    sender, receiver = ledger.household_account(giver.household_id), ledger.household_account(relative.household_id)
    out_clearing, in_clearing = ledger.system_account(a.id, "clearing"), ledger.system_account(b.id, "clearing")
    transfer = Transfer.create(community=a.id, code="gift", idempotency_key="no-counter", body_hash="x", minutes=60,
                               effective_date=ledger.clock.today(), details={})
    legs = [ledger.Leg(sender.id, -60), ledger.Leg(out_clearing.id, 60), ledger.Leg(in_clearing.id, -60),
            ledger.Leg(receiver.id, 60)]
    ids = [leg.account_id for leg in legs]
    with pytest.raises(ValueError, match="outside the transfer's communities"), database.atomic():
        ledger._apply_legs(transfer, legs, ledger._lock_accounts(ids), ledger._lock_chains([a.id, b.id]))


def test_a_community_leaves_its_network_only_settled(any_app):
    a, b, network, giver, relative = _world()
    transfer = ledger_ops.gift(giver, to_household_id=relative.household_id, minutes=60, note="", key="gift")
    with pytest.raises(ledger.Conflict) as refused:
        networks.update(network, community_ids=[a.id])
    assert refused.value.rule == "position_not_settled" and refused.value.details["position_minutes"] == -60
    ledger.reverse(transfer.id, key="back", reason="退回")
    networks.update(network, community_ids=[a.id])
    assert networks.membership(b.id) is None
    assert ledger_verify.verify() == []


def _existing_communities_get_clearing(url: str):
    db = init_db(url)
    migrations.runner(db).up("0017_payback_promise_and_providers")
    db.execute_sql("INSERT INTO community (name, code, district, created_at) VALUES ('和平里', 'HPL', '', '2026-01-01 00:00:00')")
    db.execute_sql("INSERT INTO account (key, community_id, household_id, kind, posted_minutes, pending_minutes, opened_at) "
                   "VALUES ('issuance:1', 1, NULL, 'issuance', 0, 0, '2026-01-01 00:00:00')")
    assert "0020_clearing_and_networks" in migrations.migrate(db)
    rows = db.execute_sql("SELECT key, kind FROM account WHERE community_id = 1 ORDER BY key").fetchall()
    db.close()
    assert [tuple(row) for row in rows] == [("clearing:1", "clearing"), ("issuance:1", "issuance")]


def test_migration_0020_opens_clearing_for_existing_communities_on_sqlite(tmp_path):
    _existing_communities_get_clearing(f"sqlite:///{tmp_path / 'a.db'}")


@pytest.mark.postgres
def test_migration_0020_opens_clearing_for_existing_communities_on_postgres():
    with scratch_postgres() as (url,):
        _existing_communities_get_clearing(url)


@pytest.mark.postgres
def test_gifts_both_ways_at_once_neither_deadlock_nor_drift(pg_app):
    """Opposite gifts lock the same two chain heads (and accounts) in one order: no deadlock, exact balances."""
    a, b = make_community(), make_community()
    networks.create(None, name="街道", kind="街道", community_ids=[a.id, b.id],
                    limits=[{"community_id": a.id, "limit_minutes": 100_000},
                            {"community_id": b.id, "limit_minutes": 100_000}])
    here, there = make_member(a), make_member(b)
    for member, community in ((here, a), (there, b)):
        ledger_ops.adjust(make_coordinator(community), Household.get_by_id(member.household_id), minutes=3000,
                          reason="存入", key=f"fund-{member.id}")
    kinship = ledger_ops.request_kinship(here, invite_code=there.household.invite_code, relation="女儿")
    ledger_ops.confirm_kinship(make_coordinator(a), kinship)
    ledger_ops.accept_kinship(there, kinship)
    threads, per_thread = 8, 10
    barrier = threading.Barrier(threads)

    def worker(n):
        giver, to = (here, there) if n % 2 else (there, here)
        barrier.wait()
        failures = []
        try:
            for i in range(per_thread):
                try:
                    ledger_ops.gift(giver, to_household_id=to.household_id, minutes=30 + n, note="", key=f"g{n}-{i}")
                except Exception as exc:  # noqa: BLE001 - a deadlock or anything else is a failure
                    failures.append(exc)
        finally:
            database.close()
        return failures

    with ThreadPoolExecutor(threads) as pool:
        failures = [f for result in pool.map(worker, range(threads)) for f in result]
    assert failures == []
    sent_by_here = sum((30 + n) * per_thread for n in range(threads) if n % 2)
    sent_by_there = sum((30 + n) * per_thread for n in range(threads) if not n % 2)
    assert ledger.household_account(here.household_id).posted_minutes == 3000 - sent_by_here + sent_by_there
    assert ledger.system_account(a.id, "clearing").posted_minutes == sent_by_here - sent_by_there
    assert ledger_verify.verify() == []


def test_lovebank_verify_ledger_checks_every_community_and_network(any_app):
    a, b, network, giver, relative = _world()
    ledger_ops.gift(giver, to_household_id=relative.household_id, minutes=120, note="", key="gift")
    runner = any_app.test_cli_runner()
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code == 0, result.output
    assert "(2 communities, 1 networks): OK" in result.output
    database.execute_sql(f"UPDATE network_member SET limit_minutes = 60 WHERE community_id = {b.id}")
    result = runner.invoke(args=["verify-ledger", "--community", b.code])
    assert result.exit_code == 1 and "network_limit" in result.output and "its network" in result.output
