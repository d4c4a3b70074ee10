"""A witness's confirmation on PostgreSQL credits in two statements inside its transaction
(`records._credit_at_once`): what it writes is what the step-by-step way writes, its first statement takes the
accounts before the chain head, and whatever it did not plan for rolls back and goes the step-by-step way."""

import psycopg2
import pytest
from psycopg2 import errors

from server.db import database
from server.models import Account, Entry, Member, MemberYear, OutboxMessage, ServiceRecord, Transfer
from server.services.board import records
from server.services.ledger import core as ledger
from server.services.ledger import ledger_verify
from tests.factories import make_community, make_member, make_record, make_volunteer

pytestmark = pytest.mark.postgres


def _step_by_step(monkeypatch):
    def unplanned(*args, **kwargs):
        raise ledger.Unplanned("as before this change")

    monkeypatch.setattr(records, "_credit_at_once", unplanned)


def _unplanned(monkeypatch) -> list:
    """Why each credit at once went the step-by-step way (ledger.Unplanned's message), as it happens."""
    seen, at_once = [], records._credit_at_once

    def watched(*args, **kwargs):
        try:
            return at_once(*args, **kwargs)
        except ledger.Unplanned as exc:
            seen.append(str(exc))
            raise

    monkeypatch.setattr(records, "_credit_at_once", watched)
    return seen


def _written(record_id: int) -> dict:
    """What crediting the record wrote, named as any two credits alike would name it (an account by its kind,
    the volunteer as "volunteer"), without ids, times and hashes."""
    record = ServiceRecord.get_by_id(record_id)
    transfer = Transfer.get_by_id(record.transfer_id)
    kinds = {a.id: a.kind for a in Account.select().where(Account.community == record.community_id)}
    entries = [(kinds[e.account_id], e.minutes, e.balance_after if kinds[e.account_id] == "household" else None,
                e.effective_date) for e in Entry.select().where(Entry.transfer == transfer.id).order_by(Entry.seq)]
    volunteer = {record.volunteer_id: "volunteer"}
    details = {k: volunteer.get(v, v) if k == "served_by_id" else v for k, v in transfer.details.items()
               if k != "served_by"}
    told = OutboxMessage.get(OutboxMessage.key.startswith(f"notification:hours_credited:record:{record_id}:"))
    year = MemberYear.get(MemberYear.member == record.volunteer_id)
    return {
        "record": (record.status, record.credited_minutes, record.confirmed_by_id, record.confirmed_via,
                   record.rating, record.comment, record.version),
        "transfer": (transfer.code, transfer.state, transfer.minutes, transfer.actor_id, transfer.reason,
                     transfer.idempotency_key.replace(str(record_id), "N"), transfer.effective_date, details,
                     transfer.record_id == record_id, transfer.counter_community_id, transfer.on_behalf_of_id,
                     transfer.hold_account_id, transfer.reverses_id, transfer.posted_minutes,
                     transfer.created_at is not None, transfer.resolved_at is not None),
        "entries": entries,
        "year": (year.year, year.minutes),
        "told": (told.kind, told.payload["data"], [volunteer.get(m, m) for m in told.payload["member_ids"]]),
    }


@pytest.mark.parametrize("cap", [None, 60])
def test_the_credit_at_once_writes_what_the_step_by_step_way_writes(pg_app, monkeypatch, cap):
    """Two volunteers, two records alike: one credited at once, one step by step (with a storage cap of an hour
    too, so that the love pool takes a leg). The record, the transfer, its entries, the yearly total and the
    message are the same, and the chain verifies."""
    if cap:
        from server import runtime

        pg_app.config["HOUSEHOLD_CAP_MINUTES"] = cap
        runtime.configure(pg_app.config)
    community = make_community()
    witness = make_member(community)
    first, second = make_volunteer(community)[0], make_volunteer(community)[0]
    at_once = make_record(first, witness=witness, minutes=90, days_ago=1)
    step = make_record(second, witness=witness, minutes=90, days_ago=1)
    posted, post = [], ledger.post
    monkeypatch.setattr(ledger, "post", lambda **kwargs: posted.append(kwargs["key"]) or post(**kwargs))
    credited = records.confirm(Member.get_by_id(witness.id), ServiceRecord.get_by_id(at_once.id), rating=5,
                               comment="好")
    assert posted == []  # at once: the step-by-step way's `post` was not called
    assert (credited.credited_in, credited.crossing, credited.status) == (community.id, {}, "credited")
    _step_by_step(monkeypatch)
    records.confirm(Member.get_by_id(witness.id), ServiceRecord.get_by_id(step.id), rating=5, comment="好")

    assert posted == [f"record:{step.id}:credit"]
    ours, theirs = _written(at_once.id), _written(step.id)
    assert ours == theirs
    assert ours["entries"] == ([("issuance", -90, None, ours["transfer"][6]), ("household", 60, 60, ours["transfer"][6]),
                                ("love_pool", 30, None, ours["transfer"][6])] if cap else
                               [("issuance", -90, None, ours["transfer"][6]), ("household", 90, 90, ours["transfer"][6])])
    assert ledger_verify.verify() == []


def test_a_key_already_taken_goes_the_step_by_step_way(pg_app, monkeypatch):
    """A transfer already holds the record's credit key (with the same body): the statement's entries fail their
    foreign key, everything rolls back, and the step-by-step way finds the transfer (a replay): the record is
    credited with it, nothing posted twice."""
    community = make_community()
    witness = make_member(community)
    volunteer, _ = make_volunteer(community)
    record = make_record(volunteer, witness=witness, days_ago=1)
    household = ledger.household_account(volunteer.household_id)
    issuance = ledger.system_account(community.id, "issuance")
    earlier = ledger.post(community_id=community.id, code="service_credit", key=f"record:{record.id}:credit",
                          body={"record": record.id, "minutes": 90}, account_ids=[household.id, issuance.id],
                          legs_for=lambda accounts: ([ledger.Leg(issuance.id, -90), ledger.Leg(household.id, 90)],
                                                     None))
    unplanned = _unplanned(monkeypatch)
    confirmed = records.confirm(Member.get_by_id(witness.id), ServiceRecord.get_by_id(record.id))
    assert len(unplanned) == 1 and "transfer" in unplanned[0]  # the entries' foreign key
    assert (confirmed.status, confirmed.transfer_id) == ("credited", earlier.id)
    assert Transfer.select().where(Transfer.idempotency_key == f"record:{record.id}:credit").count() == 1
    assert Account.get_by_id(household.id).posted_minutes == 90
    assert ledger_verify.verify() == []


def test_a_record_edited_meanwhile_is_refused_as_before(pg_app, monkeypatch):
    """The volunteer edited the report after the witness saw it: the record's guard refuses, the transfer and
    entries already written by the same statement roll back, and the witness is told as before."""
    community = make_community()
    witness = make_member(community)
    volunteer, _ = make_volunteer(community)
    record = make_record(volunteer, witness=witness, days_ago=1)
    shown = ServiceRecord.get_by_id(record.id)
    ServiceRecord.update(version=ServiceRecord.version + 1).where(ServiceRecord.id == record.id).execute()
    unplanned = _unplanned(monkeypatch)
    with pytest.raises(records.RecordStateError, match="刚刚修改"):
        records.confirm(Member.get_by_id(witness.id), shown)
    assert unplanned == ["written []"]  # the record did not move: everything the statement wrote rolled back
    assert Transfer.select().where(Transfer.record_id == record.id).count() == 0
    assert Account.get(Account.household == volunteer.household_id).posted_minutes == 0
    assert ledger_verify.verify() == []


def test_the_first_statement_takes_the_accounts_before_the_chain_head(pg_app, postgres_url):
    """Another connection holds the community's chain head. While the credit's first statement waits for it, it
    already holds the household's, issuance and love-pool accounts and the recipient household's, which a payback
    spends next (a third connection cannot take them, NOWAIT):
    every posting takes its accounts before the chain head, so none can hold an account this one wants while
    waiting for the head it holds. Then the head is let go and the statement answers with it and an id."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.services.test_ledger_concurrency import _closing

    community = make_community()
    volunteer, _ = make_volunteer(community)
    elder = make_member(community)  # a payback's recipient: its account sorts after the volunteer's
    record = make_record(volunteer, witness=elder, days_ago=1)
    holder, other, watch = (psycopg2.connect(postgres_url) for _ in range(3))
    other.autocommit = watch.autocommit = True

    def taken(account_id):
        try:
            other.cursor().execute("SELECT id FROM account WHERE id = %s FOR UPDATE NOWAIT", (account_id,))
            return False
        except errors.LockNotAvailable:
            return True

    def lock_all():
        with database.atomic():
            return ledger.credit_accounts_and_head(
                volunteer.household_id, community.id, also_lock=elder.household_id,
                reading=records._CREDIT_LOCKING_AND_DAY,
                params=(volunteer.id, volunteer.id, *records._day_of(record), record.id))

    accounts = [ledger.household_account(volunteer.household_id).id,
                *(a.id for a in ledger.system_accounts(community.id)), ledger.household_account(elder.household_id).id]
    assert accounts[3] > accounts[0]
    try:
        holder.cursor().execute("SELECT id FROM ledger_chain WHERE community_id = %s FOR UPDATE", (community.id,))
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(_closing(lock_all))
            for _ in range(6000):  # until PostgreSQL shows the statement waiting for a lock (a minute at most)
                cursor = watch.cursor()
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                               "AND wait_event_type = 'Lock'")
                if cursor.fetchone()[0] or pending.done():
                    break
                __import__("time").sleep(0.01)
            assert not pending.done()
            assert [taken(account_id) for account_id in accounts] == [True, True, True, True]
            holder.rollback()
            household, issuance, pool_account, chain, transfer_id, read = pending.result()
    finally:
        for connection in (holder, other, watch):
            connection.close()
    assert (household.id, issuance.kind, pool_account.kind, chain.community_id, read) == (
        accounts[0], "issuance", "love_pool", community.id, (volunteer.name, 0))
    assert transfer_id > (Transfer.select(Transfer.id).order_by(Transfer.id.desc()).scalar() or 0)
    assert not Entry.select().where(Entry.community == community.id).exists()
