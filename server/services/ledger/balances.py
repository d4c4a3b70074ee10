"""A posting's guarded balance moves in one statement (and on PostgreSQL with its entries and chain head).

`core._apply_legs` moved each account with its own guarded UPDATE: a credit paid two or three round trips
for them, then one for its entries and chain head. When no leg is on a clearing account (whose guard is its
community's network limit) and no account has two legs, the floors are one UPDATE here:

    UPDATE account SET posted_minutes = posted_minutes + CASE WHEN id = a THEN da WHEN id = b THEN db END
     WHERE (id = a AND <a's floor>) OR (id = b AND <b's floor>) RETURNING id, posted_minutes

(household: available ≥ what leaves; love pool: posted ≥ what leaves; issuance: none), so a floor that does
not hold leaves its account out of the answer and the caller refuses, as before. On PostgreSQL a posting in
one community sends that UPDATE as a data-modifying WITH of the statement that appends the entries and moves
the chain head on, and the chain head moves only if every account moved to exactly the balance the entries
carry (the caller computed them from the accounts it holds locked): one round trip for the whole posting.
"""

import operator
from functools import reduce

from peewee import SQL, Case, Select, fn

from server.db import Prepared
from server.models import Account, Entry, LedgerChain

# The kinds whose guard is a floor on the account itself (a clearing account's is its network's limit).
FLOORED = frozenset({"household", "love_pool", "issuance"})


def floor(kind: str, account_id, need):
    """The account `account_id` of `kind`, where its floor lets `need` minutes leave (the guard of every balance
    move but a clearing account's)."""
    if kind == "household":
        return (Account.id == account_id) & (Account.posted_minutes - Account.pending_minutes >= need)
    if kind == "love_pool":
        return (Account.id == account_id) & (Account.posted_minutes >= need)
    return Account.id == account_id  # issuance: minus what circulates, no floor


def _arity(kind: str) -> int:
    """Parameters per moved account: id, delta and, under a floor, what leaves."""
    return 2 if kind == "issuance" else 3


def _moves(kinds: tuple[str, ...], params):
    """The guarded UPDATE of accounts of `kinds`; params per account: id, delta[, need]."""
    whens, guards, at = [], [], 0
    for kind in kinds:
        account_id, delta = params[at], params[at + 1]
        need = params[at + 2] if _arity(kind) == 3 else None
        at += _arity(kind)
        whens.append((Account.id == account_id, delta))
        guards.append(floor(kind, account_id, need))
    return (Account.update(posted_minutes=Account.posted_minutes + Case(None, whens))
            .where(reduce(operator.or_, guards)).returning(Account.id, Account.posted_minutes))


_MOVES: dict[tuple[str, ...], Prepared] = {}


def _params(moves) -> list:
    params = []
    for account, delta in moves:
        params += [account.id, delta] if account.kind == "issuance" else [account.id, delta, max(0, -delta)]
    return params


def move(moves: list[tuple[Account, int]]) -> dict[int, int]:
    """Move each account by its delta in one guarded UPDATE: {account id: new posted balance} for those whose
    floor held (an account missing from the answer moved nothing, and the caller must refuse)."""
    kinds = tuple(account.kind for account, _ in moves)
    prepared = _MOVES.get(kinds)
    if prepared is None:
        prepared = _MOVES[kinds] = Prepared(lambda *params: _moves(kinds, params))
    return dict(prepared.tuples(*_params(moves)))


def inserting_entries(columns: tuple[str, ...], values, count: int):
    """The INSERT of `count` entries whose `columns` are given row after row, flat, in `values`."""
    width = len(columns)
    return Entry.insert_many([dict(zip(columns, values[i * width:(i + 1) * width], strict=True))
                              for i in range(count)])


_ALL: dict[tuple, Prepared] = {}


def appending(kinds: tuple[str, ...], entries: int, columns: tuple[str, ...], params):
    """The moves, the entries and the chain head's UPDATE of one posting in one chain, as `move_append_advance`
    sends them: (the WITH's two queries, the head's UPDATE, which moves only if every account arrived where its
    entries say). Its parameters, in order: each account's (id, delta[, need]), each one's (id, balance after),
    the entries' values row after row, then the head's new seq, its hash and its id."""
    moved_params = sum(_arity(kind) for kind in kinds)
    moved = _moves(kinds, params[:moved_params]).cte("moved", columns=("id", "posted_minutes"))
    rest = params[moved_params:]
    expected = rest[:2 * len(kinds)]  # (id, balance after) per moved account
    values = rest[2 * len(kinds):]
    appended = inserting_entries(columns, values, entries).cte("appended")
    arrived = reduce(operator.or_, [(moved.c.id == expected[2 * i]) & (moved.c.posted_minutes == expected[2 * i + 1])
                                    for i in range(len(kinds))])
    every_one = Select([moved], [fn.COUNT(SQL("*"))]).where(arrived)  # the WITH's, not a second one
    head = LedgerChain.update(last_seq=values[-3], last_hash=values[-2]).where(
        (LedgerChain.id == values[-1]) & (every_one == len(kinds)))
    return (moved, appended), head


def appending_arity(kinds: tuple[str, ...], entries: int, columns: tuple[str, ...]) -> int:
    """How many of `appending`'s parameters a posting of `kinds` and `entries` takes."""
    return sum(_arity(kind) for kind in kinds) + 2 * len(kinds) + entries * len(columns) + 3


def appending_params(moves: list[tuple[Account, int]], balances: dict[int, int], rows: list[dict],
                     columns: tuple[str, ...], chain: LedgerChain) -> list:
    """`appending`'s parameters for these moves, their balances after, the entries and the head as it ends."""
    expected = [value for account, _ in moves for value in (account.id, balances[account.id])]
    entries = [row[name] for row in rows for name in columns]
    return [*_params(moves), *expected, *entries, chain.last_seq, chain.last_hash, chain.id]


def _move_append_advance(kinds: tuple[str, ...], entries: int, columns: tuple[str, ...], params):
    ctes, head = appending(kinds, entries, columns, params)
    return head.with_cte(*ctes)


def move_append_advance(moves: list[tuple[Account, int]], balances: dict[int, int], rows: list[dict],
                        columns: tuple[str, ...], chain: LedgerChain) -> bool:
    """PostgreSQL, one chain: the guarded moves, the entries and the chain head in one statement. False when
    an account did not arrive at `balances[id]` (a floor refused, or the caller's balances were not current):
    the entries were written too, so the caller must raise and let its transaction roll back."""
    kinds = tuple(account.kind for account, _ in moves)
    key = (kinds, len(rows))
    prepared = _ALL.get(key)
    if prepared is None:
        prepared = _ALL[key] = Prepared(
            lambda *params: _move_append_advance(kinds, len(rows), columns, params))
    return prepared.rowcount(*appending_params(moves, balances, rows, columns, chain)) == 1
