"""The ledger's invariants (docs/ledger.md), each tested on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from peewee import IntegrityError

from server import clock
from server.db import database, is_postgres
from server.models import (
    Account,
    Entry,
    Household,
    LedgerChain,
    Member,
    MemberYear,
    ServiceRecord,
    Statement,
    Transfer,
)
from server.services.board import records
from server.services.ledger import core as ledger
from server.services.ledger import ledger_ops, ledger_verify, statements
from tests.factories import (
    afternoon,
    credited_record,
    make_community,
    make_coordinator,
    make_member,
    make_record,
    make_volunteer,
    tamper,
)


def fund(household_id: int, minutes: int, key: str | None = None) -> Transfer:
    """Put minutes on a household account through an ordinary adjustment."""
    household = Household.get_by_id(household_id)
    coordinator = make_coordinator(household.community)
    return ledger_ops.adjust(coordinator, household, minutes=minutes, reason="测试入账",
                             key=key or f"fund:{household_id}:{minutes}:{Transfer.select().count()}")


def account_of(member) -> Account:
    return Account.get(Account.household == member.household_id)


@pytest.fixture
def people(any_app):
    community = make_community()
    volunteer, _ = make_volunteer(community)
    resident = make_member(community)
    return community, volunteer, resident


def test_confirmation_credits_once_and_the_legs_sum_to_zero(people):
    community, volunteer, resident = people
    record = credited_record(volunteer, resident, minutes=95)
    assert record.status == "credited" and record.credited_minutes == 90  # rounded down to 30
    account = account_of(volunteer)
    assert account.posted_minutes == 90
    issuance = ledger.system_account(community.id, "issuance")
    assert issuance.posted_minutes == -90
    legs = [(e.account_id, e.minutes) for e in Entry.select().where(Entry.transfer == record.transfer_id)]
    assert sorted(legs) == sorted([(account.id, 90), (issuance.id, -90)])
    assert MemberYear.get(MemberYear.member == volunteer.id).minutes == 90
    with pytest.raises(records.RecordStateError):
        records.confirm(resident, record)
    assert Transfer.select().where(Transfer.record_id == record.id).count() == 1
    assert ledger_verify.verify() == []


def test_daily_cap_refuses_more(people):
    _, volunteer, resident = people
    clock.freeze(afternoon())  # both records on one day whatever the hour (make_record moves them before their hour)
    make_record(volunteer, witness=resident, minutes=300, days_ago=1, start_hour=8)
    with pytest.raises(records.RuleBroken) as refused:
        make_record(volunteer, witness=resident, minutes=200, days_ago=1, start_hour=14)
    assert refused.value.rule == "daily_cap" and "8小时" in refused.value.message


def test_crediting_keeps_to_what_the_daily_cap_leaves(people):
    """A record that reached the day past the cap another way (an event's, say) is credited only what is left."""
    from server.models import Member

    _, volunteer, resident = people
    clock.freeze(afternoon())  # the records of one day on one day whatever the hour
    credited_record(volunteer, resident, minutes=300, days_ago=1, start_hour=8)
    later = make_record(volunteer, witness=resident, minutes=100, days_ago=1, start_hour=14)
    ServiceRecord.update(duration_minutes=240).where(ServiceRecord.id == later.id).execute()
    other_day = credited_record(volunteer, resident, minutes=240, days_ago=2, start_hour=14)
    assert other_day.credited_minutes == 240
    record = records.confirm(Member.get_by_id(resident.id), ServiceRecord.get_by_id(later.id))
    assert record.credited_minutes == 180  # 8 hours a day, 5 credited already
    assert Transfer.get_by_id(record.transfer_id).details["served_by"] == volunteer.name


def test_overlapping_services_are_refused(people):
    _, volunteer, resident = people
    clock.freeze(afternoon())  # both on one day whatever the hour
    make_record(volunteer, witness=resident, minutes=120, days_ago=1, start_hour=9)
    with pytest.raises(records.RuleBroken) as refused:
        make_record(volunteer, witness=resident, minutes=60, days_ago=1, start_hour=10)
    assert refused.value.rule == "overlap"


def test_household_cap_overflows_to_the_love_pool(people, any_app):
    community, volunteer, resident = people
    any_app.config["HOUSEHOLD_CAP_MINUTES"] = 100
    from server import runtime

    runtime.configure(any_app.config)
    record = credited_record(volunteer, resident, minutes=120)
    assert account_of(volunteer).posted_minutes == 100
    assert ledger.system_account(community.id, "love_pool").posted_minutes == 20
    assert "爱心池" in Transfer.get_by_id(record.transfer_id).details["note"]
    assert MemberYear.get(MemberYear.member == volunteer.id).minutes == 120  # personal hours count in full
    assert ledger_verify.verify() == []


def test_a_credit_above_the_storage_cap_still_shows_in_the_passbook(people, any_app):
    """Issue 12 #15: a household at its cap saw nothing of a credit that went wholly to the love pool,
    though the volunteer was told it was stored. Every credit has its line; the message says where it went."""
    from server import runtime
    from server.models import Household, OutboxMessage
    from server.services.ledger import passbook
    from server.services.messaging import message_format

    community, volunteer, resident = people
    any_app.config["HOUSEHOLD_CAP_MINUTES"] = 100
    runtime.configure(any_app.config)
    partly = credited_record(volunteer, resident, minutes=120, days_ago=2)   # 100 kept, 20 to the pool
    wholly = credited_record(volunteer, resident, minutes=30, days_ago=1)    # all 30 to the pool
    household = Household.get_by_id(volunteer.household_id)
    lines = passbook.passbook(household)["entries"]
    assert [(line["transfer_id"], line["minutes"], line["pool_minutes"], line["direction"]) for line in lines] == [
        (wholly.transfer_id, 0, 30, "to_pool"), (partly.transfer_id, 100, 20, "deposit")]
    assert "全部转入爱心池" in lines[0]["note"] and lines[0]["running_balance_minutes"] == 100
    assert "其中20分钟转入爱心池" in lines[1]["note"]
    assert ledger.system_account(community.id, "love_pool").posted_minutes == 50
    said = {}
    for record in (partly, wholly):
        (message,) = OutboxMessage.select().where(OutboxMessage.key.contains(f"record:{record.id}:credited"))
        said[record.id] = message_format.render("hours_credited", message.payload["data"])["body"]
    assert "其中20分钟转入爱心池" in said[partly.id]
    assert "全部转入爱心池" in said[wholly.id] and "存入您家" not in said[wholly.id]
    assert ledger_verify.verify() == []
    coordinator = make_coordinator(community)
    records.reverse(coordinator, ServiceRecord.get_by_id(wholly.id), reason="核实有误", key="undo-wholly")
    undone = passbook.passbook(household)["entries"][0]
    assert (undone["code"], undone["minutes"], undone["pool_minutes"], undone["direction"]) == (
        "reversal", 0, -30, "from_pool")
    assert ledger.system_account(community.id, "love_pool").posted_minutes == 20
    assert ledger_verify.verify() == []


def test_same_key_same_body_is_the_first_result_other_body_is_409(people):
    _, _, resident = people
    household = Household.get_by_id(resident.household_id)
    coordinator = make_coordinator(household.community)
    first = ledger_ops.adjust(coordinator, household, minutes=60, reason="补记", key="k-1")
    again = ledger_ops.adjust(coordinator, household, minutes=60, reason="补记", key="k-1")
    assert again.id == first.id and account_of(resident).posted_minutes == 60
    with pytest.raises(ledger.IdempotencyConflict):
        ledger_ops.adjust(coordinator, household, minutes=90, reason="补记", key="k-1")
    assert Transfer.select().where(Transfer.code == "adjustment").count() == 1


def test_hold_post_less_release_rest_once(people):
    _, _, resident = people
    fund(resident.household_id, 300)
    hold = ledger.hold(household_id=resident.household_id, minutes=120, key="h1", body={"n": 1})
    account = account_of(resident)
    assert (account.posted_minutes, account.pending_minutes, ledger.available(account)) == (300, 120, 180)
    with pytest.raises(records.RuleBroken):
        ledger.post_hold(hold.id, minutes=150)  # never more than held
    posted = ledger.post_hold(hold.id, minutes=90)
    assert posted.state == "posted" and posted.posted_minutes == 90
    account = account_of(resident)
    assert (account.posted_minutes, account.pending_minutes) == (210, 0)
    with pytest.raises(ledger.AlreadyResolved):
        ledger.post_hold(hold.id, minutes=90)
    with pytest.raises(ledger.AlreadyResolved):
        ledger.void_hold(hold.id)
    assert ledger_verify.verify() == []


def test_hold_refused_when_not_enough_and_void_releases(people):
    _, _, resident = people
    fund(resident.household_id, 60)
    with pytest.raises(ledger.InsufficientMinutes) as refused:
        ledger.hold(household_id=resident.household_id, minutes=90, key="h-big", body={})
    assert "不够" in refused.value.message
    assert Transfer.select().where(Transfer.idempotency_key == "h-big").count() == 0  # nothing half-done
    hold = ledger.hold(household_id=resident.household_id, minutes=60, key="h-ok", body={})
    assert ledger.available(account_of(resident)) == 0
    ledger.void_hold(hold.id)
    assert ledger.available(account_of(resident)) == 60 and Transfer.get_by_id(hold.id).state == "voided"


def test_a_confirmation_counts_the_year_and_tells_the_volunteer_once_and_a_refused_one_writes_nothing(people):
    """On PostgreSQL the record's UPDATE also writes the yearly total and the outbox row: the same rows as
    the separate statements on SQLite, and a confirmation the record's guard refuses (the volunteer edited the
    report meanwhile) leaves no transfer, no total and no message."""
    from server.models import OutboxMessage

    _, volunteer, resident = people
    record = credited_record(volunteer, resident, minutes=60)
    (told,) = [m for m in OutboxMessage.select() if m.payload.get("event_key") == f"record:{record.id}:credited"]
    assert (told.kind, told.payload["member_ids"], told.payload["data"]["minutes"]) == ("notification", [volunteer.id], 60)
    assert MemberYear.get(MemberYear.member == volunteer.id).minutes == 60
    stale = make_record(volunteer, witness=resident, minutes=60, days_ago=1)
    records.edit(Member.get_by_id(volunteer.id), ServiceRecord.get_by_id(stale.id), {"content": "修理冰箱"})
    with pytest.raises(records.RecordStateError):
        records.confirm(Member.get_by_id(resident.id), stale)  # the version the witness was shown
    assert Transfer.select().where(Transfer.record_id == stale.id).count() == 0
    assert MemberYear.get(MemberYear.member == volunteer.id).minutes == 60
    assert not [m for m in OutboxMessage.select() if m.payload.get("event_key") == f"record:{stale.id}:credited"]
    assert ledger_verify.verify() == []


def test_a_posting_a_floor_refuses_writes_nothing_and_the_transaction_goes_on(people):
    """The balances move in one guarded UPDATE (on PostgreSQL in the statement that appends the entries):
    a household that would go below its floor is refused whole, inside the caller's transaction, and the
    same transaction then posts what the floor allows on the same chain."""
    community, _, resident = people
    fund(resident.household_id, 60)
    account, pool = account_of(resident), ledger.system_account(community.id, "love_pool")

    def donate(minutes, key):
        return ledger.post(community_id=community.id, code="donation", key=key, body={"minutes": minutes},
                           account_ids=[account.id, pool.id],
                           legs_for=lambda accounts: ([ledger.Leg(account.id, -minutes), ledger.Leg(pool.id, minutes)],
                                                      None))

    def state():
        return (Entry.select().count(), LedgerChain.get(LedgerChain.community == community.id).last_hash,
                account_of(resident).posted_minutes, ledger.system_account(community.id, "love_pool").posted_minutes)

    before = state()
    with database.atomic():
        with pytest.raises(ledger.InsufficientMinutes) as refused:
            donate(90, "too-much")
        assert "还差0.5小时" in refused.value.message and state() == before
        donate(60, "all-of-it")
    assert state()[2:] == (0, before[3] + 60)
    assert Transfer.select().where(Transfer.idempotency_key == "too-much").count() == 0
    assert ledger_verify.verify() == []


def test_reversal_is_a_new_transfer_once_and_never_overdraws(people):
    community, volunteer, resident = people
    record = credited_record(volunteer, resident, minutes=60)
    original = Transfer.get_by_id(record.transfer_id)
    coordinator = make_coordinator(community)
    records.reverse(coordinator, ServiceRecord.get_by_id(record.id), reason="走访核实未发生", key="rev-1")
    reversal = Transfer.get(Transfer.reverses == original.id)
    assert reversal.code == "reversal" and reversal.reason == "走访核实未发生"
    assert Transfer.get_by_id(original.id).state == "posted"  # untouched
    assert account_of(volunteer).posted_minutes == 0
    assert ServiceRecord.get_by_id(record.id).status == "reversed"
    assert MemberYear.get(MemberYear.member == volunteer.id).minutes == 0
    with pytest.raises(ledger.AlreadyResolved):
        ledger.reverse(original.id, key="rev-2", reason="再来一次")
    # a credit whose hours were spent cannot be reversed into the negative
    spent = credited_record(volunteer, resident, minutes=60, days_ago=2)
    ledger.hold(household_id=volunteer.household_id, minutes=60, key="spend", body={})
    with pytest.raises(ledger.InsufficientMinutes):
        ledger.reverse(spent.transfer_id, key="rev-3", reason="错误")
    assert ledger_verify.verify() == []


def _raw(sql: str):
    if not is_postgres():
        sql = sql.replace("%s", "?")
    return sql


def test_database_refuses_update_and_delete_of_entries(people):
    _, volunteer, resident = people
    credited_record(volunteer, resident)
    entry = Entry.select().first()
    for statement in (f"UPDATE entry SET minutes = minutes + 1 WHERE id = {entry.id}",
                      f"DELETE FROM entry WHERE id = {entry.id}",
                      f"UPDATE transfer SET minutes = 1 WHERE id = {entry.transfer_id}",
                      f"DELETE FROM transfer WHERE id = {entry.transfer_id}"):
        with pytest.raises(IntegrityError), database.atomic():
            database.execute_sql(statement)
    assert Entry.get_by_id(entry.id).minutes == entry.minutes


def test_verifier_detects_a_tampered_entry_and_a_wrong_cache(people):
    _, volunteer, resident = people
    credited_record(volunteer, resident, minutes=60)
    credited_record(volunteer, resident, minutes=90, days_ago=1)
    assert ledger_verify.verify() == []
    first = Entry.select().order_by(Entry.id).first()
    tamper(f"UPDATE entry SET minutes = 600, balance_after = 600 WHERE id = {first.id}")
    rules = {v.rule for v in ledger_verify.verify()}
    assert {"chain_hash", "transfer_sums_to_zero", "cached_posted"} <= rules
    Account.update(posted_minutes=Account.posted_minutes + 5).where(Account.household == resident.household_id).execute()
    assert any(v.rule == "cached_posted" and v.account_id == account_of(resident).id for v in ledger_verify.verify())


def test_closed_month_takes_no_entries(people):
    _, volunteer, resident = people
    clock.freeze(dt.datetime(2026, 10, 20, 10, 0))
    credited_record(volunteer, resident, minutes=120)
    clock.freeze(dt.datetime(2026, 11, 2, 10, 0))
    household = Household.get_by_id(volunteer.household_id)
    statement = statements.close_month(household, 2026, 10)
    assert (statement.opening_minutes, statement.minutes_in, statement.minutes_out, statement.closing_minutes) == (0, 120, 0, 120)
    assert statement.per_member == [{"member_id": volunteer.id, "name": volunteer.name, "minutes": 120}]
    again = statements.close_month(household, 2026, 10)
    assert again.id == statement.id and Statement.select().count() == 1
    with pytest.raises(statements.RuleBroken):
        statements.close_month(household, 2026, 11)  # not over yet
    # an entry dated in October is refused by the service and by the database
    clock.freeze(dt.datetime(2026, 10, 31, 23, 0))
    with pytest.raises(ledger.MonthClosed):
        fund(volunteer.household_id, 30, key="late")
    account = account_of(volunteer)
    with pytest.raises(IntegrityError), database.atomic():
        Entry.create(community=account.community_id, seq=999, account=account.id, transfer=statement_transfer(account),
                     minutes=1, balance_after=121, effective_date=dt.date(2026, 10, 5), prev_hash="x", hash="y")
    clock.freeze(dt.datetime(2026, 11, 2, 10, 0))
    fund(volunteer.household_id, 30, key="november")  # corrections go into the current month
    assert ledger_verify.verify() == []


def statement_transfer(account):
    return Entry.get(Entry.account == account.id).transfer_id


def test_gift_needs_a_confirmed_relative_and_respects_the_yearly_cap(people, any_app):
    community, _, resident = people
    relative = make_member(community)
    fund(resident.household_id, 600)
    with pytest.raises(ledger_ops.RuleBroken) as refused:
        ledger_ops.gift(resident, to_household_id=relative.household_id, minutes=60, note="", key="g0")
    assert refused.value.rule == "not_relative"
    kinship = ledger_ops.request_kinship(resident, invite_code=relative.household.invite_code, relation="女儿")
    ledger_ops.confirm_kinship(make_coordinator(community), kinship)
    gift = ledger_ops.gift(resident, to_household_id=relative.household_id, minutes=120, note="给女儿", key="g1")
    assert gift.code == "gift" and account_of(relative).posted_minutes == 120
    any_app.config["GIFT_YEARLY_CAP_MINUTES"] = 150
    from server import runtime

    runtime.configure(any_app.config)
    with pytest.raises(ledger_ops.RuleBroken) as capped:
        ledger_ops.gift(resident, to_household_id=relative.household_id, minutes=60, note="", key="g2")
    assert capped.value.rule == "gift_yearly_cap"
    assert ledger_verify.verify() == []


def test_donation_and_grant_through_the_love_pool(people):
    community, _, resident = people
    elder = make_member(community)
    coordinator = make_coordinator(community)
    fund(resident.household_id, 300)
    with pytest.raises(ledger.InsufficientMinutes):
        ledger_ops.grant(coordinator, Household.get_by_id(elder.household_id), minutes=60, reason="独居老人", key="gr0")
    ledger_ops.donate(resident, minutes=120, note="献爱心", key="d1")
    assert ledger.system_account(community.id, "love_pool").posted_minutes == 120
    grant = ledger_ops.grant(coordinator, Household.get_by_id(elder.household_id), minutes=60, reason="独居老人兜底", key="gr1")
    assert grant.code == "grant" and account_of(elder).posted_minutes == 60
    assert ledger.system_account(community.id, "love_pool").posted_minutes == 60
    assert ledger_verify.verify() == []


def test_a_volunteer_cannot_witness_themself_or_be_witnessed_by_family(people):
    community, volunteer, _ = people
    with pytest.raises(records.RuleBroken) as itself:
        make_record(volunteer, witness=volunteer)
    assert itself.value.rule == "self_witness"
    from server.services.people import core as people_service

    spouse = make_member(household=False)
    people_service.join_household(spouse, invite_code=volunteer.household.invite_code, relation="配偶")
    with pytest.raises(records.RuleBroken) as family:
        make_record(volunteer, witness=spouse)
    assert family.value.rule == "family_witness"


def test_a_hold_from_a_closed_month_is_spent_today(people):
    """Payback held in October, served in November after October closed: the entry is November's."""
    _, _, resident = people
    clock.freeze(dt.datetime(2026, 10, 25, 9, 0))
    fund(resident.household_id, 120)
    hold = ledger.hold(household_id=resident.household_id, minutes=120, key="oct-hold", body={})
    clock.freeze(dt.datetime(2026, 11, 3, 9, 0))
    statements.close_month(Household.get_by_id(resident.household_id), 2026, 10)
    ledger.post_hold(hold.id, minutes=90)
    spent = Entry.select().where(Entry.transfer == hold.id, Entry.minutes < 0).get()
    assert spent.effective_date == dt.date(2026, 11, 3)
    assert ledger_verify.verify() == []
