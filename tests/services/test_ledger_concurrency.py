"""Concurrency on PostgreSQL: guarded updates hold under real parallel transactions.

A deliberately naive read-then-write hold lives here too, to show the harness catches
exactly the bug the guarded UPDATE prevents.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest

from server.db import database
from server.models import Account, Entry, Household, LedgerChain, Member, ServiceRecord, Transfer
from server.services.board import records
from server.services.ledger import core as ledger
from server.services.ledger import ledger_ops, ledger_verify
from tests.factories import (
    headers,
    make_community,
    make_coordinator,
    make_member,
    make_record,
    make_volunteer,
)

pytestmark = pytest.mark.postgres

THREADS, PER_THREAD, HOLD = 16, 25, 60


def naive_hold(household_id: int, minutes: int, key: str) -> None:
    """The bug docs/ledger.md, invariant 2, warns about: check the balance in Python, then write."""
    with database.atomic():
        account = Account.get(Account.household == household_id)
        if account.posted_minutes - account.pending_minutes < minutes:
            raise ledger.InsufficientMinutes("不够")
        time.sleep(0.002)  # the window any real request has between its read and its write
        Transfer.create(community=account.community_id, code="payback", state="pending", idempotency_key=key,
                        body_hash="x", minutes=minutes, hold_account=account.id, effective_date=ledger.clock.today())
        Account.update(pending_minutes=account.pending_minutes + minutes).where(Account.id == account.id).execute()


def guarded_hold(household_id: int, minutes: int, key: str) -> None:
    ledger.hold(household_id=household_id, minutes=minutes, key=key, body={"k": key})


def hammer(hold, household_id: int) -> tuple[int, int, list]:
    """16 threads × 25 holds of 60 minutes at once; returns (successes, refusals, unexpected errors)."""
    barrier = threading.Barrier(THREADS)
    results = []
    lock = threading.Lock()

    def worker(n):
        barrier.wait()
        outcome = []
        try:
            for i in range(PER_THREAD):
                try:
                    hold(household_id, HOLD, f"t{n}-{i}")
                    outcome.append("ok")
                except ledger.InsufficientMinutes:
                    outcome.append("refused")
                except Exception as exc:  # noqa: BLE001 - counted and reported
                    outcome.append(exc)
        finally:
            database.close()
        with lock:
            results.extend(outcome)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok = results.count("ok")
    return ok, results.count("refused"), [r for r in results if not isinstance(r, str)]


def exact(household_id: int, ok: int) -> list[str]:
    """What must hold afterwards; returns the broken promises."""
    account = Account.get(Account.household == household_id)
    broken = []
    if ok != 100:
        broken.append(f"{ok} holds succeeded, expected 100")
    if account.posted_minutes - account.pending_minutes != 0:
        broken.append(f"available is {account.posted_minutes - account.pending_minutes}, expected 0")
    if account.pending_minutes != ok * HOLD:
        broken.append(f"cached pending {account.pending_minutes} != {ok * HOLD} held")
    return broken


@pytest.fixture
def funded(pg_app):
    community = make_community()
    resident = make_member(community)
    ledger_ops.adjust(make_coordinator(community), Household.get_by_id(resident.household_id), minutes=6000,
                      reason="测试", key="fund-6000")
    return resident.household_id


def test_guarded_holds_are_exact_under_contention(funded):
    ok, refused, errors = hammer(guarded_hold, funded)
    assert errors == []  # refused cleanly, nothing else
    assert refused == THREADS * PER_THREAD - 100
    assert exact(funded, ok) == []
    assert ledger_verify.verify() == []


def test_the_harness_catches_a_naive_read_then_write(funded):
    ok, _, _ = hammer(naive_hold, funded)
    assert exact(funded, ok) != [], "the naive variant should overdraw or lose holds under contention"


def test_twenty_requests_with_one_idempotency_key_make_one_transfer(pg_app):
    community = make_community()
    resident = make_member(community)
    coordinator = make_coordinator(community)
    auth = {**headers(pg_app, coordinator), "Idempotency-Key": "same-key-for-all-20"}
    body = {"household_id": resident.household_id, "minutes": 90, "reason": "活动补记"}
    barrier = threading.Barrier(20)

    def call(_):
        client = pg_app.test_client()
        barrier.wait()
        try:
            answer = client.post("/api/v1/ledger/adjustments", json=body, headers=auth)
            return answer.status_code, answer.get_data(as_text=True)
        finally:
            database.close()

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(call, range(20)))
    assert {status for status, _ in answers} == {201}
    assert len({text for _, text in answers}) == 1  # identical responses
    assert Transfer.select().where(Transfer.code == "adjustment").count() == 1
    assert Account.get(Account.household == resident.household_id).posted_minutes == 90


def test_simultaneous_confirmations_credit_once(pg_app):
    community = make_community()
    volunteer, _ = make_volunteer(community)
    witness = make_member(community)
    record = make_record(volunteer, witness=witness, minutes=120)
    coordinator = make_coordinator(community)
    barrier = threading.Barrier(3)

    def witness_taps():
        return records.confirm(Member.get_by_id(witness.id), ServiceRecord.get_by_id(record.id))

    def coordinator_approves():
        return records.approve(Member.get_by_id(coordinator.id), ServiceRecord.get_by_id(record.id))

    def run(action):
        barrier.wait()
        try:
            action()
            return "credited"
        except records.RecordStateError:
            return "refused"
        finally:
            database.close()

    with ThreadPoolExecutor(3) as pool:
        outcomes = list(pool.map(run, [witness_taps, witness_taps, coordinator_approves]))
    assert sorted(outcomes) == ["credited", "refused", "refused"]
    assert Transfer.select().where(Transfer.record_id == record.id).count() == 1
    assert Account.get(Account.household == volunteer.household_id).posted_minutes == 120
    assert ledger_verify.verify() == []


def test_a_payback_confirmation_locks_the_elders_account_with_the_credit_before_any_chain_head(pg_app, postgres_url):
    """Confirming a payback credits the volunteer (accounts, then the chain head) and spends the elder's hold in
    the same transaction. Were the elder's account locked only then, after the chain head, a gift by the elder at
    that moment (the elder's account, then the chain head) would deadlock with it: so the credit's first statement
    locks it too. Checked without timing: while that statement's locks are held, another connection cannot take
    the elder's account (NOWAIT), and the chain head is still free."""
    import psycopg2
    from psycopg2 import errors

    community = make_community()
    volunteer, _ = make_volunteer(community)
    elder = make_member(community)
    other = psycopg2.connect(postgres_url)
    other.autocommit = True

    def lockable(sql, *params):
        try:
            other.cursor().execute(sql + " NOWAIT", params)
            return True
        except errors.LockNotAvailable:
            return False

    elder_account = "SELECT id FROM account WHERE household_id = %s FOR UPDATE"
    chain_head = "SELECT id FROM ledger_chain WHERE community_id = %s FOR UPDATE"
    try:
        with database.atomic():
            ledger.accounts_for_credit(volunteer.household_id, community.id, also_lock=elder.household_id)
            assert not lockable(elder_account, elder.household_id)
            assert lockable(chain_head, community.id)
        with database.atomic():  # without it, as before: the elder's account is free until the hold is spent
            ledger.accounts_for_credit(volunteer.household_id, community.id)
            assert lockable(elder_account, elder.household_id)
    finally:
        other.close()


def test_postings_of_one_community_at_once_keep_one_unbroken_chain(pg_app):
    """Postings in one community that share no account (household to household) meet only at its chain
    head, which each takes in its transfer's INSERT; with confirmations (issuance, love pool) among them,
    all land, numbered one after another, and the chain verifies."""
    community = make_community()
    coordinator = make_coordinator(community)
    pairs = [(make_member(community), make_member(community)) for _ in range(6)]
    for giver, _ in pairs:
        ledger_ops.adjust(coordinator, Household.get_by_id(giver.household_id), minutes=60, reason="测试",
                          key=f"fund-{giver.id}")
    witness = make_member(community)
    waiting = [make_record(make_volunteer(community)[0], witness=witness, minutes=60) for _ in range(4)]
    barrier = threading.Barrier(len(pairs) + len(waiting))

    def give(pair):
        giver, receiver = (Account.get(Account.household == member.household_id) for member in pair)
        return ledger.post(community_id=community.id, code="gift", key=f"gift-{giver.id}", body={"to": receiver.id},
                           account_ids=[giver.id, receiver.id],
                           legs_for=lambda accounts: ([ledger.Leg(giver.id, -30), ledger.Leg(receiver.id, 30)], None))

    def confirm(record):
        return records.confirm(Member.get_by_id(witness.id), ServiceRecord.get_by_id(record.id))

    def run(job):
        action, argument = job
        barrier.wait()
        try:
            action(argument)
            return "posted"
        finally:
            database.close()

    with ThreadPoolExecutor(len(pairs) + len(waiting)) as pool:
        outcomes = list(pool.map(run, [(give, pair) for pair in pairs] + [(confirm, record) for record in waiting]))
    assert outcomes == ["posted"] * (len(pairs) + len(waiting))
    seqs = [e.seq for e in Entry.select(Entry.seq).where(Entry.community == community.id).order_by(Entry.seq)]
    assert seqs == list(range(1, len(seqs) + 1))
    assert LedgerChain.get(LedgerChain.community == community.id).last_seq == len(seqs)
    assert ledger_verify.verify() == []


@contextmanager
def _account_held(postgres_url, household_id: int):
    """Another connection holds the household's account (as a confirmation or a gift of that household would)
    until the block ends. Yields (that connection, wait): `wait(count, pending)` returns once PostgreSQL shows
    `count` sessions waiting for a lock or one of the `pending` futures is done (a minute at most): no timing."""
    import psycopg2

    holder, watch = psycopg2.connect(postgres_url), psycopg2.connect(postgres_url)
    # Each count its own transaction: inside one, PostgreSQL answers pg_stat_activity from the snapshot it
    # took at the transaction's first look, and the count never moves.
    watch.autocommit = True
    waiting = watch.cursor()

    def wait(count: int, pending: list) -> None:
        for _ in range(6000):
            waiting.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            "AND wait_event_type = 'Lock'")
            if waiting.fetchone()[0] >= count or any(future.done() for future in pending):
                return
            time.sleep(0.01)

    try:
        holder.cursor().execute("SELECT id FROM account WHERE household_id = %s FOR UPDATE", (household_id,))
        yield holder, wait
    finally:
        holder.close()
        watch.close()


def _closing(job):
    """`job` for a thread of its own: its connection closed when it ends."""
    def run():
        try:
            return job()
        finally:
            database.close()

    return run


def _one_after_another(postgres_url, household_id: int, *jobs) -> list:
    """Run `jobs` (functions of no arguments, each in a thread of its own) so that each waits for a lock before
    the next starts, then let all go: another connection holds the household's account meanwhile. The jobs'
    answers."""
    with _account_held(postgres_url, household_id) as (holder, wait), ThreadPoolExecutor(len(jobs)) as pool:
        pending = []
        for job in jobs:
            pending.append(pool.submit(_closing(job)))
            wait(len(pending), pending)
        holder.rollback()
        return [future.result() for future in pending]


def _confirming(witness, record):
    """A job for `_one_after_another`: the witness confirms the record; the minutes credited."""
    return lambda: records.confirm(Member.get_by_id(witness.id), ServiceRecord.get_by_id(record.id)).credited_minutes


def test_two_confirmations_of_one_volunteers_day_keep_to_the_daily_cap(pg_app, postgres_url):
    """Two of a volunteer's services of one day, 300 and 240 minutes, confirmed at the same moment: 480 (the
    daily cap) is credited in all, not 540. Each confirmation must read the day's credited minutes only once
    it holds the volunteer's account: read before, both saw an empty day. Another connection holds that
    account until both confirmations wait (`_one_after_another`)."""
    from server import clock
    from tests.factories import afternoon

    clock.freeze(afternoon())  # both records on one day whatever the hour
    community = make_community()
    volunteer, _ = make_volunteer(community)
    witness = make_member(community)
    morning = make_record(volunteer, witness=witness, minutes=300, days_ago=1, start_hour=8)
    later = make_record(volunteer, witness=witness, minutes=100, days_ago=1, start_hour=14)
    # The day past the cap another way (as an event's record can): 300 + 240 = 540 minutes reported.
    ServiceRecord.update(duration_minutes=240).where(ServiceRecord.id == later.id).execute()
    credited = sorted(_one_after_another(postgres_url, volunteer.household_id, _confirming(witness, morning),
                                         _confirming(witness, later)))
    assert sum(credited) == 480 and credited in ([180, 300], [240, 240])
    assert Account.get(Account.household == volunteer.household_id).posted_minutes == 480
    assert ledger_verify.verify() == []


def test_a_correction_beside_a_confirmation_of_the_same_day_keeps_to_the_daily_cap(pg_app, postgres_url, monkeypatch):
    """A credited 4-hour service corrected to 8 hours while the witness confirms another 4 hours of the same day:
    480 minutes (the daily cap) credited in all, not 720; the correction sizes the day once it holds the
    volunteer's account, after the confirmation. (A correction's check of the reported hours would refuse 8 more
    hours on that day: switched off here, the day is as two reports of one moment can leave it.)"""
    import datetime as dt

    from server import clock, runtime
    from server.services.board import corrections
    from tests.factories import afternoon

    monkeypatch.setitem(runtime._settings, "CORRECTION_APPROVAL_MINUTES", 600)  # posted at once
    monkeypatch.setattr(records, "_check_day", lambda *args, **kwargs: None)
    clock.freeze(afternoon())
    community = make_community()
    coordinator = make_coordinator(community)
    volunteer, _ = make_volunteer(community)
    witness = make_member(community)
    corrected = records.confirm(Member.get_by_id(witness.id),
                                make_record(volunteer, witness=witness, minutes=240, days_ago=1, start_hour=8))
    waiting = make_record(volunteer, witness=witness, minutes=240, days_ago=1, start_hour=14)
    start = corrected.started_at.replace(hour=6)

    def correct():
        corrections.request(Member.get_by_id(coordinator.id), ServiceRecord.get_by_id(corrected.id),
                            started_at=start, ended_at=start + dt.timedelta(hours=8), reason="实际从早上6点做到下午2点")
        return ServiceRecord.get_by_id(corrected.id).credited_minutes

    confirmed, corrected_to = _one_after_another(postgres_url, volunteer.household_id, _confirming(witness, waiting),
                                                 correct)
    assert (confirmed, corrected_to) == (240, 240)  # the confirmation went first: the day had 240 minutes left
    assert Account.get(Account.household == volunteer.household_id).posted_minutes == 480
    assert ledger_verify.verify() == []


def test_an_import_of_paper_records_beside_a_confirmation_of_the_same_day_keeps_to_the_daily_cap(pg_app,
                                                                                                   postgres_url):
    """An imported paper record (5 hours) of a day whose other 5-hour service the witness confirms at the same
    moment: 480 minutes credited in all, not 600; the import reads the day once it holds the account. (The
    import's checks would refuse a day past the cap: posted here without them, the day is as two reports of
    one moment can leave it, each checked before the other was written.)"""
    import datetime as dt

    from server import clock
    from server.models import ServiceCategory
    from server.services.imports import posting
    from tests.factories import afternoon

    clock.freeze(afternoon())
    community = make_community()
    coordinator = make_coordinator(community)
    volunteer, _ = make_volunteer(community)
    witness = make_member(community)
    waiting = make_record(volunteer, witness=witness, minutes=300, days_ago=1, start_hour=8)
    start = waiting.started_at.replace(hour=14)
    item = {"volunteer_id": volunteer.id, "volunteer_household_id": volunteer.household_id,
            "recipient_id": witness.id, "recipient_household_id": witness.household_id,
            "category_id": ServiceCategory.get(ServiceCategory.code == "repairs").id, "item_id": None,
            "place": "3号楼", "started_at": start, "ended_at": start + dt.timedelta(minutes=300),
            "duration_minutes": 300, "content": "纸质记录单", "witness_name": witness.name, "witness_phone": ""}

    def import_one():
        with database.atomic():
            return posting.service_records(Member.get_by_id(coordinator.id), community.id, [item])["minutes"]

    confirmed, imported = _one_after_another(postgres_url, volunteer.household_id, _confirming(witness, waiting),
                                             import_one)
    assert (confirmed, imported) == (300, 180)
    assert Account.get(Account.household == volunteer.household_id).posted_minutes == 480
    assert ledger_verify.verify() == []


def _chain_head_free_while_waiting(postgres_url, household_id: int, community_id: int, job) -> tuple[bool, object]:
    """Run `job` in a thread while another connection holds the household's account, as a gift by that household
    holds it before it takes its chain head. Once the job waits for a lock, is the community's chain head still
    free to take (NOWAIT)? Were the job holding it, that gift would deadlock with it. Then let go: (free, the
    job's answer)."""
    from psycopg2 import errors

    with _account_held(postgres_url, household_id) as (holder, wait), ThreadPoolExecutor(1) as pool:
        pending = pool.submit(_closing(job))
        wait(1, [pending])
        try:
            holder.cursor().execute("SELECT id FROM ledger_chain WHERE community_id = %s FOR UPDATE NOWAIT",
                                    (community_id,))
            free = True
        except errors.LockNotAvailable:
            free = False
        holder.rollback()
        return free, pending.result()


def test_an_import_of_opening_balances_takes_every_account_before_the_chain_head(pg_app, postgres_url):
    """Opening balances of two households in one import, while the second household gives a gift (its account
    held, the chain head next): the import takes both accounts before the chain head, so the gift's next lock
    is free and nothing deadlocks. Posting one after another, the import held the chain head from the first
    balance while it waited for the second household's account."""
    from server.services.imports import posting

    community = make_community()
    coordinator = make_coordinator(community)
    first, second = make_member(community), make_member(community)
    items = [{"household_id": member.household_id, "minutes": 120, "passbook_no": f"P-{n}", "paper_date": None}
             for n, member in enumerate((first, second))]

    def import_both():
        with database.atomic():
            return posting.opening_balances(Member.get_by_id(coordinator.id), community.id, items)["minutes"]

    free, imported = _chain_head_free_while_waiting(postgres_url, second.household_id, community.id, import_both)
    assert free and imported == 240
    assert {a.household_id: a.posted_minutes for a in Account.select().where(
        Account.household.in_([first.household_id, second.household_id]))} == {
        first.household_id: 120, second.household_id: 120}
    assert ledger_verify.verify() == []


def test_an_import_of_paper_records_takes_every_account_before_the_chain_head(pg_app, postgres_url):
    """Two volunteers' paper records in one import, while the second volunteer's household gives a gift: as
    above, every account first, then the chain head."""
    import datetime as dt

    from server.models import ServiceCategory
    from server.services.imports import posting

    community = make_community()
    coordinator = make_coordinator(community)
    witness = make_member(community)
    volunteers = [make_volunteer(community)[0] for _ in range(2)]
    start = dt.datetime.combine(ledger.clock.today() - dt.timedelta(days=3), dt.time(9))
    repairs = ServiceCategory.get(ServiceCategory.code == "repairs").id
    items = [{"volunteer_id": v.id, "volunteer_household_id": v.household_id, "recipient_id": witness.id,
              "recipient_household_id": witness.household_id, "category_id": repairs, "item_id": None,
              "place": "3号楼", "started_at": start, "ended_at": start + dt.timedelta(minutes=60),
              "duration_minutes": 60, "content": "纸质记录单", "witness_name": witness.name, "witness_phone": ""}
             for v in volunteers]

    def import_both():
        with database.atomic():
            return posting.service_records(Member.get_by_id(coordinator.id), community.id, items)["minutes"]

    free, imported = _chain_head_free_while_waiting(postgres_url, volunteers[1].household_id, community.id,
                                                    import_both)
    assert free and imported == 120
    assert [Account.get(Account.household == v.household_id).posted_minutes for v in volunteers] == [60, 60]
    assert ledger_verify.verify() == []


def test_a_move_takes_the_households_account_before_the_chain_heads(pg_app, postgres_url):
    """迁移 accepted while the moving household gives a gift: the move takes the household's account before
    either community's chain head (before, it took both heads first, then waited for the account)."""
    from server.services.ledger import moves
    from tests.resources.test_clearing import _fund
    from tests.resources.test_moves import _ask, _world

    client, hpl, xfy, hpl_station, xfy_station, _ = _world(pg_app)
    mover = make_member(hpl)
    _fund(client, mover.household_id, 90, hpl_station, "fund-mover")
    asked = _ask(client, mover.household_id, xfy, headers(pg_app, mover), key="move-locks")
    assert asked.status_code == 201, asked.json
    station = Member.get(Member.community == xfy.id, Member.roles.contains("coordinator"))
    database.close()

    free, moved = _chain_head_free_while_waiting(
        postgres_url, mover.household_id, hpl.id, lambda: moves.accept(Member.get_by_id(station.id), asked.json["id"]))
    assert free and moved.minutes == 90
    account = Account.get(Account.household == mover.household_id)
    assert (account.community_id, account.posted_minutes) == (xfy.id, 90)
    assert ledger_verify.verify() == []
