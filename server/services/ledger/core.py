"""The hours ledger: double entry in integer minutes, append-only, idempotent, tamper-evident.

Design overview
---------------
Learned from TigerBeetle (ids as idempotency keys, pending/posted balances, immutable
transfers, corrections as new transfers) and django-hordak (legs that sum to zero). The
invariants are numbered as in docs/ledger.md, which tells the whole design and why:

* Accounts. Each household has one; each community has two system accounts: `issuance`,
  which emits hours when service is credited and takes them back when they are
  redeemed (its balance is minus everything in circulation), and `love_pool` (爱心池),
  which receives overflow and donations and grants to elders in hardship (and the balance
  of a household closed because its last member was erased), and `clearing` (清算), through
  which hours cross to and from the other communities of its network.
* A movement between two communities passes through both clearing accounts (giver −n,
  giver's clearing +n | receiver's clearing −n, receiver +n), so each community's legs
  sum to zero, a clearing balance is the community's net position and a network's
  clearing balances sum to zero; no position passes the community's limit (invariant 10).
  Each leg goes on its own community's chain; both heads are locked in community order.
* Transfers say why hours moved (`code`). A posted transfer has entries (legs), one per
  account it touches, with signed minutes that sum to zero (invariant 1). A pending
  transfer is a hold on one household account: it raises `pending_minutes` and has no
  entries until it is posted (at most the held minutes; the rest is released) or
  voided (invariant 7); posting 0 minutes voids it. The state change is a guarded UPDATE,
  so it happens once (6).
* Every transfer carries an idempotency key (UNIQUE). The same key with the same body
  returns the first transfer; with another body it is refused with 409 (invariant 5).
* Balances are cached on the account and changed only by guarded UPDATEs whose row
  count is checked (`WHERE posted - pending >= n`); the verifier recomputes them from
  the entries (invariants 2, 3).
* Entries are append-only (database triggers refuse UPDATE and DELETE); a mistake is
  fixed by a `reversal` transfer naming the original, with a reason (invariant 4).
* Each entry is numbered within its community and hashed with the previous entry's
  hash; the chain head row is locked while posting, which also serialises a
  community's postings (invariant 8).
* A household's closed month (a statement) accepts no entry dated inside it, enforced
  here and by a trigger; entries are dated on the day they are posted (invariant 9).

Hours have no cash value: no code buys, sells or converts them, and none may be added.
"""

import datetime as dt
import hashlib
import json
from contextlib import nullcontext
from dataclasses import dataclass

from peewee import SQL, IntegrityError, fn

from server import clock
from server.db import Prepared, database, instance, is_postgres
from server.errors import Conflict, LoveBankError, NotFound, RuleBroken
from server.models import (
    Account,
    Community,
    Entry,
    Household,
    LedgerChain,
    MemberYear,
    NetworkMember,
    Transfer,
)
from server.services.ledger import balances

CODES = {
    "service_credit": "服务存入",
    "event_credit": "活动存入",
    "payback": "优先回馈支出",
    "reversal": "冲正",
    "adjustment": "调整",
    "gift": "亲情转赠",
    "donation": "捐入爱心池",
    "grant": "爱心池帮扶",
    "household_closed": "销户转入爱心池",
    "statement_import": "存折转入(外部)",
    "move": "迁移",
    "opening": "纸质存折转入",
}
SYSTEM_KINDS = ("issuance", "love_pool", "clearing")
GENESIS_HASH = "0" * 64


class InsufficientMinutes(RuleBroken):
    """Invariant 2: a household's posted minus held minutes never goes below zero."""

    rule = "insufficient_minutes"


class IdempotencyConflict(Conflict):
    """Invariant 5: one key, one body."""

    rule = "idempotency_key_reused"


class AlreadyResolved(Conflict):
    """Invariant 6: a hold is posted or voided once; a transfer is reversed once."""

    rule = "already_resolved"


class LimitExceeded(RuleBroken):
    """Invariant 10: a community's net position towards its network stays within its limit."""

    rule = "network_limit"


class MonthClosed(Conflict):
    """Invariant 9: a closed month accepts no entries."""

    rule = "month_closed"


@dataclass(frozen=True)
class Leg:
    account_id: int
    minutes: int
    # The chain the leg goes on when not its account's community: a household that moves (迁移) leaves
    # its old community on one leg and arrives in the new one on the next, on the same account.
    community_id: int | None = None


# --- accounts -----------------------------------------------------------------------


def open_household_account(household: Household) -> Account:
    Account.insert(
        key=f"household:{household.id}", community=household.community_id, household=household, kind="household",
        opened_at=clock.now(),
    ).on_conflict_ignore().execute()
    return Account.get(Account.key == f"household:{household.id}")


def open_community_accounts(community) -> None:
    for kind in SYSTEM_KINDS:
        Account.insert(key=f"{kind}:{community.id}", community=community, kind=kind,
                       opened_at=clock.now()).on_conflict_ignore().execute()
    LedgerChain.insert(community=community).on_conflict_ignore().execute()


_ACCOUNT_OF_HOUSEHOLD = Prepared(lambda household_id: Account.select().where(Account.household == household_id))


def household_account(household_id: int) -> Account:
    account = _ACCOUNT_OF_HOUSEHOLD.first(household_id)
    if account is None:
        raise NotFound("这个家庭还没有存折账户")
    return account


_SYSTEM_ACCOUNTS = Prepared(lambda community_id: Account.select().where(
    Account.community == community_id, Account.household.is_null()).order_by(Account.kind))


def system_accounts(community_id: int) -> tuple[Account, Account]:
    """The community's (issuance, love_pool) accounts."""
    by_kind = {account.kind: account for account in _SYSTEM_ACCOUNTS.rows(community_id)}
    return by_kind["issuance"], by_kind["love_pool"]


# What posting a credit reads of an account (integers and text: they come back as stored).
_CREDIT_FIELDS = (Account.id, Account.community, Account.household, Account.kind, Account.posted_minutes,
                  Account.pending_minutes)
_CREDIT_NAMES = [field.name for field in _CREDIT_FIELDS]
_CREDIT_ACCOUNTS = Prepared(lambda household_id: Account.select(
    *_CREDIT_FIELDS, LedgerChain.id, LedgerChain.last_seq, LedgerChain.last_hash,
).join(LedgerChain, on=(LedgerChain.community == Account.community)).where(
    (Account.household == household_id)
    | (Account.household.is_null() & (Account.community == Account.select(Account.community)
                                      .where(Account.household == household_id)))).tuples())


# PostgreSQL, crediting a household of the community the caller names: the three accounts read and locked
# (in id order, as every posting takes them) in one statement, with another household's account of that
# community the same transaction posts to next (a payback's hold). No rows for the household: it is elsewhere.
def _credit_accounts_locking(household_id, also_household_id, community_id):
    return Account.select(*_CREDIT_FIELDS).where(
        (Account.community == community_id)
        # nothing at all (nothing locked) when the household's account is in another community
        & (Account.community == Account.select(Account.community).where(Account.household == household_id))
        & ((Account.household == household_id) | (Account.household == also_household_id)
           | (Account.household.is_null() & Account.kind.in_(["issuance", "love_pool"])))).order_by(Account.id) \
        .for_update()


_CREDIT_ACCOUNTS_LOCKED = Prepared(lambda *params: _credit_accounts_locking(*params).tuples())


def credit_locking(household_id, also_household_id, community_id, *reading):
    """The credit's accounts locked as `_CREDIT_ACCOUNTS_LOCKED` locks them, then (a second branch of one UNION ALL,
    which PostgreSQL runs after the first has returned every row) the community's chain head locked and the
    transfer's id drawn from its sequence: accounts before the chain head, as every posting takes them.
    `reading`: columns of the caller's in the chain head's row (read in the statement's snapshot, taken before
    any lock was waited for: what another transaction committed meanwhile is not in them)."""
    locked = _credit_accounts_locking(household_id, also_household_id, community_id).cte("locked")
    head = LedgerChain.select(LedgerChain.id, LedgerChain.last_seq, LedgerChain.last_hash).where(
        (LedgerChain.community == community_id)
        # An aggregate reads every locked row, so the head waits for all the accounts whatever order the branches
        # ran in (an EXISTS would stop at the household's row, before the accounts sorted after it).
        & Account.select(fn.BOOL_OR(locked.c.household_id == household_id)).from_(locked)).for_update().cte("head")
    accounts = Account.select(*[getattr(locked.c, field.column_name) for field in _CREDIT_FIELDS],
                              *[SQL("NULL")] * (4 + len(reading))).from_(locked)
    drawn = fn.nextval(fn.pg_get_serial_sequence(Transfer._meta.table_name, "id"))
    taken = Account.select(*[SQL("NULL")] * len(_CREDIT_FIELDS), head.c.id, head.c.last_seq, head.c.last_hash, drawn,
                           *reading).from_(head)
    return (accounts + taken).with_cte(locked, head).tuples()


def accounts_for_credit(household_id: int, community_id: int | None = None, *, also_lock: int | None = None
                        ) -> tuple[Account, Account, Account, LedgerChain | None]:
    """(household, issuance, love_pool, the community's chain head) for crediting a household, in one query
    (the accounts hold the fields posting reads).

    On PostgreSQL, given the community the household is expected in (a record's), the accounts come back
    locked and the chain head as None (`post` locks it, after the accounts): pass them to `post` with
    `locked=True`. A household found in another community is read as without `community_id`, unlocked
    (its caller locks what a crossing touches first). `also_lock`: another household of that community whose
    account the same transaction posts to after the chain head is taken (a payback's hold, spent when its
    service is confirmed), locked in this one statement so that the accounts are all taken before the chain
    head, in id order, as every posting takes them: a gift by that household at the same moment cannot
    deadlock with the confirmation."""
    if community_id is not None and is_postgres():
        rows = _CREDIT_ACCOUNTS_LOCKED.tuples(household_id, also_lock or household_id, community_id)
        by_kind = {row[3]: instance(Account, dict(zip(_CREDIT_NAMES, row, strict=True))) for row in rows
                   if row[3] != "household" or row[2] == household_id}
        if "household" in by_kind:
            return by_kind["household"], by_kind["issuance"], by_kind["love_pool"], None
    rows = _CREDIT_ACCOUNTS.tuples(household_id)
    accounts = [instance(Account, dict(zip(_CREDIT_NAMES, row, strict=False))) for row in rows]
    by_kind = {account.kind: account for account in accounts}
    if "household" not in by_kind:
        raise NotFound("这个家庭还没有存折账户")
    household = by_kind["household"]
    chain_id, last_seq, last_hash = rows[0][len(_CREDIT_NAMES):]  # every row carries the same chain head
    chain = instance(LedgerChain, {"id": chain_id, "community": household.community_id, "last_seq": last_seq,
                                   "last_hash": last_hash})
    return household, by_kind["issuance"], by_kind["love_pool"], chain


def credit_accounts_and_head(household_id: int, community_id: int, *, reading: Prepared, params=(),
                             also_lock: int | None = None):
    """PostgreSQL, crediting a household of `community_id`: (household, issuance, love_pool, the chain head, an id
    for the transfer, the values of `reading`'s own columns) in one statement, the accounts locked in id order and
    then the chain head, for `planned_posting`; None when the household's account is in another community
    (nothing locked) or its community has no chain head (the caller's transaction must end). `reading`:
    a `Prepared` of `credit_locking` with the caller's columns, their parameters `params`."""
    household = issuance = pool = chain = transfer_id = None
    read = ()
    for row in reading.tuples(household_id, also_lock or household_id, community_id, *params):
        if row[0] is None:
            chain_id, last_seq, last_hash, transfer_id, *read = row[len(_CREDIT_NAMES):]
            chain = instance(LedgerChain, {"id": chain_id, "community": community_id, "last_seq": last_seq,
                                           "last_hash": last_hash})
            continue
        account = instance(Account, dict(zip(_CREDIT_NAMES, row, strict=False)))
        if account.kind == "issuance":
            issuance = account
        elif account.kind == "love_pool":
            pool = account
        elif account.household_id == household_id:
            household = account
    if household is None or chain is None:
        return None
    return household, issuance, pool, chain, transfer_id, tuple(read)


def system_account(community_id: int, kind: str) -> Account:
    """The community's `issuance`, `love_pool` or `clearing` account."""
    by_kind = {account.kind: account for account in _SYSTEM_ACCOUNTS.rows(community_id)}
    return by_kind[kind]


def available(account: Account) -> int:
    return account.posted_minutes - account.pending_minutes


# --- idempotency --------------------------------------------------------------------


def body_hash(body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


_TRANSFER_BY_KEY = Prepared(lambda key: Transfer.select().where(Transfer.idempotency_key == key))


def _replay(key: str, digest: str) -> Transfer | None:
    existing = _TRANSFER_BY_KEY.first(key)
    if existing is None:
        return None
    if existing.body_hash != digest:
        raise IdempotencyConflict("这个操作编号已经用于另一笔不同的记账，请勿重复使用", field="idempotency_key")
    return existing


_TRANSFER_COLUMNS = ("community", "counter_community", "code", "state", "minutes", "posted_minutes", "hold_account", "reverses", "record_id",
                     "reason", "details", "actor", "on_behalf_of", "effective_date", "created_at", "resolved_at")
_INSERT_TRANSFER = Prepared(lambda key, digest, *values: Transfer.insert(
    idempotency_key=key, body_hash=digest, **dict(zip(_TRANSFER_COLUMNS, values, strict=True))))


# PostgreSQL: a key already taken inserts nothing and returns no id, and the transaction goes on (a failed
# INSERT would abort it unless it ran in a savepoint: two statements more on every posting).
def _transfer_inserting(key, digest, values, **given):
    """The transfer's INSERT that a key already taken leaves undone (PostgreSQL: ON CONFLICT DO NOTHING). `given`:
    columns set besides (its id, drawn before)."""
    return Transfer.insert(idempotency_key=key, body_hash=digest, **given,
                           **dict(zip(_TRANSFER_COLUMNS, values, strict=True))
                           ).on_conflict(action="IGNORE", conflict_target=[Transfer.idempotency_key])


_INSERT_TRANSFER_ONCE = Prepared(lambda key, digest, *values: _transfer_inserting(key, digest, values))


# PostgreSQL, a posting in one community: the same INSERT then locks the community's chain head and returns it
# (its RETURNING reads a FOR UPDATE in its WITH), one round trip fewer. The head is taken after the row is in,
# still after the accounts; a key already taken returns nothing and locks nothing (the posting is a replay).
_HEAD = LedgerChain.select(LedgerChain.id, LedgerChain.last_seq, LedgerChain.last_hash)
_INSERT_TRANSFER_TAKING_HEAD = Prepared(lambda community_id, key, digest, *values: _transfer_inserting(
    key, digest, values).with_cte(
    _HEAD.where(LedgerChain.community == community_id).for_update().cte("head")).returning(
    Transfer.id, *[SQL(f'(SELECT "{name}" FROM "head")') for name in ("id", "last_seq", "last_hash")]))


def _transfer_values(fields: dict) -> tuple[dict, list]:
    """A transfer's column values (a related row by its id) and its INSERT's parameters, in `_TRANSFER_COLUMNS`."""
    values = {name: fields.get(name) for name in _TRANSFER_COLUMNS}
    for name in ("community", "counter_community", "hold_account", "reverses", "actor", "on_behalf_of"):
        value = values[name]
        values[name] = value.id if hasattr(value, "id") else value
    params = [Transfer.details.db_value(values[name]) if name == "details" else values[name]
              for name in _TRANSFER_COLUMNS]
    return values, params


def _insert_transfer(key: str, digest: str, fields: dict, chains: dict | None = None) -> Transfer | None:
    """The new transfer; None on PostgreSQL when the key is taken (SQLite raises IntegrityError).

    `chains` given (PostgreSQL, a posting in one community: `fields["community"]`): that community's chain
    head, locked by the same statement, is put in it."""
    values, params = _transfer_values(fields)
    if chains is not None:
        rows = _INSERT_TRANSFER_TAKING_HEAD.tuples(values["community"], key, digest, *params)
        if not rows:
            return None
        transfer_id, chain_id, last_seq, last_hash = rows[0]
        chains[values["community"]] = instance(LedgerChain, {"id": chain_id, "community": values["community"],
                                                             "last_seq": last_seq, "last_hash": last_hash})
    elif is_postgres():
        transfer_id = _INSERT_TRANSFER_ONCE.scalar(key, digest, *params)
        if transfer_id is None:
            return None
    else:
        transfer_id = _INSERT_TRANSFER.insert(key, digest, *params)
    return instance(Transfer, {"id": transfer_id, "idempotency_key": key, "body_hash": digest, **values})


def _create_transfer(key: str, body: dict, *, digest: str | None = None, chains: dict | None = None,
                     **fields) -> tuple[Transfer, bool]:
    """Insert the transfer, or return the one already made with this key (created=False).

    `digest` given (the body's hash): insert at once and let the key's UNIQUE index find a
    replay, one query fewer for the usual first post. `chains`: see `_insert_transfer`.
    """
    replayed, digest = digest is not None, digest or body_hash(body)
    if not replayed:
        existing = _replay(key, digest)
        if existing is not None:
            return existing, False
    # PostgreSQL inserts ON CONFLICT (the key) DO NOTHING: a transfer someone else posted under the key
    # meanwhile waits for their commit and is then found; SQLite undoes only the failed statement (and
    # serialises writers, so the race cannot happen there).
    fields.setdefault("details", {})
    try:
        transfer = _insert_transfer(key, digest, fields, chains)
    except IntegrityError:
        existing = None if is_postgres() else _replay(key, digest)
        if existing is None:
            raise  # another UNIQUE (a transfer reversed twice): on PostgreSQL the caller's transaction ends
        return existing, False
    if transfer is None:  # PostgreSQL: the key was taken
        existing = _replay(key, digest)
        if existing is None:
            raise IntegrityError(f"transfer key {key!r} is taken, yet no transfer has it")
        return existing, False
    return transfer, True


# --- locking, balances and the chain -----------------------------------------------


def _locking(query):
    return query.for_update() if is_postgres() else query


_CHAIN = Prepared(lambda community_id: _locking(LedgerChain.select().where(LedgerChain.community == community_id)))
_TWO_CHAINS = Prepared(lambda first, second: _locking(LedgerChain.select().where(
    LedgerChain.community.in_([first, second])).order_by(LedgerChain.community)))
_ACCOUNTS = {n: Prepared(lambda *ids: _locking(Account.select().where(Account.id.in_(list(ids))).order_by(Account.id)))
             for n in (1, 2, 3, 4)}


def _lock_chains(community_ids) -> dict[int, LedgerChain]:
    """Lock the hash-chain heads (PostgreSQL: FOR UPDATE, in community order)."""
    ids = sorted(set(community_ids))
    if len(ids) == 1:
        return {ids[0]: _CHAIN.first(ids[0])}
    if len(ids) == 2:
        return {chain.community_id: chain for chain in _TWO_CHAINS.rows(*ids)}
    query = _locking(LedgerChain.select().where(LedgerChain.community.in_(ids)).order_by(LedgerChain.community))
    return {chain.community_id: chain for chain in query}


def hold_community(community_id: int) -> None:
    """Inside the caller's transaction, no transfer of the community is written until it ends
    (its chain head is locked), so sums read now stay true until the caller has stored them."""
    _lock_chains([community_id])


def _lock_accounts(account_ids) -> dict[int, Account]:
    """PostgreSQL: row locks in id order. SQLite: the IMMEDIATE transaction already holds the write lock."""
    ids = sorted(set(account_ids))
    prepared = _ACCOUNTS.get(len(ids))
    rows = prepared.rows(*ids) if prepared else _locking(Account.select().where(Account.id.in_(ids)).order_by(Account.id))
    return {account.id: account for account in rows}


def entry_hash(prev_hash: str, community_id: int, seq: int, account_id: int, transfer_id: int, minutes: int,
                balance_after: int, effective_date: dt.date) -> str:
    payload = f"{prev_hash}|{community_id}|{seq}|{account_id}|{transfer_id}|{minutes}|{balance_after}|{effective_date.isoformat()}"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# The balance moves and comes back in one statement; a floor that does not hold moves nothing.
_MOVE = {
    **{kind: Prepared(lambda delta, account_id, need, kind=kind: Account.update(
        posted_minutes=Account.posted_minutes + delta).where(balances.floor(kind, account_id, need))
        .returning(Account.posted_minutes)) for kind in ("household", "love_pool")},
    "issuance": Prepared(lambda delta, account_id: Account.update(posted_minutes=Account.posted_minutes + delta)
                         .where(balances.floor("issuance", account_id, None))
                         .returning(Account.posted_minutes)),
    # The community's network limit bounds its position both ways; no network, no limit row: nothing moves.
    "clearing": Prepared(lambda delta, account_id, community_id: Account.update(
        posted_minutes=Account.posted_minutes + delta).where(
        Account.id == account_id,
        fn.ABS(Account.posted_minutes + delta) <= NetworkMember.select(NetworkMember.limit_minutes).where(
            NetworkMember.community == community_id)).returning(Account.posted_minutes)),
}
_CHAIN_HEAD = Prepared(lambda seq, digest, chain_id: LedgerChain.update(last_seq=seq, last_hash=digest)
                       .where(LedgerChain.id == chain_id))


_ENTRY_COLUMNS = ("community", "seq", "account", "transfer", "minutes", "balance_after", "effective_date", "created_at",
                  "prev_hash", "hash")
_INSERT_ENTRIES = {
    n: Prepared(lambda *values, n=n: balances.inserting_entries(_ENTRY_COLUMNS, values, n))
    for n in (1, 2, 3, 4)  # 4: a movement between two communities
}


# PostgreSQL: the entries and their chain's new head in one statement (a data-modifying WITH runs to
# completion whether or not the UPDATE reads it): one round trip fewer on every posting in one community.
_APPEND_AND_ADVANCE = {
    n: Prepared(lambda *values, n=n: LedgerChain.update(last_seq=values[-3], last_hash=values[-2]).where(
        LedgerChain.id == values[-1]).with_cte(Entry.insert_many([
            dict(zip(_ENTRY_COLUMNS, values[i * len(_ENTRY_COLUMNS):(i + 1) * len(_ENTRY_COLUMNS)], strict=True))
            for i in range(n)]).cte("appended")))
    for n in (1, 2, 3)
}


def _append(rows: list[dict], chains: dict[int, LedgerChain]) -> None:
    """Insert the entries and move the chain heads on."""
    prepared = _APPEND_AND_ADVANCE.get(len(rows)) if is_postgres() and len(chains) == 1 else None
    if prepared is not None:
        (chain,) = chains.values()
        prepared.rowcount(*[row[name] for row in rows for name in _ENTRY_COLUMNS], chain.last_seq, chain.last_hash,
                          chain.id)
        return
    _insert_entries(rows)
    for chain in chains.values():
        _CHAIN_HEAD.rowcount(chain.last_seq, chain.last_hash, chain.id)


def _insert_entries(rows: list[dict]) -> None:
    prepared = _INSERT_ENTRIES.get(len(rows))
    if prepared is None:
        Entry.insert_many(rows).execute()
        return
    prepared.rowcount(*[row[name] for row in rows for name in _ENTRY_COLUMNS])


def _move(account: Account, delta: int) -> int | None:
    """New posted balance, or None when a floor refused (household: available; love pool: posted;
    clearing: the community's network limit either way, none when it is in no network)."""
    if account.kind == "clearing":
        rows = _MOVE["clearing"].rows(delta, account.id, account.community_id)
    elif account.kind == "issuance":
        rows = _MOVE["issuance"].rows(delta, account.id)
    else:
        rows = _MOVE[account.kind].rows(delta, account.id, max(0, -delta))
    return rows[0].posted_minutes if rows else None


def _apply_legs(transfer: Transfer, legs: list[Leg], accounts: dict[int, Account], chains: dict[int, LedgerChain],
                day=None) -> None:
    """Move balances with guarded UPDATEs and append the entries, chained, dated `day`
    (the transfer's date unless given: a hold made last month is spent today).

    A 0-minute leg on a household account is kept as an entry (its passbook line: a credit
    that went entirely to the love pool above the storage cap); on a system account it is dropped.

    A closed month is refused by the database's trigger (invariant 9); it surfaces here
    as MonthClosed.
    """
    _check_legs(transfer, legs, accounts)
    now, day = clock.now(), day or transfer.effective_date
    # Floors only, each account once (every posting but a crossing or a move): all balances in one UPDATE,
    # and on PostgreSQL in one chain that UPDATE goes with the entries (balances.py says how it stays guarded).
    moving = _moving(legs, accounts)
    together = _together(moving)
    folded = together and is_postgres() and len(chains) == 1
    after = None
    if folded:  # locked, so their posted balances are current (a hold being posted has just released its pending)
        after = {account.id: account.posted_minutes + delta for account, delta in moving}
    elif together:
        after = balances.move(moving)
    rows = _entry_rows(transfer, legs, accounts, chains, day, now,
                       lambda account, minutes: after.get(account.id) if after is not None else _move(account, minutes))
    try:
        if not folded:
            _append(rows, chains)
        elif not balances.move_append_advance(moving, after, rows, _ENTRY_COLUMNS, *chains.values()):
            raise _refused(moving, after)  # the caller's transaction rolls back what the statement wrote
    except IntegrityError as exc:
        if "month" in str(exc) and "closed" in str(exc):
            raise MonthClosed(f"{day.year}年{day.month}月的存折已经结账，不能再记入这个月", field="effective_date") from None
        raise


def _check_legs(transfer: Transfer, legs: list[Leg], accounts: dict[int, Account]) -> None:
    per_community = {}
    for leg in legs:
        community_id = leg.community_id or accounts[leg.account_id].community_id
        per_community[community_id] = per_community.get(community_id, 0) + leg.minutes
    if any(per_community.values()):
        raise ValueError(f"each community's legs must sum to zero: {legs}")
    if not set(per_community) <= {transfer.community_id, transfer.counter_community_id}:
        raise ValueError(f"legs outside the transfer's communities: {legs}")


def _moving(legs: list[Leg], accounts: dict[int, Account]) -> list[tuple[Account, int]]:
    return [(accounts[leg.account_id], leg.minutes) for leg in legs if leg.minutes]


def _together(moving: list[tuple[Account, int]]) -> bool:
    """Floors only, each account once: the balances can move in one UPDATE."""
    return bool(moving) and all(account.kind in balances.FLOORED for account, _ in moving) \
        and len({account.id for account, _ in moving}) == len(moving)


def _entry_rows(transfer: Transfer, legs: list[Leg], accounts: dict[int, Account], chains: dict[int, LedgerChain],
                day, now, balance_after_of) -> list[dict]:
    """The entries of `legs`, chained (the chain heads in `chains` moved on as they go), each account's balance
    after its leg from `balance_after_of(account, minutes)` (None: a floor or a limit refused)."""
    rows = []
    for leg in legs:
        account = accounts[leg.account_id]
        if leg.minutes == 0:
            if account.kind != "household":
                continue
            balance_after = account.posted_minutes  # locked (or held) and current: nothing moves
        else:
            balance_after = balance_after_of(account, leg.minutes)
        if balance_after is None and account.kind == "clearing":
            raise _limit_exceeded(account, leg.minutes)
        if balance_after is None:
            raise _insufficient(account, leg.minutes)
        account.posted_minutes = balance_after
        community_id = leg.community_id or account.community_id
        chain = chains[community_id]
        seq = chain.last_seq + 1
        digest = entry_hash(chain.last_hash, community_id, seq, account.id, transfer.id, leg.minutes,
                            balance_after, day)
        rows.append({"community": community_id, "seq": seq, "account": account.id, "transfer": transfer.id,
                     "minutes": leg.minutes, "balance_after": balance_after, "effective_date": day, "created_at": now,
                     "prev_hash": chain.last_hash, "hash": digest})
        chain.last_seq, chain.last_hash = seq, digest
    return rows


def _refused(moving: list[tuple[Account, int]], after: dict[int, int]) -> Exception:
    """Why a folded posting's accounts did not all arrive where their entries say: the first account left
    unmoved by its floor (InsufficientMinutes, as the UPDATE of one account refuses), else an account whose
    balance was not what the caller held (never expected: the accounts are read locked)."""
    for account, delta in moving:
        now = Account.get_by_id(account.id)
        if now.posted_minutes == after[account.id]:
            continue
        if now.kind != "issuance" and _spendable(now) < max(0, -delta):  # the UPDATE's guard (balances.floor)
            return _insufficient(account, delta)
    return IntegrityError(f"accounts did not move to the balances their entries carry: {after}")


def _insufficient(account: Account, delta: int) -> InsufficientMinutes:
    what = "爱心池" if account.kind == "love_pool" else "家庭存折"
    short = -delta - _available_now(account.id)
    return InsufficientMinutes(f"{what}的可用时间不够（还差{short / 60:.1f}小时）")


def _hours(minutes: int) -> str:
    return f"{minutes / 60:g}小时"


def _limit_exceeded(account: Account, minutes: int) -> LimitExceeded:
    """What a movement past a community's limit is refused with: the limit, the position now, what was asked."""
    community = Community.get_by_id(account.community_id)
    limit = (NetworkMember.select(NetworkMember.limit_minutes)
             .where(NetworkMember.community == account.community_id).scalar())
    position = Account.get_by_id(account.id).posted_minutes
    if limit is None:
        return LimitExceeded(f"{community.name}没有加入通存通兑网络，时间不能跨社区流转", field="minutes",
                             community_id=community.id)
    now = (f"目前网络欠本社区{_hours(position)}" if position > 0 else
           f"目前本社区欠网络{_hours(-position)}" if position < 0 else "目前收支持平")
    return LimitExceeded(
        f"超出{community.name}的通兑额度：额度为{_hours(limit)}，{now}，这次要{'转出' if minutes > 0 else '转入'}"
        f"{_hours(abs(minutes))}，请少转一些或等社区之间结算后再办", field="minutes",
        community_id=community.id, limit_minutes=limit, position_minutes=position, asked_minutes=minutes)


def _spendable(account: Account) -> int:
    """What may leave the account under its floor: a household's available minutes, another's posted."""
    return account.posted_minutes - account.pending_minutes if account.kind == "household" else account.posted_minutes


def _available_now(account_id: int) -> int:
    return _spendable(Account.get_by_id(account_id))


def credit_legs(source: Account, target: Account, pool: Account, minutes: int, cap: int) -> tuple[list[Leg], int]:
    """Credit `minutes` to a household up to its storage cap; the rest goes to the love pool."""
    room = max(0, cap - target.posted_minutes)
    kept = min(minutes, room)
    legs = [Leg(source.id, -minutes), Leg(target.id, kept)]
    if minutes - kept:
        legs.append(Leg(pool.id, minutes - kept))
    return legs, minutes - kept


def overflow_note(overflow: int, minutes: int) -> str:
    """The passbook's note on a credit of `minutes` of which `overflow` went to the love pool."""
    if not overflow:
        return ""
    if overflow >= minutes:
        return f"{overflow}分钟全部转入爱心池（家庭存折已达存储上限）"
    return f"其中{overflow}分钟转入爱心池（超出家庭存储上限）"


# --- posting ------------------------------------------------------------------------


def moved_minutes(legs, accounts, community_id: int) -> int:
    """How many minutes a transfer moves: its positive legs on its own community's chain. A movement between
    two communities has a positive leg on each side (the sender's clearing account, the receiver), and counting
    both would double it."""
    return sum(leg.minutes for leg in legs
               if leg.minutes > 0 and (leg.community_id or accounts[leg.account_id].community_id) == community_id)


def post(*, community_id: int, code: str, key: str, body: dict, legs_for, reason: str = "", details=None,
         counter_community_id: int | None = None, actor=None, on_behalf_of=None, record_id=None, reverses=None, account_ids=(), accounts=(), chain=None,
         savepoint: bool = True, locked: bool = False) -> Transfer:
    """Post a transfer: lock the chain and the accounts, let `legs_for(accounts)` size the legs, apply them.

    `legs_for` receives the locked accounts and returns (legs, extra_details) — sizing
    needs locked balances (the storage cap). Idempotent on `key`: the key's UNIQUE index
    finds a replay when the transfer is inserted (and a refusal while sizing looks the key
    up first: the balance may be what the first post spent). Inside the caller's
    transaction if there is one, in a savepoint unless `savepoint=False` (for a caller
    whose transaction ends on any error anyway). `accounts` may pass rows the caller read
    inside its transaction: on SQLite that transaction already holds the write lock, so
    they are current; PostgreSQL locks and re-reads them, unless `locked` says the caller
    read them FOR UPDATE in this transaction (in id order). `chain`, the accounts'
    community's chain head read the same way, likewise (SQLite only: PostgreSQL locks it here). `counter_community_id`: the other
    community of a movement between two (its legs pass through both clearing accounts).
    """
    if code not in CODES:
        raise ValueError(f"unknown transfer code {code!r}")
    digest = body_hash(body)
    # A savepoint when nested: a refused leg must not leave the caller's transaction half-written.
    with database.atomic() if savepoint or not database.in_transaction() else nullcontext():
        held = bool(accounts) and database.in_transaction() and (locked or not is_postgres())
        if held:
            accounts = {account.id: account for account in accounts}
        else:
            accounts = _lock_accounts(account_ids or [a.id for a in accounts])
        communities = {a.community_id for a in accounts.values()}
        # PostgreSQL, one community: the chain head is locked by the transfer's INSERT (`_insert_transfer`).
        taken_with_transfer = is_postgres() and len(communities) == 1 and communities == {community_id}
        if held and chain is not None and not is_postgres() and communities == {chain.community_id}:
            chains = {chain.community_id: chain}
        elif taken_with_transfer:
            chains = {}
        else:
            chains = _lock_chains(communities)
        try:
            legs, extra = legs_for(accounts)
            moved = moved_minutes(legs, accounts, community_id)
            if moved <= 0:
                raise RuleBroken("记账的时间必须大于0", field="minutes", rule="minutes_positive")
        except LoveBankError:
            existing = _replay(key, digest)
            if existing is not None:
                return existing
            raise
        transfer, created = _create_transfer(
            key, body, digest=digest, community=community_id, counter_community=counter_community_id, code=code, state="posted", minutes=moved, reason=reason,
            details={**(details or {}), **(extra or {})}, actor=actor, on_behalf_of=on_behalf_of,
            record_id=record_id, reverses=reverses, effective_date=clock.today(), created_at=clock.now(),
            resolved_at=clock.now(), chains=chains if taken_with_transfer else None,
        )
        if created:
            _apply_legs(transfer, legs, accounts, chains)
    return transfer


# --- a posting written with its caller's own changes (PostgreSQL) ----------------------


class Unplanned(Exception):
    """What `planned_posting` cannot work out for one statement (another community's account, a refusal while
    sizing, a leg past a floor), or what that statement did not do as planned (the key taken meanwhile, an
    account not where it was read, the caller's own guard): the caller's transaction must roll back and
    `post` as usual, which decides (a replay, the refusal, the posting itself)."""


@dataclass(frozen=True)
class Planned:
    """A posting in one community worked out in full from what the caller holds locked (the accounts and the
    chain head, `credit_accounts_and_head`) and not yet written: `planned_ctes` writes it, in the caller's
    statement. `shape` (the moved accounts' kinds, the entries) names that statement's form."""

    transfer: Transfer
    shape: tuple
    params: list


def planned_posting(*, community_id: int, code: str, key: str, body: dict, legs_for, transfer_id: int, accounts,
                    chain: LedgerChain, reason: str = "", details=None, actor=None, record_id=None) -> Planned:
    """`post` of a transfer in one community, worked out but not written: the same transfer, entries, balances
    and chain as `post` would write (its id `transfer_id`, drawn from the sequence while locking), for a caller
    that writes it together with its own changes in one statement (`planned_ctes`). PostgreSQL only; the
    accounts and the chain head must be locked in this transaction. Raises Unplanned where `post` must decide."""
    accounts = {account.id: account for account in accounts}
    if {account.community_id for account in accounts.values()} != {community_id} \
            or chain.community_id != community_id:
        raise Unplanned(f"not all in community {community_id}")
    try:
        legs, extra = legs_for(accounts)
    except LoveBankError as exc:
        raise Unplanned(str(exc)) from None
    moving, moved = _moving(legs, accounts), moved_minutes(legs, accounts, community_id)
    if moved <= 0 or not _together(moving):
        raise Unplanned(f"legs {legs}")
    digest, now = body_hash(body), clock.now()
    values, params = _transfer_values(dict(
        community=community_id, code=code, state="posted", minutes=moved,
        reason=reason, details={**(details or {}), **(extra or {})}, actor=actor, record_id=record_id,
        effective_date=clock.today(), created_at=now, resolved_at=now))
    transfer = instance(Transfer, {"id": transfer_id, "idempotency_key": key, "body_hash": digest, **values})
    _check_legs(transfer, legs, accounts)
    after = {account.id: account.posted_minutes + delta for account, delta in moving}
    rows = _entry_rows(transfer, legs, accounts, {community_id: chain}, transfer.effective_date, now,
                       lambda account, minutes: after[account.id])
    return Planned(transfer, (tuple(account.kind for account, _ in moving), len(rows)),
                   [transfer_id, key, digest, *params,
                    *balances.appending_params(moving, after, rows, _ENTRY_COLUMNS, chain)])


def planned_ctes(shape: tuple, params) -> tuple[list, list]:
    """The WITH queries writing a `Planned` posting of `shape` from its `params` (and what follows them in
    `params`, the caller's): the transfer (`inserted`: no row when its key is taken, and then its entries
    fail their foreign key), the balances, the entries, and the chain head (`advanced`: no row unless every
    account arrived where its entry says)."""
    kinds, entries = shape
    head = 3 + len(_TRANSFER_COLUMNS)
    transfer_id, key, digest, *values = params[:head]
    inserted = _transfer_inserting(key, digest, values, id=transfer_id).returning(Transfer.id).cte("inserted")
    end = head + balances.appending_arity(kinds, entries, _ENTRY_COLUMNS)
    ctes, advance = balances.appending(kinds, entries, _ENTRY_COLUMNS, params[head:end])
    return [inserted, *ctes, advance.returning(LedgerChain.id).cte("advanced")], list(params[end:])


def hold(*, household_id: int, minutes: int, key: str, body: dict, code: str = "payback", reason: str = "",
         details=None, actor=None, on_behalf_of=None) -> Transfer:
    """Reserve minutes on a household (pending): refused when not enough is available."""
    if minutes <= 0:
        raise RuleBroken("预计时长必须大于0", field="minutes", rule="minutes_positive")
    account = household_account(household_id)
    with database.atomic():
        transfer, created = _create_transfer(
            key, body, community=account.community_id, code=code, state="pending", minutes=minutes,
            hold_account=account, reason=reason, details=details or {}, actor=actor, on_behalf_of=on_behalf_of,
            effective_date=clock.today(), created_at=clock.now(),
        )
        if not created:
            return transfer
        guarded = (
            Account.update(pending_minutes=Account.pending_minutes + minutes)
            .where(Account.id == account.id, Account.posted_minutes - Account.pending_minutes >= minutes)
            .execute()
        )
        if guarded != 1:
            have = _available_now(account.id)
            raise InsufficientMinutes(
                f"存折里可用的时间不够：需要{minutes / 60:g}小时，现在可用{have / 60:g}小时", field="estimated_minutes",
                needed_minutes=minutes, available_minutes=have,
            )
    return transfer


# What posting a hold touches, read in one query (PostgreSQL: locked, in id order, as every posting takes
# them): at home the hold's household account and the community's issuance; served by a neighbour the
# household account, its community's clearing, and the serving community's clearing and issuance.
_HOLD_ACCOUNTS_HOME = Prepared(lambda account_id, community_id: _locking(Account.select().where(
    (Account.id == account_id)
    | ((Account.community == community_id) & Account.household.is_null() & (Account.kind == "issuance")))
    .order_by(Account.id)))
_HOLD_ACCOUNTS_ACROSS = Prepared(lambda account_id, out_id, in_id: _locking(Account.select().where(
    (Account.id == account_id)
    | ((Account.community == out_id) & Account.household.is_null() & (Account.kind == "clearing"))
    | ((Account.community == in_id) & Account.household.is_null() & Account.kind.in_(["clearing", "issuance"])))
    .order_by(Account.id)))
_TRANSFER = Prepared(lambda transfer_id: Transfer.select().where(Transfer.id == transfer_id))


def post_hold(transfer_id: int | Transfer, *, minutes: int, details=None, served_in: int | None = None) -> Transfer:
    """Spend at most the held minutes; release the rest. Happens once.

    Spending nothing is a release (voided), never a hold "posted" for 0 minutes. `served_in`: the
    community whose volunteer served (a payback opened to the network, served by a neighbour): the spent
    minutes then cross to it through both clearing accounts — household −n, its clearing +n | the
    serving community's clearing −n, its issuance +n (it issued the volunteer's credit) — both chain heads
    locked in community order, the limits checked; the hold names that community (`counter_community`).
    `transfer_id` may be the hold's row, read in the caller's transaction (its resolution is guarded).
    """
    with database.atomic():
        transfer = transfer_id if isinstance(transfer_id, Transfer) else _TRANSFER.first(transfer_id)
        if transfer is None:
            raise NotFound()
        if minutes < 0 or minutes > transfer.minutes:
            raise RuleBroken(f"实际时长不能超过冻结的{transfer.minutes / 60:g}小时", field="minutes", rule="post_exceeds_hold")
        if minutes == 0:
            return void_hold(transfer.id)
        home = transfer.community_id
        across = served_in is not None and served_in != home
        # accounts first, then the chain heads, as every posting takes them (no deadlock with one)
        if across:
            rows = _HOLD_ACCOUNTS_ACROSS.rows(transfer.hold_account_id, home, served_in)
        else:
            rows = _HOLD_ACCOUNTS_HOME.rows(transfer.hold_account_id, home)
        accounts = {account.id: account for account in rows}
        kinds = {(account.community_id, account.kind): account.id for account in rows}
        chains = _lock_chains([home, served_in] if across else [home])
        fields = {"state": "posted", "posted_minutes": minutes, "details": {**transfer.details, **(details or {})}}
        if not across:
            legs = [Leg(transfer.hold_account_id, -minutes), Leg(kinds[home, "issuance"], minutes)]
        else:
            legs = [Leg(transfer.hold_account_id, -minutes), Leg(kinds[home, "clearing"], minutes),
                    Leg(kinds[served_in, "clearing"], -minutes), Leg(kinds[served_in, "issuance"], minutes)]
            fields["counter_community"] = served_in
        _resolve_hold(transfer, **fields)
        _apply_legs(transfer, legs, accounts, chains, day=clock.today())
    return transfer


def void_hold(transfer_id: int) -> Transfer:
    """Release a hold entirely. Happens once."""
    with database.atomic():
        _resolve_hold(Transfer.get_by_id(transfer_id), state="voided")
    return Transfer.get_by_id(transfer_id)


_RESOLVE = {
    "voided": Prepared(lambda now, transfer_id: Transfer.update(state="voided", resolved_at=now).where(
        Transfer.id == transfer_id, Transfer.state == "pending")),
    "posted": Prepared(lambda now, minutes, details, transfer_id: Transfer.update(
        state="posted", resolved_at=now, posted_minutes=minutes, details=details).where(
        Transfer.id == transfer_id, Transfer.state == "pending")),
    "posted_across": Prepared(lambda now, minutes, details, counter, transfer_id: Transfer.update(
        state="posted", resolved_at=now, posted_minutes=minutes, details=details, counter_community=counter).where(
        Transfer.id == transfer_id, Transfer.state == "pending")),
}
_RELEASE = Prepared(lambda minutes, account_id: Account.update(pending_minutes=Account.pending_minutes - minutes)
                    .where(Account.id == account_id))


def _resolve_hold(transfer: Transfer, *, state: str, posted_minutes: int = 0, details=None,
                  counter_community: int | None = None) -> None:
    """A pending hold leaves `pending` once (a guarded UPDATE) and stops counting as held; call in a transaction.
    The instance takes the new values."""
    now = clock.now()
    if state == "voided":
        resolved = _RESOLVE["voided"].rowcount(now, transfer.id)
    elif counter_community is None:
        resolved = _RESOLVE["posted"].rowcount(now, posted_minutes, Transfer.details.db_value(details), transfer.id)
    else:
        resolved = _RESOLVE["posted_across"].rowcount(now, posted_minutes, Transfer.details.db_value(details),
                                                      counter_community, transfer.id)
    if resolved != 1:
        raise AlreadyResolved("这笔冻结已经结算或取消过了")
    _RELEASE.rowcount(transfer.minutes, transfer.hold_account_id)
    transfer.state, transfer.resolved_at = state, now
    if state == "posted":
        transfer.posted_minutes, transfer.details = posted_minutes, details
        if counter_community is not None:
            transfer.counter_community_id = counter_community


def reverse(transfer_id: int, *, key: str, reason: str, actor=None) -> Transfer:
    """A correcting transfer: every leg of the original negated; the original stays as it was."""
    if not reason.strip():
        raise RuleBroken("冲正必须写明原因", field="reason", rule="reason_required")
    original = Transfer.get_or_none(Transfer.id == transfer_id)
    if original is None:
        raise NotFound()
    if original.state != "posted" or original.code == "reversal":
        raise RuleBroken("只能冲正已入账的记账（冲正本身不能再冲正）", field="transfer_id", rule="not_reversible")
    if original.code == "move":
        raise RuleBroken("迁移不能冲正：要回原社区，请再办一次迁移", field="transfer_id", rule="not_reversible")
    entries = list(Entry.select(Entry, Account.community.alias("now_in")).join(Account)
                   .where(Entry.transfer == original.id).objects())
    if any(e.community_id != e.now_in for e in entries):
        # A household that moved since (迁移): its account is in another community now, and the
        # negated legs would lie outside the transfer's communities (invariant 10).
        raise RuleBroken("这户已经迁到其他社区，迁移前的记账不能冲正，请由现在的社区用调整更正", field="transfer_id",
                         rule="not_reversible")
    legs = [Leg(e.account_id, -e.minutes) for e in entries]
    if not legs:
        raise RuleBroken("这笔记账没有实际入账的时间，无需冲正", field="transfer_id", rule="not_reversible")
    body = {"reverses": original.id, "reason": reason}
    with database.atomic():
        replayed = _replay(key, body_hash(body))
        if replayed is not None:
            return replayed
        if Transfer.select().where(Transfer.reverses == original.id).exists():
            raise AlreadyResolved("这笔记账已经冲正过了")
        try:
            return post(
                community_id=original.community_id, counter_community_id=original.counter_community_id,
                code="reversal", key=key, body=body, reason=reason,
                details={**original.details, "reverses_code": original.code, "reverses_id": original.id},
                actor=actor, record_id=original.record_id, reverses=original.id,
                account_ids=[leg.account_id for leg in legs], legs_for=lambda accounts: (legs, None),
            )
        except IntegrityError:
            # UNIQUE(reverses): someone else reversed it a moment ago.
            raise AlreadyResolved("这笔记账已经冲正过了") from None


def member_year_added(member_id, year, minutes, again):
    """The upsert of a volunteer's yearly credited minutes (`again` is `minutes` once more: the increment)."""
    return (MemberYear.insert(member=member_id, year=year, minutes=minutes)
            .on_conflict(conflict_target=[MemberYear.member, MemberYear.year],
                         update={MemberYear.minutes: MemberYear.minutes + again}))


_ADD_MEMBER_YEAR = Prepared(member_year_added)


def add_member_year(member_id: int, year: int, minutes: int) -> None:
    """Upsert a volunteer's yearly credited minutes (atomic increment, both backends)."""
    _ADD_MEMBER_YEAR.rowcount(member_id, year, minutes, minutes)


_CROSSING_LOCKS: dict[tuple[int, int, int], Prepared] = {}


def lock_crossing(community_ids, account_ids, household_ids=()) -> None:
    """Inside the caller's transaction, before postings that cross between communities: lock the given
    accounts, the given households' accounts and the communities' clearing accounts (one statement), then
    their chain heads, each in id order — the order every posting takes them in, so two crossings (or a
    crossing and a gift) cannot deadlock. SQLite: nothing to do, the IMMEDIATE transaction holds the write
    lock."""
    if not is_postgres():
        return
    communities, accounts, households = sorted(set(community_ids)), list(account_ids), list(household_ids)
    arity = (len(accounts), len(households), len(communities))
    prepared = _CROSSING_LOCKS.get(arity)
    if prepared is None:
        def build(*params):
            a, h = params[:arity[0]], params[arity[0]:arity[0] + arity[1]]
            c = params[arity[0] + arity[1]:]
            return Account.select(Account.id).where(
                Account.id.in_(list(a)) | Account.household.in_(list(h))
                | (Account.household.is_null() & (Account.kind == "clearing") & Account.community.in_(list(c)))
            ).order_by(Account.id).for_update()
        prepared = _CROSSING_LOCKS[arity] = Prepared(build)
    prepared.tuples(*accounts, *households, *communities)
    _lock_chains(communities)


def hold_communities(community_ids) -> None:
    """Like `hold_community`, for several communities (their heads locked in community order)."""
    _lock_chains(community_ids)


def lock_for_postings(community_ids, household_ids) -> None:
    """Inside the caller's transaction, before it posts several transfers (an import of opening balances or of
    paper records, a household's move): lock every account they can post to — the households' own and the
    communities' issuance, love pool and clearing accounts, and those of any other community a household is
    in — in id order, then those communities' chain heads, in community order.

    That is the order every single posting takes its locks in. Posting one after another instead, the
    transaction would hold the chain head from its first posting while it waited for a later household's
    account, which a gift of that household, holding its account and waiting for the chain head, could hold:
    a deadlock (docs/ledger.md). SQLite: nothing to do, the IMMEDIATE transaction holds the write lock."""
    if not is_postgres():
        return
    households = sorted({household_id for household_id in household_ids if household_id is not None})
    communities = set(community_ids)
    if households:
        communities.update(community for (community,) in Account.select(Account.community).where(
            Account.household.in_(households)).distinct().tuples())
    list(Account.select(Account.id).where(
        Account.household.in_(households)
        | (Account.household.is_null() & Account.community.in_(sorted(communities)))
    ).order_by(Account.id).for_update().tuples())
    _lock_chains(communities)
